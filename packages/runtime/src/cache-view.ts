/**
 * `host.cache(name)`: one cache of a host's cache store, read and seeded from a test, over any
 * {@link CacheBackend} (the embedded store or Valkey/Redis).
 */
import type { CacheBackend } from './services/cache/index.js';
import type {
  CacheListPushOptions,
  CacheListView,
  CacheSeedValue,
  CacheSetOptions,
  CacheView,
} from './types.js';

/**
 * The TTL of seeded items and lists when none is given: one hour.
 *
 * @example
 * ```ts
 * await host.cache('c').set('k', 'v', { ttlMs: DEFAULT_SEED_TTL_MS * 24 }); // a day
 * ```
 */
export const DEFAULT_SEED_TTL_MS = 3_600_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function keyBytes(key: string | Uint8Array, what: string): Uint8Array {
  if (typeof key === 'string') {
    if (key === '') throw new TypeError(`a cache ${what} must not be empty`);
    return encoder.encode(key);
  }
  if (key instanceof Uint8Array) {
    if (key.length === 0) throw new TypeError(`a cache ${what} must not be empty`);
    return key;
  }
  throw new TypeError(`a cache ${what} must be a string or a Uint8Array, got ${typeof key}`);
}

/** Encodes a value as `@momento-functions/cache` does: text as UTF-8, bytes as is, the rest as JSON. */
function valueBytes(value: CacheSeedValue): Uint8Array {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const json = JSON.stringify(value);
  if (json === undefined)
    throw new TypeError(`cannot store ${typeof value} in the cache: it has no JSON form`);
  return encoder.encode(json);
}

function ttl(ms: number | undefined): number {
  const value = ms ?? DEFAULT_SEED_TTL_MS;
  if (!Number.isInteger(value) || value <= 0)
    throw new TypeError(`ttlMs must be a positive integer (milliseconds), got ${String(ms)}`);
  return value;
}

function parseJson<T>(bytes: Uint8Array, what: string): T {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SyntaxError(`${what} is not JSON (${(error as Error).message}): ${text.slice(0, 200)}`);
  }
}

/**
 * A {@link CacheView} of one cache of `backend`.
 *
 * @example
 * ```ts
 * const view = createCacheView(new MemoryCacheBackend(), 'my-cache');
 * await view.set('k', 'v');
 * await view.get('k'); // 'v'
 * ```
 */
export function createCacheView(backend: CacheBackend, cache: string): CacheView {
  const list = (name: string | Uint8Array): CacheListView => {
    const listName = keyBytes(name, 'list name');
    const label = typeof name === 'string' ? name : decoder.decode(name);
    const pushAt =
      (end: 'front' | 'back') =>
      async (
        values: CacheSeedValue | readonly CacheSeedValue[],
        options: CacheListPushOptions = {},
      ): Promise<number> => {
        const items = (Array.isArray(values) ? values : [values]) as readonly CacheSeedValue[];
        const truncate = options.truncateToSize ?? 0;
        if (!Number.isInteger(truncate) || truncate < 0)
          throw new TypeError(`truncateToSize must be a non-negative integer, got ${String(truncate)}`);
        return backend.listPush(
          cache,
          listName,
          items.map(valueBytes),
          end,
          { ttlMs: ttl(options.ttlMs), refresh: true },
          truncate,
        );
      };
    const rangeBytes = async (start?: number, end?: number): Promise<Uint8Array[]> =>
      (await backend.listFetch(cache, listName, start, end)) ?? [];
    return {
      name: label,
      push: pushAt('back'),
      pushFront: pushAt('front'),
      rangeBytes,
      async range(start, end) {
        return (await rangeBytes(start, end)).map((b) => decoder.decode(b));
      },
      async rangeJson<T>(start?: number, end?: number) {
        return (await rangeBytes(start, end)).map((b, i) =>
          parseJson<T>(b, `element ${i} of list '${label}'`),
        );
      },
      async length() {
        return (await backend.listLength(cache, listName)) ?? 0;
      },
      async delete() {
        await backend.delete(cache, listName);
      },
    };
  };

  const keys = async (): Promise<Uint8Array[]> => {
    if (!backend.keys) {
      throw new Error(
        `the cache backend (${backend.kind}) cannot list keys: it has no keys(cache) method; implement it to use host.cache().keys() and clear()`,
      );
    }
    return backend.keys(cache);
  };

  const getBytes = async (key: string | Uint8Array): Promise<Uint8Array | undefined> =>
    backend.get(cache, keyBytes(key, 'key'));

  return {
    name: cache,
    getBytes,
    async get(key) {
      const bytes = await getBytes(key);
      return bytes === undefined ? undefined : decoder.decode(bytes);
    },
    async getJson<T>(key: string | Uint8Array) {
      const bytes = await getBytes(key);
      return bytes === undefined ? undefined : parseJson<T>(bytes, `the value of '${String(key)}'`);
    },
    async set(key, value, options: CacheSetOptions = {}) {
      await backend.set(cache, keyBytes(key, 'key'), valueBytes(value), ttl(options.ttlMs));
    },
    async delete(key) {
      await backend.delete(cache, keyBytes(key, 'key'));
    },
    async keys() {
      return (await keys()).map((k) => decoder.decode(k)).sort();
    },
    async clear() {
      for (const key of await keys()) await backend.delete(cache, key);
    },
    list,
  };
}
