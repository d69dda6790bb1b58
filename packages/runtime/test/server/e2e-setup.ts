/**
 * Real components for the end-to-end server tests: the inspect guest (test/server/guests) and
 * the repository's examples, built by @momento-functions/build (cached by content hash).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../../..');
export const inspectEntry = join(here, 'guests', 'inspect', 'index.ts');
export const exampleEntry = (name: string) => join(repoRoot, 'examples', name, 'index.ts');

/** The packages a TypeScript guest imports must be built (npm run build) before these tests. */
export function assertGuestPackagesBuilt(): void {
  const missing = ['bytes', 'guest-web', 'guest-spawn', 'build'].filter(
    (p) => !existsSync(join(repoRoot, 'packages', p, 'dist', 'index.js')),
  );
  if (missing.length > 0) {
    throw new Error(`Build ${missing.map((p) => `@momento-functions/${p}`).join(', ')} first: npm run build`);
  }
}
