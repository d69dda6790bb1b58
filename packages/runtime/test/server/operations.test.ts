/**
 * Operating the server: `/healthz`, `/readyz` (functions building or failed, a store that does not
 * answer, draining), `/metrics` scraped and parsed (names, labels, counts; a real host's pool and
 * host-call errors), auth on the metrics, and a drain that answers new requests on kept-alive
 * connections with 503 + `connection: close`. All over loopback HTTP; the drain of the real
 * `serve` command is in drain.test.ts.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../../cache/test/support/redis.js';
import { createHost } from '../../src/index.js';
import { servableFromHandle } from '../../src/server/host-adapter.js';
import { FunctionRegistry } from '../../src/server/registry.js';
import {
  createFunctionServer,
  type FunctionServer,
  type FunctionServerOptions,
} from '../../src/server/server.js';
import { TokenAuthority } from '../../src/services/token/index.js';
import type { BackendCheck, Host, HostUsage } from '../../src/types.js';
import { watMinter } from '../helpers/guests.js';
import { echo, fakeWeb, worker } from './fake-functions.js';
import { CallbackServer, until } from './helpers.js';

/** The metric names docs/server.md documents (each must appear in a scrape with a host). */
const DOCUMENTED = [
  'momento_functions_invocations_total',
  'momento_functions_invocation_duration_seconds',
  'momento_functions_spawns_total',
  'momento_functions_http_requests_total',
  'momento_functions_in_flight_requests',
  'momento_functions_functions',
  'momento_functions_async_jobs',
  'momento_functions_async_oldest_job_age_seconds',
  'momento_functions_async_callbacks_delivered_total',
  'momento_functions_async_callback_retries_total',
  'momento_functions_dead_letters_total',
  'momento_functions_dead_letters',
  'momento_functions_sandboxes',
  'momento_functions_sandboxes_busy',
  'momento_functions_host_queued_invocations',
  'momento_functions_host_queue_limit',
  'momento_functions_host_call_errors_total',
  'process_cpu_seconds_total',
  'nodejs_heap_size_used_bytes',
];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format: samples, and the TYPE of each family. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

/** The value of the sample of `name` whose labels include `labels` (undefined when absent). */
function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  )?.value;
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parseMetrics(await res.text());
}

const servers: FunctionServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<FunctionServerOptions> = {}) {
  const server = createFunctionServer({ functions: [echo, worker], ...options });
  servers.push(server);
  return { server, url: await server.listen(0) };
}

/** A stand-in for the host: fixed pool numbers, a store whose answer the test sets. */
function probeHost(state: { backendOk: boolean }) {
  return {
    usage: (): HostUsage => ({
      concurrency: 4,
      busy: 1,
      queued: 2,
      maxQueued: 64,
      hostCallErrors: { 'momento:cache-scalar/cache-scalar@1.0.0': { errors: 3, failures: 1 } },
    }),
    checkBackends: async (): Promise<BackendCheck[]> => [
      state.backendOk
        ? { name: 'cache', kind: 'redis', ok: true, latencyMs: 1 }
        : { name: 'cache', kind: 'redis', ok: false, latencyMs: 1000, error: 'no answer within 1000 ms' },
    ],
  };
}

describe('/healthz and /readyz', () => {
  it('healthz answers 200 while the process serves; GET and HEAD only', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // The old health route keeps working.
    expect(await (await fetch(`${url}/_momento/health`)).json()).toEqual({ status: 'ok' });
  });

  it('readyz is 503 while a function builds or failed, or a store does not answer; 200 once all are', async () => {
    const registry = new FunctionRegistry([echo]);
    registry.setPending({
      cache: 'default',
      name: 'later',
      entry: 'later/index.ts',
      status: 'building',
      since: Date.now(),
    });
    const state = { backendOk: true };
    const { url } = await start({ functions: registry, host: probeHost(state) });

    let res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not-ready',
      functions: [{ cache: 'default', name: 'later', status: 'building' }],
      backends: [{ name: 'cache', kind: 'redis', ok: true, latencyMs: 1 }],
    });

    registry.setPending({
      cache: 'default',
      name: 'later',
      entry: 'later/index.ts',
      status: 'failed',
      since: Date.now(),
      error: 'later/index.ts:3:1 syntax error',
    });
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { functions: unknown[] }).functions).toEqual([
      { cache: 'default', name: 'later', status: 'failed', error: 'later/index.ts:3:1 syntax error' },
    ]);

    registry.set(fakeWeb('later', () => ({ status: 200, headers: [], body: (async function* () {})() })));
    state.backendOk = false;
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not-ready',
      functions: [],
      backends: [
        { name: 'cache', kind: 'redis', ok: false, latencyMs: 1000, error: 'no answer within 1000 ms' },
      ],
    });

    state.backendOk = true;
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', functions: [] });
    expect((await fetch(`${url}/readyz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('a real host on Valkey/Redis: ready while the store answers, 503 naming it once it is gone', async () => {
    const redis = await startRedis();
    const host = await createHost({
      limits: { concurrency: 1 },
      backends: { valkeyUrl: redis.url, log: false },
      logger: () => {},
    });
    try {
      const { url } = await start({ host });
      let res = await fetch(`${url}/readyz`);
      expect(await res.json()).toMatchObject({
        status: 'ready',
        backends: [{ name: 'cache', kind: 'redis', ok: true }],
      });
      expect(res.status).toBe(200);
      await redis.stop();
      res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; backends: BackendCheck[] };
      expect(body.status).toBe('not-ready');
      expect(body.backends).toHaveLength(1);
      expect(body.backends[0]).toMatchObject({ name: 'cache', kind: 'redis', ok: false });
      expect(body.backends[0]!.error).toBeTruthy();
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.close()));
      await host.close();
      await redis.stop();
    }
  });
});

describe('/metrics', () => {
  it('counts invocations by function, mode and status, observes their duration, and lists every documented metric', async () => {
    const callbacks = new CallbackServer();
    const callbackUrl = await callbacks.start();
    const { url } = await start({ host: probeHost({ backendOk: true }) });
    try {
      expect((await fetch(`${url}/functions/default/echo`)).status).toBe(200);
      expect(
        (await fetch(`${url}/spaces/default/functions/echo/invoke`, { method: 'POST', body: 'x' })).status,
      ).toBe(200);
      // An unknown function is counted as a request, never as a label value.
      expect((await fetch(`${url}/functions/default/nobody-${Date.now()}`)).status).toBe(404);
      const accepted = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, {
        method: 'POST',
        headers: { 'x-callback-url': callbackUrl },
        body: 'later',
      });
      expect(accepted.status).toBe(202);
      await callbacks.waitFor(1);
      expect(
        (await fetch(`${url}/spaces/default/functions/worker/spawn`, { method: 'POST', body: 'job' })).status,
      ).toBe(202);
      const { samples, types } = await until2(async () => {
        const scraped = await scrape(url);
        return sampleValue(scraped.samples, 'momento_functions_async_callbacks_delivered_total') === 1 &&
          sampleValue(scraped.samples, 'momento_functions_spawns_total', { outcome: 'ok' }) === 1
          ? scraped
          : undefined;
      });

      for (const name of DOCUMENTED) expect(types.has(name), name).toBe(true);
      expect(types.get('momento_functions_invocations_total')).toBe('counter');
      expect(types.get('momento_functions_invocation_duration_seconds')).toBe('histogram');
      expect(types.get('momento_functions_async_jobs')).toBe('gauge');
      expect(types.get('momento_functions_host_call_errors_total')).toBe('counter');

      const sync = { cache: 'default', function: 'echo', mode: 'sync' };
      expect(sampleValue(samples, 'momento_functions_invocations_total', { ...sync, status: '200' })).toBe(2);
      expect(sampleValue(samples, 'momento_functions_invocation_duration_seconds_count', sync)).toBe(2);
      expect(
        sampleValue(samples, 'momento_functions_invocation_duration_seconds_bucket', { ...sync, le: '30' }),
      ).toBe(2);
      expect(
        sampleValue(samples, 'momento_functions_invocation_duration_seconds_bucket', { ...sync, le: '+Inf' }),
      ).toBe(2);
      expect(sampleValue(samples, 'momento_functions_invocation_duration_seconds_sum', sync)).toBeGreaterThan(
        0,
      );
      const async = { cache: 'default', function: 'echo', mode: 'async' };
      expect(sampleValue(samples, 'momento_functions_invocations_total', { ...async, status: '200' })).toBe(
        1,
      );
      expect(sampleValue(samples, 'momento_functions_invocation_duration_seconds_count', async)).toBe(1);
      expect(
        sampleValue(samples, 'momento_functions_spawns_total', {
          cache: 'default',
          function: 'worker',
          outcome: 'ok',
        }),
      ).toBe(1);
      expect(samples.some((s) => s.labels.function?.startsWith('nobody-'))).toBe(false);
      expect(
        sampleValue(samples, 'momento_functions_http_requests_total', { route: 'invoke', status: '404' }),
      ).toBe(1);
      expect(
        sampleValue(samples, 'momento_functions_http_requests_total', { route: 'invoke', status: '200' }),
      ).toBe(2);
      expect(
        sampleValue(samples, 'momento_functions_http_requests_total', {
          route: 'async-invoke',
          status: '202',
        }),
      ).toBe(1);
      expect(sampleValue(samples, 'momento_functions_functions', { status: 'ready' })).toBe(2);
      expect(sampleValue(samples, 'momento_functions_functions', { status: 'building' })).toBe(0);
      expect(sampleValue(samples, 'momento_functions_async_jobs', { state: 'queued' })).toBe(0);
      expect(sampleValue(samples, 'momento_functions_async_oldest_job_age_seconds')).toBe(0);
      expect(sampleValue(samples, 'momento_functions_sandboxes')).toBe(4);
      expect(sampleValue(samples, 'momento_functions_sandboxes_busy')).toBe(1);
      expect(sampleValue(samples, 'momento_functions_host_queued_invocations')).toBe(2);
      expect(sampleValue(samples, 'momento_functions_host_queue_limit')).toBe(64);
      const cacheErrors = { interface: 'momento:cache-scalar/cache-scalar@1.0.0' };
      expect(
        sampleValue(samples, 'momento_functions_host_call_errors_total', { ...cacheErrors, kind: 'error' }),
      ).toBe(3);
      expect(
        sampleValue(samples, 'momento_functions_host_call_errors_total', { ...cacheErrors, kind: 'failure' }),
      ).toBe(1);
    } finally {
      await callbacks.stop();
    }
  });

  it('counts callback retries and dead letters; shows the queue and the oldest job while a callback is down', async () => {
    const { server, url } = await start({
      async: { retry: { maxAttempts: 2, initialDelayMs: 300, timeoutMs: 1000 } },
    });
    const res = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': 'http://127.0.0.1:1/nobody' },
    });
    expect(res.status).toBe(202);
    const waiting = await until2(async () => {
      const { samples } = await scrape(url);
      return sampleValue(samples, 'momento_functions_async_jobs', { state: 'retrying' }) === 1
        ? samples
        : undefined;
    });
    expect(sampleValue(waiting, 'momento_functions_async_callback_retries_total')).toBe(1);
    expect(sampleValue(waiting, 'momento_functions_async_oldest_job_age_seconds')).toBeGreaterThan(0);
    await until(() => server.asyncInvoker.deadLetters().length === 1);
    const { samples } = await scrape(url);
    expect(sampleValue(samples, 'momento_functions_dead_letters_total')).toBe(1);
    expect(sampleValue(samples, 'momento_functions_dead_letters')).toBe(1);
    expect(sampleValue(samples, 'momento_functions_async_callback_retries_total')).toBe(1);
    expect(sampleValue(samples, 'momento_functions_async_oldest_job_age_seconds')).toBe(0);
    // Without a host there are no pool metrics.
    expect(samples.some((s) => s.name === 'momento_functions_sandboxes')).toBe(false);
  });

  it('each server has its own registry: two in one process count apart', async () => {
    const a = await start();
    const b = await start();
    await fetch(`${a.url}/functions/default/echo`);
    await fetch(`${a.url}/functions/default/echo`);
    await fetch(`${b.url}/functions/default/echo`);
    const labels = { function: 'echo', mode: 'sync', status: '200' };
    expect(sampleValue((await scrape(a.url)).samples, 'momento_functions_invocations_total', labels)).toBe(2);
    expect(sampleValue((await scrape(b.url)).samples, 'momento_functions_invocations_total', labels)).toBe(1);
    expect(a.server.metrics?.registry).not.toBe(b.server.metrics?.registry);
  });

  it('metrics: false answers 404 and keeps no metrics', async () => {
    const { server, url } = await start({ metrics: false });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('metrics: false');
    expect(server.metrics).toBeUndefined();
  });

  it('with auth on: /metrics needs an operator token with admin rights; the probes need none', async () => {
    const authority = new TokenAuthority({ secret: 'operations-test-secret-of-32-bytes!' });
    const issue = async (entry: Record<string, unknown>) =>
      (
        await authority.issue({
          validForSeconds: 60,
          permissions: JSON.stringify({
            explicit: { permissions: [{ function_permissions: { role: 'FunctionInvoke', ...entry } }] },
          }),
          cacheName: '*',
          functionName: 'test',
        })
      ).apiKey;
    const admin = await issue({ all_caches: null, all_functions: null });
    const echoOnly = await issue({
      cache_selector: { cacheName: 'default' },
      function_selector: { function_name: 'echo' },
    });
    const { url } = await start({ auth: { verify: authority.verifier } });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const narrow = await fetch(`${url}/metrics`, { headers: { authorization: echoOnly } });
    expect(narrow.status).toBe(403);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('momento_functions_invocations_total');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
  });
});

/** Polls `probe` until it returns a value. */
async function until2<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/metrics with a real host', () => {
  let host: Host;
  beforeAll(async () => {
    host = await createHost({ limits: { concurrency: 1 }, backends: { log: false }, logger: () => {} });
  });
  afterAll(() => host.close());

  it('reports the sandbox pool and counts the WIT errors a service answered, by interface', async () => {
    const handle = await host.load(await watMinter(), { name: 'minter', cache: 'demo' });
    const { url } = await start({ functions: [servableFromHandle(handle)], host });
    const tooMuch = JSON.stringify({
      explicit: {
        permissions: [
          { function_permissions: { role: 'FunctionInvoke', all_caches: null, all_functions: null } },
        ],
      },
    });
    const res = await fetch(`${url}/functions/demo/minter`, { method: 'POST', body: tooMuch });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('may not mint this token');
    expect(host.usage()).toMatchObject({ concurrency: 1, busy: 0, queued: 0, maxQueued: 64 });
    const { samples } = await scrape(url);
    expect(sampleValue(samples, 'momento_functions_sandboxes')).toBe(1);
    expect(sampleValue(samples, 'momento_functions_sandboxes_busy')).toBe(0);
    expect(
      sampleValue(samples, 'momento_functions_host_call_errors_total', {
        interface: 'momento:token/token@1.0.0',
        kind: 'error',
      }),
    ).toBe(1);
    const labels = { cache: 'demo', function: 'minter', mode: 'sync' };
    expect(sampleValue(samples, 'momento_functions_invocations_total', { ...labels, status: '403' })).toBe(1);
    expect(sampleValue(samples, 'momento_functions_invocation_duration_seconds_count', labels)).toBe(1);
  });
});

/** Reads from a socket until `done(text)` says the text so far is complete. */
function readUntil(socket: Socket, done: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => finish(new Error(`timed out; read so far:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (done(text)) finish();
    };
    const onEnd = () => finish(done(text) ? undefined : new Error(`connection ended; read:\n${text}`));
    function finish(error?: Error) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      if (error) reject(error);
      else resolve(text);
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

describe('drain', () => {
  it('new requests on kept-alive connections get 503 + connection: close; running ones finish; readyz says draining', async () => {
    const gates = new Map<string, { opened: Promise<void>; open: () => void }>();
    const gate = (name: string) => {
      let entry = gates.get(name);
      if (!entry) {
        let open: () => void = () => {};
        const opened = new Promise<void>((resolve) => (open = resolve));
        entry = { opened, open };
        gates.set(name, entry);
      }
      return entry;
    };
    // Sends its head at once, its body once the test opens the gate named by the query (?gate=).
    const stream = fakeWeb('stream', (request) => {
      const { opened } = gate(new URLSearchParams(request.query).get('gate') ?? '');
      return {
        status: 200,
        headers: [['content-type', 'text/plain']],
        body: (async function* () {
          await opened;
          yield new TextEncoder().encode('done');
        })(),
      };
    });
    const { server, url } = await start({ functions: [stream, echo], shutdownTimeoutMs: 10_000 });
    const { port } = new URL(url);
    const open = async (gate: string) => {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET /functions/default/stream?gate=${gate} HTTP/1.1\r\nhost: x\r\n\r\n`);
      await readUntil(socket, (t) => t.includes('\r\n\r\n'));
      return socket;
    };
    const first = await open('a');
    const second = await open('a');
    // Keeps the drain going while the other two connections are reused.
    const held = await open('b');
    const closed = server.close();
    await until2(async () => ((await server.readiness()).draining ? true : undefined));
    gate('a').open();
    await readUntil(first, (t) => t.includes('0\r\n\r\n'));
    await readUntil(second, (t) => t.includes('0\r\n\r\n'));
    // A new connection is refused.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    first.write('GET /functions/default/echo HTTP/1.1\r\nhost: x\r\n\r\n');
    const refused = await readUntil(first, (t) => /\r\n\r\n[\s\S]*shutting down/.test(t));
    expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(refused.toLowerCase()).toContain('connection: close');

    second.write('GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n');
    const readyz = await readUntil(second, (t) => t.includes('}'));
    expect(readyz).toMatch(/^HTTP\/1\.1 503/);
    expect(readyz.toLowerCase()).toContain('connection: close');
    expect(readyz).toContain('"status": "draining"');

    gate('b').open();
    await readUntil(held, (t) => t.includes('0\r\n\r\n'));
    const report = await closed;
    expect(report.cancelledRequests).toBe(0);
    for (const socket of [first, second, held]) socket.destroy();
  });
});
