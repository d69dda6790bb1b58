import { rustDebugString } from '@momento-functions/bytes';

/**
 * The cases of the WIT `valkey-error` variant (today only `other`).
 *
 * @example
 * ```ts
 * import type { ValkeyErrorCase } from '@momento-functions/valkey';
 * const c: ValkeyErrorCase = 'other';
 * ```
 */
export type ValkeyErrorCase = 'other';

/**
 * A command got no reply: the host answered `err(valkey-error)` (the cluster is not reachable or
 * not configured, the command timed out or is not supported). A reply the *server* sends as an
 * error (`WRONGTYPE …`) is not a `ValkeyError` but a `simple-error` value.
 *
 * `message` is the crate's Display text (`valkey error: <detail>`), {@link ValkeyError.debug} its
 * Debug text (`Other("<detail>")`), what a Rust function's `?` puts in a 500 body.
 *
 * @example
 * ```ts
 * import { clusterClient, ValkeyError } from '@momento-functions/valkey';
 * try {
 *   clusterClient('my-cluster').command('PING');
 * } catch (e) {
 *   if (e instanceof ValkeyError) console.log(e.detail);
 * }
 * ```
 */
export class ValkeyError extends Error {
  /** Which `valkey-error` case the host returned (today always `other`). */
  readonly case: ValkeyErrorCase;
  /** The host's explanation of why the command got no reply, e.g. `timed out`. */
  readonly detail: string;

  /**
   * Makes the error a command throws when the host answers `err(valkey-error)`; `message` is
   * `valkey error: <detail>`.
   *
   * @param detail - the host's explanation.
   * @param errorCase - the WIT case.
   * @example
   * ```ts
   * new ValkeyError('timed out').message; // 'valkey error: timed out'
   * ```
   */
  constructor(detail: string, errorCase: ValkeyErrorCase = 'other') {
    super(`valkey error: ${detail}`);
    this.name = 'ValkeyError';
    this.case = errorCase;
    this.detail = detail;
  }

  /**
   * The crate's Debug text, `Other("<detail>")`: what a Rust function's `?` puts in a 500 body.
   *
   * @example
   * ```ts
   * new ValkeyError('timed out').debug; // 'Other("timed out")'
   * ```
   */
  get debug(): string {
    return `Other(${rustDebugString(this.detail)})`;
  }
}

/** The `payload` componentize-js attaches to the error it throws for a WIT `err`. */
function payloadOf(thrown: unknown): { tag?: unknown; val?: unknown } | undefined {
  if (thrown !== null && typeof thrown === 'object' && Object.hasOwn(thrown, 'payload')) {
    const payload = (thrown as { payload: unknown }).payload;
    if (payload !== null && typeof payload === 'object') return payload as { tag?: unknown; val?: unknown };
  }
  return undefined;
}

/**
 * Calls the host; a WIT `err(other(s))` becomes a {@link ValkeyError}, anything else propagates.
 *
 * @internal
 */
export function hostCall<T>(call: () => T): T {
  try {
    return call();
  } catch (thrown) {
    const payload = payloadOf(thrown);
    if (payload?.tag === 'other' && typeof payload.val === 'string') throw new ValkeyError(payload.val);
    throw thrown;
  }
}
