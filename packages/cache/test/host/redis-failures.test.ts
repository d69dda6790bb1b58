// Valkey/Redis specifics: two hosts share items, and a backend that is down or goes away gives
// the guest `timeout` or `internal-error` quickly, never a hang or a crashed host.
import { CACHE_SCALAR_INTERFACE, createCacheServices } from '@momento-functions/runtime/services/cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RedisServer, startRedis } from '../support/redis.js';
import { call, context, enc, find } from '../support/services.js';

const quiet = () => {};

describe('cache services on Valkey/Redis', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('shares items between two hosts pointed at the same server', async () => {
    const hostA = createCacheServices({ url: server.url, onError: quiet });
    const hostB = createCacheServices({ url: server.url.replace('redis://', 'valkey://'), onError: quiet });
    const ctx = context('shared');
    await call(find(hostA, CACHE_SCALAR_INTERFACE), 'set', ctx, enc('k'), enc('from A'), 60_000n);
    expect(await call(find(hostB, CACHE_SCALAR_INTERFACE), 'get', ctx, enc('k'))).toEqual({
      tag: 'ok',
      val: enc('from A'),
    });
    for (const s of [...hostA, ...hostB]) await s.close?.();
  });

  it('answers timeout or internal-error within the time limit when nothing listens', async () => {
    const port = await freePort();
    const services = createCacheServices({
      url: `redis://127.0.0.1:${port}`,
      timeoutMs: 800,
      onError: quiet,
    });
    const scalar = find(services, CACHE_SCALAR_INTERFACE);
    const started = Date.now();
    const results = await Promise.all([
      call(scalar, 'get', context(), enc('k')),
      call(scalar, 'set', context(), enc('k'), enc('v'), 1000n),
    ]);
    const elapsed = Date.now() - started;
    for (const result of results) {
      expect(result).toMatchObject({ tag: 'err' });
      expect(['timeout', 'internal-error']).toContain((result as { val: { tag: string } }).val.tag);
    }
    expect(elapsed).toBeLessThan(3000);
    for (const s of services) await s.close?.();
  });

  it('answers an error, not a hang, when the server goes away while in use', async () => {
    const own = await startRedis();
    const services = createCacheServices({ url: own.url, timeoutMs: 800, onError: quiet });
    const scalar = find(services, CACHE_SCALAR_INTERFACE);
    expect(await call(scalar, 'set', context(), enc('k'), enc('v'), 60_000n)).toEqual({
      tag: 'ok',
      val: undefined,
    });
    await own.stop();
    const down = (await call(scalar, 'get', context(), enc('k'))) as { tag: string; val: { tag: string } };
    expect(down.tag).toBe('err');
    expect(['timeout', 'internal-error']).toContain(down.val.tag);
    for (const s of services) await s.close?.();
  });

  it('answers request-cancelled when the invocation ends while waiting', async () => {
    const port = await freePort();
    const services = createCacheServices({
      url: `redis://127.0.0.1:${port}`,
      timeoutMs: 5000,
      onError: quiet,
    });
    const ctx = context();
    const pending = call(find(services, CACHE_SCALAR_INTERFACE), 'get', ctx, enc('k'));
    setTimeout(() => ctx.end(), 50);
    expect(await pending).toEqual({ tag: 'err', val: { tag: 'request-cancelled' } });
    for (const s of services) await s.close?.();
  });
});
