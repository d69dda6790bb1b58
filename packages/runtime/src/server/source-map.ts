/**
 * Maps positions in a guest error text (`bundle.js:12:34`, `handler@bundle.js:12:34`) back to the
 * TypeScript sources, using the source map the build writes beside the `.wasm`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Rewrites the positions in an error text; returns the text unchanged when nothing maps. */
export type ErrorMapper = (text: string) => string;

// A file name ends in .js/.mjs/.cjs; '@' only right after a '/' (scoped packages), so `fn@file.js` keeps `fn@`.
const POSITION = /((?:file:\/\/)?(?:[\w.\\-]|\/@?|:(?!\d))*?\.(?:js|mjs|cjs)):(\d+):(\d+)/g;

/**
 * Builds an {@link ErrorMapper} from a source map file (or its parsed payload). Positions are
 * shown relative to `cwd` (default `process.cwd()`) as `path/to/file.ts:line:column`.
 *
 * @example
 * ```ts
 * const map = createErrorMapper('dist/hello.wasm.map');
 * map('Error: boom\n    at handler@bundle.js:3:11'); // 'Error: boom\n    at handler@src/index.ts:7:9'
 * ```
 */
export function createErrorMapper(source: string | SourceMapPayload, cwd = process.cwd()): ErrorMapper {
  const payload: SourceMapPayload =
    typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as SourceMapPayload) : source;
  const base = typeof source === 'string' ? dirname(resolve(source)) : cwd;
  const map = new SourceMap(payload);
  const display = (file: string) => {
    let path = file;
    if (path.startsWith('file://')) path = fileURLToPath(path);
    if (!isAbsolute(path)) path = resolve(base, payload.sourceRoot ?? '', path);
    const rel = relative(cwd, path);
    return rel.startsWith('..') ? path : rel;
  };
  return (text) =>
    text.replace(POSITION, (whole, _file: string, line: string, column: string) => {
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) {
        return whole;
      }
      return `${display(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
}

/** The mapper for a `.wasm` whose build wrote `<file>.map` (or `<file>.js.map`) beside it, if any. */
export function errorMapperForWasm(wasmPath: string, cwd?: string): ErrorMapper | undefined {
  for (const candidate of [`${wasmPath}.map`, wasmPath.replace(/\.wasm$/, '.js.map')]) {
    if (existsSync(candidate)) {
      try {
        return createErrorMapper(candidate, cwd);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Maps the positions in one line the log router writes to the console (`[fn invocation] message`,
 * or a JSON object with `function` and `message`), with the mapper of the function it names.
 * `mapperFor` receives the function name (`undefined` when the line names none).
 *
 * @example
 * ```ts
 * mapLogLine('[hello 1b2c] Error: boom\n    at deep@function.js:12:9', () => map);
 * // '[hello 1b2c] Error: boom\n    at deep@src/deep.ts:3:9'
 * ```
 */
export function mapLogLine(
  line: string,
  mapperFor: (functionName: string | undefined) => ErrorMapper | undefined,
): string {
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line) as { function?: unknown; message?: unknown };
      const map = mapperFor(typeof record.function === 'string' ? record.function : undefined);
      if (!map || typeof record.message !== 'string') return line;
      return JSON.stringify({ ...record, message: map(record.message) });
    } catch {
      return line;
    }
  }
  const name = /^\[(\S+) /.exec(line)?.[1];
  const map = mapperFor(name === 'cloudwatch' ? undefined : name);
  return map ? map(line) : line;
}
