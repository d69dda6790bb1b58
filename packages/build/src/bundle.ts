import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { BUNDLE_FILE } from './entry.js';
import { BuildError } from './errors.js';
import type { FunctionKind } from './wit.js';

/** What bundling the user's entry produced. */
export interface BundleResult {
  /** The bundled ESM module (one file). */
  code: string;
  /** esbuild's source map of `code` (v3 JSON, with sourcesContent). */
  sourceMap: string;
  /** Every `momento:*` / `wasi:*` module specifier the bundle imports. */
  hostImports: string[];
  /** The npm package names whose files went into the bundle. */
  packages: Set<string>;
  /** The kinds whose defining module (guest-web's `web`, guest-spawn's `spawn`) the bundle contains. */
  kinds: Set<FunctionKind>;
  /** Whether the entry module has a default export. */
  hasDefaultExport: boolean;
}

/** Options passed through to esbuild. */
export interface BundleOptions {
  minify?: boolean;
  define?: Record<string, string>;
  tsconfig?: string;
}

function formatMessages(messages: esbuild.Message[]): string {
  return messages
    .map((m) => {
      const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
      const hint = /Could not resolve "node:|Could not resolve "(fs|path|crypto|http|os|child_process)"/.test(
        m.text,
      )
        ? ' (Node built-in modules do not exist inside a Momento Function: use the @momento-functions/* packages for host services)'
        : '';
      return `  ${where}${m.text}${hint}`;
    })
    .join('\n');
}

/** Bundle the user's TypeScript entry with esbuild: ESM, one file, host modules external. */
export async function bundle(
  entry: string,
  projectDir: string,
  options: BundleOptions = {},
): Promise<BundleResult> {
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: projectDir,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import', 'default'],
      target: 'es2022',
      external: ['momento:*', 'wasi:*'],
      metafile: true,
      write: false,
      outfile: join(projectDir, BUNDLE_FILE),
      sourcemap: 'external',
      sourcesContent: true,
      minify: options.minify ?? false,
      define: options.define ?? {},
      ...(options.tsconfig ? { tsconfig: options.tsconfig } : {}),
      logLevel: 'silent',
      legalComments: 'none',
    });
  } catch (e) {
    const failure = e as esbuild.BuildFailure;
    if (Array.isArray(failure.errors)) {
      throw new BuildError(`Bundling ${entry} failed:\n${formatMessages(failure.errors)}`);
    }
    throw e;
  }
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text;
  const sourceMap = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text;
  if (code === undefined || sourceMap === undefined) throw new Error('esbuild produced no output');
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild metafile has no entry output');
  const hostImports = new Set<string>();
  for (const imp of output.imports) {
    if (imp.path.startsWith('momento:') || imp.path.startsWith('wasi:')) hostImports.add(imp.path);
  }
  const packages = new Set<string>();
  const kinds = new Set<FunctionKind>();
  const nameCache = new Map<string, string | undefined>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const name = packageNameOf(resolve(projectDir, input), nameCache);
    if (!name) continue;
    packages.add(name);
    // Only the module that defines web()/spawn() decides the kind: a web function may still use
    // other parts of guest-spawn (spawnFunction) without becoming a spawn function.
    const kept = (output.inputs[input]?.bytesInOutput ?? 0) > 0; // tree-shaken modules count for nothing
    for (const kind of ['web', 'spawn'] as const) {
      if (
        kept &&
        name === KIND_PACKAGE[kind] &&
        new RegExp(`(?:^|[\\\\/])(?:dist|src)[\\\\/]${kind}\\.[jt]s$`).test(input)
      ) {
        kinds.add(kind);
      }
    }
  }
  return {
    code,
    sourceMap,
    hostImports: [...hostImports].sort(),
    packages,
    kinds,
    hasDefaultExport: output.exports.includes('default'),
  };
}

/** The `name` of the nearest package.json above `file`. */
function packageNameOf(file: string, cache: Map<string, string | undefined>): string | undefined {
  const seen: string[] = [];
  let dir = dirname(file);
  let name: string | undefined;
  for (;;) {
    if (cache.has(dir)) {
      name = cache.get(dir);
      break;
    }
    seen.push(dir);
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        name = (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name;
      } catch {
        name = undefined;
      }
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of seen) cache.set(d, name);
  return name;
}

/** Package name that provides each function kind. */
export const KIND_PACKAGE: Record<FunctionKind, string> = {
  web: '@momento-functions/guest-web',
  spawn: '@momento-functions/guest-spawn',
};

/**
 * Decide web vs spawn from the packages the bundle contains; error clearly when it can't tell.
 */
export function detectKind(entry: string, projectDir: string, b: BundleResult): FunctionKind {
  const label = relative(projectDir, entry) || entry;
  if (!b.hasDefaultExport) {
    throw new BuildError(
      `${label} has no default export. A Momento Function's entry must \`export default web(...)\` (from @momento-functions/guest-web) or \`export default spawn(...)\` (from @momento-functions/guest-spawn).`,
    );
  }
  const web = b.kinds.has('web');
  const spawn = b.kinds.has('spawn');
  if (web && !spawn) return 'web';
  if (spawn && !web) return 'spawn';
  if (web && spawn) {
    throw new BuildError(
      `Cannot tell whether ${label} is a web or a spawn function: its bundle includes both @momento-functions/guest-web and @momento-functions/guest-spawn. Pass \`kind: 'web' | 'spawn'\` (CLI: --kind web|spawn).`,
    );
  }
  throw new BuildError(
    `Cannot tell whether ${label} is a web or a spawn function: its bundle includes neither @momento-functions/guest-web nor @momento-functions/guest-spawn. Write \`export default web(...)\` or \`export default spawn(...)\`, or pass \`kind\` (CLI: --kind web|spawn).`,
  );
}

/** What the bundle uses that the report must warn about. */
export interface UsageScan {
  console: boolean;
  randomness: string[];
}

const MARK = {
  console: '__momento_scan_console__',
  random: '__momento_scan_math_random__',
  getRandomValues: '__momento_scan_get_random_values__',
  randomUUID: '__momento_scan_random_uuid__',
};

/**
 * Find the bundle's uses of the global `console` and of the randomness APIs. esbuild replaces only
 * real references to the globals (not comments, strings, or shadowed names) with markers, and the
 * markers are then looked for in its output.
 */
export async function scanUsage(code: string): Promise<UsageScan> {
  const define: Record<string, string> = { console: MARK.console, 'globalThis.console': MARK.console };
  define['Math.random'] = MARK.random;
  define['globalThis.Math.random'] = MARK.random;
  for (const root of ['crypto', 'globalThis.crypto', 'self.crypto']) {
    define[`${root}.getRandomValues`] = MARK.getRandomValues;
    define[`${root}.randomUUID`] = MARK.randomUUID;
  }
  const { code: marked } = await esbuild.transform(code, {
    format: 'esm',
    minifyWhitespace: true,
    legalComments: 'none',
    define,
    logLevel: 'silent',
  });
  const randomness: string[] = [];
  if (marked.includes(MARK.random)) randomness.push('Math.random');
  if (marked.includes(MARK.getRandomValues)) randomness.push('crypto.getRandomValues');
  if (marked.includes(MARK.randomUUID)) randomness.push('crypto.randomUUID');
  return { console: marked.includes(MARK.console), randomness };
}
