/**
 * JS shape of the WIT `spawn-success` variant, as componentize-js 0.23 lowers it.
 *
 * @example
 * ```ts
 * const s: WitSpawnSuccess = { tag: 'ok-note', val: 'done' };
 * ```
 */
export type WitSpawnSuccess = { tag: 'ok' } | { tag: 'ok-note'; val: string };

/**
 * JS shape of the WIT `spawn-failure` variant, as componentize-js 0.23 lowers it.
 *
 * @example
 * ```ts
 * const f: WitSpawnFailure = { tag: 'host-error', val: 'cache unavailable' };
 * ```
 */
export type WitSpawnFailure =
  | { tag: 'failed' }
  | { tag: 'failed-note'; val: string }
  | { tag: 'host-error'; val: string };

/**
 * A successful spawn outcome: plain `ok`, or `ok-note` with a message for the host's tracking.
 * Returning `undefined` from a handler means `ok`; returning a string means `ok-note`.
 *
 * @example
 * ```ts
 * import { spawn, SpawnSuccess } from '@momento-functions/guest-spawn';
 * export default spawn((payload) => SpawnSuccess.note(`processed ${payload.bytes().length} bytes`));
 * ```
 */
export class SpawnSuccess {
  /** `ok` (no note). */
  static readonly ok: SpawnSuccess = new SpawnSuccess(undefined);

  /**
   * `ok-note(message)`.
   *
   * @example
   * ```ts
   * SpawnSuccess.note('3 items indexed').toWit(); // { tag: 'ok-note', val: '3 items indexed' }
   * ```
   */
  static note(message: string): SpawnSuccess {
    return new SpawnSuccess(String(message));
  }

  private constructor(
    /** The note, or `undefined` for plain `ok`. */
    readonly note: string | undefined,
  ) {}

  /**
   * The WIT value the component returns.
   *
   * @example
   * ```ts
   * SpawnSuccess.ok.toWit(); // { tag: 'ok' }
   * ```
   */
  toWit(): WitSpawnSuccess {
    return this.note === undefined ? { tag: 'ok' } : { tag: 'ok-note', val: this.note };
  }
}

/**
 * Which `spawn-failure` case a {@link SpawnFailure} is.
 *
 * @example
 * ```ts
 * SpawnFailure.note('x').kind; // 'failed-note'
 * ```
 */
export type SpawnFailureKind = 'failed' | 'failed-note' | 'host-error';

/**
 * A failed spawn outcome: `failed`, `failed-note(message)` or `host-error(message)`. Return it or
 * throw it from a handler. Any other thrown error becomes `failed-note(<its message>)`.
 *
 * @example
 * ```ts
 * import { spawn, SpawnFailure } from '@momento-functions/guest-spawn';
 * export default spawn((payload) => {
 *   if (payload.bytes().length === 0) throw SpawnFailure.note('empty payload');
 * });
 * ```
 */
export class SpawnFailure extends Error {
  /**
   * `failed` (no note).
   *
   * @example
   * ```ts
   * SpawnFailure.failed().toWit(); // { tag: 'failed' }
   * ```
   */
  static failed(): SpawnFailure {
    return new SpawnFailure('failed', undefined);
  }

  /**
   * `failed-note(message)`.
   *
   * @example
   * ```ts
   * SpawnFailure.note('bad input').toWit(); // { tag: 'failed-note', val: 'bad input' }
   * ```
   */
  static note(message: string): SpawnFailure {
    return new SpawnFailure('failed-note', String(message));
  }

  /**
   * `host-error(message)`: a host service the function depends on failed.
   *
   * @example
   * ```ts
   * SpawnFailure.hostError('cache unavailable').toWit(); // { tag: 'host-error', val: 'cache unavailable' }
   * ```
   */
  static hostError(message: string): SpawnFailure {
    return new SpawnFailure('host-error', String(message));
  }

  override readonly name = 'SpawnFailure';

  private constructor(
    /** Which failure case this is. */
    readonly kind: SpawnFailureKind,
    /** The note (`failed-note`, `host-error`), or `undefined` for plain `failed`. */
    readonly note: string | undefined,
  ) {
    super(note ?? 'spawn failed');
  }

  /**
   * The WIT value the component reports.
   *
   * @example
   * ```ts
   * SpawnFailure.hostError('x').toWit(); // { tag: 'host-error', val: 'x' }
   * ```
   */
  toWit(): WitSpawnFailure {
    if (this.kind === 'failed') return { tag: 'failed' };
    return { tag: this.kind, val: this.note ?? '' };
  }
}

/**
 * What a spawn handler may return: nothing (`ok`), a string (`ok-note`), or an explicit outcome.
 *
 * @example
 * ```ts
 * const handler = (text: string): SpawnResult => (text ? `got ${text}` : SpawnFailure.note('empty'));
 * ```
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with no return statement returns `void`.
export type SpawnResult = undefined | void | string | SpawnSuccess | SpawnFailure;
