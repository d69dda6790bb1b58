import { describe, expect, it } from 'vitest';
import { HostStream } from '../src/host-stream.js';
import { checkImports, isSemverCompatible } from '../src/interfaces.js';
import { formatSseEvent, httpErrorEvent } from '../src/sse.js';
import { capMemory, MemoryCapError } from '../src/wasm-memory.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

describe('import policy', () => {
  it('matches WASI 0.2.x semver-compatibly and refuses other versions and interfaces', () => {
    expect(isSemverCompatible('0.2.12', '0.2.0')).toBe(true);
    expect(isSemverCompatible('0.3.0', '0.2.0')).toBe(false);
    expect(isSemverCompatible('1.4.0', '1.0.0')).toBe(true);
    const { resolved, problems } = checkImports(
      [
        'wasi:clocks/wall-clock@0.2.3',
        'wasi:io/streams@0.2.12',
        'wasi:cli/environment@0.3.0',
        'wasi:http/types@0.2.0',
      ],
      [],
    );
    expect(resolved.map((r) => [r.name, r.kind === 'wasi' && r.policy])).toEqual([
      ['wasi:clocks/wall-clock@0.2.3', 'served'],
      ['wasi:io/streams@0.2.12', 'trapping'],
    ]);
    expect(problems.map((p) => p.name)).toEqual(['wasi:cli/environment@0.3.0', 'wasi:http/types@0.2.0']);
  });

  it('serves Momento interfaces from the core or from a registered service', () => {
    const { resolved, problems } = checkImports(
      ['momento:bytes/bytes@1.0.0', 'momento:cache-scalar/cache-scalar@1.0.0', 'momento:topic/topic@1.0.0'],
      ['momento:cache-scalar/cache-scalar@1.0.0'],
    );
    expect(resolved.map((r) => r.kind)).toEqual(['core', 'service']);
    expect(problems).toEqual([
      { name: 'momento:topic/topic@1.0.0', reason: expect.stringMatching(/no service for it/) },
    ]);
  });
});

describe('SSE formatting', () => {
  it('writes event, id, then one data line per line', () => {
    const r = formatSseEvent('e', 'i', enc.encode('a\r\nb\rc\n'));
    expect(r.ok && dec.decode(r.bytes)).toBe('event: e\nid: i\ndata: a\ndata: b\ndata: c\ndata: \n\n');
  });
  it('rejects NUL and long ids with the platform strings', () => {
    expect(formatSseEvent('a\0', undefined, undefined)).toEqual({
      ok: false,
      error: 'bad event name: must not contain a NUL character',
    });
    expect(formatSseEvent(undefined, 'é'.repeat(257), enc.encode('x'))).toEqual({
      ok: false,
      error: 'bad event id: is 514 bytes, longer than the limit of 512',
    });
  });
  it('truncates the http-error event to 1 MiB and replaces invalid UTF-8', () => {
    expect(dec.decode(httpErrorEvent(404, new Uint8Array([0x68, 0xff])))).toBe(
      'event: http-error\ndata: HTTP 404: h\uFFFD\n\n',
    );
    const long = httpErrorEvent(500, new Uint8Array(2 * 1024 * 1024).fill(0x61));
    expect(long.length).toBeLessThanOrEqual(1024 * 1024 + 64);
  });
});

describe('memory cap', () => {
  // (module (memory 1)) and (module (memory 1 100))
  const noMax = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1);
  const bigMax = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 1, 1, 100);
  it('sets or lowers the maximum', async () => {
    for (const module of [noMax, bigMax]) {
      const capped = capMemory(module, 3);
      const instance = new WebAssembly.Instance(await WebAssembly.compile(capped));
      expect(Object.keys(instance.exports)).toEqual([]);
      expect(Array.from(capped.slice(8))).toEqual([5, 4, 1, 1, 1, 3]);
    }
  });
  it('refuses a module whose initial memory is above the cap', () => {
    expect(() => capMemory(noMax, 0)).toThrow(MemoryCapError);
  });
});

describe('HostStream', () => {
  it('reads wait for data, remaining() is what is buffered now, read(0) does not consume', async () => {
    async function* source() {
      yield enc.encode('abc');
      await new Promise((r) => setTimeout(r, 10));
      yield enc.encode('de');
    }
    const s = new HostStream(source());
    expect(s.remaining()).toBe(0);
    expect(dec.decode(await s.read(2))).toBe('ab');
    expect(s.remaining()).toBe(1);
    expect(await s.read(0)).toEqual(new Uint8Array(0));
    await s.advance(2); // 'c' and 'd'
    expect(dec.decode(await s.read(10))).toBe('e');
    expect(await s.read(10)).toBeUndefined();
    expect(await s.read(0)).toBeUndefined();
  });
});
