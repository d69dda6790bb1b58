// One behavioural suite for the cache-scalar and cache-list host services, run against every
// backend (memory, Valkey/Redis) by the *.test.ts files next to it.
import { createHash } from 'node:crypto';
import type { HostService } from '@momento-functions/runtime';
import {
  CACHE_LIST_INTERFACE,
  CACHE_SCALAR_INTERFACE,
  type CacheBackend,
  createCacheServices,
} from '@momento-functions/runtime/services/cache';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { call, context, enc, find, sleep, text } from '../support/services.js';

export interface BackendUnderTest {
  readonly backend: CacheBackend;
  close(): Promise<void>;
}

const TTL = 60_000n;
const ok = (val?: unknown) => ({ tag: 'ok', val });
const err = (tag: string, val?: unknown) => ({ tag: 'err', val: val === undefined ? { tag } : { tag, val } });
const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());

export function cacheSuite(label: string, open: () => Promise<BackendUnderTest>): void {
  describe(`cache services on ${label}`, () => {
    let under: BackendUnderTest;
    let services: HostService[];
    let scalar: HostService;
    let list: HostService;
    const ctx = context('suite-cache');
    const opened = open().then((u) => {
      under = u;
      services = createCacheServices({ backend: u.backend, limits: { maxItemBytes: 1024, maxKeyBytes: 64 } });
      scalar = find(services, CACHE_SCALAR_INTERFACE);
      list = find(services, CACHE_LIST_INTERFACE);
    });

    beforeEach(async () => {
      await opened;
      await under.backend.flush();
    });
    afterAll(async () => {
      await opened;
      await under.close();
    });

    const s = (name: string, ...args: unknown[]) => call(scalar, name, ctx, ...args);
    const l = (name: string, ...args: unknown[]) => call(list, name, ctx, ...args);
    const fetchAll = async (name: string, start?: number, end?: number) => {
      const r = (await l(
        'listFetch',
        enc(name),
        start === undefined ? { tag: 'unbounded' } : { tag: 'inclusive', val: start },
        end === undefined ? { tag: 'unbounded' } : { tag: 'exclusive', val: end },
      )) as { tag: string; val: { tag: string; val?: unknown[] } };
      if (r.tag !== 'ok') return r;
      return r.val.tag === 'missing' ? 'missing' : (r.val.val ?? []).map(text);
    };

    describe('scalar', () => {
      it('sets, gets and deletes; delete is idempotent; a missing key is none', async () => {
        expect(await s('get', enc('k'))).toEqual(ok(undefined));
        expect(await s('set', enc('k'), enc('v'), TTL)).toEqual(ok());
        const got = (await s('get', enc('k'))) as { val: unknown };
        expect(text(got.val)).toBe('v');
        expect(await s('delete', enc('k'))).toEqual(ok());
        expect(await s('delete', enc('k'))).toEqual(ok());
        expect(await s('get', enc('k'))).toEqual(ok(undefined));
      });

      it('keeps binary keys and values exactly', async () => {
        const key = { tag: 'value', val: Uint8Array.of(0, 255, 10, 0) };
        const value = { tag: 'value', val: Uint8Array.of(0, 1, 2, 254, 255) };
        await s('set', key, value, TTL);
        expect(await s('get', key)).toEqual(ok(value));
      });

      it('scopes items by the invoking cache', async () => {
        await s('set', enc('k'), enc('a'), TTL);
        expect(await call(scalar, 'get', context('other-cache'), enc('k'))).toEqual(ok(undefined));
      });

      it('expires items after their TTL', async () => {
        await s('set', enc('short'), enc('v'), 150n);
        await s('set', enc('long'), enc('v'), TTL);
        expect(text(((await s('get', enc('short'))) as { val: unknown }).val)).toBe('v');
        await sleep(300);
        expect(await s('get', enc('short'))).toEqual(ok(undefined));
        expect(text(((await s('get', enc('long'))) as { val: unknown }).val)).toBe('v');
      });

      it('refuses a TTL of 0 and clamps u64::MAX', async () => {
        expect(await s('set', enc('k'), enc('v'), 0n)).toMatchObject(err('invalid-argument'));
        expect(await s('set', enc('k'), enc('v'), 2n ** 64n - 1n)).toEqual(ok());
        expect(text(((await s('get', enc('k'))) as { val: unknown }).val)).toBe('v');
      });

      it('answers limit-exceeded and invalid-argument for oversized or empty keys and values', async () => {
        expect(await s('set', enc('k'), enc('x'.repeat(1025)), TTL)).toMatchObject(err('limit-exceeded'));
        expect(await s('get', enc('k'.repeat(65)))).toMatchObject(err('limit-exceeded'));
        expect(await s('get', enc(''))).toMatchObject(err('invalid-argument'));
      });

      // [condition, stored when present with "old", stored when absent]
      const conditions: [string, unknown, boolean, boolean][] = [
        ['present', { tag: 'present' }, true, false],
        ['absent', { tag: 'absent' }, false, true],
        ['present-and-not-equal(other)', { tag: 'present-and-not-equal', val: enc('other') }, true, false],
        ['present-and-not-equal(old)', { tag: 'present-and-not-equal', val: enc('old') }, false, false],
        ['equal(old)', { tag: 'equal', val: enc('old') }, true, false],
        ['equal(other)', { tag: 'equal', val: enc('other') }, false, false],
        ['absent-or-equal(old)', { tag: 'absent-or-equal', val: enc('old') }, true, true],
        ['absent-or-equal(other)', { tag: 'absent-or-equal', val: enc('other') }, false, true],
        ['not-equal(other)', { tag: 'not-equal', val: enc('other') }, true, true],
        ['not-equal(old)', { tag: 'not-equal', val: enc('old') }, false, true],
      ];
      it.each(conditions)('set-if %s', async (_, condition, whenPresent, whenAbsent) => {
        await s('set', enc('p'), enc('old'), TTL);
        expect(await s('setIf', enc('p'), enc('new'), TTL, condition)).toEqual(
          ok({ tag: whenPresent ? 'stored' : 'not-stored' }),
        );
        expect(text(((await s('get', enc('p'))) as { val: unknown }).val)).toBe(whenPresent ? 'new' : 'old');
        expect(await s('setIf', enc('a'), enc('new'), TTL, condition)).toEqual(
          ok({ tag: whenAbsent ? 'stored' : 'not-stored' }),
        );
        expect(await s('get', enc('a'))).toEqual(whenAbsent ? ok(enc('new')) : ok(undefined));
      });

      it('get-with-hash answers the value and its SHA-256', async () => {
        expect(await s('getWithHash', enc('h'))).toEqual(ok({ tag: 'missing' }));
        await s('set', enc('h'), enc('hello'), TTL);
        expect(await s('getWithHash', enc('h'))).toEqual(
          ok({ tag: 'found', val: { value: enc('hello'), hash: { tag: 'value', val: sha('hello') } } }),
        );
      });

      const hashConditions: [string, (h: Uint8Array) => unknown, boolean, boolean][] = [
        [
          'present-and-not-hash-equal(other)',
          () => ({ tag: 'present-and-not-hash-equal', val: { tag: 'value', val: sha('x') } }),
          true,
          false,
        ],
        [
          'present-and-not-hash-equal(old)',
          (h) => ({ tag: 'present-and-not-hash-equal', val: { tag: 'value', val: h } }),
          false,
          false,
        ],
        [
          'present-and-hash-equal(old)',
          (h) => ({ tag: 'present-and-hash-equal', val: { tag: 'value', val: h } }),
          true,
          false,
        ],
        [
          'present-and-hash-equal(other)',
          () => ({ tag: 'present-and-hash-equal', val: { tag: 'value', val: sha('x') } }),
          false,
          false,
        ],
        [
          'absent-or-hash-equal(old)',
          (h) => ({ tag: 'absent-or-hash-equal', val: { tag: 'value', val: h } }),
          true,
          true,
        ],
        [
          'absent-or-hash-equal(other)',
          () => ({ tag: 'absent-or-hash-equal', val: { tag: 'value', val: sha('x') } }),
          false,
          true,
        ],
        [
          'absent-or-not-hash-equal(other)',
          () => ({ tag: 'absent-or-not-hash-equal', val: { tag: 'value', val: sha('x') } }),
          true,
          true,
        ],
        [
          'absent-or-not-hash-equal(old)',
          (h) => ({ tag: 'absent-or-not-hash-equal', val: { tag: 'value', val: h } }),
          false,
          true,
        ],
        ['unconditional', () => ({ tag: 'unconditional' }), true, true],
      ];
      it.each(hashConditions)('set-if-hash %s', async (_, condition, whenPresent, whenAbsent) => {
        await s('set', enc('p'), enc('old'), TTL);
        const stored = { tag: 'stored', val: { tag: 'value', val: sha('new') } };
        expect(await s('setIfHash', enc('p'), enc('new'), TTL, condition(sha('old')))).toEqual(
          ok(whenPresent ? stored : { tag: 'not-stored' }),
        );
        expect(text(((await s('get', enc('p'))) as { val: unknown }).val)).toBe(whenPresent ? 'new' : 'old');
        expect(await s('setIfHash', enc('a'), enc('new'), TTL, condition(sha('old')))).toEqual(
          ok(whenAbsent ? stored : { tag: 'not-stored' }),
        );
      });

      it('runs the cache-scalar example trace (the upstream cache-scalar example) to the documented final state', async () => {
        const results = [
          await s('set', enc('greeting'), enc('Hello, World!'), TTL),
          await s('get', enc('greeting')),
          await s('set', enc('counter'), enc('0'), TTL),
          await s('set', enc('temp-data'), enc('temporary'), TTL),
          await s('delete', enc('temp-data')),
          await s('get', enc('temp-data')),
          await s('setIf', enc('new-key'), enc('first-value'), TTL, { tag: 'absent' }),
          await s('setIf', enc('new-key'), enc('second-value'), TTL, { tag: 'absent' }),
          await s('setIf', enc('counter'), enc('1'), TTL, { tag: 'not-equal', val: enc('999') }),
          await s('get', enc('counter')),
        ];
        expect(results.slice(6, 9)).toEqual([
          ok({ tag: 'stored' }),
          ok({ tag: 'not-stored' }),
          ok({ tag: 'stored' }),
        ]);
        expect(results[5]).toEqual(ok(undefined));
        expect(results[9]).toEqual(ok(enc('1')));
        expect(await s('get', enc('greeting'))).toEqual(ok(enc('Hello, World!')));
        expect(await s('get', enc('new-key'))).toEqual(ok(enc('first-value')));
      });

      it('answers failed-precondition when a scalar operation meets a list and back', async () => {
        await l('listPushBack', enc('lst'), enc('a'), TTL, true, 0);
        expect(await s('get', enc('lst'))).toMatchObject(err('failed-precondition'));
        expect(await s('setIf', enc('lst'), enc('v'), TTL, { tag: 'absent' })).toMatchObject(
          err('failed-precondition'),
        );
        await s('set', enc('sc'), enc('v'), TTL);
        expect(await l('listPushBack', enc('sc'), enc('a'), TTL, true, 0)).toMatchObject(
          err('failed-precondition'),
        );
        expect(await l('listLength', enc('sc'))).toMatchObject(err('failed-precondition'));
        // set and delete replace / remove any item
        expect(await s('set', enc('lst'), enc('v'), TTL)).toEqual(ok());
        expect(await s('get', enc('lst'))).toEqual(ok(enc('v')));
      });
    });

    describe('lists', () => {
      it('pushes to both ends and answers the new length', async () => {
        expect(await l('listPushBack', enc('L'), enc('b'), TTL, true, 0)).toEqual(ok(1));
        expect(await l('listPushBack', enc('L'), enc('c'), TTL, true, 0)).toEqual(ok(2));
        expect(await l('listPushFront', enc('L'), enc('a'), TTL, true, 0)).toEqual(ok(3));
        expect(await fetchAll('L')).toEqual(['a', 'b', 'c']);
        expect(await l('listLength', enc('L'))).toEqual(ok({ tag: 'found', val: 3 }));
        expect(await l('listLength', enc('nope'))).toEqual(ok({ tag: 'missing' }));
      });

      it('truncates the opposite end; 0 means no truncation', async () => {
        for (const v of ['a', 'b', 'c', 'd']) await l('listPushBack', enc('B'), enc(v), TTL, true, 0);
        expect(await l('listPushBack', enc('B'), enc('e'), TTL, true, 3)).toEqual(ok(3));
        expect(await fetchAll('B')).toEqual(['c', 'd', 'e']);
        expect(await l('listPushFront', enc('B'), enc('z'), TTL, true, 2)).toEqual(ok(2));
        expect(await fetchAll('B')).toEqual(['z', 'c']);
        expect(await l('listPushFront', enc('B'), enc('y'), TTL, true, 0)).toEqual(ok(3));
      });

      it('concatenates keeping the given order at either end', async () => {
        expect(await l('listConcatenateBack', enc('C'), [enc('c'), enc('d')], TTL, true, 0)).toEqual(ok(2));
        expect(await l('listConcatenateFront', enc('C'), [enc('a'), enc('b')], TTL, true, 0)).toEqual(ok(4));
        expect(await fetchAll('C')).toEqual(['a', 'b', 'c', 'd']);
        expect(await l('listConcatenateBack', enc('C'), [enc('e'), enc('f')], TTL, true, 3)).toEqual(ok(3));
        expect(await fetchAll('C')).toEqual(['d', 'e', 'f']);
        expect(await l('listConcatenateFront', enc('C'), [enc('x'), enc('y')], TTL, true, 4)).toEqual(ok(4));
        expect(await fetchAll('C')).toEqual(['x', 'y', 'd', 'e']);
        expect(await l('listConcatenateBack', enc('empty'), [], TTL, true, 0)).toEqual(ok(0));
        expect(await l('listLength', enc('empty'))).toEqual(ok({ tag: 'missing' }));
      });

      it('pops from both ends with the remaining length; an emptied list is gone', async () => {
        await l('listConcatenateBack', enc('P'), [enc('a'), enc('b'), enc('c')], TTL, true, 0);
        expect(await l('listPopFront', enc('P'))).toEqual(
          ok({ tag: 'found', val: { value: enc('a'), listLength: 2 } }),
        );
        expect(await l('listPopBack', enc('P'))).toEqual(
          ok({ tag: 'found', val: { value: enc('c'), listLength: 1 } }),
        );
        expect(await l('listPopBack', enc('P'))).toEqual(
          ok({ tag: 'found', val: { value: enc('b'), listLength: 0 } }),
        );
        expect(await l('listPopBack', enc('P'))).toEqual(ok({ tag: 'missing' }));
        expect(await l('listLength', enc('P'))).toEqual(ok({ tag: 'missing' }));
      });

      it('fetches Python-style slices: negative indexes, clamped out-of-range, empty inverted ranges', async () => {
        await l('listConcatenateBack', enc('F'), ['a', 'b', 'c', 'd', 'e'].map(enc), TTL, true, 0);
        expect(await fetchAll('F', 1, 3)).toEqual(['b', 'c']);
        expect(await fetchAll('F', -2)).toEqual(['d', 'e']);
        expect(await fetchAll('F', undefined, -3)).toEqual(['a', 'b']);
        expect(await fetchAll('F', -100, 100)).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await fetchAll('F', 4, 1)).toEqual([]);
        expect(await fetchAll('F', 10)).toEqual([]);
        expect(await fetchAll('missing')).toBe('missing');
      });

      it('erases all or ranges (against the list as it was); out-of-range parts are ignored', async () => {
        await l('listConcatenateBack', enc('E'), ['a', 'b', 'c', 'd', 'e', 'f'].map(enc), TTL, true, 0);
        const ranges = {
          tag: 'ranges',
          val: {
            ranges: [
              { beginIndex: 0, count: 1 },
              { beginIndex: 2, count: 2 },
              { beginIndex: 5, count: 10 },
              { beginIndex: 40, count: 1 },
            ],
          },
        };
        expect(await l('listErase', enc('E'), ranges)).toEqual(ok({ tag: 'found', val: 2 }));
        expect(await fetchAll('E')).toEqual(['b', 'e']);
        expect(await l('listErase', enc('E'), { tag: 'all' })).toEqual(ok({ tag: 'found', val: 0 }));
        expect(await l('listErase', enc('E'), { tag: 'all' })).toEqual(ok({ tag: 'missing' }));
      });

      it('removes every element equal to a value', async () => {
        await l('listConcatenateBack', enc('R'), ['a', 'x', 'b', 'x'].map(enc), TTL, true, 0);
        expect(await l('listRemove', enc('R'), { tag: 'all-elements-with-value', val: enc('x') })).toEqual(
          ok({ tag: 'found', val: 2 }),
        );
        expect(await fetchAll('R')).toEqual(['a', 'b']);
        expect(await l('listRemove', enc('none'), { tag: 'all-elements-with-value', val: enc('x') })).toEqual(
          ok({ tag: 'missing' }),
        );
      });

      it('retains a slice and answers the new length', async () => {
        await l('listConcatenateBack', enc('T'), ['a', 'b', 'c', 'd', 'e'].map(enc), TTL, true, 0);
        const retain = (start: number, end: number) =>
          l(
            'listRetain',
            enc('T'),
            { tag: 'inclusive', val: start },
            { tag: 'exclusive', val: end },
            TTL,
            false,
          );
        expect(await retain(1, -1)).toEqual(ok({ tag: 'found', val: 3 }));
        expect(await fetchAll('T')).toEqual(['b', 'c', 'd']);
        expect(await retain(2, 1)).toEqual(ok({ tag: 'found', val: 0 }));
        expect(await l('listLength', enc('T'))).toEqual(ok({ tag: 'missing' }));
        expect(await retain(0, 1)).toEqual(ok({ tag: 'missing' }));
      });

      it('sets the TTL on creation and resets it on update only with refresh', async () => {
        await l('listPushBack', enc('keep'), enc('a'), 400n, false, 0);
        await l('listPushBack', enc('refresh'), enc('a'), 400n, false, 0);
        await sleep(250);
        await l('listPushBack', enc('keep'), enc('b'), 400n, false, 0);
        await l('listPushBack', enc('refresh'), enc('b'), 400n, true, 0);
        await sleep(250);
        expect(await l('listLength', enc('keep'))).toEqual(ok({ tag: 'missing' }));
        expect(await l('listLength', enc('refresh'))).toEqual(ok({ tag: 'found', val: 2 }));
      });
    });
  });
}
