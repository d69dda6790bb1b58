import { Data } from '@momento-functions/bytes';
import { describe, expect, it } from 'vitest';
import { type SseMessage, WhatwgSseStream } from '../src/index.js';
import { ChunkedHostBuffer } from './fakes/host-buffer.js';

const all = (input: string | Data | Uint8Array): SseMessage[] => [...WhatwgSseStream.fromData(input)];
const host = (chunks: (string | Uint8Array)[]) =>
  Data.fromWit({ tag: 'buffer', val: new ChunkedHostBuffer(chunks) });

describe('WhatwgSseStream (HTML standard)', () => {
  it('parses the sse-proxy worked example without the empty keep-alive event', () => {
    expect(all('event: greet\nid: 1\ndata: hello\ndata: world\n\n: ping\n\ndata:x\n\n')).toEqual([
      { type: 'greet', data: 'hello\nworld', lastEventId: '1' },
      { type: 'message', data: 'x', lastEventId: '1' },
    ]);
  });

  it('accepts CRLF, CR and LF line ends, including a CRLF split across reads', () => {
    expect(all('data: a\r\n\r\ndata: b\r\rdata: c\n\n').map((m) => m.data)).toEqual(['a', 'b', 'c']);
    expect(
      [...WhatwgSseStream.fromData(host(['data: a\r', '\n\r', '\ndata: b\r', '\r']))].map((m) => m.data),
    ).toEqual(['a', 'b']);
  });

  it('does not dispatch a block without data, but does dispatch an empty data line', () => {
    expect(all(': ping\n\nevent: x\n\n\n\ndata:\n\n')).toEqual([
      { type: 'message', data: '', lastEventId: '' },
    ]);
  });

  it('lets a repeated event or id replace the earlier one instead of failing', () => {
    expect(all('event: a\nevent: b\nid: 1\nid: 2\ndata: x\n\n')).toEqual([
      { type: 'b', data: 'x', lastEventId: '2' },
    ]);
  });

  it('carries lastEventId over, ignores ids with NUL and resets on an empty id', () => {
    expect(
      all('id: 7\ndata: a\n\ndata: b\n\nid: x\u0000y\ndata: c\n\nid\ndata: d\n\n').map((m) => m.lastEventId),
    ).toEqual(['7', '7', '7', '']);
  });

  it('records retry only for all-digit values', () => {
    const stream = WhatwgSseStream.fromData('retry: 2500\n\nretry: 1e3\n\nretry: -1\n\n');
    expect([...stream]).toEqual([]);
    expect(stream.retry).toBe(2500);
  });

  it('treats a line without a colon as a field with an empty value', () => {
    expect(all('data\ndata\n\n')).toEqual([{ type: 'message', data: '\n', lastEventId: '' }]);
  });

  it('skips a leading BOM, even split across reads, and decodes invalid UTF-8 as U+FFFD', () => {
    expect([
      ...WhatwgSseStream.fromData(
        host([new Uint8Array([0xef]), new Uint8Array([0xbb, 0xbf]), 'data: x\n\n']),
      ),
    ]).toEqual([{ type: 'message', data: 'x', lastEventId: '' }]);
    const bytes = new Uint8Array([...new TextEncoder().encode('data: '), 0xff, 0x0a, 0x0a]);
    expect(all(bytes)[0]?.data).toBe('\ufffd');
  });

  it('discards an unterminated event at the end of the body', () => {
    expect(all('data: a\n\ndata: dangling\n').map((m) => m.data)).toEqual(['a']);
  });

  it('reads a host body with Data.read() (at least 16 KiB per host read)', () => {
    const buffer = new ChunkedHostBuffer(['data: a\n\n']);
    expect(
      [...WhatwgSseStream.fromData(Data.fromWit({ tag: 'buffer', val: buffer }))].map((m) => m.data),
    ).toEqual(['a']);
    expect(buffer.reads.every((size) => size >= 16384)).toBe(true);
  });
});
