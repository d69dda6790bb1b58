/** Rust-style texts shared by the AWS guest packages (Debug of strings, variants and extract errors). */
import { type ExtractError, rustDebugString } from '@momento-functions/bytes';

export { rustDebugString };

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
export function witErrorPayload(thrown: unknown):
  | {
      /** The WIT error case's name, e.g. `unauthorized` or `other`. */
      tag: string;
      /** The case's payload (usually the host's message), absent for cases without one. */
      val?: unknown;
    }
  | undefined {
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
