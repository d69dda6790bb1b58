// docs/patterns.md shows the pattern examples' code between include markers:
//
//   <!-- include examples/read-through/index.ts -->
//   ```ts
//   …the file, exactly…
//   ```
//   <!-- end include -->
//
// This test fails when a block differs from its file, so the guide cannot drift from the code the
// tests run. To update a block, paste the file between its fences again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const doc = readFileSync(join(ROOT, 'docs/patterns.md'), 'utf8');
const blocks = [
  ...doc.matchAll(/<!-- include (\S+) -->\n```[a-z]*\n([\s\S]*?)```\n<!-- end include -->/g),
].map(([, path, code]) => ({ path: path ?? '', code: code ?? '' }));

it('includes every pattern example and its Rust build', () => {
  const patterns = [
    'read-through',
    'single-flight',
    'memoize-upstream',
    'pass-through-proxy',
    'typed-embeddings',
  ];
  expect(blocks.map((b) => b.path)).toEqual(
    patterns.flatMap((p) => [`examples/${p}/index.ts`, `tests/fixtures/rust-official/${p}/src/lib.rs`]),
  );
  // Every marker opened is a block matched (no marker with a malformed block around it).
  expect(doc.match(/<!-- include /g)).toHaveLength(blocks.length);
  expect(doc.match(/<!-- end include -->/g)).toHaveLength(blocks.length);
});

it.each(blocks.map((b) => [b.path, b.code]))('the block of %s is the file, exactly', (path, code) => {
  expect(code).toBe(readFileSync(join(ROOT, path), 'utf8'));
});
