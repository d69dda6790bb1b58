/** Scalar cache operations over `momento:cache-scalar/cache-scalar@1.0.0`. */

import * as host from 'momento:cache-scalar/cache-scalar@1.0.0';
import { Data, type DataInput, type Encoder, type Extractor } from '@momento-functions/bytes';
import { hostCall } from './errors.js';
import { type Ttl, ttlMilliseconds } from './ttl.js';
import { type CacheKey, type CacheValue, extractWith, keyData, valueData } from './value.js';

/**
 * When {@link setIf} stores. Build one with {@link SetIfCondition}'s helpers or write it literally.
 * `notEqual` stores when the key is missing **or** holds another value (see docs/cache.md).
 *
 * @example
 * ```ts
 * setIf('lock', 'me', 10_000, SetIfCondition.absent());
 * setIf('lock', 'me', 10_000, { tag: 'absent' }); // the same
 * ```
 */
export type SetIfCondition =
  | {
      /** `'present'`: store only when the key exists. */
      readonly tag: 'present';
    }
  | {
      /** `'absent'`: store only when the key is missing. */
      readonly tag: 'absent';
    }
  | {
      /** `'present-and-not-equal'`: store when the key exists and holds something other than `value`. */
      readonly tag: 'present-and-not-equal';
      /** The value to compare the stored one with, encoded like a written value. */
      readonly value: CacheValue;
    }
  | {
      /** `'equal'`: store only when the key holds exactly `value`. */
      readonly tag: 'equal';
      /** The value to compare the stored one with, encoded like a written value. */
      readonly value: CacheValue;
    }
  | {
      /** `'absent-or-equal'`: store when the key is missing or holds exactly `value`. */
      readonly tag: 'absent-or-equal';
      /** The value to compare the stored one with, encoded like a written value. */
      readonly value: CacheValue;
    }
  | {
      /** `'not-equal'`: store when the key is missing or holds something other than `value`. */
      readonly tag: 'not-equal';
      /** The value to compare the stored one with, encoded like a written value. */
      readonly value: CacheValue;
    };

/**
 * Helpers that build {@link SetIfCondition}s, named like the crate's variants.
 *
 * @example
 * ```ts
 * setIf('counter', '1', 60_000, SetIfCondition.notEqual('999'));
 * ```
 */
export const SetIfCondition = {
  /** Store when the key exists. */
  present: (): SetIfCondition => ({ tag: 'present' }),
  /** Store when the key is missing. */
  absent: (): SetIfCondition => ({ tag: 'absent' }),
  /** Store when the key exists and its value differs from `value`. */
  presentAndNotEqual: (value: CacheValue): SetIfCondition => ({ tag: 'present-and-not-equal', value }),
  /** Store when the key's value equals `value`. */
  equal: (value: CacheValue): SetIfCondition => ({ tag: 'equal', value }),
  /** Store when the key is missing or its value equals `value`. */
  absentOrEqual: (value: CacheValue): SetIfCondition => ({ tag: 'absent-or-equal', value }),
  /** Store when the key is missing or its value differs from `value`. */
  notEqual: (value: CacheValue): SetIfCondition => ({ tag: 'not-equal', value }),
} as const;

/**
 * When {@link setIfHash} stores, comparing the stored value's hash (from {@link getWithHash}).
 *
 * @example
 * ```ts
 * const current = getWithHash('doc');
 * if (current) setIfHash('doc', 'v2', 60_000, SetIfHashCondition.presentAndHashEqual(current.hash));
 * ```
 */
export type SetIfHashCondition =
  | {
      /** `'present-and-not-hash-equal'`: store when the key exists and its hash differs from `hash`. */
      readonly tag: 'present-and-not-hash-equal';
      /** The hash to compare with, as raw bytes (as {@link getWithHash} returned it). */
      readonly hash: DataInput;
    }
  | {
      /** `'present-and-hash-equal'`: store when the key exists and its hash equals `hash`. */
      readonly tag: 'present-and-hash-equal';
      /** The hash to compare with, as raw bytes (as {@link getWithHash} returned it). */
      readonly hash: DataInput;
    }
  | {
      /** `'absent-or-hash-equal'`: store when the key is missing or its hash equals `hash`. */
      readonly tag: 'absent-or-hash-equal';
      /** The hash to compare with, as raw bytes (as {@link getWithHash} returned it). */
      readonly hash: DataInput;
    }
  | {
      /** `'absent-or-not-hash-equal'`: store when the key is missing or its hash differs from `hash`. */
      readonly tag: 'absent-or-not-hash-equal';
      /** The hash to compare with, as raw bytes (as {@link getWithHash} returned it). */
      readonly hash: DataInput;
    }
  | {
      /** `'unconditional'`: always store, and learn the new value's hash. */
      readonly tag: 'unconditional';
    };

/**
 * Helpers that build {@link SetIfHashCondition}s, named like the crate's variants.
 *
 * @example
 * ```ts
 * setIfHash('doc', 'v1', 60_000, SetIfHashCondition.unconditional());
 * ```
 */
export const SetIfHashCondition = {
  /** Store when the key exists and its hash differs from `hash`. */
  presentAndNotHashEqual: (hash: DataInput): SetIfHashCondition => ({
    tag: 'present-and-not-hash-equal',
    hash,
  }),
  /** Store when the key exists and its hash equals `hash` (optimistic concurrency). */
  presentAndHashEqual: (hash: DataInput): SetIfHashCondition => ({ tag: 'present-and-hash-equal', hash }),
  /** Store when the key is missing or its hash equals `hash`. */
  absentOrHashEqual: (hash: DataInput): SetIfHashCondition => ({ tag: 'absent-or-hash-equal', hash }),
  /** Store when the key is missing or its hash differs from `hash`. */
  absentOrNotHashEqual: (hash: DataInput): SetIfHashCondition => ({ tag: 'absent-or-not-hash-equal', hash }),
  /** Always store (and learn the new hash). */
  unconditional: (): SetIfHashCondition => ({ tag: 'unconditional' }),
} as const;

/**
 * Whether {@link setIf} stored the value.
 *
 * @example
 * ```ts
 * if (setIf('k', 'v', 1000, SetIfCondition.absent()) === 'stored') console.log('first!');
 * ```
 */
export type SetIfResult = 'stored' | 'not-stored';

/**
 * What {@link setIfHash} did: stored (with the new value's hash) or not.
 *
 * @example
 * ```ts
 * const r = setIfHash('k', 'v', 1000, SetIfHashCondition.unconditional());
 * if (r.result === 'stored') console.log(r.hash);
 * ```
 */
export type SetIfHashResult =
  | {
      /** `'stored'`: the condition held and the value was written. */
      readonly result: 'stored';
      /** The hash of the value just stored (raw bytes; SHA-256 on the reference host). */
      readonly hash: Uint8Array;
    }
  | {
      /** `'not-stored'`: the condition did not hold and the cache was left unchanged. */
      readonly result: 'not-stored';
    };

/**
 * A value read with its hash.
 *
 * @example
 * ```ts
 * const found: GetWithHashValue<string> | undefined = getWithHash('k', extract.text);
 * ```
 */
export interface GetWithHashValue<T> {
  /** The stored value, read with the extractor given (a {@link Data} without one). */
  readonly value: T;
  /** The stored value's hash (raw bytes; SHA-256 on the reference host). */
  readonly hash: Uint8Array;
}

/** Options of the write operations. */
export interface WriteOptions<T> {
  /** Encode the value with this encoder instead of the default (string/bytes as is, else JSON). */
  readonly encoder?: Encoder<T>;
}

/**
 * Reads a value: `undefined` when the key is missing. Without an extractor the value comes
 * back as `Data` (possibly still on the host); pass `extract.text`, `extract.json()`... to convert.
 * Throws {@link CacheError} or {@link CacheExtractError}.
 *
 * @example
 * ```ts
 * import { extract } from '@momento-functions/bytes';
 * const greeting = get('greeting', extract.text); // string | undefined
 * ```
 */
export function get(key: CacheKey): Data | undefined;
export function get<T>(key: CacheKey, extractor: Extractor<T>): T | undefined;
export function get<T>(key: CacheKey, extractor?: Extractor<T>): T | Data | undefined {
  const wit = hostCall(() => host.get(keyData(key).toWit()));
  return wit === undefined || wit === null ? undefined : extractWith(Data.fromWit(wit), extractor);
}

/**
 * Stores a value for `ttl` (milliseconds or a duration). Throws {@link CacheError} or
 * {@link CacheEncodeError}.
 *
 * @example
 * ```ts
 * set('greeting', 'Hello, World!', { minutes: 1 });
 * set('profile', { name: 'kvc' }, 60_000); // stored as {"name":"kvc"}
 * ```
 */
export function set<T = CacheValue>(key: CacheKey, value: T, ttl: Ttl, options: WriteOptions<T> = {}): void {
  const ms = ttlMilliseconds(ttl);
  const k = keyData(key);
  const v = valueData(value, options.encoder);
  hostCall(() => host.set(k.toWit(), v.toWit(), ms));
}

function witCondition(condition: SetIfCondition): host.SetIfCondition {
  if (condition.tag === 'present' || condition.tag === 'absent') return { tag: condition.tag };
  return { tag: condition.tag, val: valueData(condition.value).toWit() };
}

/**
 * Stores a value only when `condition` holds; answers `'stored'` or `'not-stored'`.
 *
 * @example
 * ```ts
 * setIf('new-key', 'first-value', 60_000, SetIfCondition.absent());  // 'stored'
 * setIf('new-key', 'second-value', 60_000, SetIfCondition.absent()); // 'not-stored'
 * ```
 */
export function setIf<T = CacheValue>(
  key: CacheKey,
  value: T,
  ttl: Ttl,
  condition: SetIfCondition,
  options: WriteOptions<T> = {},
): SetIfResult {
  const ms = ttlMilliseconds(ttl);
  const k = keyData(key);
  const v = valueData(value, options.encoder);
  const c = witCondition(condition);
  return hostCall(() => host.setIf(k.toWit(), v.toWit(), ms, c)).tag;
}

/**
 * Removes a key; removing a missing key succeeds.
 *
 * @example
 * ```ts
 * del('temp-data');
 * ```
 */
export function del(key: CacheKey): void {
  const k = keyData(key);
  hostCall(() => host.delete(k.toWit()));
}

export { del as delete };

/**
 * Reads a value and its hash, for a later {@link setIfHash}. `undefined` when missing.
 *
 * @example
 * ```ts
 * const found = getWithHash('doc', extract.json<Doc>());
 * ```
 */
export function getWithHash(key: CacheKey): GetWithHashValue<Data> | undefined;
export function getWithHash<T>(key: CacheKey, extractor: Extractor<T>): GetWithHashValue<T> | undefined;
export function getWithHash<T>(
  key: CacheKey,
  extractor?: Extractor<T>,
): GetWithHashValue<T | Data> | undefined {
  const result = hostCall(() => host.getWithHash(keyData(key).toWit()));
  if (result.tag === 'missing') return undefined;
  const hash = Data.fromWit(result.val.hash).bytes();
  return { value: extractWith(Data.fromWit(result.val.value), extractor), hash };
}

/**
 * Stores a value only when the hash condition holds; answers the new hash when stored.
 *
 * @example
 * ```ts
 * const current = getWithHash('doc');
 * const r = setIfHash('doc', 'v2', 60_000, current ? SetIfHashCondition.presentAndHashEqual(current.hash) : SetIfHashCondition.absentOrHashEqual(new Uint8Array()));
 * ```
 */
export function setIfHash<T = CacheValue>(
  key: CacheKey,
  value: T,
  ttl: Ttl,
  condition: SetIfHashCondition,
  options: WriteOptions<T> = {},
): SetIfHashResult {
  const ms = ttlMilliseconds(ttl);
  const k = keyData(key);
  const v = valueData(value, options.encoder);
  const c: host.SetIfHashCondition =
    condition.tag === 'unconditional'
      ? { tag: 'unconditional' }
      : { tag: condition.tag, val: Data.from(condition.hash).toWit() };
  const result = hostCall(() => host.setIfHash(k.toWit(), v.toWit(), ms, c));
  return result.tag === 'stored'
    ? { result: 'stored', hash: Data.fromWit(result.val).bytes() }
    : { result: 'not-stored' };
}
