/**
 * Host services for `momento:cache-scalar/cache-scalar@1.0.0` and
 * `momento:cache-list/cache-list@1.0.0`, over an embedded memory store (default) or
 * Valkey/Redis (`url`). Items are scoped by the invoking function's cache name.
 */
import type { Redis } from 'ioredis';
import { guestMemoryBytes } from '../limits.js';
import type { HostService, InvocationContext, ServiceData } from '../types.js';
import {
  type CacheBackend,
  type CacheLimits,
  type Condition,
  checkKey,
  checkValue,
  DEFAULT_CACHE_LIMITS,
  type ListRange,
  type ListWriteTtl,
  ttlFromWit,
} from './backend.js';
import {
  type BoundedOptions,
  dataBytes,
  dataValue,
  type MaybePromise,
  runBounded,
  ServiceError,
  type ServiceErrorReporter,
} from './errors.js';
import { MemoryCacheBackend, type MemoryCacheOptions } from './memory.js';
import { connectRedis, RedisCacheBackend } from './redis.js';

export type {
  CacheBackend,
  CacheLimits,
  CacheStats,
  CompareField,
  Condition,
  ListRange,
  ListWriteTtl,
  Popped,
  ValueWithHash,
} from './backend.js';
export {
  conditionHolds,
  DEFAULT_CACHE_LIMITS,
  fetchTooLarge,
  MAX_TTL_MS,
  sliceBounds,
  valueHash,
} from './backend.js';
export {
  type BoundedOptions,
  type MaybePromise,
  OperationTimeoutError,
  runBounded,
  ServiceError,
  type ServiceErrorReporter,
  type WitError,
  type WitErrorCase,
} from './errors.js';
export {
  DEFAULT_MEMORY_CACHE_BYTES,
  ELEMENT_OVERHEAD_BYTES,
  ITEM_OVERHEAD_BYTES,
  MemoryCacheBackend,
  type MemoryCacheOptions,
} from './memory.js';
export {
  connectRedis,
  RedisCacheBackend,
  type RedisCacheOptions,
  type RedisConnectionOptions,
} from './redis.js';

/** The WIT interface names these services implement. */
export const CACHE_SCALAR_INTERFACE = 'momento:cache-scalar/cache-scalar@1.0.0';
/** @see CACHE_SCALAR_INTERFACE */
export const CACHE_LIST_INTERFACE = 'momento:cache-list/cache-list@1.0.0';

/** Options of {@link createCacheBackend}. */
export interface CacheBackendOptions {
  /**
   * `redis://host:port` (or `rediss://`, `valkey://`) to share items across hosts through
   * Valkey/Redis; omitted: the embedded memory store.
   */
  readonly url?: string;
  /** Prefix of the Redis keys (default `mf:`). */
  readonly keyPrefix?: string;
  /** Use this ioredis client instead of opening one from `url`. */
  readonly redis?: Redis;
  /** Options of the memory store. */
  readonly memory?: MemoryCacheOptions;
}

/**
 * Opens the backend the options ask for: memory by default, Valkey/Redis with `url`.
 *
 * @example
 * ```ts
 * const backend = createCacheBackend({ url: process.env.VALKEY_URL });
 * ```
 */
export function createCacheBackend(options: CacheBackendOptions = {}): CacheBackend {
  if (options.redis)
    return new RedisCacheBackend({ client: options.redis, keyPrefix: options.keyPrefix, ownsClient: false });
  if (options.url) {
    const url = options.url.replace(/^valkey(s?):\/\//, 'redis$1://');
    return new RedisCacheBackend({ client: connectRedis({ url }), keyPrefix: options.keyPrefix });
  }
  return new MemoryCacheBackend(options.memory);
}

/** Options of {@link createCacheServices}. */
export interface CacheServiceOptions extends CacheBackendOptions {
  /** A backend to use (shared with other hosts or tests); wins over `url`. Not closed by the services. */
  readonly backend?: CacheBackend;
  /** Longest time one operation may take before the guest gets `timeout` (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Key and item size limits. */
  readonly limits?: Partial<CacheLimits>;
  /** Told about failures that became `internal-error`/`timeout` (default: console.warn). */
  readonly onError?: ServiceErrorReporter;
}

type Data = ServiceData;
type SetIfConditionWit =
  | { tag: 'present' }
  | { tag: 'absent' }
  | { tag: 'present-and-not-equal'; val: Data }
  | { tag: 'equal'; val: Data }
  | { tag: 'absent-or-equal'; val: Data }
  | { tag: 'not-equal'; val: Data };
type SetIfHashConditionWit =
  | { tag: 'present-and-not-hash-equal'; val: Data }
  | { tag: 'present-and-hash-equal'; val: Data }
  | { tag: 'absent-or-hash-equal'; val: Data }
  | { tag: 'absent-or-not-hash-equal'; val: Data }
  | { tag: 'unconditional' };
type StartIndexWit = { tag: 'unbounded' } | { tag: 'inclusive'; val: number };
type EndIndexWit = { tag: 'unbounded' } | { tag: 'exclusive'; val: number };
type EraseRangeWit =
  | { tag: 'all' }
  | { tag: 'ranges'; val: { ranges: { beginIndex: number; count: number }[] } };
type RemoveRangeWit = { tag: 'all-elements-with-value'; val: Data };

function valueCondition(condition: SetIfConditionWit): Condition {
  switch (condition.tag) {
    case 'present':
    case 'absent':
      return { tag: condition.tag };
    case 'present-and-not-equal':
    case 'equal':
    case 'absent-or-equal':
    case 'not-equal':
      return { tag: condition.tag, val: dataBytes(condition.val, 'the condition value') };
    default:
      throw new ServiceError(
        'invalid-argument',
        `unknown set-if condition ${(condition as { tag: string }).tag}`,
      );
  }
}

const HASH_CONDITIONS = {
  'present-and-not-hash-equal': 'present-and-not-equal',
  'present-and-hash-equal': 'equal',
  'absent-or-hash-equal': 'absent-or-equal',
  'absent-or-not-hash-equal': 'not-equal',
} as const;

function hashCondition(condition: SetIfHashConditionWit): Condition {
  if (condition.tag === 'unconditional') return { tag: 'always' };
  const tag = HASH_CONDITIONS[condition.tag];
  if (!tag) throw new ServiceError('invalid-argument', `unknown set-if-hash condition ${condition.tag}`);
  return { tag, val: dataBytes(condition.val, 'the condition hash') };
}

function indexArg(index: StartIndexWit | EndIndexWit): number | undefined {
  return index.tag === 'unbounded' ? undefined : index.val;
}

function then<T, R>(value: MaybePromise<T>, map: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(map) : map(value as T);
}

function found<T>(value: T | undefined): { tag: 'found'; val: T } | { tag: 'missing' } {
  return value === undefined ? { tag: 'missing' } : { tag: 'found', val: value };
}

const defaultReporter: ServiceErrorReporter = (error, operation, ctx) => {
  const detail = error instanceof Error ? error.message : String(error);
  console.warn(
    `[momento-functions] ${ctx.functionName} (${ctx.invocationId}): cache ${operation} failed: ${detail}`,
  );
};

/**
 * Creates the cache-scalar and cache-list host services. Without options they keep items in
 * memory; with `url` they use Valkey/Redis. Every operation is bounded by `timeoutMs`, so a
 * backend that is down answers the guest `timeout` or `internal-error`.
 *
 * @example
 * ```ts
 * import { createHost } from '@momento-functions/runtime';
 * const host = await createHost({ services: createCacheServices({ url: 'redis://127.0.0.1:6379' }) });
 * ```
 */
export function createCacheServices(options: CacheServiceOptions = {}): HostService[] {
  const backend = options.backend ?? createCacheBackend(options);
  const ownsBackend = options.backend === undefined;
  const limits: CacheLimits = { ...DEFAULT_CACHE_LIMITS, ...options.limits };
  const bounded: BoundedOptions = {
    timeoutMs: options.timeoutMs ?? 5000,
    onError: options.onError ?? defaultReporter,
  };
  const key = (data: Data, what = 'key') => {
    const bytes = dataBytes(data, what);
    checkKey(bytes, limits, what);
    return bytes;
  };
  const value = (data: Data, what = 'value') => {
    const bytes = dataBytes(data, what);
    checkValue(bytes, limits, what);
    return bytes;
  };
  const listTtl = (ttl: bigint, refresh: boolean): ListWriteTtl => ({ ttlMs: ttlFromWit(ttl), refresh });
  const truncate = (size: number) => {
    if (!Number.isInteger(size) || size < 0)
      throw new ServiceError('invalid-argument', `bad truncate size ${size}`);
    return size;
  };
  const run = <T>(ctx: InvocationContext, operation: string, body: () => MaybePromise<T>) =>
    runBounded(ctx, operation, bounded, body);
  let closed = false;
  const close = async () => {
    if (closed || !ownsBackend) return;
    closed = true;
    await backend.close();
  };

  const scalar: HostService = {
    interface: CACHE_SCALAR_INTERFACE,
    functions: {
      get: (ctx: InvocationContext, k: Data) =>
        run(ctx, 'get', () =>
          then(backend.get(ctx.cacheName, key(k)), (v) => (v ? dataValue(v) : undefined)),
        ),
      getWithHash: (ctx: InvocationContext, k: Data) =>
        run(ctx, 'get-with-hash', () =>
          then(backend.getWithHash(ctx.cacheName, key(k)), (found) =>
            found
              ? { tag: 'found', val: { value: dataValue(found.value), hash: dataValue(found.hash) } }
              : { tag: 'missing' },
          ),
        ),
      set: (ctx: InvocationContext, k: Data, v: Data, ttl: bigint) =>
        run(ctx, 'set', () => backend.set(ctx.cacheName, key(k), value(v), ttlFromWit(ttl))),
      setIf: (ctx: InvocationContext, k: Data, v: Data, ttl: bigint, condition: SetIfConditionWit) =>
        run(ctx, 'set-if', () =>
          then(
            backend.setIf(
              ctx.cacheName,
              key(k),
              value(v),
              ttlFromWit(ttl),
              valueCondition(condition),
              'value',
            ),
            (hash) => ({ tag: hash ? 'stored' : 'not-stored' }),
          ),
        ),
      setIfHash: (ctx: InvocationContext, k: Data, v: Data, ttl: bigint, condition: SetIfHashConditionWit) =>
        run(ctx, 'set-if-hash', () =>
          then(
            backend.setIf(ctx.cacheName, key(k), value(v), ttlFromWit(ttl), hashCondition(condition), 'hash'),
            (hash) => (hash ? { tag: 'stored', val: dataValue(hash) } : { tag: 'not-stored' }),
          ),
        ),
      delete: (ctx: InvocationContext, k: Data) =>
        run(ctx, 'delete', () => backend.delete(ctx.cacheName, key(k))),
    },
    close,
  };

  const name = (data: Data) => key(data, 'list name');
  const push =
    (end: 'front' | 'back', operation: string) =>
    (ctx: InvocationContext, n: Data, v: Data, ttl: bigint, refresh: boolean, size: number) =>
      run(ctx, operation, () =>
        backend.listPush(ctx.cacheName, name(n), [value(v)], end, listTtl(ttl, refresh), truncate(size)),
      );
  const concatenate =
    (end: 'front' | 'back', operation: string) =>
    (ctx: InvocationContext, n: Data, values: Data[], ttl: bigint, refresh: boolean, size: number) =>
      run(ctx, operation, () =>
        backend.listPush(
          ctx.cacheName,
          name(n),
          values.map((v) => value(v)),
          end,
          listTtl(ttl, refresh),
          truncate(size),
        ),
      );
  const pop = (end: 'front' | 'back', operation: string) => (ctx: InvocationContext, n: Data) =>
    run(ctx, operation, () =>
      then(backend.listPop(ctx.cacheName, name(n), end), (popped) =>
        found(popped && { value: dataValue(popped.value), listLength: popped.listLength }),
      ),
    );

  const list: HostService = {
    interface: CACHE_LIST_INTERFACE,
    functions: {
      listPushFront: push('front', 'list-push-front'),
      listPushBack: push('back', 'list-push-back'),
      listPopFront: pop('front', 'list-pop-front'),
      listPopBack: pop('back', 'list-pop-back'),
      listConcatenateFront: concatenate('front', 'list-concatenate-front'),
      listConcatenateBack: concatenate('back', 'list-concatenate-back'),
      listErase: (ctx: InvocationContext, n: Data, range: EraseRangeWit) =>
        run(ctx, 'list-erase', () => {
          const ranges: readonly ListRange[] | 'all' = range.tag === 'all' ? 'all' : range.val.ranges;
          return then(backend.listErase(ctx.cacheName, name(n), ranges), found);
        }),
      listRemove: (ctx: InvocationContext, n: Data, range: RemoveRangeWit) =>
        run(ctx, 'list-remove', () =>
          then(
            backend.listRemove(ctx.cacheName, name(n), dataBytes(range.val, 'the value to remove')),
            found,
          ),
        ),
      listFetch: (ctx: InvocationContext, n: Data, start: StartIndexWit, end: EndIndexWit) =>
        run(ctx, 'list-fetch', () =>
          then(
            // Bounded by the guest's memory limit: a larger range could never reach it.
            backend.listFetch(ctx.cacheName, name(n), indexArg(start), indexArg(end), guestMemoryBytes(ctx)),
            (items) => found(items?.map(dataValue)),
          ),
        ),
      listLength: (ctx: InvocationContext, n: Data) =>
        run(ctx, 'list-length', () => then(backend.listLength(ctx.cacheName, name(n)), found)),
      listRetain: (
        ctx: InvocationContext,
        n: Data,
        start: StartIndexWit,
        end: EndIndexWit,
        ttl: bigint,
        refresh: boolean,
      ) =>
        run(ctx, 'list-retain', () =>
          then(
            backend.listRetain(ctx.cacheName, name(n), indexArg(start), indexArg(end), listTtl(ttl, refresh)),
            found,
          ),
        ),
    },
    close,
  };

  return [scalar, list];
}
