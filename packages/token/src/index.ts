/**
 * `@momento-functions/token`: generate short-lived Momento API keys ("disposable tokens") from
 * a Function, like the crate `momento-functions-token`.
 *
 * @example
 * ```ts
 * import { CachePermissions, generateDisposableToken, Permissions } from '@momento-functions/token';
 * const token = generateDisposableToken(3600, new Permissions().withCache(CachePermissions.readOnly()));
 * ```
 *
 * @packageDocumentation
 */
import * as host from 'momento:token/token@1.0.0';
import type { Permissions } from './permissions.js';

export {
  type CacheItemSelector,
  CachePermissions,
  type CacheRole,
  type CacheSelector,
  type ExplicitPermissions,
  FunctionPermissions,
  type FunctionRole,
  type FunctionSelector,
  type PermissionFields,
  Permissions,
  type PermissionsType,
  TopicPermissions,
  type TopicRole,
  type TopicSelector,
} from './permissions.js';

/** The cases of the WIT `token-error` variant. */
export type TokenErrorCase = 'internal-error' | 'invalid-argument' | 'permission-denied' | 'limit-exceeded';

const CASES = new Set<string>(['internal-error', 'invalid-argument', 'permission-denied', 'limit-exceeded']);

function rustDebugString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t\0]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[c] ?? c)}"`;
}

/**
 * The host refused to generate a token. `message` is the crate's Display text, e.g.
 * `TokenError::PermissionDenied("x")` or `TokenError::InternalError`; {@link TokenError.debug}
 * is its Debug text `TokenError(TokenError::PermissionDenied("x"))`.
 *
 * @example
 * ```ts
 * try { generateDisposableToken(3600, permissions); } catch (e) { if (e instanceof TokenError) console.log(e.case); }
 * ```
 */
export class TokenError extends Error {
  /** Which `token-error` case the host returned: `internal-error`, `invalid-argument`, `permission-denied` or `limit-exceeded`. */
  readonly case: TokenErrorCase;
  /** The host's message of the case (every case but `internal-error` carries one), else `undefined`. */
  readonly detail: string | undefined;

  /**
   * Makes the error `generateDisposableToken` throws for a `token-error`; `message` is the crate's
   * Display text, built from `errorCase` and `detail`.
   *
   * @param errorCase - the WIT case.
   * @param detail - its message.
   * @example
   * ```ts
   * new TokenError('permission-denied', 'x').message; // 'TokenError::PermissionDenied("x")'
   * ```
   */
  constructor(errorCase: TokenErrorCase, detail?: string) {
    const name = errorCase.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    super(`TokenError::${name}${detail === undefined ? '' : `(${rustDebugString(detail)})`}`);
    this.name = 'TokenError';
    this.case = errorCase;
    this.detail = detail;
  }

  /** The crate's Debug text: `TokenError(TokenError::PermissionDenied("x"))`. */
  get debug(): string {
    return `TokenError(${this.message})`;
  }
}

/**
 * A generated token.
 *
 * @example
 * ```ts
 * const { apiKey, endpoint, validUntil } = generateDisposableToken(60, permissions);
 * ```
 */
export interface DisposableToken {
  /** The disposable API key to hand to a client (a Momento SDK takes it as its credential). */
  readonly apiKey: string;
  /** The Momento endpoint the key is valid for, which a client connects to with it (on the reference host, `localhost` unless configured). */
  readonly endpoint: string;
  /** When the token expires, in seconds since the Unix epoch (a WIT `u64`, hence a `bigint`). */
  readonly validUntil: bigint;
}

/**
 * Generates a disposable token valid for `validForSeconds` with `permissions`; `tokenId` is
 * embedded in the token and shown to functions invoked with it as their token metadata.
 * Throws {@link TokenError}.
 *
 * @example
 * ```ts
 * const token = generateDisposableToken(
 *   3600,
 *   new Permissions().withTopic(TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-')),
 *   'user-42',
 * );
 * ```
 */
export function generateDisposableToken(
  validForSeconds: number,
  permissions: Permissions,
  tokenId?: string,
): DisposableToken {
  if (!Number.isInteger(validForSeconds) || validForSeconds < 0 || validForSeconds > 2 ** 32 - 1) {
    throw new RangeError(
      `validForSeconds must be an integer from 0 to ${2 ** 32 - 1}, got ${validForSeconds}`,
    );
  }
  try {
    const response = host.generateDisposableToken({ validForSeconds }, permissions.toJson(), tokenId);
    return { apiKey: response.apiKey, endpoint: response.endpoint, validUntil: BigInt(response.validUntil) };
  } catch (thrown) {
    const payload =
      thrown !== null && typeof thrown === 'object' && Object.hasOwn(thrown, 'payload')
        ? (thrown as { payload: { tag?: unknown; val?: unknown } }).payload
        : undefined;
    if (payload && typeof payload.tag === 'string' && CASES.has(payload.tag)) {
      throw new TokenError(
        payload.tag as TokenErrorCase,
        typeof payload.val === 'string' ? payload.val : undefined,
      );
    }
    throw thrown;
  }
}
