// The crate types added for API parity: the `SseEvent` builders and `WebResult<T>`.
import { formatSseEvent } from '@momento-functions/runtime';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { WebError as WebErrorClass, WebResult } from '../src/index.js';
import { bodyText, FakeBuffer, freshInstance, value } from './helpers.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('SseEvent builders (the crate: from_event, from_event_id, from_data, with_*)', () => {
  it('build the same send-sse calls as the equivalent event objects', async () => {
    const { gw, host } = await freshInstance();
    const { SseEvent } = gw;
    const built = [
      SseEvent.fromEvent('greet').withEventId('1').withData('hello\nworld'),
      SseEvent.fromData(''),
      SseEvent.fromEvent('heartbeat'),
      SseEvent.fromEventId('7').withData(new Uint8Array([0x31])),
      SseEvent.fromData('x').withEvent('a').withEvent('b'), // set again: replaced
    ];
    const literal = [
      { event: 'greet', id: '1', data: 'hello\nworld' },
      { data: '' },
      { event: 'heartbeat' },
      { id: '7', data: new Uint8Array([0x31]) },
      { event: 'b', data: 'x' },
    ];
    for (const event of built) gw.sse().send(event);
    const fromBuilders = host.calls.splice(0);
    for (const event of literal) gw.sse().send(event);
    expect(fromBuilders).toEqual(host.calls);
    expect(fromBuilders[0]).toEqual({
      fn: 'send-sse',
      event: 'greet',
      eventId: '1',
      data: { tag: 'value', val: utf8('hello\nworld') },
    });
    expect(fromBuilders[2]).toEqual({
      fn: 'send-sse',
      event: 'heartbeat',
      eventId: undefined,
      data: undefined,
    });
  });

  it('are immutable values that satisfy the SseEvent type', async () => {
    const { gw } = await freshInstance();
    const base = gw.SseEvent.fromEvent('tick');
    const withData = base.withData('1');
    expect([base.event, base.id, base.data]).toEqual(['tick', undefined, undefined]);
    expect([withData.event, withData.id, withData.data]).toEqual(['tick', undefined, '1']);
    expect(withData).toBeInstanceOf(gw.SseEventBuilder);
    expect(Object.isFrozen(gw.SseEvent)).toBe(true);
  });

  it('pass a host buffer through untouched, as from_data(Data) does', async () => {
    const { gw, host, bytes } = await freshInstance();
    const buffer = new FakeBuffer('upstream');
    gw.sse().send(
      gw.SseEvent.fromData(bytes.Data.fromWit({ tag: 'buffer', val: buffer })).withEvent('relay'),
    );
    const [call] = host.calls;
    expect(call?.fn === 'send-sse' && call.data?.val).toBe(buffer);
    expect(buffer.reads).toBe(0);
  });

  it('check no content, like the crate: the host validates on send with its own texts', async () => {
    const { gw, host } = await freshInstance();
    // Accepted by the builders; refused by the platform's rules (the reference host's validator).
    const refused = [
      [gw.SseEvent.fromEventId('only-an-id'), 'event or data must be provided'],
      [gw.SseEvent.fromEvent('bad\nname'), 'bad event name: must not contain a line feed (\\n)'],
      [
        gw.SseEvent.fromData('x').withEventId('é'.repeat(257)),
        'bad event id: is 514 bytes, longer than the limit of 512',
      ],
      [gw.SseEvent.fromData(new Uint8Array([0xff])), 'bad data: not valid UTF-8'],
    ] as const;
    for (const [event, error] of refused) {
      const data =
        event.data === undefined
          ? undefined
          : typeof event.data === 'string'
            ? utf8(event.data)
            : (event.data as Uint8Array);
      const verdict = formatSseEvent(event.event, event.id, data);
      expect(verdict).toEqual({ ok: false, error });
      host.streamErrors['send-sse'].push(error);
      expect(() => gw.sse().send(event)).toThrowError(
        expect.objectContaining({ name: 'StreamError', message: error }),
      );
    }
    expect(formatSseEvent('greet', '1', utf8('hello\nworld'))).toEqual({
      ok: true,
      bytes: utf8('event: greet\nid: 1\ndata: hello\ndata: world\n\n'),
    });
  });

  it('refuse a non-string event or id and missing data with a TypeError (JavaScript callers)', async () => {
    const { gw } = await freshInstance();
    expect(() => gw.SseEvent.fromEvent(1 as unknown as string)).toThrow(
      'the SSE event must be a string, got number',
    );
    expect(() => gw.SseEvent.fromData('x').withEventId(null as unknown as string)).toThrow(
      'the SSE event id must be a string, got null',
    );
    expect(() => gw.SseEvent.fromData(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe('WebResult<T> (the crate: Result<T, WebError>)', () => {
  it('is the value or a WebError, and a returned WebError answers like Err(e)', async () => {
    const { gw } = await freshInstance();
    expectTypeOf<WebResult<string>>().toEqualTypeOf<string | WebErrorClass>();
    const target = (header: string | undefined): WebResult<string> =>
      header ?? gw.WebError.message('Missing X-Amz-Target header');
    const fn = gw.web((request): WebResult<string> => {
      const t = target(request.text() || undefined);
      if (t instanceof gw.WebError) return t;
      return `target: ${t}`;
    });
    const ok = fn.invoke(value('GetItem'));
    expect([ok.status, bodyText(ok.body)]).toEqual([200, 'target: GetItem']);
    const err = fn.invoke(value(''));
    expect([err.status, err.headers, bodyText(err.body)]).toEqual([500, [], 'Missing X-Amz-Target header']);
  });
});
