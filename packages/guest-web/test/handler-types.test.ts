// Handler types: an async handler, or one returning a Promise, is a type error where it is written
// (`npm run typecheck` compiles the @ts-expect-error lines below; an unused one fails it).
import { type Data, extract } from '@momento-functions/bytes';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type HandlerMustBeSynchronous,
  type SyncReturn,
  type WebFunction,
  WebResponse,
  web,
} from '../src/index.js';

describe('web() handler types', () => {
  it('maps a Promise return to HandlerMustBeSynchronous and leaves other returns alone', () => {
    expectTypeOf<SyncReturn<Promise<string>>>().toEqualTypeOf<HandlerMustBeSynchronous>();
    expectTypeOf<SyncReturn<PromiseLike<number>>>().toEqualTypeOf<HandlerMustBeSynchronous>();
    expectTypeOf<SyncReturn<string>>().toEqualTypeOf<string>();
    expectTypeOf<SyncReturn<{ a: 1 }>>().toEqualTypeOf<{ a: 1 }>();
    expectTypeOf<SyncReturn<void>>().toEqualTypeOf<void>();
  });

  it('accepts synchronous handlers of every return shape, with and without an extractor', () => {
    expectTypeOf(web(() => 'pong')).toEqualTypeOf<WebFunction>();
    expectTypeOf(web(() => {})).toEqualTypeOf<WebFunction>();
    expectTypeOf(web(() => ({ message: 'hi' }))).toEqualTypeOf<WebFunction>();
    expectTypeOf(web(() => new WebResponse({ status: 201 }))).toEqualTypeOf<WebFunction>();
    expectTypeOf(web((data) => data)).toEqualTypeOf<WebFunction>();
    web((data) => {
      expectTypeOf(data).toEqualTypeOf<Data>();
      return new Uint8Array([1]);
    });
    web(extract.schema(z.object({ name: z.string() })), ({ name }) => {
      expectTypeOf(name).toEqualTypeOf<string>();
      return `Hello, ${name}!`;
    });
    web(extract.json<{ n: number }>(), ({ n }) => (n > 0 ? { n } : undefined));
  });

  it('rejects async handlers and Promise returns at type level', () => {
    const defineOnly = (define: () => unknown) => define; // not called: web() would throw at run time
    defineOnly(() =>
      // @ts-expect-error 'Promise<string>' ... required in type 'HandlerMustBeSynchronous'
      web(async () => 'x'),
    );
    defineOnly(() =>
      // @ts-expect-error a Promise return without async
      web(() => Promise.resolve({ a: 1 })),
    );
    defineOnly(() =>
      web(
        extract.text,
        // @ts-expect-error async with an extractor
        async (text) => text.toUpperCase(),
      ),
    );
    defineOnly(() =>
      // @ts-expect-error sometimes a Promise
      web((data) => (data.text() === '' ? 'empty' : Promise.resolve('later'))),
    );
    async function handler(): Promise<void> {}
    defineOnly(() =>
      // @ts-expect-error a named async function
      web(handler),
    );
  });
});
