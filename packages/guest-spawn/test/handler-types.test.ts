// Handler types: an async spawn handler, or one returning a Promise, is a type error where it is
// written (`npm run typecheck` compiles the @ts-expect-error lines below; an unused one fails it).
import { type Data, extract } from '@momento-functions/bytes';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  SpawnFailure,
  type SpawnFunction,
  type SpawnHandlerMustBeSynchronous,
  SpawnSuccess,
  type SyncSpawnResult,
  spawn,
} from '../src/index.js';

describe('spawn() handler types', () => {
  it('maps a Promise return to SpawnHandlerMustBeSynchronous and leaves other returns alone', () => {
    expectTypeOf<SyncSpawnResult<Promise<void>>>().toEqualTypeOf<SpawnHandlerMustBeSynchronous>();
    expectTypeOf<SyncSpawnResult<string>>().toEqualTypeOf<string>();
    expectTypeOf<SyncSpawnResult<undefined>>().toEqualTypeOf<undefined>();
  });

  it('accepts synchronous handlers, with and without an extractor', () => {
    expectTypeOf(spawn(() => undefined)).toEqualTypeOf<SpawnFunction>();
    expectTypeOf(spawn(() => {})).toEqualTypeOf<SpawnFunction>();
    spawn((payload) => {
      expectTypeOf(payload).toEqualTypeOf<Data>();
      return 'note';
    });
    spawn(extract.schema(z.object({ _name: z.string() })), ({ _name }) =>
      _name ? SpawnSuccess.note(_name) : SpawnFailure.note('empty'),
    );
  });

  it('rejects async handlers and Promise returns at type level', () => {
    // @ts-expect-error 'Promise<void>' ... required in type 'SpawnHandlerMustBeSynchronous'
    spawn(async () => {});
    // @ts-expect-error a Promise return without async
    spawn(() => Promise.resolve('note'));
    spawn(
      extract.text,
      // @ts-expect-error async with an extractor
      async (text) => text,
    );
    // @ts-expect-error still not a valid result
    spawn(() => 42);
  });
});
