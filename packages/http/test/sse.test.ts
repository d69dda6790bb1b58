import { Data, extract } from '@momento-functions/bytes';
import { describe, expect, it } from 'vitest';
import { type SseEvent, SseProtocolError, SseStream, WhatwgSseStream } from '../src/index.js';
import { ChunkedHostBuffer } from './fakes/host-buffer.js';

type Fields = [string | undefined, string | undefined, string | undefined];
const fields = (e: SseEvent): Fields => [e.event, e.id, e.data];
const all = (input: string | Data): Fields[] => [...SseStream.fromData(input)].map(fields);
const hostData = (buffer: ChunkedHostBuffer) => Data.fromWit({ tag: 'buffer', val: buffer });

describe('SseStream (crate-exact)', () => {
  it('parses the sse-proxy worked example (the upstream sse-proxy example) into three events', () => {
    // The proxy relays the second one as data `some("")` (it sends `data_raw().unwrap_or_default()`).
    expect(all('event: greet\nid: 1\ndata: hello\ndata: world\n\n: ping\n\ndata:x\n\n')).toEqual([
      ['greet', '1', 'hello\nworld'],
      [undefined, undefined, undefined],
      [undefined, undefined, 'x'],
    ]);
  });

  it('gives a keep-alive comment block an event with no fields at all', () => {
    const [event] = [...SseStream.fromData(': ping\n\n')];
    expect(event?.eventRaw).toBeUndefined();
    expect(event?.idRaw).toBeUndefined();
    expect(event?.dataRaw).toBeUndefined();
  });

  it('dispatches the empty blocks an extra blank line makes', () => {
    expect(all('data: a\n\n\n\n\n\ndata: b\n\n')).toEqual([
      [undefined, undefined, 'a'],
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
      [undefined, undefined, 'b'],
    ]);
  });

  it('frames on LF only: a CRLF stream yields no event', () => {
    expect(all('event: a\r\ndata: x\r\n\r\ndata: y\r\n\r\n')).toEqual([]);
  });

  it('keeps a CR inside values when LF-framed', () => {
    expect(all('data: x\r\n\n')).toEqual([[undefined, undefined, 'x\r']]);
  });

  it('strips exactly one optional space and joins data lines with LF', () => {
    expect(all('data:nospace\n\n')).toEqual([[undefined, undefined, 'nospace']]);
    expect(all('data:  two\n\n')).toEqual([[undefined, undefined, ' two']]);
    expect(all('data: a\ndata:\ndata: c\n\n')).toEqual([[undefined, undefined, 'a\n\nc']]);
    expect(all('event:\nid:\n\n')).toEqual([['', '', undefined]]);
  });

  it('ignores comments, retry, unknown fields and names without a colon', () => {
    expect(all(': c\nretry: 10\nfoo: bar\ndata\nevent\ndata: real\n\n')).toEqual([
      [undefined, undefined, 'real'],
    ]);
  });

  it('matches field prefixes byte-wise (dataX: is a data line)', () => {
    expect(all('data:x\ndatum: y\n\n')).toEqual([[undefined, undefined, 'x']]);
  });

  it('does not carry the id over to later events', () => {
    expect(all('id: 1\ndata: a\n\ndata: b\n\n')).toEqual([
      [undefined, '1', 'a'],
      [undefined, undefined, 'b'],
    ]);
  });

  it('drops an unterminated trailing block at the end of the body', () => {
    expect(all('data: a\n\ndata: dangling\n')).toEqual([[undefined, undefined, 'a']]);
  });

  it('repeats the same protocol error on every later next()', () => {
    const stream = SseStream.fromData('data: ok\n\nevent: a\nevent: b\n\ndata: never\n\n');
    expect(stream.next().value?.data).toBe('ok');
    for (let i = 0; i < 3; i++) {
      let caught: unknown;
      try {
        stream.next();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SseProtocolError);
      expect((caught as Error).message).toBe(
        'Bad SSE stream: Multiple event fields in one message: event: b',
      );
    }
    expect(() => SseStream.fromData('id: 1\nid: 2\n\n').next()).toThrow(
      'Bad SSE stream: Multiple id fields in one message: id: 2',
    );
  });

  it('exposes raw bytes and hides invalid UTF-8 from the string accessors', () => {
    const enc = (t: string) => [...new TextEncoder().encode(t)];
    // A truncated two-byte sequence as the event name, two invalid bytes as data.
    const bytes = new Uint8Array([...enc('event: '), 0xc3, 0x0a, ...enc('data: '), 0xff, 0xfe, 0x0a, 0x0a]);
    const [event] = [...SseStream.fromData(bytes)];
    expect(event?.dataRaw).toEqual(new Uint8Array([0xff, 0xfe]));
    expect(event?.data).toBeUndefined();
    expect(event?.event).toBeUndefined();
    expect(event?.eventRaw?.[0]).toBe(0xc3);
  });

  it('extracts event data with an extractor, treating absent data as empty', () => {
    const [a, b] = [...SseStream.fromData('data: {"n":1}\n\n: ping\n\n')];
    expect(a?.extract(extract.json<{ n: number }>())).toEqual({ n: 1 });
    expect(b?.extract(extract.text)).toBe('');
  });

  it('reads a host body in max(1024, spare capacity) chunks, like the crate Vec', () => {
    const big = `data: ${'x'.repeat(3000)}\n\n`; // 3008 bytes, one host chunk
    const buffer = new ChunkedHostBuffer([big]);
    const events = [...SseStream.fromData(hostData(buffer))];
    expect(events.map((e) => e.data?.length)).toEqual([3000]);
    expect(buffer.reads).toEqual([1024, 1024, 1024, 4096]);

    const small = new ChunkedHostBuffer(['data: a\n', '\ndata: b\n\n']);
    expect([...SseStream.fromData(hostData(small))].map((e) => e.data)).toEqual(['a', 'b']);
    expect(small.reads).toEqual([1024, 1024, 2048]);
  });

  it('reassembles events split across many small host reads, in order', () => {
    const text = Array.from({ length: 500 }, (_, i) => `data: ${i}\n\n`).join('');
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 7) chunks.push(text.slice(i, i + 7));
    const parsed = [...SseStream.fromData(hostData(new ChunkedHostBuffer(chunks)))].map((e) =>
      Number(e.data),
    );
    expect(parsed).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('stays done after the end', () => {
    const stream = SseStream.fromData('data: x\n\n');
    expect(stream.next().done).toBe(false);
    expect(stream.next().done).toBe(true);
    expect(stream.next().done).toBe(true);
  });

  it('switches to the WHATWG parser with { mode: "whatwg" }', () => {
    expect(SseStream.fromData('data: x\r\n\r\n', { mode: 'whatwg' })).toBeInstanceOf(WhatwgSseStream);
    expect(() => SseStream.fromData('', { mode: 'html' as 'crate' })).toThrow(
      "mode must be 'crate' or 'whatwg'",
    );
  });
});
