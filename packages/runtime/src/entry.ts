/**
 * What `host.load` does with a path that is not a component: builds a TypeScript/JavaScript
 * entry with `@momento-functions/build` (imported on first use, so loading `.wasm` files never
 * loads the componentizer), and the default function name of a path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
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

/** Letters, digits, `-`, `_` and `.`: every other character becomes `-`. */
function cleanName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'function' : cleaned;
}

/** The `name` of the nearest package.json at or above `dir`, without its `@scope/`. */
function packageName(dir: string): string | undefined {
  for (let at = dir; ; ) {
    const file = join(at, 'package.json');
    if (existsSync(file)) {
      try {
        const name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
        if (typeof name === 'string' && name !== '') return name.replace(/^@[^/]+\//, '');
      } catch {
        // An unreadable package.json names nothing; keep looking above it.
      }
    }
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/**
 * The name a function loaded from `path` gets when `host.load` is given none: the file's name
 * without its extension; for an `index.*` file, the nearest package.json's name (without its
 * scope), else its folder's name (the folder above `src/`). Characters other than letters,
 * digits, `-`, `_` and `.` become `-`.
 *
 * @example
 * ```ts
 * defaultFunctionName('fns/greeter.ts');    // 'greeter'
 * defaultFunctionName('dist/greeter.wasm'); // 'greeter'
 * defaultFunctionName('my-fn/src/index.ts'); // 'my-fn' (package.json "@acme/my-fn")
 * ```
 */
export function defaultFunctionName(path: string): string {
  const full = resolve(path);
  const stem = basename(full, extname(full));
  if (stem !== 'index') return cleanName(stem);
  const fromPackage = packageName(dirname(full));
  if (fromPackage) return cleanName(fromPackage);
  const folder = dirname(full);
  return cleanName(basename(folder) === 'src' ? basename(dirname(folder)) : basename(folder));
}

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
