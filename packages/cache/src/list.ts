/** List operations over `momento:cache-list/cache-list@1.0.0`. */

import * as host from 'momento:cache-list/cache-list@1.0.0';
import { Data, type Encoder, type Extractor } from '@momento-functions/bytes';
import { hostCall } from './errors.js';
import { type CollectionTtl, type Ttl, toCollectionTtl } from './ttl.js';
import { type CacheKey, type CacheValue, extractWith, keyData, s32, u32, valueData } from './value.js';

/**
 * An element taken off a list, and how many remain.
 *
 * @example
 * ```ts
 * const popped: Popped<string> | undefined = listPopFront('jobs', extract.text);
 * ```
 */
export interface Popped<T> {
  /** The element removed from the list, read with the extractor given (a {@link Data} without one). */
  readonly value: T;
  /** How many elements the list holds after this one was removed. */
  readonly listLength: number;
}

/**
 * `count` elements from `beginIndex` (0-based), for {@link listErase}.
 *
 * @example
 * ```ts
 * listErase('l', [{ beginIndex: 0, count: 2 }]);
 * ```
 */
export interface ListRange {
  /** Index of the first element to erase, counted from the front starting at 0 (a u32). */
  readonly beginIndex: number;
  /** How many consecutive elements to erase from `beginIndex` (a u32). */
  readonly count: number;
}

/** Options of list writes. */
export interface ListWriteOptions<T> {
  /** Encode values with this encoder instead of the default (string/bytes as is, else JSON). */
  readonly encoder?: Encoder<T>;
}

function ttlArgs(ttl: CollectionTtl | Ttl): [bigint, boolean] {
  const collection = toCollectionTtl(ttl);
  return [collection.ttl, collection.refresh];
}

function start(index: number | undefined | null): host.StartIndex {
  return index === undefined || index === null
    ? { tag: 'unbounded' }
    : { tag: 'inclusive', val: s32(index, 'start index') };
}

function end(index: number | undefined | null): host.EndIndex {
  return index === undefined || index === null
    ? { tag: 'unbounded' }
    : { tag: 'exclusive', val: s32(index, 'end index') };
}

function count(response: host.CountResponse): number | undefined {
  return response.tag === 'found' ? response.val : undefined;
}

/**
 * Adds a value at the front; with `truncateBackToSize`, drops elements from the back beyond
 * that size (0 or omitted: no truncation). Answers the new length. A plain TTL refreshes on
 * every update; pass a {@link CollectionTtl} to choose.
 *
 * @example
 * ```ts
 * listPushFront('recent', 'page-42', CollectionTtl.of({ hours: 1 }), 10);
 * ```
 */
export function listPushFront<T = CacheValue>(
  name: CacheKey,
  value: T,
  ttl: CollectionTtl | Ttl,
  truncateBackToSize?: number,
  options: ListWriteOptions<T> = {},
): number {
  const [ms, refresh] = ttlArgs(ttl);
  const size = u32(truncateBackToSize ?? 0, 'truncateBackToSize');
  const n = keyData(name);
  const v = valueData(value, options.encoder);
  return hostCall(() => host.listPushFront(n.toWit(), v.toWit(), ms, refresh, size));
}

/**
 * Adds a value at the back; with `truncateFrontToSize`, drops elements from the front beyond
 * that size. Answers the new length.
 *
 * @example
 * ```ts
 * listPushBack('events', { type: 'login' }, 60_000, 100);
 * ```
 */
export function listPushBack<T = CacheValue>(
  name: CacheKey,
  value: T,
  ttl: CollectionTtl | Ttl,
  truncateFrontToSize?: number,
  options: ListWriteOptions<T> = {},
): number {
  const [ms, refresh] = ttlArgs(ttl);
  const size = u32(truncateFrontToSize ?? 0, 'truncateFrontToSize');
  const n = keyData(name);
  const v = valueData(value, options.encoder);
  return hostCall(() => host.listPushBack(n.toWit(), v.toWit(), ms, refresh, size));
}

/**
 * Adds values at the front, keeping their order (the first value becomes the first element).
 *
 * @example
 * ```ts
 * listConcatenateFront('l', ['a', 'b'], 60_000); // l = a, b, ...
 * ```
 */
export function listConcatenateFront<T = CacheValue>(
  name: CacheKey,
  values: Iterable<T>,
  ttl: CollectionTtl | Ttl,
  truncateBackToSize?: number,
  options: ListWriteOptions<T> = {},
): number {
  const [ms, refresh] = ttlArgs(ttl);
  const size = u32(truncateBackToSize ?? 0, 'truncateBackToSize');
  const n = keyData(name);
  const vs = Array.from(values, (v) => valueData(v, options.encoder).toWit());
  return hostCall(() => host.listConcatenateFront(n.toWit(), vs, ms, refresh, size));
}

/**
 * Adds values at the back, in order.
 *
 * @example
 * ```ts
 * listConcatenateBack('l', ['y', 'z'], 60_000); // l = ..., y, z
 * ```
 */
export function listConcatenateBack<T = CacheValue>(
  name: CacheKey,
  values: Iterable<T>,
  ttl: CollectionTtl | Ttl,
  truncateFrontToSize?: number,
  options: ListWriteOptions<T> = {},
): number {
  const [ms, refresh] = ttlArgs(ttl);
  const size = u32(truncateFrontToSize ?? 0, 'truncateFrontToSize');
  const n = keyData(name);
  const vs = Array.from(values, (v) => valueData(v, options.encoder).toWit());
  return hostCall(() => host.listConcatenateBack(n.toWit(), vs, ms, refresh, size));
}

function popped<T>(
  response: host.PopResponse,
  extractor: Extractor<T> | undefined,
): Popped<T | Data> | undefined {
  if (response.tag === 'missing') return undefined;
  return {
    value: extractWith(Data.fromWit(response.val.value), extractor),
    listLength: response.val.listLength,
  };
}

/**
 * Removes and answers the first element (`undefined` when the list is missing or empty).
 *
 * @example
 * ```ts
 * const job = listPopFront('jobs', extract.json<Job>());
 * ```
 */
export function listPopFront(name: CacheKey): Popped<Data> | undefined;
export function listPopFront<T>(name: CacheKey, extractor: Extractor<T>): Popped<T> | undefined;
export function listPopFront<T>(name: CacheKey, extractor?: Extractor<T>): Popped<T | Data> | undefined {
  const n = keyData(name);
  return popped(
    hostCall(() => host.listPopFront(n.toWit())),
    extractor,
  );
}

/**
 * Removes and answers the last element.
 *
 * @example
 * ```ts
 * const last = listPopBack('stack', extract.text);
 * ```
 */
export function listPopBack(name: CacheKey): Popped<Data> | undefined;
export function listPopBack<T>(name: CacheKey, extractor: Extractor<T>): Popped<T> | undefined;
export function listPopBack<T>(name: CacheKey, extractor?: Extractor<T>): Popped<T | Data> | undefined {
  const n = keyData(name);
  return popped(
    hostCall(() => host.listPopBack(n.toWit())),
    extractor,
  );
}

/**
 * Reads elements `[start, end)`: negative indexes count from the back, omitted bounds are
 * open, out-of-range bounds are clamped. `undefined` when the list is missing.
 *
 * @example
 * ```ts
 * listFetch('l');                          // every element, as Data
 * listFetch('l', -3, undefined, extract.text); // the last three, as strings
 * ```
 */
export function listFetch(name: CacheKey, start?: number | null, end?: number | null): Data[] | undefined;
export function listFetch<T>(
  name: CacheKey,
  start: number | null | undefined,
  end: number | null | undefined,
  extractor: Extractor<T>,
): T[] | undefined;
export function listFetch<T>(
  name: CacheKey,
  startIndex?: number | null,
  endIndex?: number | null,
  extractor?: Extractor<T>,
): (T | Data)[] | undefined {
  const s = start(startIndex);
  const e = end(endIndex);
  const n = keyData(name);
  const response = hostCall(() => host.listFetch(n.toWit(), s, e));
  if (response.tag === 'missing') return undefined;
  return response.val.map((item) => extractWith(Data.fromWit(item), extractor));
}

/**
 * The number of elements, or `undefined` when the list is missing.
 *
 * @example
 * ```ts
 * listLength('jobs') ?? 0;
 * ```
 */
export function listLength(name: CacheKey): number | undefined {
  const n = keyData(name);
  return count(hostCall(() => host.listLength(n.toWit())));
}

/**
 * Removes elements: all of them (`'all'`, the default) or the given ranges (indexes refer to
 * the list before the call). Answers the remaining length, or `undefined` when missing.
 *
 * @example
 * ```ts
 * listErase('l', [{ beginIndex: 0, count: 1 }]);
 * ```
 */
export function listErase(name: CacheKey, ranges: 'all' | readonly ListRange[] = 'all'): number | undefined {
  const range: host.EraseRange =
    ranges === 'all'
      ? { tag: 'all' }
      : {
          tag: 'ranges',
          val: {
            ranges: ranges.map((r) => ({
              beginIndex: u32(r.beginIndex, 'beginIndex'),
              count: u32(r.count, 'count'),
            })),
          },
        };
  const n = keyData(name);
  return count(hostCall(() => host.listErase(n.toWit(), range)));
}

/**
 * Removes every element equal to `value`. Answers the remaining length, or `undefined` when missing.
 *
 * @example
 * ```ts
 * listRemove('tags', 'obsolete');
 * ```
 */
export function listRemove<T = CacheValue>(
  name: CacheKey,
  value: T,
  options: ListWriteOptions<T> = {},
): number | undefined {
  const n = keyData(name);
  const v = valueData(value, options.encoder);
  return count(
    hostCall(() => host.listRemove(n.toWit(), { tag: 'all-elements-with-value', val: v.toWit() })),
  );
}

/**
 * Keeps only elements `[start, end)` (same index rules as {@link listFetch}); an empty result
 * deletes the list. Answers the new length, or `undefined` when missing.
 *
 * @example
 * ```ts
 * listRetain('recent', 0, 10, CollectionTtl.initializeOnly(60_000)); // keep the first ten
 * ```
 */
export function listRetain(
  name: CacheKey,
  startIndex: number | null | undefined,
  endIndex: number | null | undefined,
  ttl: CollectionTtl | Ttl,
): number | undefined {
  const [ms, refresh] = ttlArgs(ttl);
  const s = start(startIndex);
  const e = end(endIndex);
  const n = keyData(name);
  return count(hostCall(() => host.listRetain(n.toWit(), s, e, ms, refresh)));
}
