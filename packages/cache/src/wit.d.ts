/**
 * TypeScript shapes of `momento:cache-scalar/cache-scalar@1.0.0` and
 * `momento:cache-list/cache-list@1.0.0` as componentize-js 0.23 hands them to JavaScript:
 * variants `{ tag, val? }`, records camelCase, `u64` as `bigint`, `option` as `T | undefined`,
 * and every `result<T, error>` as a function returning `T` or throwing a `ComponentError`
 * whose `payload` is the `error` variant. Exists only inside a component; no public type
 * of this package refers to it.
 */
declare module 'momento:cache-scalar/cache-scalar@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export type Error =
    | { tag: 'internal-error' }
    | { tag: 'request-cancelled' }
    | { tag: 'invalid-argument'; val: string }
    | { tag: 'timeout' }
    | { tag: 'permission-denied'; val: string }
    | { tag: 'limit-exceeded'; val: string }
    | { tag: 'failed-precondition'; val: string }
    | { tag: 'not-found'; val: string };
  export type SetIfCondition =
    | { tag: 'present' }
    | { tag: 'present-and-not-equal'; val: WitData }
    | { tag: 'absent' }
    | { tag: 'equal'; val: WitData }
    | { tag: 'absent-or-equal'; val: WitData }
    | { tag: 'not-equal'; val: WitData };
  export type SetIfResult = { tag: 'stored' } | { tag: 'not-stored' };
  export type SetIfHashCondition =
    | { tag: 'present-and-not-hash-equal'; val: WitData }
    | { tag: 'present-and-hash-equal'; val: WitData }
    | { tag: 'absent-or-hash-equal'; val: WitData }
    | { tag: 'absent-or-not-hash-equal'; val: WitData }
    | { tag: 'unconditional' };
  export type SetIfHashResult = { tag: 'stored'; val: WitData } | { tag: 'not-stored' };
  export interface GetWithHashFound {
    value: WitData;
    hash: WitData;
  }
  export type GetWithHashResult = { tag: 'found'; val: GetWithHashFound } | { tag: 'missing' };

  export function get(key: WitData): WitData | undefined;
  export function getWithHash(key: WitData): GetWithHashResult;
  export function set(key: WitData, value: WitData, ttlMilliseconds: bigint): void;
  export function setIf(
    key: WitData,
    value: WitData,
    ttlMilliseconds: bigint,
    condition: SetIfCondition,
  ): SetIfResult;
  export function setIfHash(
    key: WitData,
    value: WitData,
    ttlMilliseconds: bigint,
    condition: SetIfHashCondition,
  ): SetIfHashResult;
  function delete_(key: WitData): void;

  export { delete_ as delete };
}

declare module 'momento:cache-list/cache-list@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export interface PopFound {
    value: WitData;
    listLength: number;
  }
  export interface ListRange {
    beginIndex: number;
    count: number;
  }
  export type PopResponse = { tag: 'found'; val: PopFound } | { tag: 'missing' };
  export type EraseRange = { tag: 'all' } | { tag: 'ranges'; val: { ranges: ListRange[] } };
  export type CountResponse = { tag: 'found'; val: number } | { tag: 'missing' };
  export type RemoveRange = { tag: 'all-elements-with-value'; val: WitData };
  export type StartIndex = { tag: 'unbounded' } | { tag: 'inclusive'; val: number };
  export type EndIndex = { tag: 'unbounded' } | { tag: 'exclusive'; val: number };
  export type FetchResponse = { tag: 'found'; val: WitData[] } | { tag: 'missing' };

  export function listPushFront(
    listName: WitData,
    value: WitData,
    ttlMilliseconds: bigint,
    refreshTtl: boolean,
    truncateBackToSize: number,
  ): number;
  export function listPushBack(
    listName: WitData,
    value: WitData,
    ttlMilliseconds: bigint,
    refreshTtl: boolean,
    truncateFrontToSize: number,
  ): number;
  export function listPopFront(listName: WitData): PopResponse;
  export function listPopBack(listName: WitData): PopResponse;
  export function listErase(listName: WitData, range: EraseRange): CountResponse;
  export function listRemove(listName: WitData, range: RemoveRange): CountResponse;
  export function listFetch(listName: WitData, start: StartIndex, end: EndIndex): FetchResponse;
  export function listLength(listName: WitData): CountResponse;
  export function listConcatenateFront(
    listName: WitData,
    values: WitData[],
    ttlMilliseconds: bigint,
    refreshTtl: boolean,
    truncateBackToSize: number,
  ): number;
  export function listConcatenateBack(
    listName: WitData,
    values: WitData[],
    ttlMilliseconds: bigint,
    refreshTtl: boolean,
    truncateFrontToSize: number,
  ): number;
  export function listRetain(
    listName: WitData,
    start: StartIndex,
    end: EndIndex,
    ttlMilliseconds: bigint,
    refreshTtl: boolean,
  ): CountResponse;
}
