/**
 * The embedded cache: one process-local map per host, with real TTL expiry (checked on every
 * access and swept in the background), synchronous answers and no dependencies. Like a real
 * cache it has a total size: past `maxBytes` the least recently used items are evicted (Momento
 * evicts LRU under memory pressure too), counted in {@link MemoryCacheBackend.stats}.
 */
import {
  bytesEqual,
  type CacheBackend,
  type CacheStats,
  type CompareField,
  type Condition,
  conditionHolds,
  fetchTooLarge,
  type ListRange,
  type ListWriteTtl,
  type Popped,
  sliceBounds,
  type ValueWithHash,
  valueHash,
} from './backend.js';
import { ServiceError, WRONG_TYPE_MESSAGE } from './errors.js';

/** `size`: the bytes the entry is charged for (key, value or elements, hash, overhead). */
type Entry =
  | { kind: 'scalar'; value: Uint8Array; hash: Uint8Array; expiresAt: number; size: number }
  | { kind: 'list'; items: Uint8Array[]; expiresAt: number; size: number };

/** Options of {@link MemoryCacheBackend}. */
export interface MemoryCacheOptions {
  /** The clock, in epoch milliseconds (tests may pass a fake one). Default `Date.now`. */
  readonly now?: () => number;
  /** How often expired items are swept out of memory (default 1000 ms; 0 disables). */
  readonly sweepIntervalMs?: number;
  /**
   * Total size of the store in bytes (keys, values, list elements and a fixed overhead per item
   * and element); past it the least recently used items are evicted. Default
   * {@link DEFAULT_MEMORY_CACHE_BYTES} (256 MiB).
   */
  readonly maxBytes?: number;
}

/** Default {@link MemoryCacheOptions.maxBytes}: 256 MiB. */
export const DEFAULT_MEMORY_CACHE_BYTES = 256 * 1024 * 1024;
/** Bytes charged per item on top of its key and value (map entry, objects, hash). */
export const ITEM_OVERHEAD_BYTES = 128;
/** Bytes charged per list element on top of its bytes. */
export const ELEMENT_OVERHEAD_BYTES = 64;

function scalarSize(id: string, value: Uint8Array): number {
  return ITEM_OVERHEAD_BYTES + id.length + value.byteLength + 32;
}

function elementsSize(items: readonly Uint8Array[]): number {
  let n = 0;
  for (const item of items) n += item.byteLength + ELEMENT_OVERHEAD_BYTES;
  return n;
}

function storageKey(cache: string, key: Uint8Array): string {
  return `${cache.length}:${cache}:${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')}`;
}

function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * In-memory {@link CacheBackend}. Every method answers synchronously, so a guest call through
 * it costs one map lookup.
 *
 * @example
 * ```ts
 * const backend = new MemoryCacheBackend();
 * backend.set('demo', bytes('k'), bytes('v'), 60_000);
 * ```
 */
export class MemoryCacheBackend implements CacheBackend {
  readonly kind = 'memory' as const;
  /** In least-recently-used order: every access moves an entry to the end. */
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweeper: ReturnType<typeof setInterval> | undefined;
  readonly #maxBytes: number;
  #bytes = 0;
  #evictions = 0;
  #expirations = 0;

  /**
   * Creates an empty in-process store; expired items are swept every 1000 ms unless
   * `sweepIntervalMs` says otherwise (0 turns the sweeper off).
   *
   * @param options - clock and sweep interval.
   * @example
   * ```ts
   * const backend = new MemoryCacheBackend({ sweepIntervalMs: 0 });
   * ```
   */
  constructor(options: MemoryCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
    if (!(this.#maxBytes > 0)) {
      throw new RangeError(
        `MemoryCacheBackend({ maxBytes }): expected a positive number of bytes, got ${String(options.maxBytes)}`,
      );
    }
    const every = options.sweepIntervalMs ?? 1000;
    if (every > 0) {
      this.#sweeper = setInterval(() => this.#sweep(), every);
      this.#sweeper.unref();
    }
  }

  /** Number of live items (tests, metrics). */
  get size(): number {
    this.#sweep();
    return this.#entries.size;
  }

  /**
   * Size and eviction counters: `bytes` charged now (≤ `maxBytes`), `items`, `evictions` (items
   * removed to make room, least recently used first) and `expirations` (items removed because
   * their TTL passed).
   *
   * @example
   * ```ts
   * backend.stats(); // { items: 3, bytes: 1234, maxBytes: 268435456, evictions: 0, expirations: 1 }
   * ```
   */
  stats(): CacheStats {
    return {
      items: this.#entries.size,
      bytes: this.#bytes,
      maxBytes: this.#maxBytes,
      evictions: this.#evictions,
      expirations: this.#expirations,
    };
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#remove(key, entry);
        this.#expirations++;
      }
    }
  }

  #remove(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#bytes -= entry.size;
  }

  /** Stores `entry` as the most recently used item, replacing what `id` held. */
  #put(id: string, entry: Entry): void {
    const old = this.#entries.get(id);
    if (old) this.#remove(id, old);
    this.#entries.set(id, entry);
    this.#bytes += entry.size;
    this.#makeRoom(id);
  }

  /** Marks an entry as used now (moves it to the most recently used end). */
  #touch(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }

  /** Changes an entry's charged size (a list grew or shrank) and evicts others if needed. */
  #resize(id: string, entry: Entry, size: number): void {
    this.#bytes += size - entry.size;
    entry.size = size;
    this.#makeRoom(id);
  }

  /**
   * Evicts until the store fits: expired items first, then the least recently used ones, never
   * `keep` (the item being written, whose own size was checked against the cap beforehand).
   */
  #makeRoom(keep: string): void {
    if (this.#bytes <= this.#maxBytes) return;
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (id !== keep && entry.expiresAt <= now) {
        this.#remove(id, entry);
        this.#expirations++;
      }
    }
    for (const [id, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) return;
      if (id === keep) continue;
      this.#remove(id, entry);
      this.#evictions++;
    }
  }

  /** Refuses an item that could not fit even in an empty store. */
  #checkFits(size: number, what: string): void {
    if (size > this.#maxBytes) {
      throw new ServiceError(
        'limit-exceeded',
        `${what} would take ${size} bytes, more than the embedded cache's total size of ${this.#maxBytes} bytes; raise createCacheServices({ memory: { maxBytes } }) or store less`,
      );
    }
  }

  #live(cache: string, key: Uint8Array): Entry | undefined {
    const id = storageKey(cache, key);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#remove(id, entry);
      this.#expirations++;
      return undefined;
    }
    this.#touch(id, entry);
    return entry;
  }

  #scalar(cache: string, key: Uint8Array): Extract<Entry, { kind: 'scalar' }> | undefined {
    const entry = this.#live(cache, key);
    if (entry && entry.kind !== 'scalar') throw new ServiceError('failed-precondition', WRONG_TYPE_MESSAGE);
    return entry;
  }

  #list(cache: string, name: Uint8Array): Extract<Entry, { kind: 'list' }> | undefined {
    const entry = this.#live(cache, name);
    if (entry && entry.kind !== 'list') throw new ServiceError('failed-precondition', WRONG_TYPE_MESSAGE);
    return entry;
  }

  get(cache: string, key: Uint8Array): Uint8Array | undefined {
    const entry = this.#scalar(cache, key);
    return entry ? copy(entry.value) : undefined;
  }

  getWithHash(cache: string, key: Uint8Array): ValueWithHash | undefined {
    const entry = this.#scalar(cache, key);
    return entry ? { value: copy(entry.value), hash: copy(entry.hash) } : undefined;
  }

  set(cache: string, key: Uint8Array, value: Uint8Array, ttlMs: number): void {
    const id = storageKey(cache, key);
    const size = scalarSize(id, value);
    this.#checkFits(size, `an item of ${value.byteLength} bytes`);
    this.#put(id, {
      kind: 'scalar',
      value: copy(value),
      hash: valueHash(value),
      expiresAt: this.#now() + ttlMs,
      size,
    });
  }

  setIf(
    cache: string,
    key: Uint8Array,
    value: Uint8Array,
    ttlMs: number,
    condition: Condition,
    field: CompareField,
  ): Uint8Array | undefined {
    const entry = this.#scalar(cache, key);
    const current = entry === undefined ? undefined : field === 'hash' ? entry.hash : entry.value;
    if (!conditionHolds(condition, current)) return undefined;
    this.set(cache, key, value, ttlMs);
    return valueHash(value);
  }

  delete(cache: string, key: Uint8Array): void {
    const id = storageKey(cache, key);
    const entry = this.#entries.get(id);
    if (entry) this.#remove(id, entry);
  }

  listPush(
    cache: string,
    name: Uint8Array,
    values: readonly Uint8Array[],
    end: 'front' | 'back',
    ttl: ListWriteTtl,
    truncateToSize: number,
  ): number {
    let entry = this.#list(cache, name);
    if (values.length === 0) return entry?.items.length ?? 0;
    const id = storageKey(cache, name);
    // The list's size once written (before truncation: an upper bound), checked before anything
    // is copied so a refused push changes nothing.
    const addedBytes = elementsSize(values);
    this.#checkFits(
      (entry ? entry.size : ITEM_OVERHEAD_BYTES + id.length) + addedBytes,
      `the list with ${values.length} more element(s)`,
    );
    const now = this.#now();
    if (!entry) {
      entry = { kind: 'list', items: [], expiresAt: now + ttl.ttlMs, size: ITEM_OVERHEAD_BYTES + id.length };
      this.#put(id, entry);
    } else if (ttl.refresh) {
      entry.expiresAt = now + ttl.ttlMs;
    }
    const added = values.map(copy);
    if (end === 'front') entry.items.unshift(...added);
    else entry.items.push(...added);
    if (truncateToSize > 0 && entry.items.length > truncateToSize) {
      if (end === 'front') entry.items.length = truncateToSize;
      else entry.items.splice(0, entry.items.length - truncateToSize);
    }
    this.#resize(id, entry, ITEM_OVERHEAD_BYTES + id.length + elementsSize(entry.items));
    return entry.items.length;
  }

  listPop(cache: string, name: Uint8Array, end: 'front' | 'back'): Popped | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    const value = end === 'front' ? entry.items.shift() : entry.items.pop();
    if (entry.items.length === 0) this.delete(cache, name);
    else if (value)
      this.#resize(storageKey(cache, name), entry, entry.size - value.byteLength - ELEMENT_OVERHEAD_BYTES);
    return value === undefined ? undefined : { value, listLength: entry.items.length };
  }

  listErase(cache: string, name: Uint8Array, ranges: readonly ListRange[] | 'all'): number | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    if (ranges === 'all') {
      this.delete(cache, name);
      return 0;
    }
    const doomed = new Set<number>();
    for (const { beginIndex, count } of ranges) {
      for (let i = beginIndex; i < Math.min(entry.items.length, beginIndex + count); i++) doomed.add(i);
    }
    entry.items = entry.items.filter((_, i) => !doomed.has(i));
    if (entry.items.length === 0) this.delete(cache, name);
    else this.#resizeList(cache, name, entry);
    return entry.items.length;
  }

  listRemove(cache: string, name: Uint8Array, value: Uint8Array): number | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    entry.items = entry.items.filter((item) => !bytesEqual(item, value));
    if (entry.items.length === 0) this.delete(cache, name);
    else this.#resizeList(cache, name, entry);
    return entry.items.length;
  }

  listFetch(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Uint8Array[] | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    const [begin, stop] = sliceBounds(entry.items.length, start, end);
    let total = 0;
    for (let i = begin; i < stop; i++) total += entry.items[i]!.byteLength;
    if (total > maxBytes) throw fetchTooLarge(stop - begin, total, maxBytes);
    return entry.items.slice(begin, stop).map(copy);
  }

  #resizeList(cache: string, name: Uint8Array, entry: Extract<Entry, { kind: 'list' }>): void {
    const id = storageKey(cache, name);
    this.#resize(id, entry, ITEM_OVERHEAD_BYTES + id.length + elementsSize(entry.items));
  }

  listLength(cache: string, name: Uint8Array): number | undefined {
    return this.#list(cache, name)?.items.length;
  }

  listRetain(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
    ttl: ListWriteTtl,
  ): number | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    const [begin, stop] = sliceBounds(entry.items.length, start, end);
    entry.items = entry.items.slice(begin, stop);
    if (entry.items.length === 0) this.delete(cache, name);
    else {
      this.#resizeList(cache, name, entry);
      if (ttl.refresh) entry.expiresAt = this.#now() + ttl.ttlMs;
    }
    return entry.items.length;
  }

  keys(cache: string): Uint8Array[] {
    const prefix = `${cache.length}:${cache}:`;
    const now = this.#now();
    const out: Uint8Array[] = [];
    for (const [id, entry] of this.#entries) {
      if (!id.startsWith(prefix) || entry.expiresAt <= now) continue;
      out.push(new Uint8Array(Buffer.from(id.slice(prefix.length), 'latin1')));
    }
    return out;
  }

  flush(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  close(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#entries.clear();
    this.#bytes = 0;
  }
}
