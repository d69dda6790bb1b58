// Testing a Function (docs/testing.md): host.load of TypeScript entries, outbound HTTP through a
// MockAgent, the cache seeded and read from the test, logs and spawns per invocation, isolation.
// Two components are built (orders.ts, notify.ts), cached by content hash across runs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent as UndiciMockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../../cache/test/support/redis.js';
import {
  createCacheView,
  createHost,
  defaultFunctionName,
  type FunctionHandle,
  type Host,
  LoadError,
  MockAgent,
} from '../../src/index.js';
import { MemoryCacheBackend } from '../../src/services/cache/index.js';

const ORDERS = join(import.meta.dirname, 'orders.ts');
const NOTIFY = join(import.meta.dirname, 'notify.ts');
const PRICES = 'https://prices.example.com';

let http: MockAgent;
let host: Host;
let orders: FunctionHandle;
let notify: FunctionHandle;

/** Starts a host whose outbound HTTP goes to `dispatcher`, with the two test functions in cache `shop`. */
async function shopHost(dispatcher: MockAgent | UndiciMockAgent, valkeyUrl?: string) {
  const h = await createHost({
    backends: { http: { dispatcher }, log: false, ...(valkeyUrl ? { valkeyUrl } : {}) },
    logger: () => {},
    limits: { concurrency: 2 },
    spares: 1,
  });
  const n = await h.load(NOTIFY, { cache: 'shop' });
  const o = await h.load(ORDERS, { cache: 'shop' });
  return { host: h, orders: o, notify: n };
}

const order = (sku: string, qty = 2, extra: Record<string, unknown> = {}) => ({
  body: JSON.stringify({ sku, qty, ...extra }),
});

beforeAll(async () => {
  http = new MockAgent();
  http.disableNetConnect();
  ({ host, orders, notify } = await shopHost(http));
}, 600_000);
afterEach(async () => {
  // A spawn still running would publish into the next test: let them finish, then forget everything.
  await Promise.all(host.spawns.map((s) => s.finished));
  await host.reset();
});
afterAll(async () => {
  await host?.close();
  await http?.close();
});

describe('host.load of a TypeScript entry', () => {
  it('builds it, names it after the file and detects its kind', () => {
    expect([orders.name, orders.cache, orders.kind]).toEqual(['orders', 'shop', 'web']);
    expect([notify.name, notify.kind]).toEqual(['notify', 'spawn']);
    expect(orders.imports).toContain('momento:http/http@1.0.0');
    expect(orders.imports).toContain('momento:spawn/spawn@1.0.0');
  });

  it('reuses the content-hash cached build of an unchanged entry (no componentize step)', async () => {
    const phases: string[] = [];
    const again = await host.load(ORDERS, {
      name: 'orders-again',
      cache: 'shop',
      build: { onProgress: (p) => phases.push(p.phase) },
    });
    expect(phases).toContain('bundle');
    expect(phases).not.toContain('componentize');
    http.get(PRICES).intercept({ path: '/sku/C3' }).reply(200, { cents: 7 });
    expect((await again.invoke(order('C3', 3))).json()).toMatchObject({ total: 21, source: 'api' });
    again.unload();
  });

  it('reports a build error as a LoadError with file:line:col', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-load-'));
    try {
      const entry = join(dir, 'broken.ts');
      await writeFile(entry, "export default web(() => {\n  return 'x' +;\n});\n");
      const error = await host.load(entry).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadError);
      expect((error as LoadError).message).toMatch(/^Function 'broken': building .*broken\.ts failed:/);
      expect((error as LoadError).message).toMatch(/broken\.ts:2:\d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('derives default names: file stem, else package.json name, else the folder; bytes need a name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-name-'));
    try {
      await mkdir(join(dir, 'my-fn', 'src'), { recursive: true });
      await writeFile(join(dir, 'my-fn', 'package.json'), '{"name":"@acme/price-check"}');
      await mkdir(join(dir, 'bare', 'src'), { recursive: true });
      expect(defaultFunctionName(ORDERS)).toBe('orders');
      expect(defaultFunctionName('dist/greeter.wasm')).toBe('greeter');
      expect(defaultFunctionName(join(dir, 'my-fn', 'src', 'index.ts'))).toBe('price-check');
      expect(defaultFunctionName(join(dir, 'bare', 'src', 'index.ts'))).toBe('bare');
      await expect(host.load(new Uint8Array([0, 97, 115, 109]))).rejects.toThrow(/needs a function name/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('outbound HTTP through a MockAgent', () => {
  it('serves the function from the interceptors', async () => {
    http
      .get(PRICES)
      .intercept({ path: '/sku/A1', method: 'GET', headers: { accept: 'application/json' } })
      .reply(200, { cents: 250 }, { headers: { 'content-type': 'application/json' } });
    const res = await orders.invoke(order('A1'));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ sku: 'A1', qty: 2, total: 500, source: 'api', spawned: 'started' });
    http.assertNoPendingInterceptors();
  });

  it('fails loudly on a request no interceptor matches: the guest error and an error log line name it', async () => {
    const res = await orders.invoke(order('ZZ'));
    expect(res.status).toBe(502);
    expect(res.text()).toContain(`no MockAgent interceptor matched GET ${PRICES}/sku/ZZ`);
    const system = res.logs.filter((r) => r.kind === 'system');
    expect(system).toHaveLength(1);
    expect(system[0]).toMatchObject({ level: 'error', functionName: 'orders', cacheName: 'shop' });
    expect(system[0]?.message).toContain(`outbound HTTP: error sending request for url (${PRICES}/sku/ZZ)`);
    expect(system[0]?.message).toContain(
      `mockAgent.get('${PRICES}').intercept({ path: '/sku/ZZ', method: 'GET' })`,
    );
    expect(
      res.logs.some((r) => r.kind === 'function' && r.message.includes('price lookup for ZZ failed')),
    ).toBe(true);
  });
});

describe('the cache, from the test', () => {
  it('seeds a value the function reads, and reads what the function wrote (values and lists)', async () => {
    const shop = host.cache('shop');
    await shop.set('price:B2', 120, { ttlMs: 60_000 });
    const res = await orders.invoke(order('B2', 3));
    expect(res.json()).toMatchObject({ total: 360, source: 'cache' });
    expect(await shop.list('orders').rangeJson()).toEqual([{ sku: 'B2', qty: 3, total: 360 }]);
    expect(await shop.list('orders').length()).toBe(1);
    expect(await shop.keys()).toEqual(['orders', 'price:B2']);
    expect(await host.cache('other').keys()).toEqual([]);
  });

  it('caches what the function fetched (get / getJson / getBytes)', async () => {
    http.get(PRICES).intercept({ path: '/sku/D4' }).reply(200, { cents: 9 });
    await orders.invoke(order('D4', 1));
    const shop = host.cache('shop');
    expect(await shop.get('price:D4')).toBe('9');
    expect(await shop.getJson('price:D4')).toBe(9);
    expect(await shop.getBytes('price:D4')).toEqual(new TextEncoder().encode('9'));
    expect((await orders.invoke(order('D4', 1))).json()).toMatchObject({ source: 'cache' });
  });

  it('lists: push, pushFront, range with negative indexes, delete; keys and clear', async () => {
    const shop = createCacheView(new MemoryCacheBackend({ sweepIntervalMs: 0 }), 'shop');
    const queue = shop.list('queue');
    expect(await queue.push(['a', 'b'])).toBe(2);
    expect(await queue.pushFront(['y', 'z'])).toBe(4);
    expect(await queue.push({ n: 1 })).toBe(5);
    expect(await queue.range()).toEqual(['y', 'z', 'a', 'b', '{"n":1}']);
    expect(await queue.range(-2)).toEqual(['b', '{"n":1}']);
    expect(await queue.range(1, 3)).toEqual(['z', 'a']);
    expect(await queue.push('c', { truncateToSize: 3 })).toBe(3);
    expect(await queue.range()).toEqual(['b', '{"n":1}', 'c']);
    await shop.set('k', new Uint8Array([1, 2]));
    expect(await shop.keys()).toEqual(['k', 'queue']);
    await queue.delete();
    expect([await queue.length(), await queue.range()]).toEqual([0, []]);
    await shop.clear();
    expect(await shop.keys()).toEqual([]);
    await expect(shop.set('k', 'v', { ttlMs: 0 })).rejects.toThrow(/ttlMs must be a positive integer/);
    await expect(shop.get('')).rejects.toThrow(/must not be empty/);
  });

  it('expires seeded items after their TTL', async () => {
    let now = 1_000;
    const shop = createCacheView(new MemoryCacheBackend({ now: () => now, sweepIntervalMs: 0 }), 'c');
    await shop.set('k', 'v', { ttlMs: 50 });
    expect(await shop.get('k')).toBe('v');
    now += 50;
    expect(await shop.get('k')).toBeUndefined();
    expect(await shop.keys()).toEqual([]);
  });
});

describe('logs and spawns per invocation', () => {
  it('res.logs holds the invocation’s own records, in order, with level and message', async () => {
    await host.cache('shop').set('price:E5', 1);
    await host.cache('shop').set('price:F6', 2);
    const [e5, f6] = await Promise.all([orders.invoke(order('E5', 1)), orders.invoke(order('F6', 1))]);
    const lines = (res: typeof e5) => res.logs.map((r) => [r.kind, r.level, r.message.trim()]);
    expect(lines(e5)).toEqual([['function', 'info', expect.stringMatching(/order for 1 x E5$/)]]);
    expect(lines(f6)).toEqual([['function', 'info', expect.stringMatching(/order for 1 x F6$/)]]);
    expect(e5.logs[0]?.invocationId).not.toBe(f6.logs[0]?.invocationId);
  });

  it('res.spawns and host.spawns: name, payload, outcome when finished, the spawn’s own logs', async () => {
    await host.cache('shop').set('price:G7', 5);
    const res = await orders.invoke(order('G7', 4));
    expect(res.spawns).toHaveLength(1);
    const spawned = res.spawns[0]!;
    expect(host.spawns).toEqual([spawned]);
    expect(spawned).toMatchObject({ name: 'notify', cache: 'shop', refused: undefined });
    expect(spawned.spawnedBy).toEqual({ functionName: 'orders', invocationId: res.logs[0]?.invocationId });
    expect(spawned.json()).toEqual({ sku: 'G7', qty: 4, total: 20 });
    expect(await spawned.finished).toEqual({ tag: 'ok' });
    expect(spawned.outcome).toEqual({ tag: 'ok' });
    expect(spawned.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(spawned.logs.map((r) => r.message)).toEqual([expect.stringMatching(/notifying about 4 x G7$/)]);
    expect(host.topics.published({ cache: 'shop', topic: 'orders' }).map((m) => m.value)).toEqual([
      { kind: 'text', text: '{"sku":"G7","qty":4,"total":20}' },
    ]);
  });

  it('records a spawn the host refused, with the error the function got', async () => {
    await host.cache('shop').set('price:H8', 1);
    const res = await orders.invoke(order('H8', 1, { notify: 'nobody' }));
    expect(res.json()).toMatchObject({ spawned: 'function-not-found' });
    expect(res.spawns.map((s) => [s.name, s.refused, s.invocationId])).toEqual([
      ['nobody', 'function-not-found', undefined],
    ]);
    expect(await res.spawns[0]?.finished).toBeUndefined();
    expect(res.logs.map((r) => r.level)).toEqual(['info', 'warn']);
  });

  it('host.reset() forgets cache items, published messages, log records and spawns', async () => {
    await host.cache('shop').set('price:J9', 1);
    const res = await orders.invoke(order('J9', 1));
    await res.spawns[0]?.finished;
    expect(host.spawns).toHaveLength(1);
    expect(host.logs.records.length).toBeGreaterThan(0);
    expect(host.topics.published()).toHaveLength(1);
    await host.reset();
    expect([host.spawns.length, host.logs.records.length, host.topics.published().length]).toEqual([0, 0, 0]);
    expect(await host.cache('shop').keys()).toEqual([]);
  });
});

describe('isolation', () => {
  it('two hosts in one process share no cache, topics, logs or spawns (undici’s own MockAgent works too)', async () => {
    const otherHttp = new UndiciMockAgent();
    otherHttp.disableNetConnect();
    otherHttp.get(PRICES).intercept({ path: '/sku/K1' }).reply(200, { cents: 3 });
    const other = await shopHost(otherHttp);
    try {
      await host.cache('shop').set('price:K1', 1000);
      const here = await orders.invoke(order('K1', 1));
      const there = await other.orders.invoke(order('K1', 1));
      expect(here.json()).toMatchObject({ total: 1000, source: 'cache' });
      expect(there.json()).toMatchObject({ total: 3, source: 'api' });
      await Promise.all([...host.spawns, ...other.host.spawns].map((s) => s.finished));
      expect(host.spawns.map((s) => s.spawnedBy.invocationId)).toEqual([here.logs[0]?.invocationId]);
      expect(other.host.spawns.map((s) => s.spawnedBy.invocationId)).toEqual([there.logs[0]?.invocationId]);
      expect(host.topics.published().map((m) => m.value)).toEqual([
        { kind: 'text', text: '{"sku":"K1","qty":1,"total":1000}' },
      ]);
      expect(other.host.topics.published().map((m) => m.value)).toEqual([
        { kind: 'text', text: '{"sku":"K1","qty":1,"total":3}' },
      ]);
      expect(await other.host.cache('shop').get('price:K1')).toBe('3');
      expect(await host.cache('shop').get('price:K1')).toBe('1000');
      const ids = (h: Host) => new Set(h.logs.records.map((r) => r.invocationId));
      for (const id of ids(other.host)) expect(ids(host).has(id)).toBe(false);
    } finally {
      await other.host.close();
      await otherHttp.close();
    }
  });
});

describe('host.cache over Valkey/Redis', () => {
  it('seeds and reads the same store the functions use', async () => {
    const redis = await startRedis();
    const redisHttp = new MockAgent();
    redisHttp.disableNetConnect();
    const shop = await shopHost(redisHttp, redis.url);
    try {
      const cache = shop.host.cache('shop');
      await cache.set('price:L2', 11, { ttlMs: 60_000 });
      await cache.list('orders').push({ sku: 'seeded', qty: 0, total: 0 });
      expect((await shop.orders.invoke(order('L2', 2))).json()).toMatchObject({ total: 22, source: 'cache' });
      expect(await cache.list('orders').rangeJson()).toEqual([
        { sku: 'seeded', qty: 0, total: 0 },
        { sku: 'L2', qty: 2, total: 22 },
      ]);
      expect(await cache.keys()).toEqual(['orders', 'price:L2']);
      expect(await shop.host.cache('elsewhere').keys()).toEqual([]);
      await cache.clear();
      expect(await cache.keys()).toEqual([]);
    } finally {
      await shop.host.close();
      await redisHttp.close();
      await redis.stop();
    }
  });
});
