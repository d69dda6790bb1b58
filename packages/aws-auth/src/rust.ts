/** Rust-style texts shared by the AWS guest packages (Debug of strings, variants and extract errors). */
import type { ExtractError } from '@momento-functions/bytes';

/**
 * Quotes a string the way Rust's `<str as Debug>` does: `"` and `\` escaped, `\t \r \n \0` by
 * name, other control characters as `\u{hex}`.
 *
 * @example
 * ```ts
 * import { rustDebugString } from '@momento-functions/aws-auth';
 * rustDebugString('say "hi"'); // '"say \\"hi\\""'
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
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * The Debug text wit-bindgen gives a WIT variant value: `S3Error::Unauthorized("…")`, or
 * `SecretsError::NotFound` for a case without a payload.
 *
 * @example
 * ```ts
 * import { witVariantDebug } from '@momento-functions/aws-auth';
 * witVariantDebug('AuthError', 'unauthorized', 'no'); // 'AuthError::Unauthorized("no")'
 * ```
 */
export function witVariantDebug(typeName: string, witCase: string, detail: string | undefined): string {
  const pascal = witCase.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
  return `${typeName}::${pascal}${detail === undefined ? '' : `(${rustDebugString(detail)})`}`;
}

/**
 * The Debug text of an extractor's error as the crates print their `cause`: serde_json's
 * `Error("reason", line: L, column: C)` for an error with a position (JSON syntax, or a schema
 * error such as ``missing field `x` ``), the quoted message otherwise.
 *
 * @example
 * ```ts
 * import { extractErrorDebug } from '@momento-functions/aws-auth';
 * extractErrorDebug(new Error('bad')); // '"bad"'
 * ```
 */
export function extractErrorDebug(error: unknown): string {
  const e = error as Partial<ExtractError> | undefined;
  if (e && typeof e.reason === 'string' && e.position) {
    return `Error(${rustDebugString(e.reason)}, line: ${e.position.line}, column: ${e.position.column})`;
  }
  return rustDebugString(error instanceof Error ? error.message : String(error));
}

/**
 * The WIT `err` value componentize-js attached to a thrown `ComponentError` (its `payload`), if
 * `thrown` is one and the value is a variant (`{ tag }`).
 *
 * @example
 * ```ts
 * import { witErrorPayload } from '@momento-functions/aws-auth';
 * witErrorPayload(Object.assign(new Error('x'), { payload: { tag: 'other', val: 'boom' } })); // { tag: 'other', val: 'boom' }
 * ```
 */
export function witErrorPayload(thrown: unknown): { tag: string; val?: unknown } | undefined {
  if (thrown === null || typeof thrown !== 'object' || !Object.hasOwn(thrown, 'payload')) return undefined;
  const payload = (thrown as { payload: unknown }).payload;
  if (
    payload !== null &&
    typeof payload === 'object' &&
    typeof (payload as { tag?: unknown }).tag === 'string'
  ) {
    return payload as { tag: string; val?: unknown };
  }
  return undefined;
}
