/**
 * Shared plumbing for the cache, list and topic services: the WIT `error` variant they all
 * use, the error a backend throws to choose a case, and a bounded runner that turns any
 * failure (including a backend that is down or slow) into a WIT error instead of a hang.
 */
import type { InvocationContext, WitResult } from '../types.js';

/** The cases of the WIT `error` variant of cache-scalar, cache-list and topic (same order). */
export type WitErrorCase =
  | 'internal-error'
  | 'request-cancelled'
  | 'invalid-argument'
  | 'timeout'
  | 'permission-denied'
  | 'limit-exceeded'
  | 'failed-precondition'
  | 'not-found';

/** jco's value for that WIT `error` variant. */
export type WitError =
  | {
      /** `'internal-error'`: the host failed; no message. */
      tag: 'internal-error';
    }
  | {
      /** `'request-cancelled'`: the call was cancelled; no message. */
      tag: 'request-cancelled';
    }
  | {
      /** `'timeout'`: the backend did not answer in time; no message. */
      tag: 'timeout';
    }
  | {
      /** `'invalid-argument'`: the guest passed something the operation refuses. */
      tag: 'invalid-argument';
      /** What was wrong and what to pass instead. */
      val: string;
    }
  | {
      /** `'permission-denied'`: the function may not do this. */
      tag: 'permission-denied';
      /** What was refused. */
      val: string;
    }
  | {
      /** `'limit-exceeded'`: a size or rate limit was crossed. */
      tag: 'limit-exceeded';
      /** Which limit, and by how much. */
      val: string;
    }
  | {
      /** `'failed-precondition'`: the item is not in a state the operation accepts (e.g. a list where a scalar was expected). */
      tag: 'failed-precondition';
      /** What state the item was in. */
      val: string;
    }
  | {
      /** `'not-found'`: something the operation needs does not exist (on Momento, the cache). */
      tag: 'not-found';
      /** What was not found. */
      val: string;
    };

const CASES_WITHOUT_MESSAGE = new Set<WitErrorCase>(['internal-error', 'request-cancelled', 'timeout']);

/**
 * Thrown by a backend or a validation step to answer the guest with a specific WIT error case.
 *
 * @example
 * ```ts
 * throw new ServiceError('invalid-argument', 'ttl must be greater than 0 milliseconds');
 * ```
 */
export class ServiceError extends Error {
  /** The WIT case the guest receives. */
  readonly case: WitErrorCase;

  /**
   * Creates the error for a WIT case; the message is `message`, or the case's name when empty.
   *
   * @param errorCase - the WIT case.
   * @param message - the case's string payload (ignored by cases that carry none).
   * @example
   * ```ts
   * new ServiceError('limit-exceeded', 'item of 6000000 bytes exceeds the 5242880-byte limit');
   * ```
   */
  constructor(errorCase: WitErrorCase, message = '') {
    super(message || errorCase);
    this.name = 'ServiceError';
    this.case = errorCase;
  }

  /**
   * The jco value of this error.
   *
   * @example
   * ```ts
   * new ServiceError('not-found', 'x').toWit(); // { tag: 'not-found', val: 'x' }
   * ```
   */
  toWit(): WitError {
    if (CASES_WITHOUT_MESSAGE.has(this.case)) return { tag: this.case } as WitError;
    return { tag: this.case, val: this.message } as WitError;
  }
}

/** Thrown by {@link runBounded} when an operation outlives its time limit. */
export class OperationTimeoutError extends Error {
  /**
   * Creates the error; the message is `<what> did not finish within <ms> ms`.
   *
   * @param what - the operation that ran too long.
   * @param ms - its time limit, in milliseconds.
   */
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = 'OperationTimeoutError';
  }
}

/** Receives failures that became `internal-error` or `timeout`, so the host can log them. */
export type ServiceErrorReporter = (error: unknown, operation: string, ctx: InvocationContext) => void;

/** Options shared by the bounded runner. */
export interface BoundedOptions {
  /** Longest time one backend operation may take before the guest gets `timeout`. */
  readonly timeoutMs: number;
  /** Told about every failure that did not come from a {@link ServiceError}. */
  readonly onError?: ServiceErrorReporter | undefined;
}

/** A value or a promise of it: memory backends answer synchronously, Redis asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Maps anything thrown by an operation to the WIT error the guest receives. */
export function toWitError(
  error: unknown,
  operation: string,
  ctx: InvocationContext,
  onError?: ServiceErrorReporter,
): WitError {
  if (error instanceof ServiceError) return error.toWit();
  onError?.(error, operation, ctx);
  if (error instanceof OperationTimeoutError) return { tag: 'timeout' };
  if (ctx.signal.aborted) return { tag: 'request-cancelled' };
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('WRONGTYPE'))
    return new ServiceError('failed-precondition', WRONG_TYPE_MESSAGE).toWit();
  return { tag: 'internal-error' };
}

/** The `failed-precondition` text when a scalar operation meets a list or the other way round. */
export const WRONG_TYPE_MESSAGE =
  'the key holds a different type of item (a scalar value vs a list); delete it first or use another key';

/**
 * Runs one service operation and returns its WIT result. Synchronous operations stay
 * synchronous (no promise is created); asynchronous ones are bounded by `timeoutMs` and by the
 * invocation's abort signal, so a dead backend answers `timeout`, never a hang.
 *
 * @example
 * ```ts
 * const result = runBounded(ctx, 'get', { timeoutMs: 5000 }, () => backend.get(cache, key));
 * ```
 */
export function runBounded<T>(
  ctx: InvocationContext,
  operation: string,
  options: BoundedOptions,
  run: () => MaybePromise<T>,
): MaybePromise<WitResult<T, WitError>> {
  let pending: MaybePromise<T>;
  try {
    pending = run();
  } catch (error) {
    return { tag: 'err', val: toWitError(error, operation, ctx, options.onError) };
  }
  if (!isPromise(pending)) return { tag: 'ok', val: pending };
  const promise = pending;
  return new Promise<WitResult<T, WitError>>((resolve) => {
    let settled = false;
    const finish = (result: WitResult<T, WitError>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ tag: 'err', val: { tag: 'request-cancelled' } });
    const timer = setTimeout(() => {
      const error = new OperationTimeoutError(`${operation}`, options.timeoutMs);
      finish({ tag: 'err', val: toWitError(error, operation, ctx, options.onError) });
    }, options.timeoutMs);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (val) => finish({ tag: 'ok', val }),
      (error: unknown) => finish({ tag: 'err', val: toWitError(error, operation, ctx, options.onError) }),
    );
  });
}

/** Turns a `data` argument (always materialized for services) into its bytes. */
export function dataBytes(data: { tag: string; val: unknown }, what: string): Uint8Array {
  if (data.tag === 'value' && data.val instanceof Uint8Array) return data.val;
  throw new ServiceError(
    'invalid-argument',
    `${what} must arrive as bytes (data::value); the bridge sent ${data.tag}`,
  );
}

/** The `data` result shape for bytes. */
export function dataValue(bytes: Uint8Array): { tag: 'value'; val: Uint8Array } {
  return { tag: 'value', val: bytes };
}
