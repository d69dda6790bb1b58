import { Data, type Extractor, type WitData } from '@momento-functions/bytes';
import {
  SpawnFailure,
  type SpawnResult,
  SpawnSuccess,
  type WitSpawnFailure,
  type WitSpawnSuccess,
} from './result.js';

/**
 * A spawn function, ready to be the module's default export. The build exports it as
 * `momento:spawn-function/guest-function-spawn@1.0.0`.
 *
 * `spawned` has exactly the behaviour componentize-js 0.23 expects for a WIT function returning
 * `result<spawn-success, spawn-failure>`: it returns the `spawn-success` value for `ok`, and throws
 * the plain `spawn-failure` value (`{ tag, val }`, not an Error) for `err`. It never throws anything
 * else, so a handler's error can never become a bare trap.
 *
 * @example
 * ```ts
 * import { spawn } from '@momento-functions/guest-spawn';
 * const fn = spawn(() => undefined);
 * fn.spawned({ tag: 'value', val: new Uint8Array() }); // { tag: 'ok' }
 * ```
 */
export interface SpawnFunction {
  /** Always `'spawn'`: tells the build to export `guest-function-spawn` (a web function has `'web'`). */
  readonly kind: 'spawn';
  /** Runs the handler on one payload; throws a {@link WitSpawnFailure} value for `err`. */
  spawned(payload: WitData): WitSpawnSuccess;
}

/**
 * Prefix of the note when the payload cannot be extracted (as the Rust crate).
 *
 * @example
 * ```ts
 * note.startsWith(EXTRACT_FAILURE_PREFIX); // 'Failed to extract spawn payload: '
 * ```
 */
export const EXTRACT_FAILURE_PREFIX = 'Failed to extract spawn payload: ';

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Map what a handler returned to the WIT result (returns ok, throws err). */
function settle(value: unknown): WitSpawnSuccess {
  if (value === undefined) return { tag: 'ok' };
  if (typeof value === 'string') return { tag: 'ok-note', val: value };
  if (value instanceof SpawnSuccess) return value.toWit();
  if (value instanceof SpawnFailure) throw value.toWit();
  if (typeof (value as { then?: unknown } | null)?.then === 'function') {
    throw {
      tag: 'failed-note',
      val: 'The spawn handler returned a Promise. Momento spawn handlers run synchronously (host calls block): remove `async` and call host services directly.',
    } satisfies WitSpawnFailure;
  }
  throw {
    tag: 'failed-note',
    val: `The spawn handler returned an unsupported value (${describe(value)}). Return nothing, a string note, SpawnSuccess or SpawnFailure.`,
  } satisfies WitSpawnFailure;
}

function failureOf(e: unknown): WitSpawnFailure {
  if (e instanceof SpawnFailure) return e.toWit();
  return { tag: 'failed-note', val: messageOf(e) };
}

/**
 * What the type checker says when a spawn handler is `async` or returns a Promise: the type a
 * Promise return is mapped to by {@link SyncSpawnResult}, so the error reads `Property ''remove
 * async: ...'' is missing in type 'Promise<void>' but required in type 'SpawnHandlerMustBeSynchronous'`.
 *
 * @example
 * ```ts
 * import { spawn } from '@momento-functions/guest-spawn';
 * // @ts-expect-error 'Promise<void>' ... required in type 'SpawnHandlerMustBeSynchronous'
 * spawn(async () => {});
 * ```
 */
export interface SpawnHandlerMustBeSynchronous {
  /** Never present: no value has this type, so nothing is assignable to it but `never`. */
  readonly 'remove async: Momento host calls return their results directly, there is nothing to await': never;
}

/**
 * `R`, unless it is a Promise (or any thenable): then {@link SpawnHandlerMustBeSynchronous}, which no
 * value satisfies. `spawn()` types its handler's return with it, so an `async` handler is a type
 * error where it is written (at run time it would end as a `failed-note`).
 *
 * @example
 * ```ts
 * import type { SyncSpawnResult } from '@momento-functions/guest-spawn';
 * type A = SyncSpawnResult<string>; // string
 * type B = SyncSpawnResult<Promise<void>>; // SpawnHandlerMustBeSynchronous
 * ```
 */
export type SyncSpawnResult<R> = R extends PromiseLike<unknown> ? SpawnHandlerMustBeSynchronous : R;

/**
 * Define a spawn function. The handler takes the payload (as {@link Data}, or as the value an
 * extractor makes of it) and returns its outcome:
 * `undefined` → `ok`; a string → `ok-note`; {@link SpawnSuccess} / {@link SpawnFailure} → as given;
 * a thrown {@link SpawnFailure} → that failure; any other thrown error → `failed-note(<message>)`.
 * If the extractor fails: `failed-note("Failed to extract spawn payload: <detail>")`.
 * The handler is synchronous: an `async` handler, or one that returns a Promise, is a type error
 * ({@link SpawnHandlerMustBeSynchronous}).
 *
 * @example
 * ```ts
 * import { extract } from '@momento-functions/bytes';
 * import { spawn } from '@momento-functions/guest-spawn';
 * import { z } from 'zod';
 *
 * export default spawn(extract.schema(z.object({ _name: z.string() })), ({ _name }) => {
 *   console.log(`spawned for ${_name}`);
 * });
 * ```
 */
export function spawn<R extends SpawnResult>(handler: (payload: Data) => SyncSpawnResult<R>): SpawnFunction;
export function spawn<T, R extends SpawnResult>(
  extractor: Extractor<T>,
  handler: (payload: T) => SyncSpawnResult<R>,
): SpawnFunction;
export function spawn<T>(
  first: Extractor<T> | ((payload: Data) => SpawnResult),
  second?: (payload: T) => SpawnResult,
): SpawnFunction {
  let extractor: Extractor<unknown>;
  let handler: (payload: unknown) => SpawnResult;
  if (second === undefined) {
    if (typeof first !== 'function') {
      throw new TypeError('spawn(handler) expects a function: spawn((payload) => { ... })');
    }
    extractor = { extract: (data) => data };
    handler = first as (payload: unknown) => SpawnResult;
  } else {
    if (typeof (first as Extractor<T> | null)?.extract !== 'function') {
      throw new TypeError(
        'spawn(extractor, handler) expects an extractor with an extract(data) method first, e.g. extract.json() from @momento-functions/bytes',
      );
    }
    if (typeof second !== 'function')
      throw new TypeError('spawn(extractor, handler) expects a handler function second');
    extractor = first as Extractor<unknown>;
    handler = second as (payload: unknown) => SpawnResult;
  }
  return {
    kind: 'spawn',
    spawned(payload: WitData): WitSpawnSuccess {
      let value: unknown;
      try {
        value = extractor.extract(Data.fromWit(payload));
      } catch (e) {
        throw {
          tag: 'failed-note',
          val: `${EXTRACT_FAILURE_PREFIX}${messageOf(e)}`,
        } satisfies WitSpawnFailure;
      }
      let returned: unknown;
      try {
        returned = handler(value);
      } catch (e) {
        throw failureOf(e);
      }
      return settle(returned);
    },
  };
}
