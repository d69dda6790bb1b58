/**
 * `@momento-functions/cache`: the Momento cache from inside a Function — scalar values
 * (get/set, conditional and hash-checked writes) and lists, with the semantics of the Rust
 * crates `momento-functions-cache` and `momento-functions-cache-list`.
 *
 * @example
 * ```ts
 * import { get, set, SetIfCondition, setIf } from '@momento-functions/cache';
 * import { extract } from '@momento-functions/bytes';
 * set('greeting', 'Hello, World!', { minutes: 1 });
 * get('greeting', extract.text); // 'Hello, World!'
 * ```
 *
 * @packageDocumentation
 */
export { CacheEncodeError, CacheError, type CacheErrorCase, CacheExtractError } from './errors.js';
export {
  type ListRange,
  type ListWriteOptions,
  listConcatenateBack,
  listConcatenateFront,
  listErase,
  listFetch,
  listLength,
  listPopBack,
  listPopFront,
  listPushBack,
  listPushFront,
  listRemove,
  listRetain,
  type Popped,
} from './list.js';
export {
  del,
  delete,
  type GetWithHashValue,
  get,
  getWithHash,
  SetIfCondition,
  SetIfHashCondition,
  type SetIfHashResult,
  type SetIfResult,
  set,
  setIf,
  setIfHash,
  type WriteOptions,
} from './scalar.js';
export { CollectionTtl, type Duration, type Ttl, ttlMilliseconds } from './ttl.js';
export type { CacheKey, CacheValue, JsonValue } from './value.js';
