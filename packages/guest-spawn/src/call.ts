import { spawnFunction as witSpawnFunction } from 'momento:spawn/spawn@1.0.0';
import {
  Data,
  type DataInput,
  type Encoder,
  encodeJson,
  isByteSource,
  rustDebugString,
} from '@momento-functions/bytes';

/**
 * The cases of the WIT `momento:spawn/spawn` `spawn-error` variant.
 *
 * @example
 * ```ts
 * import type { SpawnErrorCase } from '@momento-functions/guest-spawn';
 * const retryable = (c: SpawnErrorCase) => c === 'limit' || c === 'internal-error';
 * ```
 */
export type SpawnErrorCase = 'function-not-found' | 'internal-error' | 'limit';

const CASES: ReadonlySet<string> = new Set<SpawnErrorCase>(['function-not-found', 'internal-error', 'limit']);

const PASCAL: Record<SpawnErrorCase, string> = {
  'function-not-found': 'FunctionNotFound',
  'internal-error': 'InternalError',
  limit: 'Limit',
};

/**
 * The host refused to start a spawn function: the WIT `spawn-error` it returned. `message` is the
 * Rust crate's Display text (`SpawnError::FunctionNotFound`, `SpawnError::Limit("…")`);
 * {@link SpawnError.debug} is its Debug text (`FunctionSpawnError(SpawnError::FunctionNotFound)`),
 * what a Rust function's `?` puts in a 500 body.
 *
 * @example
 * ```ts
 * import { SpawnError, spawnFunction } from '@momento-functions/guest-spawn';
 * try {
 *   spawnFunction('indexer', { id: 42 });
 * } catch (e) {
 *   if (e instanceof SpawnError && e.case === 'function-not-found') console.log('deploy "indexer" first');
 * }
 * ```
 */
export class SpawnError extends Error {
  /** Which `spawn-error` case the host returned: `function-not-found`, `internal-error` or `limit`. */
  readonly case: SpawnErrorCase;
  /** The host's message of the `limit` case (e.g. `too many`), `undefined` for the others. */
  readonly detail: string | undefined;
  /** The spawn function that was asked for, when known (it is not part of `message` or `debug`). */
  readonly functionName: string | undefined;

  /**
   * Makes the error `spawnFunction` throws for a `spawn-error`; `message` is the crate's Display
   * text, built from `errorCase` and `detail`.
   *
   * @param errorCase - the WIT case.
   * @param detail - the `limit` message.
   * @param functionName - the function that could not be spawned (not part of the texts).
   * @example
   * ```ts
   * new SpawnError('limit', 'too many').message; // 'SpawnError::Limit("too many")'
   * ```
   */
  constructor(errorCase: SpawnErrorCase, detail?: string, functionName?: string) {
    const name = PASCAL[errorCase] ?? errorCase;
    super(`SpawnError::${name}${detail === undefined ? '' : `(${rustDebugString(detail)})`}`);
    this.name = 'SpawnError';
    this.case = errorCase;
    this.detail = detail;
    this.functionName = functionName;
  }

  /**
   * The crate's Debug text, e.g. `FunctionSpawnError(SpawnError::Limit("too many"))`.
   *
   * @example
   * ```ts
   * new SpawnError('function-not-found').debug; // 'FunctionSpawnError(SpawnError::FunctionNotFound)'
   * ```
   */
  get debug(): string {
    return `FunctionSpawnError(${this.message})`;
  }
}

/**
 * The payload could not be encoded before spawning (Display: `Failed to encode payload`, as the
 * crate); the encoder's error is `cause`. Nothing was spawned.
 *
 * @example
 * ```ts
 * import { SpawnEncodeError, spawnFunction } from '@momento-functions/guest-spawn';
 * try { spawnFunction('worker', { n: 1n }); } catch (e) { if (e instanceof SpawnEncodeError) console.log(e.cause); }
 * ```
 */
export class SpawnEncodeError extends Error {
  /**
   * Wraps the encoder's error; `message` is always `Failed to encode payload`, and `cause` is the
   * encoder's error.
   *
   * @param cause - the encoder's error.
   * @example
   * ```ts
   * new SpawnEncodeError(new Error('bad')).message; // 'Failed to encode payload'
   * ```
   */
  constructor(cause: unknown) {
    super('Failed to encode payload', { cause });
    this.name = 'SpawnEncodeError';
  }

  /**
   * The crate's Debug text: `EncodeFailed { cause: "…" }`.
   *
   * @example
   * ```ts
   * new SpawnEncodeError(new Error('bad')).debug; // 'EncodeFailed { cause: "bad" }'
   * ```
   */
  get debug(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return `EncodeFailed { cause: ${rustDebugString(cause)} }`;
  }
}

/**
 * Options of {@link spawnFunction}.
 *
 * @example
 * ```ts
 * import { encode } from '@momento-functions/bytes';
 * spawnFunction('worker', 'raw text', { encoder: encode.text });
 * ```
 */
export interface SpawnFunctionOptions<T> {
  /** Encodes the payload instead of the default (bytes/strings/Data as they are, else JSON). */
  readonly encoder?: Encoder<T>;
}

function isDataInput(value: unknown): value is DataInput {
  return typeof value === 'string' || value instanceof Data || isByteSource(value);
}

function payloadBytes<T>(payload: T, encoder: Encoder<T> | undefined): Uint8Array {
  try {
    const data = encoder
      ? encoder.encode(payload)
      : isDataInput(payload)
        ? Data.from(payload)
        : encodeJson(payload);
    return data.bytes();
  } catch (error) {
    throw new SpawnEncodeError(error);
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
 * Starts the spawn function `name` (of the caller's cache) in the background with `payload`, fire
 * and forget: it returns as soon as the host accepted the request, and the spawned function's
 * outcome is only seen by the host. Over `momento:spawn/spawn@1.0.0` (like
 * `momento_functions_host::spawn` in the Rust v1 crate).
 *
 * The payload is sent as bytes: a string (UTF-8), bytes or a `Data` as they are (a host `Data`
 * is read first: the WIT takes `list<u8>`), anything else as compact JSON, or through
 * `options.encoder`. The spawn function receives exactly these bytes.
 *
 * @param name - the spawn function's name.
 * @param payload - what the spawn function receives.
 * @param options - an encoder for the payload.
 * @throws {@link SpawnError} when the host refuses (`function-not-found`, `limit`, `internal-error`).
 * @throws {@link SpawnEncodeError} when the payload cannot be encoded (nothing is spawned).
 * @example
 * ```ts
 * import { spawnFunction } from '@momento-functions/guest-spawn';
 * import { web } from '@momento-functions/guest-web';
 *
 * export default web((request) => {
 *   spawnFunction('reindex', { documents: request.json() }); // JSON payload
 *   spawnFunction('audit', 'raw text payload');
 *   return { status: 202 };
 * });
 * ```
 */
export function spawnFunction<T>(name: string, payload: T, options: SpawnFunctionOptions<T> = {}): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `spawnFunction(name, payload): name must be the non-empty name of a spawn function, got ${name === '' ? 'an empty string' : typeof name}`,
    );
  }
  const bytes = payloadBytes(payload, options.encoder);
  try {
    witSpawnFunction(name, bytes);
  } catch (thrown) {
    const error = payloadOf(thrown);
    if (error && typeof error.tag === 'string' && CASES.has(error.tag)) {
      throw new SpawnError(
        error.tag as SpawnErrorCase,
        typeof error.val === 'string' ? error.val : undefined,
        name,
      );
    }
    throw thrown;
  }
}
