import { Data } from '@momento-functions/bytes';
import { afterEach, describe, expect, it } from 'vitest';
import { Authorization, HttpError, invoke, Request, rustDebugString } from '../src/index.js';
import { ChunkedHostBuffer } from './fakes/host-buffer.js';
import { type FakeWitRequest, setHttpHandler } from './fakes/momento-http.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

afterEach(() => setHttpHandler(undefined));

describe('Request builder', () => {
  it('starts with no headers, an empty body and no authorization', () => {
    const wit = new Request('https://example.com/a', 'GET').toWit();
    expect(wit).toEqual({
      url: 'https://example.com/a',
      verb: 'GET',
      headers: [],
      body: { tag: 'value', val: new Uint8Array(0) },
      authorization: { tag: 'none' },
    });
  });

  it('appends and extends headers in order, keeping duplicates', () => {
    const request = new Request('https://e.com', 'POST')
      .withHeader('a', '1')
      .withHeaders([
        ['b', '2'],
        ['a', '3'],
      ])
      .withHeaders(new Map([['c', '4']]))
      .withHeaders({ d: '5' });
    expect(request.toWit().headers).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
      ['c', '4'],
      ['d', '5'],
    ]);
  });

  it('json() replaces an existing content-type case-insensitively, in place', () => {
    const request = new Request('https://e.com', 'POST')
      .withHeader('x', '1')
      .withHeader('Content-Type', 'text/plain')
      .withHeader('y', '2')
      .json({ b: 1, a: 'é' });
    const wit = request.toWit();
    expect(wit.headers).toEqual([
      ['x', '1'],
      ['Content-Type', 'application/json'],
      ['y', '2'],
    ]);
    expect(Data.fromWit(wit.body).text()).toBe('{"b":1,"a":"é"}');
  });

  it('json() appends content-type: application/json when there is none', () => {
    expect(new Request('https://e.com', 'POST').json([1]).toWit().headers).toEqual([
      ['content-type', 'application/json'],
    ]);
  });

  it('takes a body from anything Data accepts, passing a host buffer through untouched', () => {
    expect(Data.fromWit(new Request('u', 'PUT').withBody('hé').toWit().body).bytes()).toEqual(utf8('hé'));
    expect(Data.fromWit(new Request('u', 'PUT').withBody(new Uint16Array([1])).toWit().body).bytes()).toEqual(
      new Uint8Array([1, 0]),
    );
    const host = new ChunkedHostBuffer(['streamed']);
    const wit = new Request('u', 'PUT').withBody(Data.fromWit({ tag: 'buffer', val: host })).toWit();
    expect(wit.body).toEqual({ tag: 'buffer', val: host });
    expect(wit.body.val).toBe(host);
    expect(host.reads).toEqual([]);
  });

  it('maps every authorization mode to its WIT case', () => {
    const secret = { accessKeyId: 'AK', secretAccessKey: 'SK', region: 'us-west-2', service: 'dynamodb' };
    expect(
      new Request('u').withAuthorization(Authorization.awsSigV4Secret(secret)).toWit().authorization,
    ).toEqual({
      tag: 'aws-sigv4-secret',
      val: secret,
    });
    expect(
      new Request('u')
        .withAuthorization(Authorization.federated({ roleArn: 'arn:aws:iam::1:role/r', service: 's3' }))
        .toWit().authorization,
    ).toEqual({ tag: 'federated', val: { roleArn: 'arn:aws:iam::1:role/r', service: 's3' } });
    expect(new Request('u').withAuthorization(Authorization.none()).toWit().authorization).toEqual({
      tag: 'none',
    });
  });
});

describe('invoke', () => {
  it('sends the WIT request and returns status, ordered headers and a lazy body', () => {
    let seen: FakeWitRequest | undefined;
    const body = new ChunkedHostBuffer(['hello ', 'world']);
    setHttpHandler((request) => {
      seen = request;
      return {
        tag: 'ok',
        val: {
          status: 201,
          headers: [
            ['Set-Cookie', 'a=1'],
            ['x', 'y'],
            ['Set-Cookie', 'b=2'],
          ],
          body: { tag: 'buffer', val: body },
        },
      };
    });
    const response = invoke(new Request('https://e.com/p', 'PATCH').withHeader('k', 'v').withBody('in'));
    expect(seen?.verb).toBe('PATCH');
    expect(seen?.headers).toEqual([['k', 'v']]);
    expect(response.status).toBe(201);
    expect(response.headers).toEqual([
      ['Set-Cookie', 'a=1'],
      ['x', 'y'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(body.reads).toEqual([]); // nothing read yet
    expect(response.body.isOnHost).toBe(true);
    // Returned as a response body: the very same handle goes back to the host.
    expect(response.body.toWit().val).toBe(body);
  });

  it.each([
    [{ tag: 'internal-error' }, 'internal error', 'InternalError'],
    [
      { tag: 'request-error', val: 'connection "refused"' },
      'request error: connection "refused"',
      'RequestError("connection \\"refused\\"")',
    ],
    [
      { tag: 'invalid-url', val: { url: 'nope', error: 'relative URL without a base' } },
      "invalid url 'nope': relative URL without a base",
      'InvalidUrl { url: "nope", error: "relative URL without a base" }',
    ],
    [
      { tag: 'invalid-header-name', val: { header: 'bad name', error: 'invalid HTTP header name' } },
      "invalid header name 'bad name': invalid HTTP header name",
      'InvalidHeaderName { header: "bad name", error: "invalid HTTP header name" }',
    ],
    [
      { tag: 'invalid-header-value', val: { value: 'a\nb', error: 'failed to parse header value' } },
      "invalid header value 'a\nb': failed to parse header value",
      'InvalidHeaderValue { value: "a\\nb", error: "failed to parse header value" }',
    ],
  ])('turns WIT error %j into an HttpError with the crate texts', (witError, display, debug) => {
    setHttpHandler(() => ({ tag: 'err', val: witError }));
    let caught: unknown;
    try {
      invoke(new Request('https://e.com'));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HttpError);
    const error = caught as HttpError;
    expect(error.kind).toBe(witError.tag);
    expect(error.message).toBe(display);
    expect(error.toDebugString()).toBe(debug);
    expect(error.debug).toBe(debug);
  });

  it('lets a non-WIT exception through unchanged', () => {
    setHttpHandler(() => {
      throw new RangeError('trap');
    });
    expect(() => invoke(new Request('https://e.com'))).toThrow(RangeError);
  });
});

describe('rustDebugString', () => {
  it('escapes like Rust str Debug', () => {
    expect(rustDebugString('a"b\\c\td\r\n\0\u0001é\u007f')).toBe('"a\\"b\\\\c\\td\\r\\n\\0\\u{1}é\\u{7f}"');
  });
});
