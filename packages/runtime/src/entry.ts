/**
 * What `host.load` does with a path that is not a component: builds a TypeScript/JavaScript
 * entry with `@momento-functions/build` (imported on first use, so loading `.wasm` files never
 * loads the componentizer), and the default function name of a path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { defaultFunctionName as nameOfEntry } from '@momento-functions/build/naming';
import type { LoadBuildOptions } from './types.js';

/**
 * The extensions `host.load` builds instead of reading as a component.
 *
 * @example
 * ```ts
 * SOURCE_EXTENSIONS.includes('.ts'); // true
 * ```
 */
export const SOURCE_EXTENSIONS: readonly string[] = [
  '.ts',
  '.mts',
  '.cts',
  '.tsx',
  '.js',
  '.mjs',
  '.cjs',
  '.jsx',
];

/**
 * Whether a path is a TypeScript/JavaScript entry (built before loading) rather than a component.
 *
 * @example
 * ```ts
 * isSourceEntry('src/index.ts'); // true
 * isSourceEntry('dist/fn.wasm'); // false
 * ```
 */
export function isSourceEntry(path: string): boolean {
  return SOURCE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * The name a function loaded from `path` gets when `host.load` is given none — the same rule
 * `momento-functions build` names its output by: the file's name without its extension; for an
 * `index`/`main` file, its folder's name; for `<project>/src/index.ts`, the project's package.json
 * name without its scope (or the project folder's name).
 *
 * @example
 * ```ts
 * defaultFunctionName('fns/greeter.ts');    // 'greeter'
 * defaultFunctionName('dist/greeter.wasm'); // 'greeter'
 * defaultFunctionName('my-fn/src/index.ts'); // 'my-fn' (package.json "@acme/my-fn")
 * ```
 */
export const defaultFunctionName: (path: string) => string = nameOfEntry;

/**
 * Builds an entry with `build()` from `@momento-functions/build` and answers the component's
 * bytes. The component is written to a file of its own under `<cacheDir>/loads/` (so concurrent
 * loads of one entry never read a half-written file) and removed once read; the build's own
 * cache (content hash) makes an unchanged entry cost only the bundling. Build failures throw
 * what `build()` threw (`BuildError`, whose message has file:line:col for source errors).
 *
 * @example
 * ```ts
 * const bytes = await buildEntryBytes('src/index.ts', defaultCacheDir(), { kind: 'web' });
 * ```
 */
export async function buildEntryBytes(
  entry: string,
  cacheDir: string,
  options: LoadBuildOptions = {},
): Promise<Uint8Array> {
  const { build } = await import('@momento-functions/build');
  const full = resolve(entry);
  const dir = join(cacheDir, 'loads');
  await mkdir(dir, { recursive: true });
  const stem = createHash('sha256').update(full).digest('hex').slice(0, 16);
  const outFile = join(dir, `${stem}-${process.pid}-${randomBytes(4).toString('hex')}.wasm`);
  try {
    const result = await build({ progress: false, ...options, entry: full, outFile });
    return new Uint8Array(await readFile(result.wasmPath));
  } finally {
    await rm(outFile, { force: true });
    await rm(`${outFile}.map`, { force: true });
  }
}
