/** Errors of the cache operations, with the crate's Display and Debug texts. */
import { rustDebugString } from '@momento-functions/bytes';

/** The cases of the WIT `error` variant (cache-scalar and cache-list). */
export type CacheErrorCase =
  | 'internal-error'
  | 'request-cancelled'
  | 'invalid-argument'
  | 'timeout'
  | 'permission-denied'
  | 'limit-exceeded'
  | 'failed-precondition'
  | 'not-found';

const CASES = new Set<string>([
  'internal-error',
  'request-cancelled',
  'invalid-argument',
  'timeout',
  'permission-denied',
  'limit-exceeded',
  'failed-precondition',
  'not-found',
]);

/** `internal-error` → `InternalError`. */
export function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * The host answered a cache operation with a WIT `error`. `message` is the crate's Display
 * text, e.g. `Error::NotFound("x")` or `Error::InternalError`; {@link CacheError.debug} is what
 * the crate's examples print with `{:?}`: `CacheError(Error::NotFound("x"))`.
 *
 * @example
 * ```ts
 * import { CacheError, get } from '@momento-functions/cache';
 * try {
 *   get('key');
 * } catch (e) {
 *   if (e instanceof CacheError && e.case === 'timeout') console.log('retry later');
 * }
 * ```
 */
export class CacheError extends Error {
  /** Which case of the WIT error the host returned (e.g. `timeout`); branch on it to handle one kind of failure. */
  readonly case: CacheErrorCase;
  /** The case's message (`invalid-argument`, `permission-denied`, ...), if it carries one. */
  readonly detail: string | undefined;

  /**
   * Creates the error for a WIT case; the message is built from the case and its detail.
   *
   * @param errorCase - the WIT case.
   * @param detail - its message, for the cases that carry one.
   * @example
   * ```ts
   * new CacheError('not-found', 'x').message; // 'Error::NotFound("x")'
   * ```
   */
  constructor(errorCase: CacheErrorCase, detail?: string) {
    super(`Error::${pascalCase(errorCase)}${detail === undefined ? '' : `(${rustDebugString(detail)})`}`);
    this.name = 'CacheError';
    this.case = errorCase;
    this.detail = detail;
  }

  /** The crate's Debug text: `CacheError(Error::NotFound("x"))`. */
  get debug(): string {
    return `CacheError(${this.message})`;
  }
}

/**
 * A value could not be encoded before it was sent (Display: `Failed to encode value.`); the
 * encoder's error is `cause`.
 *
 * @example
 * ```ts
 * try { set('k', { n: 1n }, 60_000); } catch (e) { if (e instanceof CacheEncodeError) console.log(e.cause); }
 * ```
 */
export class CacheEncodeError extends Error {
  /**
   * Wraps the encoder's error; the message is always `Failed to encode value.`.
   *
   * @param cause - the encoder's error.
   * @example
   * ```ts
   * new CacheEncodeError(new Error('bad')).message; // 'Failed to encode value.'
   * ```
   */
  constructor(cause: unknown) {
    super('Failed to encode value.', { cause });
    this.name = 'CacheEncodeError';
  }

  /** The crate's Debug text: `EncodeFailed { cause: ... }`. */
  get debug(): string {
    return `EncodeFailed { cause: ${rustDebugString(String((this.cause as Error)?.message ?? this.cause))} }`;
  }
}

/**
 * A stored value could not be turned into the type asked for (Display:
 * `Failed to extract value.`); the extractor's error is `cause`.
 *
 * @example
 * ```ts
 * try { get('k', extract.json()); } catch (e) { if (e instanceof CacheExtractError) console.log(e.cause); }
 * ```
 */
export class CacheExtractError extends Error {
  /**
   * Wraps the extractor's error; the message is always `Failed to extract value.`.
   *
   * @param cause - the extractor's error.
   * @example
   * ```ts
   * new CacheExtractError(new Error('bad')).message; // 'Failed to extract value.'
   * ```
   */
  constructor(cause: unknown) {
    super('Failed to extract value.', { cause });
    this.name = 'CacheExtractError';
  }

  /** The crate's Debug text: `ExtractFailed { cause: ... }`. */
  get debug(): string {
    return `ExtractFailed { cause: ${rustDebugString(String((this.cause as Error)?.message ?? this.cause))} }`;
  }
}

/** The `payload` componentize-js attaches to the error it throws for a WIT `err`. */
function payloadOf(thrown: unknown): unknown {
  if (thrown !== null && typeof thrown === 'object' && Object.hasOwn(thrown, 'payload')) {
    return (thrown as { payload: unknown }).payload;
  }
  return undefined;
}

/**
 * Calls a host function; a WIT `err` (thrown by componentize-js as a `ComponentError` with a
 * `payload`) becomes a {@link CacheError}. Anything else propagates unchanged.
 *
 * @internal
 */
export function hostCall<T>(call: () => T): T {
  try {
    return call();
  } catch (thrown) {
    const payload = payloadOf(thrown) as { tag?: unknown; val?: unknown } | undefined;
    if (payload && typeof payload.tag === 'string' && CASES.has(payload.tag)) {
      throw new CacheError(
        payload.tag as CacheErrorCase,
        typeof payload.val === 'string' ? payload.val : undefined,
      );
    }
    throw thrown;
  }
}
