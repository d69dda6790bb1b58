import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, detectKind, scanUsage } from './bundle.js';
import {
  type BuildProgress,
  explainComponentizeFailure,
  isDeterministicFailure,
  runComponentize,
} from './componentize.js';
import { describeGap, type EngineGap, scanEngineGaps } from './engine.js';
import { BUNDLE_FILE, CONSOLE_FILE, ENTRY_FILE, renderConsoleShim, renderEntry } from './entry.js';
import { BuildError } from './errors.js';
import { inspectComponent } from './inspect.js';
import { defaultOutFile } from './naming.js';
import { relocateSourceMap } from './sourcemap.js';
import { displayPath, formatDiagnostics, typecheck } from './typecheck.js';
import {
  type FunctionKind,
  knownInterfaces,
  readWitDeps,
  renderWorld,
  resolveWitDir,
  SUPPORTED_WASI,
  worldImports,
} from './wit.js';

export type { BuildProgress } from './componentize.js';
export type { EngineGap } from './engine.js';
export type { FunctionKind } from './wit.js';

/**
 * The componentize-js features the build turns off: the real platform provides none of them
 * (stdio and streams are unsupported stubs there, and there is no outgoing `wasi:http`). `clocks`
 * and `random` stay on: with `random` on, the component imports `wasi:random/random` and
 * `Math.random()`, `crypto.getRandomValues()` and `crypto.randomUUID()` are seeded per instance,
 * so they differ in every invocation. (With `random` off they come from a PRNG whose state is in
 * the snapshot, and every invocation of every function answers the same values.)
 *
 * @example
 * ```ts
 * import { DISABLED_FEATURES } from '@momento-functions/build';
 * DISABLED_FEATURES; // ['stdio', 'http', 'fetch-event']
 * ```
 */
export const DISABLED_FEATURES = ['stdio', 'http', 'fetch-event'] as const;

/** Bumped when the generated entry/world or the componentize options change meaning. */
const CACHE_FORMAT = 1;
const LOG_INTERFACE = 'momento:log/logging@1.0.0';
/** The start of the warning about the engine's extra WASI imports (the CLI prints it once per project). */
export const ENGINE_WASI_NOTE_PREFIX = "componentize-js's engine also imports";

/**
 * Options of {@link build}.
 *
 * @example
 * ```ts
 * const options: BuildOptions = { entry: 'src/index.ts', outFile: 'dist/fn.wasm', minify: true };
 * ```
 */
export interface BuildOptions {
  /** The function's TypeScript (or JavaScript) entry; its default export is `web(...)` or `spawn(...)`. */
  entry: string;
  /** Where to write the component. Default: `dist/<name>.wasm` beside the entry (`<name>` is the entry's
   * file name, or its folder's name for `index.ts`). The source map goes to `<outFile>.map`. */
  outFile?: string;
  /** Cache folder; components go to its `components/` subfolder. Default: `node_modules/.cache/momento-functions`
   * of the entry's project (the nearest folder with a package.json), shared with the runtime's transpile cache. */
  cacheDir?: string;
  /** Reuse a cached component when bundle, WIT and options are unchanged. Default `true`. */
  cache?: boolean;
  /** Web or spawn. Default: detected from the guest package the entry uses. */
  kind?: FunctionKind;
  /** A WIT folder with `deps/<package>/*.wit` to use instead of the bundled one. */
  witDir?: string;
  /** Minify the bundle (smaller JS in the snapshot; stack positions are still mapped). Default `false`. */
  minify?: boolean;
  /** esbuild `define` replacements, e.g. `{ 'process.env.NODE_ENV': '"production"' }`. */
  define?: Record<string, string>;
  /** A tsconfig.json for esbuild (paths, decorators, JSX) and for the type check. Default: the nearest
   * tsconfig.json at or above the entry (esbuild finds its own the same way). */
  tsconfig?: string;
  /** Type-check the program rooted at the entry (the entry and what it imports) before componentizing;
   * a type error fails the build. Default `true` (CLI: `--no-typecheck` to skip). */
  typecheck?: boolean;
  /** Use componentize-js's debug engine build (names section, ~1 MB larger). Default `false`. */
  debugBuild?: boolean;
  /** Called during the build (and every 100 ms of the componentize step). */
  onProgress?: (progress: BuildProgress) => void;
  /** Show progress on stderr: `true` a one-line display that updates (for a TTY), `'lines'` one plain
   * line per stage (bundle, typecheck, componentize, done), `false` nothing. Default: `true` when stderr
   * is a TTY and there is no `onProgress`, else `false` (the CLI passes `'lines'` when stderr is not a TTY). */
  progress?: boolean | 'lines';
}

/**
 * What a build produced and found (also printed by the CLI).
 *
 * @example
 * ```ts
 * const { report } = await build({ entry: 'src/index.ts' });
 * if (!report.cached) console.log(`componentized in ${report.timings.componentizeMs} ms`);
 * ```
 */
export interface BuildReport {
  /** The entry, relative to the current directory. */
  entry: string;
  /** Whether the component is a web function (`web(...)`) or a spawn function (`spawn(...)`), i.e. which Momento interface it exports. */
  kind: FunctionKind;
  /** Absolute path of the component written (`outFile`, default `dist/<name>.wasm`). */
  wasmPath: string;
  /** Absolute path of the source map written beside the component (`<wasmPath>.map`), which maps stack positions back to the original sources. */
  sourceMapPath: string;
  /** Component size in bytes. */
  sizeBytes: number;
  /** Every interface the component imports, as read from the component. */
  imports: string[];
  /** Every interface the component exports, as read from the component. */
  exports: string[];
  /** The imports that are Momento host interfaces (`momento:*`), as listed in `imports`. */
  momentoImports: string[];
  /** The imports that are WASI interfaces (`wasi:*`), as listed in `imports`. */
  wasiImports: string[];
  /** WASI imports the engine pulls in beyond clocks and environment (never called by a TS function). */
  engineWasiImports: string[];
  /** `true` when componentize was skipped because nothing changed. */
  cached: boolean;
  /** Content hash of bundle + WIT + options (the cache key). */
  hash: string;
  /** Whether console.* is forwarded to momento:log (the bundle uses console). */
  consoleToLog: boolean;
  /** Randomness APIs the bundle references (`Math.random`, `crypto.getRandomValues`, `crypto.randomUUID`);
   * served by `wasi:random/random`, fresh in every invocation. Informational: only a call at module
   * top level is a problem, and it fails the build. */
  randomness: string[];
  /** Uses of what the engine lacks (Intl, Buffer, process, ...; see docs/build.md "What a Function can
   * and cannot use"), positioned in the original sources. Each is also a line of `warnings`. */
  engineGaps: EngineGap[];
  /** The type check, or undefined when it was skipped (`typecheck: false`). */
  typecheck:
    | {
        /** The tsconfig.json whose compiler options were used, or undefined for the default options. */
        tsconfig: string | undefined;
        /** How many source files were checked (the entry and everything it imports). */
        files: number;
        /** How long the type check took, in milliseconds. */
        ms: number;
      }
    | undefined;
  /** The cache folder (the CLI remembers there which notes it has shown). */
  cacheDir: string;
  /** How long each stage took, in milliseconds. */
  timings: {
    /** Bundling the entry with esbuild. */
    bundleMs: number;
    /** Type-checking the program; 0 when the check was skipped. */
    typecheckMs: number;
    /** Componentizing the bundle with componentize-js (the 5–40 s step); 0 when the cached component was reused. */
    componentizeMs: number;
    /** The whole build, from start to the component and source map being written. */
    totalMs: number;
  };
  /** Things the user should know: what the engine lacks that the code uses, and the engine WASI imports. */
  warnings: string[];
}

/**
 * The result of {@link build}.
 *
 * @example
 * ```ts
 * const { wasmPath, sourceMapPath } = await build({ entry: 'src/index.ts' });
 * ```
 */
export interface BuildResult {
  /** Absolute path of the component written (`outFile`, default `dist/<name>.wasm`); same as `report.wasmPath`. */
  wasmPath: string;
  /** Absolute path of the source map written beside it (`<wasmPath>.map`); same as `report.sourceMapPath`. */
  sourceMapPath: string;
  /** Everything the build produced and found: imports, timings, warnings (what the CLI prints). */
  report: BuildReport;
}

interface CacheMeta {
  imports: string[];
  exports: string[];
  componentizeMs: number;
}

function projectDirOf(entry: string): string {
  let dir = dirname(entry);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(entry);
    dir = parent;
  }
}

/** componentize-js's version (part of the cache key), found the way Node resolves the package. */
function componentizeVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'node_modules', '@bytecodealliance', 'componentize-js', 'package.json');
    if (existsSync(pj)) return (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/**
 * A progress reporter for logs (no TTY): one line when each stage starts (bundle, typecheck,
 * componentize, inspect) and one when the build is done, instead of a spinner.
 *
 * @example
 * ```ts
 * await build({ entry: 'src/index.ts', onProgress: progressLines((t) => process.stderr.write(t)) });
 * ```
 */
export function progressLines(write: (text: string) => void): (p: BuildProgress) => void {
  let last: BuildProgress['phase'] | undefined;
  return (p) => {
    if (p.phase === last) return;
    last = p.phase;
    write(p.phase === 'done' ? `done in ${(p.elapsedMs / 1000).toFixed(1)} s\n` : `${p.message}\n`);
  };
}

function makeReporter(options: BuildOptions): (p: BuildProgress) => void {
  if (options.onProgress) return options.onProgress;
  const show = options.progress ?? process.stderr.isTTY === true;
  if (!show) return () => {};
  if (show === 'lines') return progressLines((t) => process.stderr.write(t));
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  return (p) => {
    if (p.phase === 'done') {
      process.stderr.write('\r\x1b[K');
      return;
    }
    process.stderr.write(
      `\r\x1b[K${frames[i++ % frames.length]} ${p.message} ${(p.elapsedMs / 1000).toFixed(1)}s`,
    );
  };
}

/**
 * Build a TypeScript Momento Function into a wasm32-wasip2 component: bundle with esbuild, wrap the
 * default export, write a world with exactly the host interfaces the bundle imports, componentize
 * with componentize-js (skipped when nothing changed), and report what the component imports.
 *
 * @example
 * ```ts
 * import { build } from '@momento-functions/build';
 * const { wasmPath, report } = await build({ entry: 'src/index.ts', outFile: 'dist/greeter.wasm' });
 * console.log(wasmPath, report.sizeBytes, report.imports);
 * ```
 */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const entry = resolve(options.entry);
  if (!existsSync(entry)) {
    throw new BuildError(`The entry ${options.entry} does not exist (resolved to ${entry}).`);
  }
  const entryLabel = relative(process.cwd(), entry) || entry;
  const projectDir = projectDirOf(entry);
  const wasmPath = resolve(options.outFile ?? defaultOutFile(entry));
  const sourceMapPath = `${wasmPath}.map`;
  const cacheDir = resolve(
    options.cacheDir ?? join(projectDir, 'node_modules', '.cache', 'momento-functions'),
  );
  const report = makeReporter(options);

  report({ phase: 'bundle', elapsedMs: 0, message: `bundling ${entryLabel}` });
  const bundled = await bundle(entry, projectDir, {
    ...(options.minify !== undefined ? { minify: options.minify } : {}),
    ...(options.define ? { define: options.define } : {}),
    ...(options.tsconfig ? { tsconfig: resolve(options.tsconfig) } : {}),
  });
  const bundleMs = Date.now() - started;
  const kind = options.kind ?? detectKind(entry, projectDir, bundled);

  let checked: BuildReport['typecheck'];
  if (options.typecheck !== false) {
    report({ phase: 'typecheck', elapsedMs: 0, message: `type-checking ${entryLabel}` });
    const result = await typecheck(entry, options.tsconfig ? resolve(options.tsconfig) : undefined);
    if (result.diagnostics.length > 0) {
      const n = result.diagnostics.length;
      throw new BuildError(
        `${n} type error${n === 1 ? '' : 's'} in ${entryLabel} (fix ${n === 1 ? 'it' : 'them'}, or skip the check with --no-typecheck / typecheck: false):\n${formatDiagnostics(result.diagnostics)}`,
      );
    }
    checked = {
      tsconfig: result.tsconfig && displayPath(result.tsconfig),
      files: result.files,
      ms: result.ms,
    };
  }
  const usage = await scanUsage(bundled.code);
  const engineGaps = await scanEngineGaps(bundled.code, bundled.sourceMap);

  const witDir = resolveWitDir(options.witDir);
  const deps = readWitDeps(witDir);
  const specifiers = new Set(bundled.hostImports);
  if (usage.console) specifiers.add(LOG_INTERFACE);
  const imports = worldImports(specifiers, knownInterfaces(deps), kind);
  const world = renderWorld(kind, imports);
  // Labelled relative to the project (not the cwd) so the cache key does not depend on where the build runs.
  const entryCode = renderEntry(kind, relative(projectDir, entry), usage.console);
  const consoleCode = usage.console ? renderConsoleShim() : '';
  const debugBuild = options.debugBuild ?? false;

  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        format: CACHE_FORMAT,
        componentizeJs: componentizeVersion(),
        features: DISABLED_FEATURES,
        debugBuild,
        world,
        deps,
        entryCode,
        consoleCode,
        code: bundled.code,
      }),
    )
    .digest('hex');

  const componentsDir = join(cacheDir, 'components');
  const cacheEntry = join(componentsDir, hash.slice(0, 32));
  const cachedWasm = join(cacheEntry, 'component.wasm');
  const cachedMeta = join(cacheEntry, 'meta.json');
  const cachedFailure = join(cacheEntry, 'failure.txt');
  let meta: CacheMeta | undefined;
  let cached = false;
  if (options.cache !== false && existsSync(cachedFailure)) {
    // The same inputs failed before in a way that depends only on them (e.g. a top-level host call).
    throw explainComponentizeFailure(await readFile(cachedFailure, 'utf8'), entryLabel, bundled.sourceMap);
  }
  if (options.cache !== false && existsSync(cachedWasm) && existsSync(cachedMeta)) {
    try {
      meta = JSON.parse(await readFile(cachedMeta, 'utf8')) as CacheMeta;
      cached = true;
    } catch {
      meta = undefined;
    }
  }

  if (!meta) {
    const tmp = join(
      componentsDir,
      `tmp-${hash.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    const srcDir = join(tmp, 'src');
    const tmpWit = join(tmp, 'wit');
    const outDir = join(tmp, 'out');
    try {
      await mkdir(srcDir, { recursive: true });
      await mkdir(outDir, { recursive: true });
      await writeFile(join(srcDir, BUNDLE_FILE), bundled.code);
      await writeFile(join(srcDir, ENTRY_FILE), entryCode);
      if (usage.console) await writeFile(join(srcDir, CONSOLE_FILE), consoleCode);
      for (const d of deps) {
        await mkdir(join(tmpWit, 'deps', dirname(d.path)), { recursive: true });
        await writeFile(join(tmpWit, 'deps', d.path), d.text);
      }
      await writeFile(join(tmpWit, 'world.wit'), world);
      const componentizeStarted = Date.now();
      report({
        phase: 'componentize',
        elapsedMs: 0,
        message: 'componentizing (StarlingMonkey + wizer snapshot)',
      });
      const answer = await runComponentize(
        {
          workDir: srcDir,
          sourcePath: join(srcDir, ENTRY_FILE),
          witPath: tmpWit,
          worldName: 'function',
          disableFeatures: [...DISABLED_FEATURES],
          debugBuild,
          outPath: join(outDir, 'component.wasm'),
        },
        (elapsedMs) =>
          report({
            phase: 'componentize',
            elapsedMs,
            message: 'componentizing (StarlingMonkey + wizer snapshot)',
          }),
      );
      if (!answer.ok) {
        if (isDeterministicFailure(answer.message)) {
          await mkdir(cacheEntry, { recursive: true });
          await writeFile(cachedFailure, answer.message);
        }
        throw explainComponentizeFailure(answer.message, entryLabel, bundled.sourceMap);
      }
      const componentizeMs = Date.now() - componentizeStarted;
      report({ phase: 'inspect', elapsedMs: 0, message: 'reading the component' });
      const found = await inspectComponent(await readFile(join(outDir, 'component.wasm')));
      meta = { ...found, componentizeMs };
      await writeFile(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2));
      await rm(cacheEntry, { recursive: true, force: true });
      try {
        await rename(outDir, cacheEntry);
      } catch (e) {
        // Another build of the same content won the race: its output is identical.
        if (!existsSync(cachedWasm)) throw e;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    await pruneCache(componentsDir, 24);
  }

  await mkdir(dirname(wasmPath), { recursive: true });
  await copyFile(cachedWasm, wasmPath);
  // `sources` relative to the map's own folder (esbuild wrote them relative to the project folder).
  await writeFile(
    sourceMapPath,
    relocateSourceMap(bundled.sourceMap, BUNDLE_FILE, projectDir, dirname(sourceMapPath)),
  );
  const sizeBytes = (await stat(wasmPath)).size;
  report({ phase: 'done', elapsedMs: Date.now() - started, message: 'done' });

  const wasiImports = meta.imports.filter((i) => i.startsWith('wasi:'));
  const engineWasiImports = wasiImports.filter((i) => !SUPPORTED_WASI.includes(i.replace(/@[^@]+$/, '')));
  const warnings = engineGaps.map((g) =>
    describeGap(g, (source) => displayPath(resolve(projectDir, source))),
  );
  if (engineWasiImports.length > 0) {
    warnings.push(
      `${ENGINE_WASI_NOTE_PREFIX} ${engineWasiImports.join(', ')}; a TypeScript function never calls them, but a host must provide them for linking.`,
    );
  }
  return {
    wasmPath,
    sourceMapPath,
    report: {
      entry: entryLabel,
      kind,
      wasmPath,
      sourceMapPath,
      sizeBytes,
      imports: meta.imports,
      exports: meta.exports,
      momentoImports: meta.imports.filter((i) => i.startsWith('momento:')),
      wasiImports,
      engineWasiImports,
      cached,
      hash,
      consoleToLog: usage.console,
      randomness: usage.randomness,
      engineGaps,
      typecheck: checked,
      cacheDir,
      timings: {
        bundleMs,
        typecheckMs: checked?.ms ?? 0,
        componentizeMs: cached ? 0 : meta.componentizeMs,
        totalMs: Date.now() - started,
      },
      warnings,
    },
  };
}

/** Keep the newest `keep` cache entries (each is a ~12 MB component). */
async function pruneCache(cacheDir: string, keep: number): Promise<void> {
  try {
    const names = (await readdir(cacheDir)).filter((n) => /^[0-9a-f]{32}$/.test(n));
    if (names.length <= keep) return;
    const withTimes = await Promise.all(
      names.map(async (n) => ({ n, t: (await stat(join(cacheDir, n))).mtimeMs })),
    );
    withTimes.sort((a, b) => b.t - a.t);
    for (const { n } of withTimes.slice(keep)) await rm(join(cacheDir, n), { recursive: true, force: true });
  } catch {
    // Pruning is best effort.
  }
}
