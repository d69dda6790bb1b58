// The Valkey host service against a real redis-server: reply mapping, arrays as lazy streams,
// binary safety, pipelining, configuration and refused commands.
import { ValkeyResponseStream } from '@momento-functions/runtime/services/valkey';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../../cache/test/support/redis.js';
import { plain, type Service, valkeyService } from './support.js';

let redis: RedisServer;
let svc: Service;

beforeAll(async () => {
  redis = await startRedis();
  svc = valkeyService({ clusters: { main: redis.url, db3: `${redis.url}/3`, alias: redis.url } });
});
afterAll(async () => {
  await svc?.close();
  await redis?.stop();
});

const ok = (val: unknown) => ({ tag: 'ok', val });

describe('reply mapping', () => {
  it("answers in jco's form: the bare value (never { tag: 'ok', val }), { tag: 'err' } on failure", async () => {
    // jco 1.35 reads { tag: 'ok', val } as the payload when the ok type has an `ok` case (value does).
    const c = svc.client('main');
    expect(await svc.commandRaw(c, 'SET', 'raw', '1')).toEqual({ tag: 'ok' });
    expect(await svc.commandRaw(c, 'INCR', 'raw')).toEqual({ tag: 'int', val: 2n });
    expect(await svc.commandRaw(c, 'PING')).toEqual({ tag: 'simple-string', val: 'PONG' });
    expect(await svc.commandRaw(svc.client('nowhere'), 'PING')).toMatchObject({
      tag: 'err',
      val: { tag: 'other', val: expect.stringContaining("no Valkey cluster named 'nowhere'") },
    });
  });

  it('status OK is ok, other statuses are simple-string, bulk strings are data (even "OK")', async () => {
    const c = svc.client('main');
    expect(await svc.command(c, 'PING')).toEqual(ok({ tag: 'simple-string', val: 'PONG' }));
    expect(await svc.command(c, 'SET', 'status', 'OK')).toEqual(ok({ tag: 'ok' }));
    const got = await svc.command(c, 'GET', 'status');
    expect(got).toEqual(ok({ tag: 'data', val: { tag: 'value', val: new TextEncoder().encode('OK') } }));
    expect(await svc.command(c, 'TYPE', 'status')).toEqual(ok({ tag: 'simple-string', val: 'string' }));
    expect(await svc.command(c, 'GET', 'no-such-key')).toEqual(ok({ tag: 'nil' }));
  });

  it('integers are exact s64 bigints; integers sent as strings by the server stay data', async () => {
    const c = svc.client('main');
    await svc.command(c, 'SET', 'n', '9223372036854775806');
    expect(await svc.command(c, 'INCR', 'n')).toEqual(ok({ tag: 'int', val: 9223372036854775807n }));
    await svc.command(c, 'SET', 'm', '-9223372036854775807');
    expect(await svc.command(c, 'DECR', 'm')).toEqual(ok({ tag: 'int', val: -9223372036854775808n }));
    const r = await svc.command(c, 'INCRBYFLOAT', 'f', '1.5');
    expect(r.tag === 'ok' && plain(svc, r.val)).toBe('data:1.5');
    expect(await svc.command(c, 'DEL', 'n', 'm', 'f', 'never')).toEqual(ok({ tag: 'int', val: 3n }));
  });

  it('a Redis error reply is ok(simple-error), not err', async () => {
    const c = svc.client('main');
    await svc.command(c, 'SET', 'word', 'abc');
    expect(await svc.command(c, 'INCR', 'word')).toEqual(
      ok({ tag: 'simple-error', val: 'ERR value is not an integer or out of range' }),
    );
    const unknown = await svc.command(c, 'FT.INFO', 'document_index');
    expect(unknown.tag).toBe('ok');
    expect(unknown.tag === 'ok' && unknown.val.tag).toBe('simple-error');
    expect(await svc.command(c, 'LPUSH', 'word', 'x')).toEqual(
      ok({ tag: 'simple-error', val: 'WRONGTYPE Operation against a key holding the wrong kind of value' }),
    );
  });

  it('is binary safe both ways', async () => {
    const c = svc.client('main');
    const key = Uint8Array.of(0, 13, 10, 255);
    const value = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(await svc.command(c, 'SET', key, value)).toEqual(ok({ tag: 'ok' }));
    expect(await svc.command(c, 'GET', key)).toEqual(ok({ tag: 'data', val: { tag: 'value', val: value } }));
    expect(await svc.command(c, 'STRLEN', key)).toEqual(ok({ tag: 'int', val: 256n }));
  });

  it('arrays are bulk streams, read one element per next(), nested arrays as nested streams', async () => {
    const c = svc.client('main');
    await svc.command(c, 'DEL', 'list');
    await svc.command(c, 'RPUSH', 'list', 'a', 'b', 'c');
    const r = await svc.command(c, 'LRANGE', 'list', '0', '-1');
    if (r.tag !== 'ok' || r.val.tag !== 'bulk') throw new Error(`expected bulk, got ${JSON.stringify(r)}`);
    const stream = r.val.val;
    expect(stream).toBeInstanceOf(ValkeyResponseStream);
    expect(stream.resource).toBe('response-stream');
    expect(stream.remaining).toBe(3);
    expect(plain(svc, svc.next(stream))).toBe('data:a');
    expect(stream.remaining).toBe(2);
    expect(plain(svc, stream.next())).toBe('data:b');
    expect(plain(svc, stream.next())).toBe('data:c');
    expect(svc.next(stream)).toBeUndefined();
    expect(svc.next(stream)).toBeUndefined();

    const script =
      "return {1, 'a', {2, {3}, {}}, redis.error_reply('boom'), redis.status_reply('FINE'), redis.status_reply('OK')}";
    const nested = await svc.command(c, 'EVAL', script, '0');
    expect(nested.tag === 'ok' && plain(svc, nested.val)).toEqual([
      1n,
      'data:a',
      [2n, [3n], []],
      '-ERR boom',
      '+FINE',
      'ok',
    ]);
    const empty = await svc.command(c, 'LRANGE', 'missing-list', '0', '-1');
    expect(empty.tag === 'ok' && plain(svc, empty.val)).toEqual([]);
    const nilFromLua = await svc.command(c, 'EVAL', 'return false', '0');
    expect(nilFromLua).toEqual(ok({ tag: 'nil' }));
  });

  it('drop() releases a stream that was not read to the end', async () => {
    const c = svc.client('main');
    const r = await svc.command(c, 'EVAL', 'return {1, 2, 3}', '0');
    if (r.tag !== 'ok' || r.val.tag !== 'bulk') throw new Error('expected bulk');
    expect(plain(svc, r.val.val.next())).toBe(1n);
    await r.val.val.drop();
    expect(r.val.val.remaining).toBe(0);
    expect(r.val.val.next()).toBeUndefined();
  });

  it('large values cross intact (the parser waits for the whole bulk string)', async () => {
    const c = svc.client('main');
    const big = new Uint8Array(6 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    expect(await svc.command(c, 'SET', 'big', big)).toEqual(ok({ tag: 'ok' }));
    const r = await svc.command(c, 'GET', 'big');
    expect(
      r.tag === 'ok' &&
        r.val.tag === 'data' &&
        r.val.val.tag === 'value' &&
        Buffer.compare(r.val.val.val, big),
    ).toBe(0);
    await svc.command(c, 'DEL', 'big');
  });
});

describe('connections and configuration', () => {
  it('pipelines concurrent commands and matches every reply to its command', async () => {
    const c = svc.client('main');
    await Promise.all(Array.from({ length: 300 }, (_, i) => svc.command(c, 'SET', `p:${i}`, `v${i}`)));
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => svc.command(c, 'GET', `p:${i}`)));
    expect(replies.map((r) => r.tag === 'ok' && plain(svc, r.val))).toEqual(
      Array.from({ length: 300 }, (_, i) => `data:v${i}`),
    );
  });

  it('the /db of the URL selects the database; names with the same URL share the server', async () => {
    await svc.command(svc.client('db3'), 'SET', 'where', 'db3');
    expect(await svc.command(svc.client('main'), 'GET', 'where')).toEqual(ok({ tag: 'nil' }));
    await svc.command(svc.client('main'), 'SET', 'shared', 'yes');
    expect(
      plain(
        svc,
        ((await svc.command(svc.client('alias'), 'GET', 'shared')) as unknown as { val: never }).val,
      ),
    ).toBe('data:yes');
    expect(svc.client('main').connection).toBe(svc.client('alias').connection);
    expect(svc.client('main').connection).not.toBe(svc.client('db3').connection);
  });

  it('get-managed-cluster-client is infallible: an unknown name fails on use, saying how to configure it', async () => {
    const client = svc.client('nope');
    expect(client.resource).toBe('cluster-client');
    expect(client.clusterName).toBe('nope');
    const r = await svc.command(client, 'PING');
    expect(r.tag).toBe('err');
    expect(r.val).toEqual({
      tag: 'other',
      val: expect.stringMatching(
        /^no Valkey cluster named 'nope' is configured \(configured: 'main', 'db3', 'alias'\); give the host one, e\.g\. .*clusters: \{ 'nope': 'redis:/,
      ),
    });
  });

  it('defaultUrl serves every name not configured', async () => {
    const other = valkeyService({ defaultUrl: redis.url });
    try {
      expect(await other.command(other.client('anything'), 'PING')).toEqual(
        ok({ tag: 'simple-string', val: 'PONG' }),
      );
    } finally {
      await other.close();
    }
  });

  it('refuses blocking, pub/sub, transaction and connection-state commands with err(other)', async () => {
    const c = svc.client('main');
    for (const [cmd, ...args] of [
      ['BLPOP', 'list', '0'],
      ['subscribe', 'ch'],
      ['MULTI'],
      ['EXEC'],
      ['SELECT', '1'],
      ['AUTH', 'x'],
      ['HELLO', '3'],
      ['XREAD', 'block', '0', 'STREAMS', 's', '$'],
      ['CLIENT', 'reply', 'off'],
      ['MONITOR'],
    ] as string[][]) {
      const r = await svc.command(c, cmd as string, ...args);
      expect(r.tag, cmd).toBe('err');
      expect((r.val as { val: string }).val).toMatch(/is not supported: /);
    }
    expect(((await svc.command(c, 'BLPOP', 'l', '0')).val as { val: string }).val).toMatch(
      /^BLPOP is not supported: .*request\/reply.*use its non-blocking form/,
    );
    // The non-blocking forms run, and the connection is still in order.
    await svc.command(c, 'XADD', 's', '*', 'f', 'v');
    const read = await svc.command(c, 'XREAD', 'COUNT', '1', 'STREAMS', 's', '0');
    expect(read.tag === 'ok' && read.val.tag).toBe('bulk');
    expect(await svc.command(c, 'CLIENT', 'GETNAME')).toEqual(ok({ tag: 'nil' }));
  });

  it('an empty command name is err(other)', async () => {
    const r = await svc.command(svc.client('main'), ' ');
    expect(r).toEqual({
      tag: 'err',
      val: { tag: 'other', val: expect.stringMatching(/command name is empty/) },
    });
  });

  it('a bad URL fails when the service is created', () => {
    expect(() => valkeyService({ clusters: { c: 'http://x' } })).toThrow(
      /Valkey cluster 'c': 'http:\/\/x' has the scheme 'http:'; a Valkey URL starts with redis:\/\//,
    );
    expect(() => valkeyService({ clusters: { c: 'redis://h/x' } })).toThrow(/database number/);
  });
});
