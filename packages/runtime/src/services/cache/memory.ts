/**
 * The embedded cache: one process-local map per host, with real TTL expiry (checked on every
 * access and swept in the background), synchronous answers and no dependencies.
 */
import {
  bytesEqual,
  type CacheBackend,
  type CompareField,
  type Condition,
  conditionHolds,
  type ListRange,
  type ListWriteTtl,
  type Popped,
  sliceBounds,
  type ValueWithHash,
  valueHash,
} from './backend.js';
import { ServiceError, WRONG_TYPE_MESSAGE } from './errors.js';

type Entry =
  | { kind: 'scalar'; value: Uint8Array; hash: Uint8Array; expiresAt: number }
  | { kind: 'list'; items: Uint8Array[]; expiresAt: number };

/** Options of {@link MemoryCacheBackend}. */
export interface MemoryCacheOptions {
  /** The clock, in epoch milliseconds (tests may pass a fake one). Default `Date.now`. */
  readonly now?: () => number;
  /** How often expired items are swept out of memory (default 1000 ms; 0 disables). */
  readonly sweepIntervalMs?: number;
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
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweeper: ReturnType<typeof setInterval> | undefined;

  /**
   * @param options - clock and sweep interval.
   * @example
   * ```ts
   * const backend = new MemoryCacheBackend({ sweepIntervalMs: 0 });
   * ```
   */
  constructor(options: MemoryCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
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

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  #live(cache: string, key: Uint8Array): Entry | undefined {
    const id = storageKey(cache, key);
    const entry = this.#entries.get(id);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(id);
      return undefined;
    }
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
    this.#entries.set(storageKey(cache, key), {
      kind: 'scalar',
      value: copy(value),
      hash: valueHash(value),
      expiresAt: this.#now() + ttlMs,
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
    this.#entries.delete(storageKey(cache, key));
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
    const now = this.#now();
    if (!entry) {
      entry = { kind: 'list', items: [], expiresAt: now + ttl.ttlMs };
      this.#entries.set(storageKey(cache, name), entry);
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
    return entry.items.length;
  }

  listPop(cache: string, name: Uint8Array, end: 'front' | 'back'): Popped | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    const value = end === 'front' ? entry.items.shift() : entry.items.pop();
    if (entry.items.length === 0) this.delete(cache, name);
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
    return entry.items.length;
  }

  listRemove(cache: string, name: Uint8Array, value: Uint8Array): number | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    entry.items = entry.items.filter((item) => !bytesEqual(item, value));
    if (entry.items.length === 0) this.delete(cache, name);
    return entry.items.length;
  }

  listFetch(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
  ): Uint8Array[] | undefined {
    const entry = this.#list(cache, name);
    if (!entry) return undefined;
    const [begin, stop] = sliceBounds(entry.items.length, start, end);
    return entry.items.slice(begin, stop).map(copy);
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
    else if (ttl.refresh) entry.expiresAt = this.#now() + ttl.ttlMs;
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
  }

  close(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#entries.clear();
  }
}
