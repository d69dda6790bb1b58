#!/usr/bin/env node
// A package's `prepack` (and `postpack --clean`): copies into the package what it ships but the
// repository keeps once, at the root — the LICENSE, and the guides from docs/ that its README
// and sources point to (`docs/<file>.md`, plus the guides those link to), so every link in a
// published package resolves inside it. The copies are git-ignored; postpack removes them.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = process.cwd();
const docsDir = join(root, 'docs');

// In the repository a README links the guides where they are (`../../docs/cache.md`: right on
// the forge and in the API docs site); in the package they sit beside it (`docs/cache.md`).
const readme = join(pkgDir, 'README.md');
const savedReadme = join(pkgDir, '.README.md.repository');

if (process.argv.includes('--clean')) {
  rmSync(join(pkgDir, 'LICENSE'), { force: true });
  rmSync(join(pkgDir, 'docs'), { recursive: true, force: true });
  if (existsSync(savedReadme)) renameSync(savedReadme, readme);
  process.exit(0);
}

const DOC_LINK = /docs\/([a-z0-9-]+\.md)/g;
const SIBLING_LINK = /\]\(([a-z0-9-]+\.md)(?:#[^)]*)?\)/g;

function sourcesOf(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesOf(path) : /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

const wanted = new Set();
for (const file of [
  join(pkgDir, 'README.md'),
  ...sourcesOf(join(pkgDir, 'src')),
  ...sourcesOf(join(pkgDir, 'lib')),
]) {
  if (!existsSync(file)) continue;
  for (const [, doc] of readFileSync(file, 'utf8').matchAll(DOC_LINK)) wanted.add(doc);
}
// Guides link to each other: ship those too, so no link in a shipped guide is dead.
const queue = [...wanted];
while (queue.length > 0) {
  const doc = queue.pop();
  const path = join(docsDir, doc);
  if (!existsSync(path)) {
    console.error(`${pkgDir}: refers to docs/${doc}, which does not exist in the repository`);
    process.exit(1);
  }
  for (const [, linked] of readFileSync(path, 'utf8').matchAll(SIBLING_LINK)) {
    if (!wanted.has(linked) && existsSync(join(docsDir, linked))) {
      wanted.add(linked);
      queue.push(linked);
    }
  }
}

copyFileSync(join(root, 'LICENSE'), join(pkgDir, 'LICENSE'));
if (existsSync(readme) && !existsSync(savedReadme)) {
  const text = readFileSync(readme, 'utf8');
  if (text.includes('../../docs/')) {
    copyFileSync(readme, savedReadme);
    writeFileSync(readme, text.replaceAll('../../docs/', 'docs/'));
  }
}
if (wanted.size > 0) {
  mkdirSync(join(pkgDir, 'docs'), { recursive: true });
  for (const doc of [...wanted].sort()) copyFileSync(join(docsDir, doc), join(pkgDir, 'docs', doc));
}
console.error(
  `packed with LICENSE${wanted.size > 0 ? ` and docs/${[...wanted].sort().join(', docs/')}` : ''}`,
);
