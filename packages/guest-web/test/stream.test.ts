import { describe, expect, it } from 'vitest';
import { bodyText, FakeBuffer, freshInstance, value } from './helpers.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('sse()', () => {
  it('makes no host call until the first send; each send is one send-sse call', async () => {
    const { gw, host } = await freshInstance();
    const events = gw.sse();
    expect(host.calls).toEqual([]);
    events.send({ event: 'greet', id: '1', data: 'hello\nworld' });
    events.send({ data: '' });
    events.send({ event: 'heartbeat' });
    expect(host.calls).toEqual([
      { fn: 'send-sse', event: 'greet', eventId: '1', data: { tag: 'value', val: utf8('hello\nworld') } },
      { fn: 'send-sse', event: undefined, eventId: undefined, data: { tag: 'value', val: utf8('') } },
      { fn: 'send-sse', event: 'heartbeat', eventId: undefined, data: undefined },
    ]);
  });

  it('passes a host buffer as data through untouched, and bytes as bytes', async () => {
    const { gw, host, bytes } = await freshInstance();
    const buffer = new FakeBuffer('upstream');
    gw.sse().send({ data: bytes.Data.fromWit({ tag: 'buffer', val: buffer }) });
    gw.sse().send({ data: new Uint8Array([0xff]) });
    const [first, second] = host.calls;
    expect(first).toMatchObject({ fn: 'send-sse', data: { tag: 'buffer' } });
    expect(first?.fn === 'send-sse' && first.data?.val).toBe(buffer);
    expect(buffer.reads).toBe(0);
    expect(second).toEqual({
      fn: 'send-sse',
      event: undefined,
      eventId: undefined,
      data: { tag: 'value', val: new Uint8Array([0xff]) },
    });
  });

  it('validates nothing itself: the host decides, and its err arrives as a StreamError', async () => {
    const { gw, host } = await freshInstance();
    const cases = [
      ['event or data must be provided', 'missing-event-or-data'],
      ['bad event name: contains a newline', 'bad-event-name'],
      ['bad event id: longer than 512 bytes', 'bad-event-id'],
      ['bad data: invalid utf-8 sequence', 'bad-data'],
      ['the stream is closed', 'other'],
    ] as const;
    for (const [message, reason] of cases) {
      host.streamErrors['send-sse'].push(message);
      let caught: unknown;
      try {
        gw.sse().send({});
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(gw.StreamError);
      expect(caught).toBeInstanceOf(Error);
      const error = caught as InstanceType<typeof gw.StreamError>;
      expect(error.message).toBe(message);
      expect(error.operation).toBe('send-sse');
      expect(error.reason).toBe(reason);
      expect(error.name).toBe('StreamError');
    }
    expect(host.calls).toHaveLength(cases.length);
  });

  it('an uncaught StreamError becomes a 500 with the crate prefix', async () => {
    const { gw, host } = await freshInstance();
    host.streamErrors['send-sse'].push('bad data: invalid utf-8');
    const res = gw
      .web(() => {
        gw.sse().send({ data: new Uint8Array([0xc3]) });
      })
      .invoke(value(''));
    expect(res.status).toBe(500);
    expect(res.headers).toEqual([]);
    expect(bodyText(res.body)).toBe(
      'An error occurred during function invocation: StreamError("bad data: invalid utf-8")',
    );
  });

  it('the relay pattern of the sse-proxy example: catch, then WebError.message', async () => {
    const { gw, host } = await freshInstance();
    host.streamErrors['send-sse'].push('bad data: invalid utf-8');
    const res = gw
      .web(() => {
        try {
          gw.sse().send({ data: 'x' });
        } catch (e) {
          if (e instanceof gw.StreamError)
            throw gw.WebError.message(`failed to relay SSE event: ${e.message}`);
          throw e;
        }
      })
      .invoke(value(''));
    expect(res).toEqual({
      status: 500,
      headers: [],
      body: value('failed to relay SSE event: bad data: invalid utf-8'),
    });
  });

  it('a handler that streamed and returns nothing answers 204 (a 2xx closes the stream cleanly)', async () => {
    const { gw, host } = await freshInstance();
    const res = gw
      .web(() => {
        gw.sse().send({ data: 'x' });
      })
      .invoke(value(''));
    expect(res.status).toBe(204);
    expect(host.calls).toHaveLength(1);
  });
});

describe('sseWithHeaders()', () => {
  it('sends the response start first, with the headers exactly as given', async () => {
    const { gw, host } = await freshInstance();
    const events = gw.sseWithHeaders(200, [
      ['content-type', 'text/event-stream'],
      ['X-Upstream', 'yes'],
    ]);
    events.send({ event: 'a' });
    expect(host.calls).toEqual([
      {
        fn: 'send-response-start',
        status: 200,
        headers: [
          { name: 'content-type', value: 'text/event-stream' },
          { name: 'X-Upstream', value: 'yes' },
        ],
      },
      { fn: 'send-sse', event: 'a', eventId: undefined, data: undefined },
    ]);
  });

  it('a refused start is a StreamError for send-response-start', async () => {
    const { gw, host } = await freshInstance();
    host.streamErrors['send-response-start'].push('response already started');
    expect(() => gw.sseWithHeaders(200, {})).toThrowError(
      expect.objectContaining({
        name: 'StreamError',
        operation: 'send-response-start',
        message: 'response already started',
      }),
    );
  });
});

describe('rawStream()', () => {
  it('starts with status and headers, then writes each chunk verbatim', async () => {
    const { gw, host } = await freshInstance();
    const out = gw.rawStream(206, { 'content-type': 'application/x-ndjson' });
    out.send('{"n":1}\n');
    out.send(new Uint8Array([1, 2]));
    expect(host.calls).toEqual([
      {
        fn: 'send-response-start',
        status: 206,
        headers: [{ name: 'content-type', value: 'application/x-ndjson' }],
      },
      { fn: 'send-data', data: { tag: 'value', val: utf8('{"n":1}\n') } },
      { fn: 'send-data', data: { tag: 'value', val: new Uint8Array([1, 2]) } },
    ]);
  });

  it('header records ({ name, value }, e.g. upstream headers) are accepted in order with duplicates', async () => {
    const { gw, host } = await freshInstance();
    gw.rawStream(200, [
      { name: 'set-cookie', value: 'a=1' },
      { name: 'set-cookie', value: 'b=2' },
    ]);
    expect(host.calls[0]).toEqual({
      fn: 'send-response-start',
      status: 200,
      headers: [
        { name: 'set-cookie', value: 'a=1' },
        { name: 'set-cookie', value: 'b=2' },
      ],
    });
  });

  it('a refused send-data is a StreamError', async () => {
    const { gw, host } = await freshInstance();
    host.streamErrors['send-data'].push('response not started');
    const out = gw.rawStream(200, []);
    expect(() => out.send('x')).toThrowError(
      expect.objectContaining({ operation: 'send-data', message: 'response not started', reason: 'other' }),
    );
  });

  it('a status outside u16 or a non-string header is refused before any host call', async () => {
    const { gw, host } = await freshInstance();
    expect(() => gw.rawStream(-1, [])).toThrow(RangeError);
    expect(() => gw.rawStream(200, [['x', 1 as unknown as string]])).toThrow(/strings/);
    expect(host.calls).toEqual([]);
  });
});
