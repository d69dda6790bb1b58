/** Turning keys and values into `Data`, and stored `Data` into the type asked for. */
import {
  Data,
  type DataInput,
  type Encoder,
  type Extractor,
  encodeJson,
  isByteSource,
} from '@momento-functions/bytes';
import { CacheEncodeError, CacheExtractError } from './errors.js';

/**
 * A cache key or list name: a string (UTF-8), bytes, or `Data`.
 *
 * @example
 * ```ts
 * const key: CacheKey = `user:${id}`;
 * ```
 */
export type CacheKey = DataInput;

/** A JSON value (encoded compactly, like `serde_json::to_vec`). */
export type JsonValue = null | boolean | number | JsonValue[] | { [key: string]: JsonValue } | object;

/**
 * A value to store: strings are stored as UTF-8, bytes and `Data` as they are, and anything
 * else (numbers, booleans, `null`, objects, arrays) as compact JSON.
 *
 * @example
 * ```ts
 * set('greeting', 'Hello', 60_000);          // bytes "Hello"
 * set('profile', { name: 'kvc' }, 60_000);   // bytes {"name":"kvc"}
 * ```
 */
export type CacheValue = DataInput | JsonValue;

function isDataInput(value: unknown): value is DataInput {
  return typeof value === 'string' || value instanceof Data || isByteSource(value);
}

/** @internal */
export function keyData(key: CacheKey): Data {
  if (!isDataInput(key)) {
    throw new TypeError(
      `a cache key must be a string, bytes or Data, got ${key === null ? 'null' : typeof key}`,
    );
  }
  return Data.from(key);
}

/** @internal */
export function valueData<T>(value: T, encoder?: Encoder<T>): Data {
  try {
    if (encoder) return encoder.encode(value);
    if (isDataInput(value)) return Data.from(value);
    return encodeJson(value);
  } catch (error) {
    throw new CacheEncodeError(error);
  }
}

/** @internal */
export function extractWith<T>(data: Data, extractor: Extractor<T> | undefined): T {
  if (!extractor) return data as T;
  try {
    return extractor.extract(data);
  } catch (error) {
    throw new CacheExtractError(error);
  }
}

const U32_MAX = 2 ** 32 - 1;
const S32_MIN = -(2 ** 31);
const S32_MAX = 2 ** 31 - 1;

/** @internal */
export function u32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new RangeError(`${what} must be an integer from 0 to ${U32_MAX}, got ${value}`);
  }
  return value;
}

/** @internal */
export function s32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < S32_MIN || value > S32_MAX) {
    throw new RangeError(`${what} must be an integer from ${S32_MIN} to ${S32_MAX}, got ${value}`);
  }
  return value;
}
