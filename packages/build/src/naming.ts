import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';

/** Entry file stems that name nothing: the function is named after the folder (or project) instead. */
const ANONYMOUS_STEMS = new Set(['index', 'main']);

function cleanName(raw: string): string {
  const cleaned = raw.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9_.-]/g, '-');
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : 'function';
}

/** The project an entry in `<project>/src/` belongs to, or undefined for any other layout. */
function projectOfSrcEntry(entry: string): string | undefined {
  const dir = dirname(entry);
  return basename(dir) === 'src' ? dirname(dir) : undefined;
}

function packageName(projectDir: string): string | undefined {
  const file = join(projectDir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The function name an entry file gets when none is given: the file's name (`greeter.ts` →
 * `greeter`); for `index.ts`/`main.ts`, its folder's name; and for `<project>/src/index.ts`, the
 * project's `package.json` name without its scope (or the project folder's name).
 *
 * @example
 * ```ts
 * defaultFunctionName('hello/src/index.ts'); // 'hello' (or hello/package.json's name)
 * defaultFunctionName('examples/echo/index.ts'); // 'echo'
 * defaultFunctionName('fns/greeter.ts'); // 'greeter'
 * ```
 */
export function defaultFunctionName(entry: string): string {
  const file = resolve(entry);
  const stem = basename(file, extname(file));
  if (!ANONYMOUS_STEMS.has(stem)) return cleanName(stem);
  const project = projectOfSrcEntry(file);
  if (project === undefined) return cleanName(basename(dirname(file)));
  return cleanName(packageName(project) ?? basename(project));
}

/**
 * Where `build` writes an entry's component when no output is given: `dist/<name>.wasm` at the
 * project's root for an entry in `<project>/src/`, else `dist/<name>.wasm` beside the entry
 * (`<name>` from {@link defaultFunctionName}).
 *
 * @example
 * ```ts
 * defaultOutFile('/work/hello/src/index.ts'); // '/work/hello/dist/hello.wasm'
 * defaultOutFile('/work/examples/echo/index.ts'); // '/work/examples/echo/dist/echo.wasm'
 * ```
 */
export function defaultOutFile(entry: string): string {
  const file = resolve(entry);
  const base = projectOfSrcEntry(file) ?? dirname(file);
  return join(base, 'dist', `${defaultFunctionName(file)}.wasm`);
}
