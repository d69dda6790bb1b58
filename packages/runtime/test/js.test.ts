import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHost,
  type FunctionHandle,
  type Host,
  type HostLogEntry,
  type HostService,
} from '../src/index.js';
import { jsGuest } from './helpers/guests.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const logs: HostLogEntry[] = [];

/** A cache-scalar service for the tests: records what `set` received; `get` streams a slow body. */
const received: { value?: unknown } = {};
const cacheService: HostService = {
  interface: 'momento:cache-scalar/cache-scalar@1.0.0',
  functions: {
    set: ((_ctx, _key: unknown, value: unknown) => {
      received.value = value;
      return { tag: 'ok', val: undefined };
    }) as HostService['functions'][string],
    get: ((_ctx, key: { val: Uint8Array }) => {
      if (dec.decode(key.val) === 'missing')
        return { tag: 'err', val: { tag: 'not-found', val: 'no such key' } };
      async function* slow() {
        for (const part of ['abcdef', 'gh', 'ijklm']) {
          await new Promise((r) => setTimeout(r, 20));
          yield enc.encode(part);
        }
      }
      return { tag: 'ok', val: { tag: 'buffer', val: slow() } };
    }) as HostService['functions'][string],
    // Imported by every componentize-js guest of this world (it imports whole interfaces); unused here.
    delete: (() => ({ tag: 'ok', val: undefined })) as HostService['functions'][string],
    getWithHash: (() => ({ tag: 'ok', val: { tag: 'missing' } })) as HostService['functions'][string],
    setIf: (() => ({ tag: 'ok', val: { tag: 'not-stored' } })) as HostService['functions'][string],
    setIfHash: (() => ({ tag: 'ok', val: { tag: 'not-stored' } })) as HostService['functions'][string],
  },
};

let host: Host;
let fn: FunctionHandle;
let requestBody: Uint8Array;

beforeAll(async () => {
  host = await createHost({
    services: [cacheService],
    logger: (e) => logs.push(e),
    limits: { concurrency: 2, timeoutMs: 3000, responseBodyBytes: 64 * 1024 },
  });
  fn = await host.load(await jsGuest(), {
    name: 'js-guest',
    cache: 'my-cache',
    env: { GREETING: 'hi', __CACHE_NAME: 'spoofed' },
  });
}, 180_000);
afterAll(() => host.close());

describe('a componentize-js guest', () => {
  it('runs in a never-used instance every time', async () => {
    for (let i = 0; i < 4; i++) expect((await fn.invoke({ path: 'count' })).json()).toEqual({ count: 1 });
  });

  it('sees method, path, headers, query, token, invocation id and environment; take-once values hand over once', async () => {
    const res = await fn.invoke({
      method: 'put',
      path: '/report',
      headers: [
        ['X-Custom', 'A'],
        ['x-custom', 'b'],
        ['Authorization', 'secret'],
      ],
      query: 'a=1&a=2&b=3',
      tokenMetadata: 'token-7',
      invocationId: 'inv-1',
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      method: 'PUT',
      path: 'report',
      pathAgain: null,
      headers: [
        { name: 'x-custom', value: 'A' },
        { name: 'x-custom', value: 'b' },
        { name: 'authorization', value: 'secret' },
      ],
      headersAgain: [],
      queryAgain: [],
      token: 'token-7',
      tokenAgain: null,
      id: 'inv-1',
      env: [
        ['GREETING', 'hi'],
        ['__CACHE_NAME', 'my-cache'],
        ['__FUNCTION_NAME', 'js-guest'],
        ['__INVOCATION_ID', 'inv-1'],
      ],
      requestTag: 'buffer',
    });
  });

  it('buffer: cursor, read(0), advance past the end', async () => {
    const res = await fn.invoke({ path: 'buffer', body: 'abcdefghij' });
    expect(res.json()).toEqual({
      remaining: 10,
      read0: [],
      read3: 'abc',
      afterAdvance: 5,
      read100: 'fghij',
      atEnd: true,
      read0AtEnd: true,
      remainingAtEnd: 0,
    });
  });

  it('SSE: headers on the first event, field rules with the platform error strings, wire format, http-error on non-2xx', async () => {
    const res = await fn.invokeStreaming({ path: 'sse', query: { status: '502' } });
    expect(res.mode).toBe('sse');
    expect(res.status).toBe(200);
    expect(res.headers).toEqual([
      ['content-type', 'text/event-stream'],
      ['cache-control', 'no-cache'],
      ['connection', 'keep-alive'],
    ]);
    const chunks: string[] = [];
    for await (const chunk of res.body) chunks.push(dec.decode(chunk));
    const text = chunks.join('');
    const events = text.split('\n\n').filter(Boolean);
    expect(events[0]).toBe('event: greeting\nid: 1\ndata: hello\ndata: world');
    expect(events[1]).toBe('data: '); // empty data is a bare data line
    expect(events[2]).toBe('event: heartbeat');
    const results = JSON.parse(events[3]!.slice('data: '.length));
    expect(results).toEqual([
      { ok: null },
      { err: 'event or data must be provided' },
      { err: 'bad event name: must not contain a line feed (\\n)' },
      { err: 'bad event name: is 513 bytes, longer than the limit of 512' },
      { err: 'bad event id: must not contain a carriage return (\\r)' },
      { err: 'bad data: not valid UTF-8' },
      { err: 'bad data: 1048577 bytes is longer than the limit of 1048576' },
      { err: 'event or data must be provided' },
      { ok: null },
      { ok: null },
    ]);
    expect(events[4]).toBe('event: http-error\ndata: HTTP 502: it went wrong\ndata: badly');
    expect(events).toHaveLength(5);
  });

  it('SSE with a 2xx return closes the stream without a trailing event', async () => {
    const res = await fn.invoke({ path: 'sse' });
    expect(res.header('content-type')).toBe('text/event-stream');
    expect(res.text()).not.toContain('http-error');
    expect(res.header('x-ignored')).toBeUndefined();
  });

  it('streams events as they are sent', async () => {
    const res = await fn.invokeStreaming({ path: 'sse-chunks' });
    const arrivals: number[] = [];
    const started = Date.now();
    for await (const _ of res.body) arrivals.push(Date.now() - started);
    expect(arrivals).toHaveLength(3);
    expect(arrivals[2]! - arrivals[0]!).toBeGreaterThanOrEqual(40);
  });

  it('raw streaming: start once, then verbatim data; the returned body is appended, its status ignored', async () => {
    const res = await fn.invokeStreaming({ path: 'raw', body: 'REQ' });
    expect(res.mode).toBe('raw');
    expect(res.status).toBe(201);
    expect(res.headers).toEqual([['content-type', 'application/x-ndjson']]);
    let text = '';
    for await (const chunk of res.body) text += dec.decode(chunk);
    const [first, rest] = [text.slice(0, text.indexOf('\n')), text.slice(text.indexOf('\n') + 1)];
    expect(JSON.parse(first)).toEqual({
      r1: { err: 'send-response-start must be called before send-data' },
      r2: { err: 'the response has already started' },
    });
    expect(rest).toBe('REQ\ntail');
  });

  it('send-sse after send-response-start keeps the guest headers and still ends non-2xx with http-error', async () => {
    const res = await fn.invoke({ path: 'sse-after-start' });
    expect(res.headers).toEqual([
      ['content-type', 'text/event-stream'],
      ['x-mine', 'yes'],
    ]);
    expect(res.text()).toBe('event: one\ndata: 1\n\nevent: http-error\ndata: HTTP 500: late failure\n\n');
  });

  it('the mode of a stream started with send-response-start turns from raw to sse at its first send-sse', async () => {
    const res = await fn.invokeStreaming({ path: 'sse-after-start' });
    let text = '';
    for await (const chunk of res.body) text += dec.decode(chunk);
    expect(text).toContain('event: one');
    expect(res.mode).toBe('sse');
    const raw = await fn.invokeStreaming({ path: 'raw', body: 'REQ' });
    for await (const _ of raw.body) {
      // drain
    }
    expect(raw.mode).toBe('raw');
  });

  it('a refused first send-sse after send-response-start still makes it an SSE stream: a non-2xx return ends with http-error', async () => {
    // The sse-proxy's relay error (the upstream sse-proxy example): upstream headers forwarded, first event refused
    // (bad data), the guest returns 500 "failed to relay SSE event: …".
    const res = await fn.invokeStreaming({ path: 'sse-after-start-bad' });
    expect(res.status).toBe(200);
    expect(res.headers).toEqual([['content-type', 'text/event-stream']]);
    let text = '';
    for await (const chunk of res.body) text += dec.decode(chunk);
    expect(res.mode).toBe('sse');
    expect(text).toBe(
      'event: http-error\ndata: HTTP 500: failed to relay SSE event: bad data: not valid UTF-8\n\n',
    );
  });

  it('an exception escaping the handler is a trap: 500 with a clear body and a log line', async () => {
    const before = logs.length;
    const res = await fn.invoke({ path: 'throw', invocationId: 'throw-1' });
    expect(res.status).toBe(500);
    expect(res.text()).toMatch(/^the function trapped: /);
    expect(logs.slice(before)).toContainEqual(
      expect.objectContaining({ invocationId: 'throw-1', level: 'error' }),
    );
  });

  it('a runaway JS loop is stopped at the time limit and the next invocation works', async () => {
    const res = await fn.invoke({ path: 'loop' });
    expect(res.status).toBe(504);
    expect((await fn.invoke({ path: 'count' })).json()).toEqual({ count: 1 });
  });

  it('an oversized response is refused', async () => {
    expect((await fn.invoke({ path: 'big', query: { size: '1000' } })).body.length).toBe(1000);
    const res = await fn.invoke({ path: 'big', query: { size: String(65 * 1024) } });
    expect(res.status).toBe(500);
    expect(res.text()).toMatch(/larger than the limit of 65536 bytes/);
  });

  it('the request buffer passed to a service arrives as the request bytes, not copied through the guest', async () => {
    requestBody = enc.encode('value to store');
    received.value = undefined;
    const res = await fn.invoke({ path: 'cache-set', body: requestBody });
    expect(res.json()).toEqual({ set: { ok: null } });
    const value = received.value as { tag: string; val: Uint8Array };
    expect(value.tag).toBe('value');
    expect(dec.decode(value.val)).toBe('value to store');
    expect(value.val.buffer).toBe(requestBody.buffer);
  });

  it('a streamed host body handed back as the response passes through as it arrives', async () => {
    const res = await fn.invokeStreaming({ path: 'proxy' });
    expect(res.mode).toBe('complete');
    const parts: string[] = [];
    for await (const chunk of res.body) parts.push(dec.decode(chunk));
    expect(parts).toEqual(['abcdef', 'gh', 'ijklm']);
  });

  it('reads of a body still arriving block until at least one byte or the end', async () => {
    const res = await fn.invoke({ path: 'read-stream' });
    expect(res.json()).toEqual({ tag: 'buffer', seen: [0, 'abcd', 'ef', 'gh', 'ijkl', 'm'] });
  });

  it('a service error result reaches the guest as result::err', async () => {
    expect((await fn.invoke({ path: 'cache-error' })).json()).toEqual({
      err: { tag: 'not-found', val: 'no such key' },
    });
  });
});
