import { describe, expect, it } from 'vitest';
import { Data, ExtractError, MIN_HOST_READ, type WitData } from '../src/index.js';
import { ascii, FakeHostBuffer, utf8 } from './fake-host-buffer.js';

const big = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251);

describe('Data.from', () => {
  it('encodes strings as UTF-8 and views byte inputs', () => {
    expect(Array.from(Data.from('hé').bytes())).toEqual([0x68, 0xc3, 0xa9]);
    const array = new Uint8Array([1, 2, 3, 4]);
    expect(Data.from(array).bytes()).toBe(array);
    expect(Array.from(Data.from(array.buffer).bytes())).toEqual([1, 2, 3, 4]);
    expect(Array.from(Data.from(new Uint16Array([0x0201])).bytes())).toEqual([1, 2]);
    expect(Array.from(Data.from(new DataView(array.buffer, 1, 2)).bytes())).toEqual([2, 3]);
  });

  it('returns a Data as is and rejects other values with a hint', () => {
    const data = Data.from('x');
    expect(Data.from(data)).toBe(data);
    expect(() => Data.from(42 as never)).toThrow(/got number; encode other values first/);
  });

  it('empty() has no bytes', () => {
    expect(Data.empty().bytes().length).toBe(0);
    expect(Data.empty().read()).toBeUndefined();
  });
});

describe('reading a host buffer', () => {
  it('reads in chunks of max(remaining, 16 KiB) until the end, then drops the handle', () => {
    const payload = big(40000);
    const host = new FakeHostBuffer(payload, { maxChunk: 10000 });
    const data = Data.fromWit({ tag: 'buffer', val: host });
    expect(data.isOnHost).toBe(true);
    const bytes = data.bytes();
    expect(bytes).toEqual(payload);
    // remaining() is 40000 at first, so the first read asks for 40000; later reads ask for at least 16 KiB.
    expect(host.calls).toEqual([
      'remaining=40000',
      'read(40000)',
      'remaining=30000',
      'read(30000)',
      'remaining=20000',
      'read(20000)',
      'remaining=10000',
      `read(${MIN_HOST_READ})`,
      'remaining=0',
      `read(${MIN_HOST_READ})`,
    ]);
    expect(host.disposed).toBe(1);
    expect(data.isOnHost).toBe(false);
    expect(data.bytes().length).toBe(0);
  });

  it('asks for 16 KiB when remaining() is 0 but more data is still coming', () => {
    const host = new FakeHostBuffer([utf8('first '), utf8('second '), utf8('third')]);
    const data = Data.fromHost(host);
    expect(data.text()).toBe('first second third');
    expect(host.calls).toEqual([
      'remaining=6',
      `read(${MIN_HOST_READ})`,
      'remaining=0',
      `read(${MIN_HOST_READ})`,
      'remaining=0',
      `read(${MIN_HOST_READ})`,
      'remaining=0',
      `read(${MIN_HOST_READ})`,
    ]);
  });

  it('returns a single chunk without copying and handles an empty stream', () => {
    const host = new FakeHostBuffer([]);
    const data = Data.fromHost(host);
    expect(data.bytes().length).toBe(0);
    expect(host.calls).toEqual(['remaining=0', `read(${MIN_HOST_READ})`]);
    expect(host.disposed).toBe(1);
    expect(data.read()).toBeUndefined();
    expect(host.calls.length).toBe(2); // no host call after the end
  });

  it('skips empty chunks instead of mistaking them for the end', () => {
    const host = new FakeHostBuffer([utf8('a'), new Uint8Array(0), utf8('b')]);
    const reads: Uint8Array[] = [];
    const original = host.read.bind(host);
    let calls = 0;
    host.read = (max: number) => {
      calls++;
      if (calls === 2) return new Uint8Array(0);
      const chunk = original(max);
      if (chunk) reads.push(chunk);
      return chunk;
    };
    expect(Data.fromHost(host).text()).toBe('ab');
  });

  it('treats null (QuickJS option none) as the end', () => {
    const host = new FakeHostBuffer('xy');
    const original = host.read.bind(host);
    host.read = (max: number) => original(max) ?? (null as unknown as undefined);
    expect(Data.fromHost(host).text()).toBe('xy');
  });

  it('read(maxSize) does one host read of maxSize bytes', () => {
    const host = new FakeHostBuffer('hello world');
    const data = Data.fromHost(host);
    expect(ascii(data.read(5))).toBe('hello');
    expect(ascii(data.read(100))).toBe(' world');
    expect(data.read(1)).toBeUndefined();
    expect(host.calls).toEqual(['read(5)', 'read(100)', 'read(1)']);
  });

  it('rejects a non-positive maxSize', () => {
    expect(() => Data.from('x').read(0)).toThrow(RangeError);
    expect(() => Data.from('x').read(1.5)).toThrow(/positive integer/);
  });

  it('chunks() streams chunk boundaries as the host delivers them', () => {
    const host = new FakeHostBuffer([utf8('ab'), utf8('cde')], { maxChunk: 2 });
    const chunks = [...Data.fromHost(host).chunks()].map(ascii);
    expect(chunks).toEqual(['ab', 'cd', 'e']);
    const iterated = [...Data.from('xyz')].map(ascii);
    expect(iterated).toEqual(['xyz']);
  });

  it('chunks(maxSize) splits inline data', () => {
    expect([...Data.from('abcde').chunks(2)].map(ascii)).toEqual(['ab', 'cd', 'e']);
  });

  it('a partially read Data keeps only the rest', () => {
    const data = Data.fromHost(new FakeHostBuffer('header:body', { maxChunk: 7 }));
    expect(ascii(data.read())).toBe('header:');
    expect(data.text()).toBe('body');
    const inline = Data.from('abcdef');
    inline.read(2);
    expect(ascii(inline.toWit().val as Uint8Array)).toBe('cdef');
  });
});

describe('toWit', () => {
  it('passes a host buffer handle back untouched, without reading it', () => {
    const host = new FakeHostBuffer('not read');
    const wit: WitData = { tag: 'buffer', val: host };
    const data = Data.fromWit(wit);
    const back = data.toWit();
    expect(back.tag).toBe('buffer');
    expect(back.val).toBe(host);
    expect(host.calls).toEqual([]);
    expect(host.disposed).toBe(0);
    // Ownership moved: the Data is now empty.
    expect(data.isOnHost).toBe(false);
    expect(data.toWit()).toEqual({ tag: 'value', val: new Uint8Array(0) });
  });

  it('gives inline bytes as a value without copying', () => {
    const bytes = utf8('pong');
    const wit = Data.fromWit({ tag: 'value', val: bytes }).toWit();
    expect(wit).toEqual({ tag: 'value', val: bytes });
    expect(wit.val).toBe(bytes);
  });

  it('a read-to-end host Data gives an empty value', () => {
    const data = Data.fromHost(new FakeHostBuffer('abc'));
    data.bytes();
    expect(data.toWit()).toEqual({ tag: 'value', val: new Uint8Array(0) });
  });

  it('rejects an unknown tag', () => {
    expect(() => Data.fromWit({ tag: 'other' } as never)).toThrow(/tag other/);
  });
});

describe('text()', () => {
  it('keeps a BOM like String::from_utf8', () => {
    expect(Data.from(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text()).toBe('\ufeffa');
  });

  it.each([
    [[0xff], 'invalid utf-8 sequence of 1 bytes from index 0'],
    [[0x61, 0x62, 0x80], 'invalid utf-8 sequence of 1 bytes from index 2'],
    [[0x61, 0xc3], 'incomplete utf-8 byte sequence from index 1'],
    [[0xe2, 0x82, 0x41], 'invalid utf-8 sequence of 2 bytes from index 0'],
    [[0xf0, 0x9f, 0x98, 0x41], 'invalid utf-8 sequence of 3 bytes from index 0'],
    [[0xf0, 0x9f, 0x98], 'incomplete utf-8 byte sequence from index 0'],
    [[0xed, 0xa0, 0x80], 'invalid utf-8 sequence of 1 bytes from index 0'], // encoded surrogate
    [[0xc0, 0xaf], 'invalid utf-8 sequence of 1 bytes from index 0'], // overlong
    [[0xf4, 0x90, 0x80, 0x80], 'invalid utf-8 sequence of 1 bytes from index 0'], // > U+10FFFF
  ])('rejects %j with "%s"', (bytes, message) => {
    const error = (() => {
      try {
        Data.from(Uint8Array.from(bytes)).text();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ExtractError);
    expect((error as ExtractError).message).toBe(message);
    expect((error as ExtractError).kind).toBe('utf8');
  });

  it('decodes multi-byte characters split across host chunks', () => {
    const bytes = utf8('😀é');
    const host = new FakeHostBuffer([bytes.subarray(0, 1), bytes.subarray(1, 5), bytes.subarray(5)]);
    expect(Data.fromHost(host).text()).toBe('😀é');
  });
});

describe('toString', () => {
  it('describes without calling the host', () => {
    const host = new FakeHostBuffer('abc');
    expect(String(Data.fromHost(host))).toBe('Data(on host)');
    expect(String(Data.from('abc'))).toBe('Data(inline, 3 bytes)');
    expect(host.calls).toEqual([]);
  });
});
