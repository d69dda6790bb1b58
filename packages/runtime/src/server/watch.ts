/**
 * `serve --watch`: which files belong to which function, watched with chokidar (which survives
 * editors' atomic saves: write a temporary file, rename it over the original), and a debounce so
 * a burst of saves gives one reload.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

/** One function to watch: its name and entry (a `.wasm` component, or a source entry). */
export interface WatchTarget {
  readonly name: string;
  /** A `.wasm` is watched as that file; a source entry by its folder's tree (and {@link FunctionWatcher.addFiles}). */
  readonly entry: string;
}

/** Options of {@link watchFunctionFiles}. */
export interface FunctionWatcherOptions {
  /** Called once per burst of changes, with the names of the functions whose files changed. */
  onChange(names: string[]): void;
  /** Quiet time after the last change before `onChange` (default 150 ms). */
  debounceMs?: number;
  /** A watcher error (a folder that cannot be read...). */
  onError?(error: Error): void;
}

/** A running watcher (see {@link watchFunctionFiles}). */
export interface FunctionWatcher {
  /** Settles once the initial scan is done: changes from then on are reported. */
  readonly ready: Promise<void>;
  /** Also watch these files (e.g. local modules imported from outside the entry's folder) for `name`. */
  addFiles(name: string, files: readonly string[]): void;
  close(): Promise<void>;
}

const IGNORED_FOLDERS = new Set(['node_modules', 'dist']);

/** Whether a path under a watched source folder is build output or tooling rather than source. */
function ignoredUnder(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  return (
    rel.split(sep).some((part) => IGNORED_FOLDERS.has(part) || part.startsWith('.')) ||
    /\.(wasm|map)$/.test(rel)
  );
}

const within = (root: string, path: string) => path === root || path.startsWith(root + sep);

/**
 * Watches the functions' files and calls `onChange` once per burst of changes: a component is
 * watched as its file (through its folder, so a file replaced by rename or deleted and created
 * again is still seen), a source entry as its folder's tree without `node_modules`, `dist`,
 * dot-folders and `.wasm`/`.map` files.
 *
 * @example
 * ```ts
 * const watcher = watchFunctionFiles([{ name: 'hello', entry: 'src/index.ts' }], {
 *   onChange: (names) => void server.reload(names),
 * });
 * await watcher.ready;
 * ```
 */
export function watchFunctionFiles(
  targets: readonly WatchTarget[],
  options: FunctionWatcherOptions,
): FunctionWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const trees = new Map<string, Set<string>>(); // source folder -> function names
  const files = new Map<string, Set<string>>(); // single file -> function names
  const fileDirs = new Set<string>();
  const own = (map: Map<string, Set<string>>, key: string, name: string) => {
    const names = map.get(key) ?? new Set<string>();
    names.add(name);
    map.set(key, names);
  };
  for (const target of targets) {
    const entry = resolve(target.entry);
    if (/\.wasm$/i.test(entry)) own(files, entry, target.name);
    else own(trees, dirname(entry), target.name);
  }
  for (const file of files.keys()) fileDirs.add(dirname(file));

  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = (path: string) => {
    const absolute = resolve(path);
    const names = new Set(files.get(absolute));
    for (const [root, owners] of trees) {
      if (within(root, absolute) && !ignoredUnder(root, absolute)) for (const n of owners) names.add(n);
    }
    if (names.size === 0 || closed) return;
    for (const n of names) pending.add(n);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = [...pending];
      pending = new Set();
      if (!closed) options.onChange(batch);
    }, debounceMs);
  };

  const watchers: FSWatcher[] = [];
  const readies: Promise<void>[] = [];
  const start = (paths: string[], depth: number | undefined, ignored: (path: string) => boolean) => {
    const watcher = watch(paths, {
      ignoreInitial: true,
      ...(depth !== undefined ? { depth } : {}),
      ignored,
    });
    for (const event of ['add', 'change', 'unlink'] as const) watcher.on(event, changed);
    watcher.on('error', (error) => options.onError?.(error as Error));
    readies.push(new Promise((done) => watcher.once('ready', () => done())));
    watchers.push(watcher);
    return watcher;
  };
  // Source folders: their whole tree, minus what a build or an editor writes there.
  if (trees.size > 0) {
    const roots = [...trees.keys()];
    start(roots, undefined, (path) =>
      roots.some((root) => within(root, path) && ignoredUnder(root, path) && !files.has(path)),
    );
  }
  // Single files: their folder, one level, nothing but the files themselves.
  const startSingle = (dirs: string[]) => start(dirs, 0, (path) => !fileDirs.has(path) && !files.has(path));
  let single = fileDirs.size > 0 ? startSingle([...fileDirs]) : undefined;
  const ready = Promise.all(readies).then(() => undefined);

  return {
    ready,
    addFiles(name, list) {
      const added: string[] = [];
      for (const file of list) {
        const absolute = resolve(file);
        if ([...trees.keys()].some((root) => within(root, absolute))) continue; // already watched
        if (!files.has(absolute)) added.push(dirname(absolute));
        own(files, absolute, name);
        fileDirs.add(dirname(absolute));
      }
      if (added.length === 0 || closed) return;
      if (single) single.add([...new Set(added)]);
      else single = startSingle([...new Set(added)]);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}

/**
 * The function's own source files a build's source map lists (resolved against the map's folder),
 * without those in `node_modules`: the local modules its entry imports.
 *
 * @example
 * ```ts
 * localSources('dist/hello.wasm.map'); // ['/p/src/index.ts', '/p/shared/greet.ts']
 * ```
 */
export function localSources(sourceMapPath: string): string[] {
  try {
    const map = JSON.parse(readFileSync(sourceMapPath, 'utf8')) as {
      sources?: (string | null)[];
      sourceRoot?: string;
    };
    const base = join(dirname(resolve(sourceMapPath)), map.sourceRoot ?? '');
    return (map.sources ?? [])
      .filter((s): s is string => typeof s === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(s))
      .map((s) => resolve(base, s))
      .filter((s) => !s.split(sep).includes('node_modules'));
  } catch {
    return [];
  }
}
