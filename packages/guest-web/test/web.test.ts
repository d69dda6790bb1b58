import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bodyText, FakeBuffer, freshInstance, value } from './helpers.js';

const TEXT = [{ name: 'content-type', value: 'text/plain; charset=utf-8' }];
const BYTES = [{ name: 'content-type', value: 'application/octet-stream' }];
const JSON_CT = [{ name: 'content-type', value: 'application/json; charset=utf-8' }];

describe('web(): return values map as the crate WebResponse conversions (docs/guest-web.md)', () => {
  it('string → 200 text/plain; charset=utf-8', async () => {
    const { gw } = await freshInstance();
    const fn = gw.web(() => 'pong');
    expect(fn.kind).toBe('web');
    const res = fn.invoke(value('anything'));
    expect(res.status).toBe(200);
    expect(res.headers).toEqual(TEXT);
    expect(res.body).toEqual(value('pong'));
  });

  it('empty string → 200 text with an empty body', async () => {
    const { gw } = await freshInstance();
    const res = gw.web(() => '').invoke(value(''));
    expect([res.status, res.headers, bodyText(res.body)]).toEqual([200, TEXT, '']);
  });

  it('Uint8Array, ArrayBuffer and other views → 200 application/octet-stream', async () => {
    const { gw } = await freshInstance();
    for (const [ret, bytes] of [
      [new Uint8Array([0, 1, 255]), [0, 1, 255]],
      [new Uint8Array([7, 8]).buffer, [7, 8]],
      [new Uint16Array([0x0102]), [2, 1]],
      [new DataView(new Uint8Array([9, 10, 11]).buffer, 1, 2), [10, 11]],
    ] as const) {
      const res = gw.web(() => ret).invoke(value(''));
      expect(res.status).toBe(200);
      expect(res.headers).toEqual(BYTES);
      expect(res.body.tag).toBe('value');
      expect(Array.from(res.body.val as Uint8Array)).toEqual(bytes);
    }
  });

  it('a request Data on the host returned as is → the same buffer handle, never read', async () => {
    const { gw } = await freshInstance();
    const buffer = new FakeBuffer('zero copy');
    const res = gw.web((request) => request).invoke({ tag: 'buffer', val: buffer });
    expect(res.status).toBe(200);
    expect(res.headers).toEqual(BYTES);
    expect(res.body.tag).toBe('buffer');
    expect(res.body.val).toBe(buffer);
    expect(buffer.reads).toBe(0);
  });

  it('inline Data → octet-stream with its bytes', async () => {
    const { gw, bytes } = await freshInstance();
    const res = gw.web(() => bytes.Data.from('abc')).invoke(value(''));
    expect([res.status, res.headers, bodyText(res.body)]).toEqual([200, BYTES, 'abc']);
  });

  it('plain objects, arrays, numbers, booleans and null → compact JSON', async () => {
    const { gw } = await freshInstance();
    const cases: [unknown, string][] = [
      [{ message: 'Hello, kvc!' }, '{"message":"Hello, kvc!"}'],
      [{ b: 1, a: [1, 'x', null, true] }, '{"b":1,"a":[1,"x",null,true]}'],
      [[1, 2, 3], '[1,2,3]'],
      [42, '42'],
      [1.5, '1.5'],
      [false, 'false'],
      [null, 'null'],
      [{ text: 'é"x\n/' }, '{"text":"é\\"x\\n/"}'],
      [Object.assign(Object.create(null), { k: 'v' }), '{"k":"v"}'],
    ];
    for (const [ret, text] of cases) {
      const res = gw.web(() => ret as object).invoke(value(''));
      expect(res.status).toBe(200);
      expect(res.headers).toEqual(JSON_CT);
      expect(bodyText(res.body)).toBe(text);
    }
  });

  it('json(value) forces JSON: a string becomes a JSON string', async () => {
    const { gw } = await freshInstance();
    const res = gw.web(() => gw.json('hi "there"')).invoke(value(''));
    expect([res.status, res.headers, bodyText(res.body)]).toEqual([200, JSON_CT, '"hi \\"there\\""']);
  });

  it('json(value, encoder) uses the encoder and keeps the JSON content type', async () => {
    const { gw, bytes } = await freshInstance();
    const upper: import('@momento-functions/bytes').Encoder<string> = {
      encode: (v) => bytes.Data.from(JSON.stringify(v.toUpperCase())),
    };
    const res = gw.web(() => gw.json('abc', upper)).invoke(value(''));
    expect([res.status, res.headers, bodyText(res.body)]).toEqual([200, JSON_CT, '"ABC"']);
  });

  it('undefined (or no return) → 204, no headers, empty body', async () => {
    const { gw } = await freshInstance();
    for (const handler of [() => undefined, () => {}]) {
      const res = gw.web(handler).invoke(value('x'));
      expect(res).toEqual({ status: 204, headers: [], body: value('') });
    }
  });

  it('a WebResponse is sent as built, with nothing added', async () => {
    const { gw } = await freshInstance();
    const res = gw
      .web(() =>
        new gw.WebResponse().withStatus(201).header('X-One', '1').header('x-one', '2').withBody('made'),
      )
      .invoke(value(''));
    expect(res.status).toBe(201);
    expect(res.headers).toEqual([
      { name: 'X-One', value: '1' },
      { name: 'x-one', value: '2' },
    ]);
    expect(bodyText(res.body)).toBe('made');
  });

  it('the default WebResponse is 200, no headers, empty body', async () => {
    const { gw } = await freshInstance();
    expect(gw.web(() => new gw.WebResponse()).invoke(value('x'))).toEqual({
      status: 200,
      headers: [],
      body: value(''),
    });
  });

  it('a WebResponse body may be a host Data, passed back untouched', async () => {
    const { gw } = await freshInstance();
    const buffer = new FakeBuffer('through');
    const res = gw
      .web((request) => new gw.WebResponse({ status: 202 }).withBody(request))
      .invoke({ tag: 'buffer', val: buffer });
    expect(res.status).toBe(202);
    expect(res.headers).toEqual([]);
    expect(res.body.val).toBe(buffer);
    expect(buffer.reads).toBe(0);
  });
});

describe('web(): extraction', () => {
  const Greeting = z.object({ name: z.string() });
  const greeter = async () => {
    const { gw, bytes } = await freshInstance();
    let calls = 0;
    const fn = gw.web(bytes.extract.schema(Greeting), ({ name }) => {
      calls++;
      return { message: `Hello, ${name}!` };
    });
    return { fn, calls: () => calls };
  };

  it('greeter success paths answer byte for byte as the upstream json-greeter example', async () => {
    const { fn } = await greeter();
    for (const [input, body] of [
      ['{"name":"kvc"}', '{"message":"Hello, kvc!"}'],
      ['{"name":"kvc","extra":1}', '{"message":"Hello, kvc!"}'],
      ['  {"name":"é\\"x"}  ', '{"message":"Hello, é\\"x!"}'],
    ]) {
      const res = fn.invoke({ tag: 'buffer', val: new FakeBuffer(input as string) });
      expect([res.status, res.headers, bodyText(res.body)]).toEqual([200, JSON_CT, body]);
    }
  });

  it('extraction failure → 400, no headers, "Failed to parse request body: <detail>", handler not called', async () => {
    const { fn, calls } = await greeter();
    for (const input of ['', '{}', '{"name":1}', 'abc', '{"name":"a"} x']) {
      const res = fn.invoke(value(input));
      expect(res.status).toBe(400);
      expect(res.headers).toEqual([]);
      expect(bodyText(res.body)).toMatch(/^Failed to parse request body: .+/);
    }
    expect(calls()).toBe(0);
  });

  it('the 400 detail is the extractor error message (EOF at line 1 column 0 for empty JSON)', async () => {
    const { gw, bytes } = await freshInstance();
    const res = gw.web(bytes.extract.json(), (v) => v as object).invoke(value(''));
    expect(bodyText(res.body)).toBe(
      'Failed to parse request body: EOF while parsing a value at line 1 column 0',
    );
    const missing = (await greeter()).fn.invoke(value('{}'));
    expect(bodyText(missing.body)).toContain('name');
  });

  it('text extractor: invalid UTF-8 → 400', async () => {
    const { gw, bytes } = await freshInstance();
    const fn = gw.web(bytes.extract.text, (t) => t.toUpperCase());
    expect(bodyText(fn.invoke(value('abc')).body)).toBe('ABC');
    const res = fn.invoke(value(new Uint8Array([0xff])));
    expect(res.status).toBe(400);
    expect(bodyText(res.body)).toMatch(/^Failed to parse request body: invalid utf-8/);
  });

  it('bytes extractor reads a host buffer fully', async () => {
    const { gw, bytes } = await freshInstance();
    const res = gw
      .web(bytes.extract.bytes, (b) => `${b.length} bytes`)
      .invoke({ tag: 'buffer', val: new FakeBuffer('12345') });
    expect(bodyText(res.body)).toBe('5 bytes');
  });

  it('a custom extractor that throws anything → 400 with its message', async () => {
    const { gw } = await freshInstance();
    const picky = {
      extract(): never {
        throw new RangeError('too short');
      },
    };
    const res = gw.web(picky, () => 'never').invoke(value(''));
    expect(res).toEqual({ status: 400, headers: [], body: value('Failed to parse request body: too short') });
  });

  it('web(handler) gives the handler the unread request Data', async () => {
    const { gw, bytes } = await freshInstance();
    const buffer = new FakeBuffer('hi');
    let seen: unknown;
    gw.web((request) => {
      seen = request;
      return 'ok';
    }).invoke({ tag: 'buffer', val: buffer });
    expect(seen).toBeInstanceOf(bytes.Data);
    expect(buffer.reads).toBe(0);
  });
});

describe('web(): errors become responses, never traps', () => {
  const PREFIX = 'An error occurred during function invocation: ';

  it('WebError.message → 500, no headers, the message as body', async () => {
    const { gw } = await freshInstance();
    const res = gw
      .web(() => {
        throw gw.WebError.message('Missing X-Amz-Target header');
      })
      .invoke(value(''));
    expect(res).toEqual({ status: 500, headers: [], body: value('Missing X-Amz-Target header') });
  });

  it('a returned WebError answers like a thrown one', async () => {
    const { gw } = await freshInstance();
    const res = gw.web(() => gw.WebError.message('returned')).invoke(value(''));
    expect(res).toEqual({ status: 500, headers: [], body: value('returned') });
  });

  it('WebError.response carries any response, any status', async () => {
    const { gw } = await freshInstance();
    const res = gw
      .web(() => {
        throw gw.WebError.response(
          new gw.WebResponse({ status: 404, headers: [['x', 'y']], body: 'no such user' }),
        );
      })
      .invoke(value(''));
    expect(res).toEqual({ status: 404, headers: [{ name: 'x', value: 'y' }], body: value('no such user') });
  });

  it('any other thrown value → 500, no headers, the crate prefix and a Debug-like detail', async () => {
    const { gw } = await freshInstance();
    class CacheError extends Error {}
    const cases: [unknown, string][] = [
      [new TypeError('x is not a function'), 'TypeError("x is not a function")'],
      [new Error('plain'), 'Error("plain")'],
      [new CacheError('denied'), 'CacheError("denied")'],
      [new Error('outer', { cause: new RangeError('inner') }), 'Error("outer", cause: RangeError("inner"))'],
      ['a string', '"a string"'],
      [42, '42'],
      [{ code: 7 }, '{"code":7}'],
      [null, 'null'],
      [undefined, 'undefined'],
      [new Error(''), 'Error'],
    ];
    for (const [thrown, detail] of cases) {
      const res = gw
        .web(() => {
          throw thrown;
        })
        .invoke(value(''));
      expect(res).toEqual({ status: 500, headers: [], body: value(PREFIX + detail) });
    }
  });

  it('a host err surfaced by componentize-js (ComponentError with payload) renders its payload', async () => {
    const { gw } = await freshInstance();
    const { ComponentError } = await import('./fakes/host.js');
    const res = gw
      .web(() => {
        throw new ComponentError('permission denied');
      })
      .invoke(value(''));
    expect(bodyText(res.body)).toBe(`${PREFIX}ComponentError("permission denied")`);
  });

  it('new WebError(e) and WebError.from(e) render like an uncaught throw; from(WebError) is identity', async () => {
    const { gw } = await freshInstance();
    const e = new gw.WebError(new SyntaxError('bad'));
    expect(e.response.status).toBe(500);
    expect(e.response.body.text()).toBe(`${PREFIX}SyntaxError("bad")`);
    expect(e.cause).toBeInstanceOf(SyntaxError);
    expect(gw.WebError.from(e)).toBe(e);
    expect(gw.WebError.message('m').message).toBe('m');
  });

  it('a thrown value whose properties throw still gives a 500', async () => {
    const { gw } = await freshInstance();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        has() {
          throw new Error('no');
        },
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    const res = gw
      .web(() => {
        throw hostile;
      })
      .invoke(value(''));
    expect(res.status).toBe(500);
    expect(res.headers).toEqual([]);
    expect(bodyText(res.body)).toMatch(/^An error occurred during function invocation: /);
  });

  it('encode failure → 500 text/plain "Failed to encode response: <detail>"', async () => {
    const { gw } = await freshInstance();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const ret of [{ n: 1n }, cyclic, new Map([['a', 1]]), Promise.resolve('late'), () => 1]) {
      const res = gw.web(() => ret as object).invoke(value(''));
      expect(res.status).toBe(500);
      expect(res.headers).toEqual(TEXT);
      expect(bodyText(res.body)).toMatch(/^Failed to encode response: .+/);
    }
    const promise = gw.web(() => Promise.resolve(1) as object).invoke(value(''));
    expect(bodyText(promise.body)).toContain('synchronous');
  });

  it('an invalid status set in the handler → 500 naming the problem', async () => {
    const { gw } = await freshInstance();
    const res = gw.web(() => new gw.WebResponse().withStatus(70000)).invoke(value(''));
    expect(res.status).toBe(500);
    expect(bodyText(res.body)).toMatch(
      /^An error occurred during function invocation: RangeError\(".*0 to 65535/,
    );
  });

  it('web() rejects wrong arguments and async handlers at definition time', async () => {
    const { gw } = await freshInstance();
    // @ts-expect-error not a function
    expect(() => gw.web('nope')).toThrow(/handler must be a function/);
    // @ts-expect-error not an extractor
    expect(() => gw.web({}, () => 'x')).toThrow(/extractor/);
    // @ts-expect-error an async handler is a type error too (HandlerMustBeSynchronous)
    expect(() => gw.web(async () => 'x')).toThrow(/synchronous/);
  });
});
