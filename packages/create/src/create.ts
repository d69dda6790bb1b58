import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FunctionKind, scaffoldFiles } from './scaffold.js';

/**
 * A project that cannot be created as asked; the message says what to change.
 *
 * @example
 * ```ts
 * try { await createProject({ directory: 'not-empty' }); } catch (e) { if (e instanceof CreateError) console.error(e.message); }
 * ```
 */
export class CreateError extends Error {
  /** The exit code a command line should end with (2: the arguments were wrong). */
  readonly exitCode: number;

  /** @internal */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CreateError';
    this.exitCode = exitCode;
  }
}

/**
 * Options of {@link createProject}.
 *
 * @example
 * ```ts
 * const options: CreateOptions = { directory: 'hello', kind: 'spawn' };
 * ```
 */
export interface CreateOptions {
  /** The project's folder (created when missing). */
  readonly directory: string;
  /** The function's name. Default: the folder's name, lower-cased, other characters as `-`. */
  readonly name?: string;
  /** Web (default) or spawn function. */
  readonly kind?: FunctionKind;
  /** Write into a folder that is not empty (existing files of the same names are replaced). */
  readonly force?: boolean;
  /** The `@momento-functions/*` version to depend on. Default: this package's own version. */
  readonly version?: string;
  /** Resolve `directory` against this folder. Default: `process.cwd()`. */
  readonly cwd?: string;
}

/**
 * A project {@link createProject} wrote.
 *
 * @example
 * ```ts
 * const { dir, name, files } = await createProject({ directory: 'hello' });
 * ```
 */
export interface CreatedProject {
  /** Its absolute folder. */
  readonly dir: string;
  /** The function's name (also the npm project's name and the `dist/<name>.wasm` the build writes). */
  readonly name: string;
  /** Web or spawn function. */
  readonly kind: FunctionKind;
  /** The files written, relative to `dir`. */
  readonly files: readonly string[];
}

/**
 * The version of the `@momento-functions/*` packages this one was released with (they are
 * released together).
 *
 * @example
 * ```ts
 * toolkitVersion(); // '0.1.0'
 * ```
 */
export function toolkitVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@momento-functions/create' && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@momento-functions/create: its package.json was not found');
    dir = parent;
  }
}

/**
 * A usable function name from a folder name or `--name`: lower case, characters other than
 * `a-z 0-9 _ . -` replaced by `-`, starting with a letter or digit.
 *
 * @example
 * ```ts
 * functionNameFrom('My Function'); // 'my-function'
 * ```
 */
export function functionNameFrom(raw: string): string {
  const name = raw.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
  if (!/^[a-z0-9]/.test(name)) {
    throw new CreateError(
      `"${name}" is not a usable function name: start with a letter or digit (or pass --name).`,
      2,
    );
  }
  return name;
}

/**
 * Writes a new Momento Function project: a TypeScript function, a vitest test that builds it and
 * runs it in the reference host (it passes out of the box), and the scripts to build, test and
 * serve it.
 *
 * @example
 * ```ts
 * import { createProject } from '@momento-functions/create';
 * const project = await createProject({ directory: 'hello', kind: 'web' });
 * console.log(`cd ${project.dir} && npm install && npm test`);
 * ```
 */
export async function createProject(options: CreateOptions): Promise<CreatedProject> {
  const kind = options.kind ?? 'web';
  if (kind !== 'web' && kind !== 'spawn')
    throw new CreateError(`the kind must be web or spawn, not ${kind}.`, 2);
  const dir = resolve(options.cwd ?? process.cwd(), options.directory);
  const name = functionNameFrom(options.name ?? basename(dir));
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.force) {
    throw new CreateError(`${dir} is not empty: pick a new folder, or pass --force to write into it.`);
  }
  const files = scaffoldFiles({ name, kind, version: options.version ?? toolkitVersion() });
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  }
  return { dir, name, kind, files: Object.keys(files) };
}
