import { parseJsonBytes } from './json.js';
import { encodeUtf8 } from './utf8.js';

/**
 * Parses JSON from bytes or a string with the same rules and error texts as `Data.json()`
 * (serde_json wording with line and byte column, thrown as an {@link ExtractError}).
 *
 * @example
 * ```ts
 * import { parseJson } from '@momento-functions/bytes';
 * parseJson('[1,2]'); // [1, 2]
 * parseJson('{"a":1} x'); // throws ExtractError: trailing characters at line 1 column 9
 * ```
 */
export function parseJson<T = unknown>(input: Uint8Array | string): T {
  return parseJsonBytes(typeof input === 'string' ? encodeUtf8(input) : input) as T;
}
