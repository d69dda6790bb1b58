/**
 * Quotes a string the way Rust's `<str as Debug>` does, so error texts built in TypeScript match
 * the Rust crates' `{e:?}` bodies: `"` and `\` escaped, `\t \r \n \0` by name, other control
 * characters (C0, DEL, C1) as `\u{hex}`; everything else, non-ASCII included, raw.
 *
 * @param value - the string to quote.
 * @example
 * ```ts
 * import { rustDebugString } from '@momento-functions/bytes';
 * rustDebugString('say "hi"\n'); // '"say \\"hi\\"\\n"'
 * ```
 */
export function rustDebugString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 0) out += '\\0';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}
