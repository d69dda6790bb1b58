import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bodyText, freshInstance, value } from './helpers.js';

describe('WebResponse', () => {
  it('defaults to 200, no headers, empty body', async () => {
    const { gw } = await freshInstance();
    const r = new gw.WebResponse();
    expect([r.status, r.headers, r.body.text()]).toEqual([200, [], '']);
  });

  it('is immutable: each builder returns a new response and leaves the original as it was', async () => {
    const { gw } = await freshInstance();
    const base = new gw.WebResponse().header('a', '1');
    const created = base.withStatus(201).header('b', '2').withBody('x');
    expect([base.status, base.headers, base.body.text()]).toEqual([200, [{ name: 'a', value: '1' }], '']);
    expect([created.status, created.headers, created.body.text()]).toEqual([
      201,
      [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ],
      'x',
    ]);
    expect(Object.isFrozen(created.headers)).toBe(true);
  });

  it('header() appends (duplicates kept), withHeaders() replaces, in every accepted form', async () => {
    const { gw } = await freshInstance();
    const r = new gw.WebResponse().header('x', '1').header('x', '2');
    expect(r.headers.map((h) => h.value)).toEqual(['1', '2']);
    const pairs = r.withHeaders([['only', 'one']]);
    expect(pairs.headers).toEqual([{ name: 'only', value: 'one' }]);
    expect(r.withHeaders({ a: 'b', c: 'd' }).headers).toEqual([
      { name: 'a', value: 'b' },
      { name: 'c', value: 'd' },
    ]);
    expect(r.withHeaders(new Headers([['K', 'v']])).headers).toEqual([{ name: 'k', value: 'v' }]);
    expect(r.withHeaders([]).headers).toEqual([]);
  });

  it('withBody() sets the body and never adds a content-type', async () => {
    const { gw, bytes } = await freshInstance();
    const r = new gw.WebResponse().withBody('one').withBody(gw.json({ a: [1] }));
    expect(r.headers).toEqual([]);
    expect(r.body.text()).toBe('{"a":[1]}');
    expect(r.withBody(new Uint8Array([1, 2])).body.bytes()).toEqual(new Uint8Array([1, 2]));
    expect(r.withBody('ok', bytes.encode.text).body.text()).toBe('ok');
  });

  it('an inline body can be sent more than once', async () => {
    const { gw } = await freshInstance();
    const r = new gw.WebResponse({ body: 'again' });
    expect(r.body.text()).toBe('again');
    expect(r.body.text()).toBe('again');
  });

  it('the init object sets status, headers and body', async () => {
    const { gw } = await freshInstance();
    const r = new gw.WebResponse({ status: 404, headers: [['a', 'b']], body: 'missing' });
    expect([r.status, r.headers, r.body.text()]).toEqual([404, [{ name: 'a', value: 'b' }], 'missing']);
  });

  it('rejects a status outside u16 and non-string headers with a message that says what to do', async () => {
    const { gw } = await freshInstance();
    const r = new gw.WebResponse();
    for (const bad of [-1, 65536, 200.5, Number.NaN]) expect(() => r.withStatus(bad)).toThrow(/0 to 65535/);
    expect(() => r.header('x', 1 as unknown as string)).toThrow(/String\(n\)/);
    expect(() => r.withHeaders(42 as unknown as [])).toThrow(/headers must be/);
  });

  it('a JSON body that cannot be encoded throws EncodeError from withBody', async () => {
    const { gw, bytes } = await freshInstance();
    expect(() => new gw.WebResponse().withBody(gw.json({ n: 1n }))).toThrow(bytes.EncodeError);
  });

  it('a Data of inline bytes from another realm is a body (the cached-value shape of a component)', async () => {
    // Inside a component a cache value arrives as the glue's Uint8Array, which is not an
    // `instanceof Uint8Array` of the guest's code; the body getter used to hand it back raw
    // (`response.body.toWit is not a function`, tests/data-matrix reproduces it in a component).
    const { gw, bytes } = await freshInstance();
    const foreign = runInNewContext('new Uint8Array([104, 105])') as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    const data = () => bytes.Data.fromWit({ tag: 'value', val: foreign });
    const built = new gw.WebResponse({ status: 200, headers: [['x-cache', 'hit']], body: data() });
    const withBody = new gw.WebResponse().withBody(data());
    for (const r of [built, withBody]) {
      expect(r.body).toBeInstanceOf(bytes.Data);
      expect(bodyText(r.body.toWit())).toBe('hi');
      expect(bodyText(r.body.toWit())).toBe('hi'); // inline bytes can be sent again
    }
    const answer = gw.web(() => built).invoke(value(''));
    expect([answer.status, answer.headers, bodyText(answer.body)]).toEqual([
      200,
      [{ name: 'x-cache', value: 'hit' }],
      'hi',
    ]);
  });
});

describe('describeError', () => {
  it('renders errors Debug-style', async () => {
    const { gw } = await freshInstance();
    expect(gw.describeError(new RangeError('too big'))).toBe('RangeError("too big")');
    expect(gw.describeError('oops')).toBe('"oops"');
    expect(gw.describeError(Object.assign(new Error('x'), { name: 'TokenError' }))).toBe('TokenError("x")');
    expect(gw.describeError(new Error('quote " and\nnewline'))).toBe('Error("quote \\" and\\nnewline")');
  });

  it('uses the Rust Debug text our packages put in `debug`', async () => {
    const { gw } = await freshInstance();
    // The shapes of @momento-functions/cache's CacheError and @momento-functions/http's HttpError:
    // `debug` is a getter on the prototype.
    class CacheError extends Error {
      get debug(): string {
        return `CacheError(${this.message})`;
      }
    }
    class HttpError extends Error {
      get debug(): string {
        return 'RequestError("connection refused")';
      }
    }
    expect(gw.describeError(new CacheError('Error::NotFound("x")'))).toBe('CacheError(Error::NotFound("x"))');
    expect(gw.describeError(new HttpError('request failed'))).toBe('RequestError("connection refused")');
    expect(new gw.WebError(new CacheError('Error::NotFound("x")')).response.body.text()).toBe(
      'An error occurred during function invocation: CacheError(Error::NotFound("x"))',
    );
    // An own property works too, on any object; inside a cause it renders the cause.
    expect(gw.describeError({ debug: 'Auth { message: "s" }' })).toBe('Auth { message: "s" }');
    expect(gw.describeError(new Error('outer', { cause: new HttpError('x') }))).toBe(
      'Error("outer", cause: RequestError("connection refused"))',
    );
  });

  it('ignores a `debug` that is not a non-empty string, or whose getter throws', async () => {
    const { gw } = await freshInstance();
    expect(gw.describeError(Object.assign(new TypeError('t'), { debug: 42 }))).toBe('TypeError("t")');
    expect(gw.describeError(Object.assign(new TypeError('t'), { debug: '' }))).toBe('TypeError("t")');
    const throwing = new RangeError('r');
    Object.defineProperty(throwing, 'debug', {
      get() {
        throw new Error('no debug');
      },
    });
    expect(gw.describeError(throwing)).toBe('RangeError("r")');
  });
});
