import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type * as TS from 'typescript';

/** One type error, positioned as an editor shows it. */
export interface TypeDiagnostic {
  /** Path relative to the current directory (absolute when that is shorter), or '' for a global error. */
  file: string;
  /** Line of the error in `file`, 1-based (0 for a global error). */
  line: number;
  /** Column of the error on its line, 1-based (0 for a global error). */
  column: number;
  /** The compiler's error code with its `TS` prefix, e.g. `TS2322`. */
  code: string;
  /** The compiler's message, nested explanations included (each on its own indented line). */
  message: string;
}

/** What {@link typecheck} found. */
export interface TypecheckResult {
  /** The tsconfig.json whose compiler options were used, or undefined for the default options. */
  tsconfig: string | undefined;
  /** The type errors found, in the compiler's order; empty when the program type-checks (warnings and suggestions are not reported). */
  diagnostics: TypeDiagnostic[];
  /** How many source files the program held (the entry and everything it imports). */
  files: number;
  /** How long the check took, in milliseconds. */
  ms: number;
}

/**
 * Compiler options used when no tsconfig.json is found above the entry: what `momento-functions new`
 * writes, minus file layout. StarlingMonkey has the web globals (TextEncoder, URL, crypto...), so
 * the DOM lib is in.
 */
const DEFAULT_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023', 'DOM'],
  module: 'ESNext',
  moduleResolution: 'Bundler',
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  isolatedModules: true,
};

/** Options that only matter when emitting or for project builds; they would make a one-entry check fail. */
const EMIT_ONLY = [
  'rootDir',
  'rootDirs',
  'outDir',
  'outFile',
  'declarationDir',
  'declaration',
  'declarationMap',
  'emitDeclarationOnly',
  'composite',
  'incremental',
  'tsBuildInfoFile',
  'sourceMap',
  'inlineSourceMap',
  'build',
] as const;

/** Diagnostics from the config file that do not concern the entry's program. */
const IGNORED_CONFIG_CODES = new Set([
  18003, // No inputs were found in config file (the entry is the root, not the config's include)
]);
/** "Cannot find module" for a host module: the build checks `momento:*`/`wasi:*` specifiers itself. */
const MODULE_NOT_FOUND = new Set([2307, 2792]);
const HOST_MODULE = /['"](momento|wasi):[^'"]*['"]/;

let loaded: Promise<typeof TS> | undefined;

/** typescript is loaded on first use: a build with `typecheck: false` never pays for it. */
function loadTypescript(): Promise<typeof TS> {
  loaded ??= import('typescript').then(
    (m) => ((m as unknown as { default?: typeof TS }).default ?? m) as typeof TS,
  );
  return loaded;
}

/**
 * Parsed declaration files (TypeScript's libs, @types/node, packages' .d.ts) shared by the checks of
 * one process (a server building many functions, a test suite): parsing them is most of a check's
 * cost. An entry is reused only for the same path, size, modification time and parse settings, as
 * TypeScript's own DocumentRegistry shares them between programs; the user's .ts files are never
 * cached.
 */
const declarationFiles = new Map<string, { size: number; mtimeMs: number; file: TS.SourceFile }>();
const MAX_CACHED_DECLARATIONS = 4000;

function cachingHost(ts: typeof TS, options: TS.CompilerOptions): TS.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, settings, onError, shouldCreate) => {
    if (!fileName.endsWith('.d.ts') && !/\.d\.[cm]ts$/.test(fileName)) {
      return getSourceFile(fileName, settings, onError, shouldCreate);
    }
    let stat: { size: number; mtimeMs: number };
    try {
      stat = statSync(fileName);
    } catch {
      return getSourceFile(fileName, settings, onError, shouldCreate);
    }
    const parse =
      typeof settings === 'object'
        ? [settings.languageVersion, settings.impliedNodeFormat, settings.jsDocParsingMode]
        : [settings];
    const key = `${fileName}\0${JSON.stringify(parse)}\0${options.moduleDetection ?? ''}`;
    const hit = declarationFiles.get(key);
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return hit.file;
    const file = getSourceFile(fileName, settings, onError, shouldCreate);
    if (file) {
      if (declarationFiles.size >= MAX_CACHED_DECLARATIONS) declarationFiles.clear();
      declarationFiles.set(key, { size: stat.size, mtimeMs: stat.mtimeMs, file });
    }
    return file;
  };
  return host;
}

/** The nearest tsconfig.json at or above the entry's folder. */
export function findTsconfig(entry: string): string | undefined {
  let dir = dirname(entry);
  for (;;) {
    const candidate = resolve(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A path as an editor or terminal shows it: relative to the current directory when that reads better. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || isAbsolute(rel) ? file : rel;
}

/**
 * Type-check the program rooted at `entry` (the entry and what it imports, not the whole project)
 * with the compiler options of `tsconfig` (default: the nearest tsconfig.json above the entry, else
 * the defaults: strict, ES2022, Bundler resolution). Only parsed declaration files are kept between checks of one process;
 * no result is cached, so a type error always fails.
 */
export async function typecheck(entry: string, tsconfig?: string): Promise<TypecheckResult> {
  const started = Date.now();
  const ts = await loadTypescript();
  const configPath = tsconfig ?? findTsconfig(entry);
  const diagnostics: TS.Diagnostic[] = [];
  let options: TS.CompilerOptions;
  if (configPath) {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      { noEmit: true },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(d),
      },
    );
    if (parsed) {
      options = parsed.options;
      diagnostics.push(...parsed.errors.filter((d) => !IGNORED_CONFIG_CODES.has(d.code)));
    } else {
      options = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, dirname(entry)).options;
    }
  } else {
    options = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, dirname(entry)).options;
  }
  options = { ...options, noEmit: true };
  for (const key of EMIT_ONLY) delete options[key];

  const program = ts.createProgram({ rootNames: [entry], options, host: cachingHost(ts, options) });
  diagnostics.push(
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  );
  const errors = diagnostics.filter(
    (d) =>
      d.category === ts.DiagnosticCategory.Error &&
      !(
        MODULE_NOT_FOUND.has(d.code) && HOST_MODULE.test(ts.flattenDiagnosticMessageText(d.messageText, ' '))
      ),
  );
  return {
    tsconfig: configPath,
    diagnostics: errors.map((d) => toDiagnostic(ts, d)),
    files: program.getSourceFiles().filter((f) => !f.isDeclarationFile).length,
    ms: Date.now() - started,
  };
}

function toDiagnostic(ts: typeof TS, d: TS.Diagnostic): TypeDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  if (!d.file || d.start === undefined) return { file: '', line: 0, column: 0, code: `TS${d.code}`, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return {
    file: displayPath(d.file.fileName),
    line: line + 1,
    column: character + 1,
    code: `TS${d.code}`,
    message,
  };
}

/** `file:line:col message (TSxxxx)`, one diagnostic per line, as editors and terminals link them. */
export function formatDiagnostics(diagnostics: TypeDiagnostic[]): string {
  return diagnostics
    .map((d) => `  ${d.file ? `${d.file}:${d.line}:${d.column} ` : ''}${d.message} (${d.code})`)
    .join('\n');
}
