import { relative, resolve, sep } from 'node:path';

/** A position in an original source file. */
export interface OriginalPosition {
  source: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) return out;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * Map a 1-based line/column of the generated file back to its original source, with a v3 source
 * map (the segment at or before the column on that line).
 */
export function originalPosition(
  sourceMap: string,
  line: number,
  column: number,
): OriginalPosition | undefined {
  let map: { sources?: string[]; mappings?: string };
  try {
    map = JSON.parse(sourceMap) as { sources?: string[]; mappings?: string };
  } catch {
    return undefined;
  }
  if (!map.mappings || !map.sources) return undefined;
  const lines = map.mappings.split(';');
  let source = 0;
  let srcLine = 0;
  let srcCol = 0;
  let best: OriginalPosition | undefined;
  for (let l = 0; l < lines.length && l < line; l++) {
    let genCol = 0;
    for (const seg of lines[l]!.split(',')) {
      if (seg === '') continue;
      const f = decodeVlq(seg);
      genCol += f[0] ?? 0;
      if (f.length >= 4) {
        source += f[1]!;
        srcLine += f[2]!;
        srcCol += f[3]!;
        if (l === line - 1 && genCol <= column - 1) {
          best = { source: map.sources[source] ?? '?', line: srcLine + 1, column: srcCol + 1 };
        }
      }
    }
  }
  return best;
}

/** Append the original position to every `function.js:L:C` in `text`. */
export function annotatePositions(text: string, file: string, sourceMap: string): string {
  const pattern = new RegExp(`${file.replace(/[.]/g, '\\.')}:(\\d+):(\\d+)`, 'g');
  return text.replace(pattern, (match, l: string, c: string) => {
    const pos = originalPosition(sourceMap, Number(l), Number(c));
    return pos ? `${match} (${pos.source}:${pos.line}:${pos.column})` : match;
  });
}

/**
 * The source map as written beside the component: `file` set to the bundle's name inside the
 * component, and every `sources` entry made relative to the folder the map is written to (`toDir`).
 * esbuild writes them relative to its output path (`fromDir`, the project folder), which is not
 * where the map lands (`dist/`), so a consumer resolving them against the map's folder, as the
 * source map spec says, would name `dist/src/index.ts` instead of `src/index.ts`.
 *
 * @example
 * ```ts
 * relocateSourceMap(map, 'function.js', '/p', '/p/dist'); // sources: ['../src/index.ts', ...]
 * ```
 */
export function relocateSourceMap(sourceMap: string, file: string, fromDir: string, toDir: string): string {
  const parsed = JSON.parse(sourceMap) as { file?: string; sources?: (string | null)[]; sourceRoot?: string };
  parsed.file = file;
  const root = resolve(fromDir, parsed.sourceRoot ?? '');
  if (parsed.sources) {
    parsed.sources = parsed.sources.map((source) => {
      if (source === null || /^[a-z][a-z0-9+.-]*:/i.test(source)) return source;
      return relative(toDir, resolve(root, source)).split(sep).join('/');
    });
  }
  delete parsed.sourceRoot;
  return JSON.stringify(parsed);
}
