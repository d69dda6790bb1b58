// The cache-scalar example built from TypeScript and the official Rust crate's build of the same
// example, run in the real host on both cache backends: same host calls, same answers (docs/fixtures.md "cache-scalar").
import { join } from 'node:path';
import { build } from '@momento-functions/build';
import type { HostService } from '@momento-functions/runtime';
import { createHost, type Host } from '@momento-functions/runtime';
import {
  type CacheBackend,
  connectRedis,
  createCacheServices,
  MemoryCacheBackend,
  RedisCacheBackend,
} from '@momento-functions/runtime/services/cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../packages/cache/test/support/redis.js';
import { type TracedCall, traced } from './trace.js';

const RUST = join(import.meta.dirname, '../../tests/fixtures/rust-official/cache-scalar.wasm');
const TTL = 60000n;
const EXPECTED_TRACE = [
  ['set', 'greeting', 'Hello, World!', TTL],
  ['get', 'greeting'],
  ['set', 'counter', '0', TTL],
  ['set', 'temp-data', 'temporary', TTL],
  ['delete', 'temp-data'],
  ['get', 'temp-data'],
  ['setIf', 'new-key', 'first-value', TTL, { tag: 'absent' }],
  ['setIf', 'new-key', 'second-value', TTL, { tag: 'absent' }],
  ['setIf', 'counter', '1', TTL, { tag: 'not-equal', val: '999' }],
  ['get', 'counter'],
];

let tsWasm = '';
let redis: RedisServer;
beforeAll(async () => {
  tsWasm = (await build({ entry: join(import.meta.dirname, 'index.ts') })).report.wasmPath;
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const backends: [string, () => CacheBackend][] = [
  ['memory', () => new MemoryCacheBackend()],
  [
    'redis',
    () =>
      new RedisCacheBackend({ client: connectRedis({ url: redis.url }), keyPrefix: `e2e-${Math.random()}:` }),
  ],
];

describe.each(backends)('cache-scalar on the %s backend', (_, makeBackend) => {
  let host: Host;
  let backend: CacheBackend;
  const trace: TracedCall[] = [];
  const failing: { fn?: string; error?: unknown } = {};

  beforeAll(async () => {
    backend = makeBackend();
    const failable: HostService[] = createCacheServices({ backend }).map((s) => ({
      ...s,
      functions: Object.fromEntries(
        Object.entries(s.functions).map(([name, fn]) => [
          name,
          (...args: unknown[]) =>
            failing.fn === name
              ? { tag: 'err', val: failing.error }
              : (fn as (...a: unknown[]) => unknown)(...args),
        ]),
      ),
    }));
    host = await createHost({ services: traced(failable, trace) });
  });
  afterAll(async () => {
    await host?.close();
    await backend?.close();
  });

  for (const [language, wasm] of [
    ['TypeScript', () => tsWasm],
    ['Rust (official crate)', () => RUST],
  ] as const) {
    it(`${language}: the upstream trace, results and response`, async () => {
      await backend.flush();
      trace.length = 0;
      const fn = await host.load(wasm(), { name: 'cache-scalar', cache: 'demo' });
      const res = await fn.invoke({ method: 'POST', body: 'ignored' });
      expect(res.status).toBe(200);
      expect(res.headers).toEqual([['content-type', 'text/plain; charset=utf-8']]);
      expect(Buffer.from(res.body).toString()).toBe('Cache scalar demo completed!');
      expect(trace.map((c) => [c.fn, ...c.args])).toEqual(EXPECTED_TRACE);
      expect(trace.map((c) => c.result)).toEqual([
        { tag: 'ok', val: undefined },
        { tag: 'ok', val: 'Hello, World!' },
        { tag: 'ok', val: undefined },
        { tag: 'ok', val: undefined },
        { tag: 'ok', val: undefined },
        { tag: 'ok', val: undefined },
        { tag: 'ok', val: { tag: 'stored' } },
        { tag: 'ok', val: { tag: 'not-stored' } },
        { tag: 'ok', val: { tag: 'stored' } },
        { tag: 'ok', val: '1' },
      ]);
    });

    it.each([
      [{ tag: 'permission-denied', val: 'msg' }, 'CacheError(Error::PermissionDenied("msg"))'],
      [{ tag: 'internal-error' }, 'CacheError(Error::InternalError)'],
    ])(`${language}: a cache error %j stops the sequence with the crate's 500`, async (error, debug) => {
      trace.length = 0;
      failing.fn = 'delete';
      failing.error = error;
      try {
        const fn = await host.load(wasm(), { name: 'cache-scalar', cache: 'demo' });
        const res = await fn.invoke({ method: 'POST' });
        expect([res.status, res.headers, Buffer.from(res.body).toString()]).toEqual([
          500,
          [],
          `An error occurred during function invocation: ${debug}`,
        ]);
        expect(trace.map((c) => c.fn)).toEqual(['set', 'get', 'set', 'set', 'delete']);
      } finally {
        failing.fn = undefined;
      }
    });
  }
});
