import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildReport, build, ENGINE_WASI_NOTE_PREFIX, progressLines } from './build.js';
import { BuildError } from './errors.js';
import type { FunctionKind } from './wit.js';

/**
 * Where {@link runBuildCommand} writes; defaults to the process's stdout/stderr.
 *
 * @example
 * ```ts
 * let out = '';
 * await runBuildCommand(['src/index.ts', '--json'], { stdout: (t) => (out += t) });
 * ```
 */
export interface CommandIO {
  /** Receives the report (text with its notes, or JSON with `--json`) and `--help`; default: `process.stdout`. */
  stdout: (text: string) => void;
  /** Receives errors (with the usage after a bad argument) and, when stderr is not a TTY, one progress line per stage; default: `process.stderr`. */
  stderr: (text: string) => void;
}

const USAGE = `Usage: momento-functions build <entry.ts> [options]

Build a TypeScript Momento Function into a wasm32-wasip2 component.

Options:
  -o, --out <file>        output .wasm (default: dist/<name>.wasm beside the entry)
      --kind <web|spawn>  function kind (default: detected from the guest package used)
      --cache-dir <dir>   cache folder (default: node_modules/.cache/momento-functions)
      --no-cache          componentize even when nothing changed
      --no-typecheck      skip the type check (default: check the entry with its tsconfig.json)
      --minify            minify the bundle
      --debug-build       use componentize-js's debug engine (names section)
      --wit <dir>         WIT folder with deps/<package>/*.wit (default: the bundled one)
      --json              print the report as JSON
  -q, --quiet             print nothing but errors
  -v, --verbose           print every note, including those already shown for this project
  -h, --help              show this help
`;

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

/**
 * Render a build report as the CLI prints it.
 *
 * @example
 * ```ts
 * import { build, formatReport } from '@momento-functions/build';
 * const { report } = await build({ entry: 'src/index.ts' });
 * process.stdout.write(formatReport(report));
 * ```
 */
export function formatReport(r: BuildReport, options: { omitNotes?: string[] } = {}): string {
  const lines = [
    `built ${r.entry} -> ${r.wasmPath} (${r.kind} function, ${formatBytes(r.sizeBytes)}, ${
      r.cached ? `cached, ${r.timings.totalMs} ms` : `${(r.timings.totalMs / 1000).toFixed(1)} s`
    })`,
    `  source map: ${r.sourceMapPath}`,
    `  exports: ${r.exports.join(', ')}`,
    `  momento imports: ${r.momentoImports.join(', ') || '(none)'}`,
    `  wasi imports: ${r.wasiImports.join(', ') || '(none)'}`,
  ];
  if (r.consoleToLog) lines.push('  console.* is forwarded to momento:log/logging');
  if (r.typecheck) {
    lines.push(
      `  type-checked: ${r.typecheck.files} file${r.typecheck.files === 1 ? '' : 's'} in ${r.typecheck.ms} ms (${r.typecheck.tsconfig ?? 'default options, no tsconfig.json found'})`,
    );
  }
  for (const w of r.warnings) if (!options.omitNotes?.includes(w)) lines.push(`  note: ${w}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Run `momento-functions build` with the arguments after `build`; returns the exit code.
 * The runtime's `momento-functions` binary dispatches its `build` command here.
 *
 * @example
 * ```ts
 * import { runBuildCommand } from '@momento-functions/build';
 * process.exitCode = await runBuildCommand(['src/index.ts', '-o', 'dist/fn.wasm']);
 * ```
 */
export async function runBuildCommand(argv: string[], io?: Partial<CommandIO>): Promise<number> {
  const out = io?.stdout ?? ((t: string) => process.stdout.write(t));
  const err = io?.stderr ?? ((t: string) => process.stderr.write(t));
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    err(
      `error: ${positionals.length === 0 ? 'missing the entry file: give the TypeScript file whose default export is web(...) or spawn(...).' : `expected one entry file, got ${positionals.length}: build one function per command.`}\n\n${USAGE}`,
    );
    return 2;
  }
  const kind = values.kind;
  if (kind !== undefined && kind !== 'web' && kind !== 'spawn') {
    err(`error: --kind must be 'web' or 'spawn', not '${kind}': pass --kind web or --kind spawn.\n`);
    return 2;
  }
  try {
    const { report } = await build({
      entry: positionals[0]!,
      ...(values.out ? { outFile: values.out } : {}),
      ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
      ...(values.wit ? { witDir: values.wit } : {}),
      ...(kind ? { kind: kind as FunctionKind } : {}),
      cache: !values['no-cache'],
      typecheck: !values['no-typecheck'],
      minify: values.minify === true,
      debugBuild: values['debug-build'] === true,
      // A TTY gets the one-line display; a log or pipe gets one line per stage.
      ...(values.quiet || values.json
        ? { progress: false }
        : process.stderr.isTTY === true
          ? { progress: true }
          : { onProgress: progressLines(err) }),
    });
    if (values.json) out(`${JSON.stringify(report, null, 2)}\n`);
    else if (!values.quiet)
      out(formatReport(report, { omitNotes: values.verbose ? [] : shownBefore(report) }));
    return 0;
  } catch (e) {
    if (e instanceof BuildError) {
      err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/**
 * The engine-WASI note is the same for every build: print it the first time in a project (its cache
 * folder remembers) and again only under --verbose.
 */
function shownBefore(report: BuildReport): string[] {
  const note = report.warnings.find((w) => w.startsWith(ENGINE_WASI_NOTE_PREFIX));
  if (!note) return [];
  const marker = join(report.cacheDir, 'engine-wasi-note-shown');
  if (existsSync(marker)) return [note];
  try {
    mkdirSync(report.cacheDir, { recursive: true });
    writeFileSync(marker, `${note}\n`);
  } catch {
    // Best effort: the note is then shown again next time.
  }
  return [];
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      kind: { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'no-typecheck': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      minify: { type: 'boolean' },
      'debug-build': { type: 'boolean' },
      wit: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
