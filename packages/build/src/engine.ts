import * as esbuild from 'esbuild';
import { BUNDLE_FILE } from './entry.js';
import { originalPosition } from './sourcemap.js';

/**
 * Globals a Node or browser user may expect that StarlingMonkey (componentize-js 0.23's engine)
 * does not define inside a component, with what to use instead. Measured by building
 * `test/fixtures/engine-globals.ts` and invoking it in the reference host (`typeof X` is
 * `'undefined'` for each; docs/build.md "What a Function can and cannot use" has the whole table).
 * `require` and `module` are missing too, but esbuild's own CommonJS shim names them in many
 * bundles, so they are left to esbuild ("Dynamic require of ... is not supported").
 */
export const MISSING_GLOBALS: Readonly<Record<string, string>> = {
  Intl: 'the engine has no Intl (no ICU): format with toFixed(), padStart() and toISOString(), or use a library that does not need Intl; toLocaleString() and localeCompare() exist but ignore locales and options',
  Temporal: 'use Date (UTC inside a Function)',
  WebAssembly: 'there is no WebAssembly inside a component: use a pure-JavaScript library',
  Worker: 'a Function runs on one thread: do the work in the handler',
  SharedArrayBuffer: 'a Function runs on one thread: use ArrayBuffer',
  Atomics: 'a Function runs on one thread: plain reads and writes are enough',
  MessageChannel: 'a Function runs on one thread: call the function directly',
  MessagePort: 'a Function runs on one thread: call the function directly',
  BroadcastChannel: 'use @momento-functions/topic to reach other Functions',
  setImmediate: 'handlers are synchronous: call the function directly',
  TextEncoderStream: 'use TextEncoder',
  TextDecoderStream: 'use TextDecoder',
  Buffer: 'use Uint8Array with TextEncoder/TextDecoder and atob/btoa, or Data from @momento-functions/bytes',
  process:
    "use environment() from @momento-functions/guest-web for configuration (for a dependency's process.env.NODE_ENV, pass define: { 'process.env.NODE_ENV': '\"production\"' })",
  global: 'use globalThis',
  navigator: 'there is no navigator inside a Function',
  XMLHttpRequest: 'use @momento-functions/http',
  WebSocket: 'there are no sockets inside a Function; use @momento-functions/http',
};

/**
 * Globals the engine defines that do not work in a Function built this way. `fetch` is a function,
 * but the build leaves out componentize-js's `http` feature (the platform has no outgoing
 * `wasi:http`): calling it traps the instance (measured: "wasm `unreachable` instruction executed").
 */
export const UNUSABLE_GLOBALS: Readonly<Record<string, string>> = {
  fetch: 'calling it traps the instance (there is no outgoing wasi:http): use @momento-functions/http',
};

const WARNED_GLOBALS: Readonly<Record<string, string>> = { ...MISSING_GLOBALS, ...UNUSABLE_GLOBALS };

/** Calls that exist but do not do what a Node user expects (measured), found in the user's own sources. */
const SUSPICIOUS_CALLS: { pattern: RegExp; what: string; alternative: string }[] = [
  {
    pattern: /\.(toLocaleString|toLocaleDateString|toLocaleTimeString)\(\s*[^\s)]/,
    what: 'toLocale*String(locales, options)',
    alternative:
      "the engine has no Intl: locales and options are ignored ((1234.5).toLocaleString('de-DE') answers '1234.5'); format by hand",
  },
  {
    pattern: /\.localeCompare\([^,()]+,/,
    what: 'localeCompare(other, locales, options)',
    alternative:
      "the engine has no Intl: locales and options are ignored (it compares code units: 'a'.localeCompare('B', 'de', { sensitivity: 'base' }) answers 31)",
  },
  {
    pattern: /\.normalize\(\s*(\)|['"`]NF)/,
    what: 'String.prototype.normalize()',
    alternative:
      'the engine has no String.prototype.normalize (TypeError at run time): normalize input before it reaches the Function',
  },
  {
    pattern: /\\[pP]\{/,
    what: 'a Unicode property escape (\\p{...})',
    alternative:
      "the engine's regular expressions have no \\p{...} (SyntaxError): use explicit ranges such as [A-Za-z\\u00C0-\\u024F]",
  },
];

/** A use of something the engine lacks, positioned in the user's source. */
export interface EngineGap {
  /** The global (`Intl`) or call (`String.prototype.normalize()`). */
  name: string;
  /** Original source as the source map names it (e.g. `src/index.ts`, or a dependency's file). */
  source: string;
  /** Line of the use in `source`, 1-based. */
  line: number;
  /** Column of the use on its line, 1-based. */
  column: number;
  /** What to use instead. */
  alternative: string;
}

const markOf = (name: string) => `__momento_missing_${name}__`;

/**
 * Find the bundle's real references to {@link MISSING_GLOBALS} and {@link UNUSABLE_GLOBALS} (esbuild replaces only references to
 * the global, not strings, comments or shadowed names) and map each to the original source with the
 * bundle's source map. A source file that feature-detects a global (`typeof Intl`) is trusted with
 * all its uses of it. Plus the {@link SUSPICIOUS_CALLS} in the user's own sources (not node_modules).
 */
export async function scanEngineGaps(code: string, sourceMap: string): Promise<EngineGap[]> {
  const define: Record<string, string> = {};
  for (const name of Object.keys(WARNED_GLOBALS)) {
    define[name] = markOf(name);
    define[`globalThis.${name}`] = markOf(name);
  }
  const marked = await esbuild.transform(code, {
    format: 'esm',
    define,
    sourcemap: 'external',
    sourcefile: BUNDLE_FILE,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const found: EngineGap[] = [];
  const guarded = new Set<string>(); // `${name}\0${source}` that test typeof
  const lines = marked.code.split('\n');
  for (const name of Object.keys(WARNED_GLOBALS)) {
    const mark = markOf(name);
    const uses: { source: string; line: number; column: number; typeofGuard: boolean }[] = [];
    lines.forEach((text, i) => {
      let at = text.indexOf(mark);
      while (at !== -1) {
        const typeofGuard = /typeof\s*$/.test(text.slice(0, at));
        const inBundle = originalPosition(marked.map, i + 1, at + 1);
        const original = inBundle ? originalPosition(sourceMap, inBundle.line, inBundle.column) : undefined;
        if (original) uses.push({ ...original, typeofGuard });
        at = text.indexOf(mark, at + mark.length);
      }
    });
    for (const u of uses) if (u.typeofGuard) guarded.add(`${name}\0${u.source}`);
    const seen = new Set<string>();
    for (const u of uses) {
      const key = `${u.source}:${u.line}`;
      if (u.typeofGuard || guarded.has(`${name}\0${u.source}`) || seen.has(key)) continue;
      seen.add(key);
      found.push({
        name,
        source: u.source,
        line: u.line,
        column: u.column,
        alternative: WARNED_GLOBALS[name]!,
      });
    }
  }
  found.push(...scanSuspiciousCalls(sourceMap));
  return found.sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line || a.column - b.column);
}

function scanSuspiciousCalls(sourceMap: string): EngineGap[] {
  let map: { sources?: string[]; sourcesContent?: (string | null)[] };
  try {
    map = JSON.parse(sourceMap) as typeof map;
  } catch {
    return [];
  }
  const found: EngineGap[] = [];
  (map.sources ?? []).forEach((source, i) => {
    const content = map.sourcesContent?.[i];
    if (!content || /(^|[\\/])node_modules[\\/]/.test(source)) return;
    content.split('\n').forEach((text, l) => {
      const code = text.replace(/^\s*(\/\/|\*).*$/, ''); // skip comment lines
      for (const s of SUSPICIOUS_CALLS) {
        const m = s.pattern.exec(code);
        if (m)
          found.push({ name: s.what, source, line: l + 1, column: m.index + 1, alternative: s.alternative });
      }
    });
  });
  return found;
}

/** The note the build prints for one gap. */
export function describeGap(gap: EngineGap, sourceLabel: (source: string) => string): string {
  const what =
    gap.name in MISSING_GLOBALS
      ? `${gap.name} is not defined inside a Function`
      : `${gap.name} does not work inside a Function`;
  return `${sourceLabel(gap.source)}:${gap.line}:${gap.column}: ${what}: ${gap.alternative}.`;
}
