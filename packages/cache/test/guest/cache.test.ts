// The guest package against the real memory host services (through fakes of the WIT imports).
import { Data, extract } from '@momento-functions/bytes';
import { beforeEach, describe, expect, it } from 'vitest';
import * as cache from '../../src/index.js';
import {
  CacheEncodeError,
  CacheError,
  CacheExtractError,
  CollectionTtl,
  get,
  getWithHash,
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
  SetIfCondition,
  SetIfHashCondition,
  set,
  setIf,
  setIfHash,
  ttlMilliseconds,
} from '../../src/index.js';
import { calls, failNext, reset } from '../fakes/host.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const value = (s: string) => ({ tag: 'value', val: utf8(s) });

beforeEach(() => reset());

describe('scalar operations', () => {
  it('sends keys and values as data::value and TTLs as u64 milliseconds', () => {
    set('greeting', 'Hello, World!', 60_000);
    expect(calls[0]).toMatchObject({ fn: 'set', args: [value('greeting'), value('Hello, World!'), 60000n] });
    expect(get('greeting', extract.text)).toBe('Hello, World!');
    expect(get('greeting')).toBeInstanceOf(Data);
    expect(get('missing')).toBeUndefined();
  });

  it('accepts bytes, Data and JSON values', () => {
    set(Uint8Array.of(1, 2), Uint8Array.of(0, 255), 1000);
    expect(get(Uint8Array.of(1, 2), extract.bytes)).toEqual(Uint8Array.of(0, 255));
    set('data', Data.from('x'), 1000);
    expect(get('data', extract.text)).toBe('x');
    set('json', { b: 1, a: [true, null] }, 1000);
    expect(get('json', extract.text)).toBe('{"b":1,"a":[true,null]}');
    set('n', 0, 1000);
    expect(get('n', extract.text)).toBe('0');
    expect(get('json', extract.json<{ b: number }>())).toEqual({ b: 1, a: [true, null] });
  });

  it('takes TTLs as numbers, bigints or durations, saturating at u64::MAX', () => {
    expect(ttlMilliseconds({ minutes: 1, seconds: 1.5 })).toBe(61_500n);
    expect(ttlMilliseconds(2n ** 70n)).toBe(2n ** 64n - 1n);
    expect(ttlMilliseconds({ days: 1e300 })).toBe(2n ** 64n - 1n);
    expect(() => ttlMilliseconds(-1)).toThrow(RangeError);
    set('k', 'v', { seconds: 30 });
    expect(calls[0]?.args[2]).toBe(30_000n);
  });

  it('deletes (the export is named delete, with del as an alias)', () => {
    set('k', 'v', 1000);
    cache.delete('k');
    expect(get('k')).toBeUndefined();
    cache.del('k');
  });

  it('setIf maps all six conditions and answers stored / not-stored', () => {
    expect(setIf('new-key', 'first-value', 60_000, SetIfCondition.absent())).toBe('stored');
    expect(setIf('new-key', 'second-value', 60_000, SetIfCondition.absent())).toBe('not-stored');
    expect(setIf('new-key', 'x', 1000, SetIfCondition.present())).toBe('stored');
    expect(setIf('new-key', 'y', 1000, SetIfCondition.equal('x'))).toBe('stored');
    expect(setIf('new-key', 'z', 1000, SetIfCondition.presentAndNotEqual('y'))).toBe('not-stored');
    expect(setIf('other', 'z', 1000, SetIfCondition.absentOrEqual('q'))).toBe('stored');
    expect(setIf('counter', '1', 60_000, SetIfCondition.notEqual('999'))).toBe('stored');
    const sent = calls.filter((c) => c.fn === 'setIf').map((c) => c.args[3]);
    expect(sent).toEqual([
      { tag: 'absent' },
      { tag: 'absent' },
      { tag: 'present' },
      { tag: 'equal', val: value('x') },
      { tag: 'present-and-not-equal', val: value('y') },
      { tag: 'absent-or-equal', val: value('q') },
      { tag: 'not-equal', val: value('999') },
    ]);
  });

  it('getWithHash and setIfHash implement optimistic concurrency', () => {
    expect(getWithHash('doc')).toBeUndefined();
    const first = setIfHash('doc', 'v1', 60_000, SetIfHashCondition.unconditional());
    expect(first.result).toBe('stored');
    const current = getWithHash('doc', extract.text);
    expect(current?.value).toBe('v1');
    expect(first.result === 'stored' && first.hash).toEqual(current?.hash);
    expect(current?.hash.length).toBe(32);
    const hash = current?.hash ?? new Uint8Array();
    expect(setIfHash('doc', 'v2', 60_000, SetIfHashCondition.presentAndHashEqual(hash)).result).toBe(
      'stored',
    );
    expect(setIfHash('doc', 'v3', 60_000, SetIfHashCondition.presentAndHashEqual(hash)).result).toBe(
      'not-stored',
    );
    expect(setIfHash('doc', 'v3', 60_000, SetIfHashCondition.presentAndNotHashEqual(hash)).result).toBe(
      'stored',
    );
    expect(setIfHash('fresh', 'a', 60_000, SetIfHashCondition.absentOrHashEqual(hash)).result).toBe('stored');
    expect(setIfHash('fresh', 'b', 60_000, SetIfHashCondition.absentOrNotHashEqual(hash)).result).toBe(
      'stored',
    );
  });

  it('throws CacheError with the case, detail and the crate Display/Debug texts', () => {
    failNext('get', { tag: 'permission-denied', val: 'msg' });
    let caught: unknown;
    try {
      get('k');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CacheError);
    const error = caught as CacheError;
    expect(error.case).toBe('permission-denied');
    expect(error.detail).toBe('msg');
    expect(error.message).toBe('Error::PermissionDenied("msg")');
    expect(error.debug).toBe('CacheError(Error::PermissionDenied("msg"))');
    failNext('set', { tag: 'internal-error' });
    expect(() => set('k', 'v', 1000)).toThrow('Error::InternalError');
    // A real host answer: a TTL of 0 is refused
    expect(() => set('k', 'v', 0)).toThrow(/Error::InvalidArgument\("ttl must be greater than 0/);
  });

  it('wraps encode and extract failures like the crate', () => {
    expect(() => set('k', { big: 1n }, 1000)).toThrow(CacheEncodeError);
    expect(() => set('k', { big: 1n }, 1000)).toThrow('Failed to encode value.');
    set('k', 'abc', 1000);
    let caught: unknown;
    try {
      get('k', extract.json());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CacheExtractError);
    expect((caught as Error).message).toBe('Failed to extract value.');
    expect((caught as CacheExtractError).debug).toMatch(
      /^ExtractFailed \{ cause: "expected value at line 1 column 1" \}$/,
    );
  });
});

describe('list operations', () => {
  it('pushes, concatenates, fetches with ranges, pops and measures', () => {
    expect(listPushBack('l', 'b', 60_000)).toBe(1);
    expect(listPushFront('l', 'a', 60_000)).toBe(2);
    expect(listConcatenateBack('l', ['c', 'd', 'e'], 60_000)).toBe(5);
    expect(listConcatenateFront('l', ['y', 'z'], 60_000, 6)).toBe(6);
    expect(listFetch('l', undefined, undefined, extract.text)).toEqual(['y', 'z', 'a', 'b', 'c', 'd']);
    expect(listFetch('l', -2, null, extract.text)).toEqual(['c', 'd']);
    expect(listFetch('l', 1, 3, extract.text)).toEqual(['z', 'a']);
    expect(listFetch('nope')).toBeUndefined();
    expect(listPopFront('l', extract.text)).toEqual({ value: 'y', listLength: 5 });
    expect(listPopBack('l', extract.text)).toEqual({ value: 'd', listLength: 4 });
    expect(listLength('l')).toBe(4);
    expect(listLength('nope')).toBeUndefined();
    expect(listPopFront('nope')).toBeUndefined();
  });

  it('sends CollectionTtl refresh flags and truncation sizes (none = 0)', () => {
    listPushBack('l', 'a', CollectionTtl.initializeOnly({ seconds: 5 }));
    listPushBack('l', 'b', CollectionTtl.of(1000), 3);
    listPushFront('l', 'c', 2000);
    expect(calls.map((c) => c.args.slice(2))).toEqual([
      [5000n, false, 0],
      [1000n, true, 3],
      [2000n, true, 0],
    ]);
    expect(CollectionTtl.of(1).withNoRefreshOnUpdate().withTtl({ minutes: 1 })).toMatchObject({
      ttl: 60_000n,
      refresh: false,
    });
    expect(CollectionTtl.refreshOnUpdate(1).refresh).toBe(true);
    expect(CollectionTtl.initializeOnly(1).withRefreshOnUpdate().refresh).toBe(true);
  });

  it('erases, removes and retains', () => {
    listConcatenateBack('l', ['a', 'x', 'b', 'x', 'c', 'd'], 60_000);
    expect(listRemove('l', 'x')).toBe(4);
    expect(listErase('l', [{ beginIndex: 0, count: 1 }])).toBe(3);
    expect(listRetain('l', 0, -1, 60_000)).toBe(2);
    expect(listFetch('l', null, null, extract.text)).toEqual(['b', 'c']);
    expect(listErase('l')).toBe(0);
    expect(listErase('l')).toBeUndefined();
    expect(listRemove('l', 'x')).toBeUndefined();
  });

  it('checks u32 and s32 arguments before calling the host', () => {
    expect(() => listPushBack('l', 'a', 1000, -1)).toThrow(RangeError);
    expect(() => listFetch('l', 2 ** 31)).toThrow(RangeError);
    expect(() => listErase('l', [{ beginIndex: 1.5, count: 1 }])).toThrow(RangeError);
    expect(calls).toHaveLength(0);
  });

  it('reports list errors as CacheError', () => {
    set('scalar', 'v', 1000);
    expect(() => listPushBack('scalar', 'a', 1000)).toThrow(CacheError);
    try {
      listLength('scalar');
    } catch (e) {
      expect((e as CacheError).case).toBe('failed-precondition');
    }
  });
});
