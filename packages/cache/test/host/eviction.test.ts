/**
 * The embedded store's total size cap: least-recently-used eviction, the eviction counter,
 * items that can never fit, and memory staying under the cap.
 */
import type { InvocationContext } from '@momento-functions/runtime';
import {
  createCacheServices,
  ELEMENT_OVERHEAD_BYTES,
  ITEM_OVERHEAD_BYTES,
  MemoryCacheBackend,
} from '@momento-functions/runtime/services/cache';
import { describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value ? new TextDecoder().decode(value) : undefined);
const filled = (size: number, fill = 1) => new Uint8Array(size).fill(fill);

describe('MemoryCacheBackend total size', () => {
  it('evicts the least recently used item, and counts it', () => {
    // Room for three 1000-byte items (each is charged key + value + hash + overhead).
    const itemSize = ITEM_OVERHEAD_BYTES + '1:c:a'.length + 1000 + 32;
    const backend = new MemoryCacheBackend({ sweepIntervalMs: 0, maxBytes: itemSize * 3 });
    backend.set('c', bytes('a'), filled(1000), 60_000);
    backend.set('c', bytes('b'), filled(1000), 60_000);
    backend.set('c', bytes('d'), filled(1000), 60_000);
    expect(backend.stats()).toMatchObject({ items: 3, bytes: itemSize * 3, evictions: 0 });
    backend.get('c', bytes('a')); // a is now the most recently used: b is the oldest
    backend.set('c', bytes('e'), filled(1000), 60_000);
    expect(backend.get('c', bytes('b'))).toBeUndefined();
    expect(backend.get('c', bytes('a'))).toBeDefined();
    expect(backend.get('c', bytes('d'))).toBeDefined();
    expect(backend.get('c', bytes('e'))).toBeDefined();
    expect(backend.stats()).toMatchObject({ items: 3, evictions: 1 });
    // a, d, e were just read in that order: a goes next.
    backend.set('c', bytes('f'), filled(1000), 60_000);
    expect(backend.get('c', bytes('a'))).toBeUndefined();
    expect(backend.get('c', bytes('d'))).toBeDefined();
    expect(backend.stats().evictions).toBe(2);
    expect(backend.stats().bytes).toBeLessThanOrEqual(backend.stats().maxBytes);
    backend.close();
  });

  it('list reads and writes count as uses; a growing list evicts others, never itself', () => {
    const backend = new MemoryCacheBackend({ sweepIntervalMs: 0, maxBytes: 10_000 });
    backend.set('c', bytes('old'), filled(3000), 60_000);
    backend.set('c', bytes('new'), filled(3000), 60_000);
    backend.listPush('c', bytes('l'), [filled(1000)], 'back', { ttlMs: 60_000, refresh: true }, 0);
    backend.get('c', bytes('old')); // new is now the least recently used
    for (let i = 0; i < 3; i++) {
      backend.listPush('c', bytes('l'), [filled(1000)], 'back', { ttlMs: 60_000, refresh: true }, 0);
    }
    expect(backend.get('c', bytes('new'))).toBeUndefined();
    expect(backend.get('c', bytes('old'))).toBeDefined();
    expect(backend.listLength('c', bytes('l'))).toBe(4);
    const stats = backend.stats();
    expect(stats.evictions).toBe(1);
    expect(stats.bytes).toBeLessThanOrEqual(10_000);
    // Shrinking a list gives its bytes back.
    backend.listPop('c', bytes('l'), 'front');
    expect(backend.stats().bytes).toBe(stats.bytes - 1000 - ELEMENT_OVERHEAD_BYTES);
    backend.close();
  });

  it('an item that could not fit in an empty store is refused (limit-exceeded) and changes nothing', () => {
    const backend = new MemoryCacheBackend({ sweepIntervalMs: 0, maxBytes: 4096 });
    backend.set('c', bytes('keep'), filled(100), 60_000);
    expect(() => backend.set('c', bytes('big'), filled(5000), 60_000)).toThrow(
      /more than the embedded cache's total size of 4096 bytes; raise createCacheServices\(\{ memory: \{ maxBytes \} \}\)/,
    );
    expect(() =>
      backend.listPush(
        'c',
        bytes('l'),
        [filled(3000), filled(3000)],
        'back',
        { ttlMs: 1000, refresh: true },
        0,
      ),
    ).toThrow(/limit|total size/);
    expect(backend.listLength('c', bytes('l'))).toBeUndefined();
    expect(backend.get('c', bytes('keep'))).toBeDefined();
    expect(backend.stats()).toMatchObject({ items: 1, evictions: 0 });
    backend.close();
  });

  it('expired items are dropped before live ones are evicted', () => {
    let now = 1_000_000;
    const backend = new MemoryCacheBackend({ sweepIntervalMs: 0, maxBytes: 3000, now: () => now });
    backend.set('c', bytes('short'), filled(1000), 10);
    backend.set('c', bytes('long'), filled(1000), 60_000);
    now += 20;
    backend.set('c', bytes('third'), filled(1000), 60_000);
    expect(text(backend.get('c', bytes('long')))).toBeDefined();
    expect(backend.stats()).toMatchObject({ evictions: 0, expirations: 1, items: 2 });
    backend.close();
  });

  it('a guest writing 4 MiB items keeps host memory under the cap (issue 4)', async () => {
    const cap = 32 * MiB;
    const backend = new MemoryCacheBackend({ sweepIntervalMs: 0, maxBytes: cap });
    const [scalar] = createCacheServices({ backend });
    const ctx: InvocationContext = {
      functionName: 'writer',
      cacheName: 'c',
      invocationId: 'i',
      signal: new AbortController().signal,
    };
    const set = scalar!.functions.set as (...args: unknown[]) => unknown;
    const value = filled(4 * MiB, 7);
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 100; i++) {
      const answer = await set(
        ctx,
        { tag: 'value', val: bytes(`k${i}`) },
        { tag: 'value', val: value },
        3_600_000n,
      );
      expect(answer).toEqual({ tag: 'ok', val: undefined });
    }
    const stats = backend.stats();
    expect(stats.bytes).toBeLessThanOrEqual(cap);
    expect(stats.items).toBe(7); // 7 × (4 MiB + overhead) ≤ 32 MiB
    expect(stats.evictions).toBe(93);
    global.gc?.();
    // 400 MiB written, at most the cap (plus garbage not yet collected) held.
    const held = process.memoryUsage().arrayBuffers - before;
    expect(held).toBeLessThan(cap + 64 * MiB);
    backend.close();
  });
});
