/**
 * JS shape of the WIT `spawn-success` variant, as componentize-js 0.23 lowers it.
 *
 * @example
 * ```ts
 * const s: WitSpawnSuccess = { tag: 'ok-note', val: 'done' };
 * ```
 */
export type WitSpawnSuccess =
  | {
      /** The case `ok`: the spawned function succeeded, with no note. */
      tag: 'ok';
    }
  | {
      /** The case `ok-note`: the spawned function succeeded and left a note in `val`. */
      tag: 'ok-note';
      /** The note reported to the host's tracking (any text). */
      val: string;
    };

/**
 * JS shape of the WIT `spawn-failure` variant, as componentize-js 0.23 lowers it.
 *
 * @example
 * ```ts
 * const f: WitSpawnFailure = { tag: 'host-error', val: 'cache unavailable' };
 * ```
 */
export type WitSpawnFailure =
  | {
      /** The case `failed`: the spawned function failed, with no note. */
      tag: 'failed';
    }
  | {
      /** The case `failed-note`: the spawned function failed and says why in `val`. */
      tag: 'failed-note';
      /** Why the function failed (any text). */
      val: string;
    }
  | {
      /** The case `host-error`: a host service the function depends on failed. */
      tag: 'host-error';
      /** What failed in the host service (any text). */
      val: string;
    };

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
  /** The plain `ok` outcome, with no note: what a handler returning `undefined` reports. */
  static readonly ok: SpawnSuccess = new SpawnSuccess(undefined);

  /**
   * An `ok-note(message)` outcome: success, with `message` kept by the host's tracking (what a
   * handler returning a string reports).
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
    /** The note reported with `ok-note`, or `undefined` for plain `ok`. */
    readonly note: string | undefined,
  ) {}

  /**
   * The WIT `spawn-success` value the component returns for this outcome (`{ tag: 'ok' }` or
   * `{ tag: 'ok-note', val }`).
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
   * A plain `failed` outcome, with no note (its `message` is `spawn failed`).
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
   * A `failed-note(message)` outcome: the function failed and `message` says why (what any other
   * thrown error becomes, with its message as the note).
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

  /** Always `'SpawnFailure'`, so the class survives in `e.name` and in printed stack traces. */
  override readonly name = 'SpawnFailure';

  private constructor(
    /** Which `spawn-failure` case this is: `failed`, `failed-note` or `host-error`. */
    readonly kind: SpawnFailureKind,
    /** The note (`failed-note`, `host-error`), or `undefined` for plain `failed`. */
    readonly note: string | undefined,
  ) {
    super(note ?? 'spawn failed');
  }

  /**
   * The WIT `spawn-failure` value the component reports for this outcome (`{ tag }`, plus `val`
   * for a case with a note).
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
