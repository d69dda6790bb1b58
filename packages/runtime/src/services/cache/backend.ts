/**
 * The storage contract behind the cache-scalar and cache-list services, and the pure rules
 * both backends (memory, Redis/Valkey) share: conditions, hashes, list ranges, TTL limits.
 */
import { createHash } from 'node:crypto';
import { type MaybePromise, ServiceError } from './errors.js';

/**
 * A comparison a conditional write makes against the stored value (or its hash). The six
 * value conditions of `set-if`, plus `always` for `set-if-hash`'s `unconditional`.
 *
 * `not-equal` stores when the key is **missing or** its value differs (the Rust crate's
 * reading, and Momento's `SetIfNotEqual`), see docs/cache.md.
 */
export type Condition =
  | {
      /** `'present'`: store only when the key exists. */
      tag: 'present';
    }
  | {
      /** `'absent'`: store only when the key is missing. */
      tag: 'absent';
    }
  | {
      /** `'always'`: store unconditionally (`set-if-hash`'s `unconditional`). */
      tag: 'always';
    }
  | {
      /** `'present-and-not-equal'`: store when the key exists and its compared field differs from `val`. */
      tag: 'present-and-not-equal';
      /** The bytes to compare with: a value, or a hash when the compared field is `hash`. */
      val: Uint8Array;
    }
  | {
      /** `'equal'`: store only when the key exists and its compared field equals `val`. */
      tag: 'equal';
      /** The bytes to compare with: a value, or a hash when the compared field is `hash`. */
      val: Uint8Array;
    }
  | {
      /** `'absent-or-equal'`: store when the key is missing or its compared field equals `val`. */
      tag: 'absent-or-equal';
      /** The bytes to compare with: a value, or a hash when the compared field is `hash`. */
      val: Uint8Array;
    }
  | {
      /** `'not-equal'`: store when the key is missing or its compared field differs from `val`. */
      tag: 'not-equal';
      /** The bytes to compare with: a value, or a hash when the compared field is `hash`. */
      val: Uint8Array;
    };

/** What a conditional write compares: the stored value itself, or its hash. */
export type CompareField = 'value' | 'hash';

/** `begin-index`/`count` of a list erase range. */
export interface ListRange {
  /** Index of the first element to erase, 0-based from the front. */
  readonly beginIndex: number;
  /** How many elements to erase from `beginIndex`; elements past the end are ignored. */
  readonly count: number;
}

/** A stored scalar with its hash. */
export interface ValueWithHash {
  /** The stored value bytes (a copy the caller may keep). */
  readonly value: Uint8Array;
  /** The value's 32-byte SHA-256 digest ({@link valueHash}). */
  readonly hash: Uint8Array;
}

/** A popped element and the list's length after the pop. */
export interface Popped {
  /** The element removed from the list. */
  readonly value: Uint8Array;
  /** How many elements remain in the list after the pop (0 when the list is now gone). */
  readonly listLength: number;
}

/** How a list write treats the list's TTL (the crate's `CollectionTtl`). */
export interface ListWriteTtl {
  /** Milliseconds, already validated and clamped. */
  readonly ttlMs: number;
  /** Reset the TTL of an existing list; a new list always gets `ttlMs`. */
  readonly refresh: boolean;
}

/**
 * The storage operations, scoped by cache name. Methods may answer synchronously (memory) or
 * with a promise (Redis); throw {@link ServiceError} to pick the guest's WIT error case.
 */
export interface CacheBackend {
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis';
  /** The value stored under `key` in `cache`, or `undefined` when there is none (missing or expired). */
  get(cache: string, key: Uint8Array): MaybePromise<Uint8Array | undefined>;
  /** The value stored under `key` with its SHA-256 hash, or `undefined` when it is missing. */
  getWithHash(cache: string, key: Uint8Array): MaybePromise<ValueWithHash | undefined>;
  /** Stores `value` under `key`, replacing any item there, to expire after `ttlMs` milliseconds. */
  set(cache: string, key: Uint8Array, value: Uint8Array, ttlMs: number): MaybePromise<void>;
  /** Stores when `condition` holds for `field`; answers the new value's hash, or undefined. */
  setIf(
    cache: string,
    key: Uint8Array,
    value: Uint8Array,
    ttlMs: number,
    condition: Condition,
    field: CompareField,
  ): MaybePromise<Uint8Array | undefined>;
  /** Removes the item (scalar or list) under `key`; nothing happens when it is missing. */
  delete(cache: string, key: Uint8Array): MaybePromise<void>;
  /** Adds values at one end (in the given order), truncating the other end; answers the length. */
  listPush(
    cache: string,
    name: Uint8Array,
    values: readonly Uint8Array[],
    end: 'front' | 'back',
    ttl: ListWriteTtl,
    truncateToSize: number,
  ): MaybePromise<number>;
  /** Removes and answers the element at `end`, or `undefined` when the list is missing; an emptied list is deleted. */
  listPop(cache: string, name: Uint8Array, end: 'front' | 'back'): MaybePromise<Popped | undefined>;
  /**
   * Removes the elements in `ranges` (or every element, with `'all'`) and answers the remaining
   * length, or `undefined` when the list is missing; an emptied list is deleted.
   */
  listErase(
    cache: string,
    name: Uint8Array,
    ranges: readonly ListRange[] | 'all',
  ): MaybePromise<number | undefined>;
  /** Removes every element equal to `value` and answers the remaining length, or `undefined` when the list is missing. */
  listRemove(cache: string, name: Uint8Array, value: Uint8Array): MaybePromise<number | undefined>;
  /**
   * The elements of a range. `maxBytes` bounds their total size (the caller's memory limit): a
   * larger range is refused with `limit-exceeded` ({@link fetchTooLarge}) before it is copied.
   */
  listFetch(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
    maxBytes?: number,
  ): MaybePromise<Uint8Array[] | undefined>;
  /** How many elements the list holds, or `undefined` when it is missing. */
  listLength(cache: string, name: Uint8Array): MaybePromise<number | undefined>;
  /**
   * Keeps only the elements from `start` (inclusive) to `end` (exclusive), read like
   * {@link sliceBounds}, and answers the new length, or `undefined` when the list is missing; an
   * emptied list is deleted and `ttl.refresh` resets the TTL of a kept one.
   */
  listRetain(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
    ttl: ListWriteTtl,
  ): MaybePromise<number | undefined>;
  /**
   * The keys (and list names) of every live item of one cache, in no particular order (tests and
   * tools: `host.cache(name).keys()`). Optional for backends written elsewhere.
   */
  keys?(cache: string): MaybePromise<Uint8Array[]>;
  /** Size and eviction counters (the embedded store has them; optional for other backends). */
  stats?(): CacheStats;
  /** Removes every item of every cache (tests). */
  flush(): MaybePromise<void>;
  /** Releases the backend (timers, connections, stored items); it is not used afterwards. */
  close(): MaybePromise<void>;
}

/**
 * The hash `get-with-hash` and `set-if-hash` use: the raw 32-byte SHA-256 digest of the value
 * bytes. Stable across hosts, backends and restarts (see docs/cache.md).
 *
 * @example
 * ```ts
 * valueHash(new TextEncoder().encode('x')).length; // 32
 * ```
 */
export function valueHash(value: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(value).digest());
}

/** Byte equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether a conditional write stores, given the compared field of the current item
 * (`undefined` when the key is missing).
 *
 * @example
 * ```ts
 * conditionHolds({ tag: 'not-equal', val: bytes('999') }, undefined); // true: missing counts as "not equal"
 * ```
 */
export function conditionHolds(condition: Condition, current: Uint8Array | undefined): boolean {
  switch (condition.tag) {
    case 'always':
      return true;
    case 'present':
      return current !== undefined;
    case 'absent':
      return current === undefined;
    case 'present-and-not-equal':
      return current !== undefined && !bytesEqual(current, condition.val);
    case 'equal':
      return current !== undefined && bytesEqual(current, condition.val);
    case 'absent-or-equal':
      return current === undefined || bytesEqual(current, condition.val);
    case 'not-equal':
      return current === undefined || !bytesEqual(current, condition.val);
  }
}

/**
 * Resolves a start-inclusive, end-exclusive pair of signed indexes against a list length,
 * like a Python slice: negative indexes count from the back, out-of-range indexes are clamped,
 * and an empty or inverted range selects nothing. Answers `[begin, end)` with `begin <= end`.
 *
 * @example
 * ```ts
 * sliceBounds(5, -2, undefined); // [3, 5]
 * sliceBounds(5, 4, 1);          // [4, 4] (empty)
 * ```
 */
export function sliceBounds(
  length: number,
  start: number | undefined,
  end: number | undefined,
): [number, number] {
  const clamp = (index: number) => (index < 0 ? Math.max(0, length + index) : Math.min(index, length));
  const begin = start === undefined ? 0 : clamp(start);
  const stop = end === undefined ? length : clamp(end);
  return [begin, Math.max(begin, stop)];
}

/** The longest TTL either backend keeps (about 285,000 years); longer TTLs are clamped to it. */
export const MAX_TTL_MS = 2 ** 53 - 1 - 4_102_444_800_000;

/**
 * Validates a guest TTL (`u64` milliseconds): 0 is refused with `invalid-argument`, values above
 * {@link MAX_TTL_MS} (e.g. the crate's saturated `u64::MAX`) are clamped.
 *
 * @example
 * ```ts
 * ttlFromWit(60000n); // 60000
 * ```
 */
export function ttlFromWit(ttl: bigint | number): number {
  const value = typeof ttl === 'bigint' ? ttl : BigInt(Math.trunc(ttl));
  if (value <= 0n) {
    throw new ServiceError(
      'invalid-argument',
      'ttl must be greater than 0 milliseconds; pass the time the item should live, e.g. 60000 for one minute',
    );
  }
  return value > BigInt(MAX_TTL_MS) ? MAX_TTL_MS : Number(value);
}

/** Size and eviction counters of a cache store ({@link CacheBackend.stats}). */
export interface CacheStats {
  /** Live items (scalars and lists). */
  readonly items: number;
  /** Bytes charged for them (keys, values, list elements, a fixed overhead per item and element). */
  readonly bytes: number;
  /** The store's total size; past it the least recently used items are evicted. */
  readonly maxBytes: number;
  /** Items evicted to make room (least recently used first) since the store was created. */
  readonly evictions: number;
  /** Items removed because their TTL had passed. */
  readonly expirations: number;
}

/**
 * The `limit-exceeded` error of a list fetch whose elements add up to more than the caller can
 * receive.
 *
 * @example
 * ```ts
 * fetchTooLarge(3, 300, 100).detail; // 'list-fetch of 3 elements (300 bytes) exceeds ...'
 * ```
 */
export function fetchTooLarge(count: number, bytes: number, maxBytes: number): ServiceError {
  return new ServiceError(
    'limit-exceeded',
    `list-fetch of ${count} elements (${bytes} bytes) exceeds the ${maxBytes}-byte limit of what the function can receive (its memory limit, limits.memoryBytes); fetch a smaller range`,
  );
}

/** Limits the services enforce, answering `limit-exceeded` / `invalid-argument` when crossed. */
export interface CacheLimits {
  /** Largest key or list name in bytes (default 4096). */
  readonly maxKeyBytes: number;
  /** Largest scalar value or list element in bytes (default 5 MiB, Momento's item size limit). */
  readonly maxItemBytes: number;
}

/** The default {@link CacheLimits}. */
export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxKeyBytes: 4096, maxItemBytes: 5 * 1024 * 1024 };

/** Checks a key or list name against the limits. */
export function checkKey(key: Uint8Array, limits: CacheLimits, what = 'key'): void {
  if (key.length === 0) throw new ServiceError('invalid-argument', `${what} must not be empty`);
  if (key.length > limits.maxKeyBytes) {
    throw new ServiceError(
      'limit-exceeded',
      `${what} of ${key.length} bytes exceeds the ${limits.maxKeyBytes}-byte limit; use a shorter ${what} (e.g. a hash of it)`,
    );
  }
}

/** Checks a value against the limits. */
export function checkValue(value: Uint8Array, limits: CacheLimits, what = 'value'): void {
  if (value.length > limits.maxItemBytes) {
    throw new ServiceError(
      'limit-exceeded',
      `${what} of ${value.length} bytes exceeds the ${limits.maxItemBytes}-byte item limit; split it or store it elsewhere`,
    );
  }
}
