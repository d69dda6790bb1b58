/**
 * Faults around the host: redis-server SIGKILLed and restarted under load (cache calls fail
 * cleanly while it is down and work again after), the callback receiver down then up (every
 * async result delivered after retries, or dead-lettered and delivered by a retry: nothing lost),
 * the server process SIGKILLed with accepted async jobs (restarted on the same state directory:
 * every accepted job delivered; duplicates counted), and a hanging upstream (outbound HTTP to a
 * server that accepts and never answers: the guest gets the timeout error, in bounded time).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host } from '@momento-functions/runtime';
import {
  type ConfiguredServer,
  createServer,
  servableFromHandle,
  silentLogger,
} from '@momento-functions/runtime/server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixture, freePort, pick, type Redis, ROOT, redisServer, report, sleep } from './support.js';

const hosts: Host[] = [];
const servers: ConfiguredServer[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A callback receiver on a fixed port, startable and stoppable; counts deliveries by key. */
class Receiver {
  readonly byKey = new Map<string, number>();
  total = 0;
  #server: Server | undefined;
  constructor(readonly port: number) {}
  async start(): Promise<void> {
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
        this.total++;
        res.writeHead(200).end();
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.#server = server;
  }
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  get url() {
    return `http://127.0.0.1:${this.port}/done`;
  }
  async waitFor(keys: Iterable<string>, timeoutMs: number): Promise<string[]> {
    const wanted = [...keys];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = wanted.filter((k) => !this.byKey.has(k));
      if (missing.length === 0 || Date.now() > deadline) return missing;
      await sleep(50);
    }
  }
}

async function asyncInvoke(url: string, fn: string, callbackUrl: string, body = ''): Promise<string> {
  const res = await fetch(`${url}/spaces/default/functions/${fn}/async-invoke`, {
    method: 'POST',
    headers: { 'x-callback-url': callbackUrl },
    body,
  });
  expect(res.status).toBe(202);
  const { invocationId } = (await res.json()) as { invocationId: string };
  return invocationId;
}

describe('redis-server killed and restarted under load', () => {
  let redis: Redis | undefined;
  afterAll(() => redis?.stop());

  it('cache calls fail cleanly while it is down and work again after it is back', async () => {
    redis = await redisServer();
    const host = await createHost({
      backends: { log: false, valkeyUrl: redis.url },
      logger: () => undefined,
      limits: { timeoutMs: 20_000 },
    });
    hosts.push(host);
    const fn = await host.load(fixture('rust-official', 'cache-scalar'), { name: 'cache-scalar' });
    const OK = '200 Cache scalar demo completed!';
    const phase = { name: 'up' as 'up' | 'down' | 'back' };
    const results: { phase: string; answer: string; ms: number; start: number; at: number }[] = [];
    let running = true;
    const lane = async () => {
      while (running) {
        const t0 = Date.now();
        const p = phase.name;
        const res = await fn.invoke({ body: '' });
        results.push({
          phase: p,
          answer: `${res.status} ${res.text()}`,
          ms: Date.now() - t0,
          start: t0,
          at: Date.now(),
        });
      }
    };
    const LANES = 4;
    const lanes = Array.from({ length: LANES }, lane);
    await sleep(pick(1_500, 10_000));
    phase.name = 'down';
    const downAt = Date.now();
    await redis.kill();
    await sleep(pick(4_000, 15_000));
    phase.name = 'back';
    await redis.start();
    const backAt = Date.now();
    // Keep the load on until answers have been fine for a while after the restart.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await sleep(250);
      const after = results.filter((r) => r.at > backAt + 200);
      const lastOk = after.slice(-20);
      if ((lastOk.length === 20 && lastOk.every((r) => r.answer === OK)) || Date.now() > deadline) break;
    }
    running = false;
    await Promise.all(lanes);
    // Up: ended before the kill; down: started after it and ended before the restart.
    const up = results.filter((r) => r.at < downAt);
    const down = results.filter((r) => r.start > downAt && r.at < backAt);
    const back = results.filter((r) => r.start > backAt);
    const firstOkAfter = back.find((r) => r.answer === OK);
    const clean = (a: string) =>
      a === OK || /^500 An error occurred during function invocation: CacheError\(/.test(a);
    const unclean = results.filter((r) => !clean(r.answer));
    const slowest = Math.max(...results.map((r) => r.ms));
    report('redis-killed', {
      tried: results.length,
      held: results.length - unclean.length,
      upOk: up.filter((r) => r.answer === OK).length,
      up: up.length,
      downCleanErrors: down.filter((r) => r.answer !== OK && clean(r.answer)).length,
      down: down.length,
      back: back.length,
      backOk: back.filter((r) => r.answer === OK).length,
      recoveredAfterMs: firstOkAfter ? firstOkAfter.at - backAt : null,
      slowestMs: slowest,
      errorSample: down.find((r) => r.answer !== OK)?.answer,
      unclean: unclean.slice(0, 5).map((r) => r.answer.slice(0, 200)),
    });
    expect(unclean).toEqual([]);
    expect(up.length).toBeGreaterThan(0);
    expect(up.every((r) => r.answer === OK)).toBe(true);
    // While it is down, every call ends (no hang) with the clean error.
    expect(down.length).toBeGreaterThan(0);
    expect(down.filter((r) => r.answer === OK).length).toBe(0);
    expect(slowest).toBeLessThan(10_000);
    // It recovers on its own, without a restart of the host.
    expect(firstOkAfter).toBeDefined();
    expect(results.slice(-20).every((r) => r.answer === OK)).toBe(true);
  });
});

describe('callback receiver down, then up', () => {
  async function asyncServer(retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number }) {
    const stateDir = await mkdtemp(join(tmpdir(), 'mf-reliability-cb-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const host = await createHost({ backends: { log: false }, logger: () => undefined });
    hosts.push(host);
    const ping = servableFromHandle(await host.load(fixture('rust-official', 'ping'), { name: 'ping' }));
    const server = await createServer({
      host,
      functions: [ping],
      logger: silentLogger,
      async: { retry: { ...retry, timeoutMs: 2_000 }, concurrency: 4, stateDir },
    });
    servers.push(server);
    return { server, url: await server.listen(0, '127.0.0.1') };
  }

  it('every accepted result is delivered once the receiver comes up (after retries or from the dead letters)', async () => {
    const N = pick(40, 400);
    const { url, server } = await asyncServer({ maxAttempts: 12, initialDelayMs: 100, maxDelayMs: 800 });
    const receiver = new Receiver(await freePort());
    cleanups.push(() => receiver.stop());
    const accepted = new Set<string>();
    const acceptStart = Date.now();
    for (let i = 0; i < N; i++) accepted.add(await asyncInvoke(url, 'ping', receiver.url));
    const acceptMs = Date.now() - acceptStart;
    await sleep(1_000); // the first jobs have failed deliveries by now
    await receiver.start();
    const upAt = Date.now();
    type Dead = { id: string };
    const deadIds = async () =>
      new Set(((await (await fetch(`${url}/_momento/dead-letters`)).json()) as Dead[]).map((d) => d.id));
    // Until every accepted job is delivered or a dead letter, or the queue stalls: jobs queued
    // with nothing running, delivering or waiting to retry (finding 7 of docs/reliability.md).
    let stalled = 0;
    let pokes = 0;
    const deadline = Date.now() + pick(60_000, 300_000);
    for (;;) {
      await sleep(200);
      const dead = await deadIds();
      const open = [...accepted].filter((id) => !receiver.byKey.has(id) && !dead.has(id));
      if (open.length === 0 || Date.now() > deadline) break;
      const stats = server.asyncInvoker.stats();
      if (stats.queued > 0 && stats.running + stats.delivering + stats.retrying === 0) {
        await sleep(1_000);
        const again = server.asyncInvoker.stats();
        if (again.queued > 0 && again.running + again.delivering + again.retrying === 0) {
          expect.fail(
            `the async queue stalled with jobs queued and no slot in use: ${JSON.stringify(again)}`,
          );
          stalled = Math.max(stalled, again.queued);
          // Any accept pumps the queue again; the poke is a job like the others.
          accepted.add(await asyncInvoke(url, 'ping', receiver.url));
          pokes++;
        }
      }
    }
    const settledMs = Date.now() - upAt;
    const dead = await deadIds();
    const deliveredDirectly = [...accepted].filter((id) => receiver.byKey.has(id)).length;
    for (const id of dead) {
      const res = await fetch(`${url}/_momento/dead-letters/${id}/retry`, { method: 'POST' });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const missing = await receiver.waitFor(accepted, 10_000);
    const duplicates = [...receiver.byKey.values()].reduce((n, c) => n + (c - 1), 0);
    report('callback-down-then-up', {
      tried: accepted.size,
      held: accepted.size - missing.length,
      accepted: accepted.size,
      acceptMs,
      deliveredByRetries: deliveredDirectly,
      deadLettered: dead.size,
      deliveredFromDeadLetters: dead.size,
      settledAfterReceiverUpMs: settledMs,
      stalledQueuedJobs: stalled,
      pokes,
      duplicates,
      deadLettersLeft: (await deadIds()).size,
    });
    expect(missing).toEqual([]);
    expect((await deadIds()).size).toBe(0);
  });

  it('a job queued while a callback retry holds the only slot runs as soon as the retry ends', async () => {
    // A receiver that accepts connections and never answers: each attempt holds its slot 1 s.
    const hang = createNetServer((s) => {
      s.on('error', () => {});
      s.resume();
    });
    hang.listen(0, '127.0.0.1');
    await once(hang, 'listening');
    cleanups.push(() => new Promise((r) => hang.close(r)));
    const hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}/cb`;
    const stateDir = await mkdtemp(join(tmpdir(), 'mf-reliability-stall-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const host = await createHost({ backends: { log: false }, logger: () => undefined });
    hosts.push(host);
    const ping = servableFromHandle(await host.load(fixture('rust-official', 'ping'), { name: 'ping' }));
    const server = await createServer({
      host,
      functions: [ping],
      logger: silentLogger,
      async: {
        retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 100, timeoutMs: 1_000 },
        concurrency: 1,
        stateDir,
      },
    });
    servers.push(server);
    const url = await server.listen(0, '127.0.0.1');
    const receiver = new Receiver(await freePort());
    await receiver.start();
    cleanups.push(() => receiver.stop());
    await asyncInvoke(url, 'ping', hangUrl); // A: its attempts hang, then retries take the only slot
    await sleep(1_300); // A's second attempt (a retry) is in flight
    const b = await asyncInvoke(url, 'ping', receiver.url); // B: queued behind it
    const missingB = await receiver.waitFor([b], 5_000); // A is a dead letter after ~3 s
    const stats = server.asyncInvoker.stats();
    const stalled =
      missingB.length > 0 && stats.queued === 1 && stats.running + stats.delivering + stats.retrying === 0;
    const missing = await receiver.waitFor([b], 10_000);
    report('callback-queue-stall', {
      tried: 1,
      held: stalled ? 0 : 1,
      stalledUntilNextAccept: stalled,
      queueWhenStalled: stats,
    });
    expect(missing).toEqual([]); // nothing lost: B runs once the queue is pumped
    expect(stalled).toBe(false);
  });

  it('results that ran out of attempts are dead letters, and a retry delivers each of them', async () => {
    const N = pick(20, 200);
    const { url } = await asyncServer({ maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 50 });
    const receiver = new Receiver(await freePort());
    cleanups.push(() => receiver.stop());
    const accepted = new Set<string>();
    for (let i = 0; i < N; i++) accepted.add(await asyncInvoke(url, 'ping', receiver.url));
    type Dead = { id: string };
    let dead: Dead[] = [];
    const deadline = Date.now() + 30_000;
    while (dead.length < N && Date.now() < deadline) {
      await sleep(100);
      dead = (await (await fetch(`${url}/_momento/dead-letters`)).json()) as Dead[];
    }
    expect(new Set(dead.map((d) => d.id))).toEqual(accepted);
    await receiver.start();
    for (const { id } of dead) {
      const res = await fetch(`${url}/_momento/dead-letters/${id}/retry`, { method: 'POST' });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const missing = await receiver.waitFor(accepted, 10_000);
    const left = (await (await fetch(`${url}/_momento/dead-letters`)).json()) as Dead[];
    report('callback-dead-letters', {
      tried: N,
      held: N - missing.length,
      deadLettered: dead.length,
      deliveredByRetry: N - missing.length,
      duplicates: [...receiver.byKey.values()].reduce((n, c) => n + (c - 1), 0),
      deadLettersLeft: left.length,
    });
    expect(missing).toEqual([]);
    expect(left).toEqual([]);
  });
});

describe('the server SIGKILLed with accepted async jobs', () => {
  it('restarted on the same state directory, it delivers every accepted job', async () => {
    const N = pick(30, 300);
    const dir = await mkdtemp(join(tmpdir(), 'mf-reliability-kill-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const receiver = new Receiver(await freePort());
    await receiver.start();
    cleanups.push(() => receiver.stop());
    await writeFile(
      join(dir, 'momento-functions.json'),
      JSON.stringify({
        port,
        cache: 'default',
        stateDir: join(dir, 'state'),
        functions: [{ name: 'sleep', entry: fixture('rust-official', 'sleep'), kind: 'web' }],
        async: { retry: { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1000 }, concurrency: 2 },
      }),
    );
    const children: ChildProcess[] = [];
    cleanups.push(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    const url = `http://127.0.0.1:${port}`;
    const startServer = async () => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'packages/runtime/dist/cli.js'),
          'serve',
          '-c',
          join(dir, 'momento-functions.json'),
          '--port',
          String(port),
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      );
      children.push(child);
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c));
      child.stderr?.on('data', (c: Buffer) => (output += c));
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${output}`);
        if (Date.now() > deadline) throw new Error(`the server did not get ready: ${output}`);
        try {
          const list = (await (await fetch(`${url}/_momento/functions`)).json()) as { status: string }[];
          if (list.length && list.every((f) => f.status === 'ready')) break;
        } catch {
          // not listening yet
        }
        await sleep(100);
      }
      return { child, output: () => output };
    };
    const first = await startServer();
    const accepted: string[] = [];
    // Each job sleeps 300 ms, two at a time: most are still waiting when the server is killed.
    for (let i = 0; i < N; i++) accepted.push(await asyncInvoke(url, 'sleep', receiver.url, '300'));
    await sleep(700); // a few run and are delivered; two are running when the server dies
    const deliveredBeforeKill = receiver.byKey.size;
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    await startServer();
    const missing = await receiver.waitFor(accepted, pick(60_000, 300_000));
    const duplicates = [...receiver.byKey.values()].reduce((n, c) => n + (c - 1), 0);
    report('server-sigkill', {
      tried: N,
      held: N - missing.length,
      accepted: accepted.length,
      deliveredBeforeKill,
      delivered: N - missing.length,
      duplicates,
      allDeliveredAfterRestartMs: Date.now() - killedAt,
    });
    expect(missing).toEqual([]);
    // No callback for a job nobody accepted.
    expect([...receiver.byKey.keys()].filter((k) => !accepted.includes(k))).toEqual([]);
  });
});

describe('a hanging upstream', () => {
  async function hangingServer() {
    const sockets = new Set<Socket>();
    let accepted = 0;
    const server = createNetServer((socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      socket.resume(); // reads the request, never answers
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { port, open: () => sockets.size, accepted: () => accepted };
  }

  const dynamoRequest = (port: number) => ({
    method: 'POST',
    headers: {
      'x-amz-target': 'DynamoDB_20120810.PutItem',
      'x-uri': `http://127.0.0.1:${port}/`,
      'content-type': 'application/x-amz-json-1.0',
    },
    body: '{"TableName":"t","Item":{}}',
  });

  it("the guest gets the outbound request's timeout error, in bounded time", async () => {
    const upstream = await hangingServer();
    const HEADERS_TIMEOUT_MS = 1_000;
    const CONCURRENCY = 2;
    const host = await createHost({
      backends: { log: false, http: { headersTimeoutMs: HEADERS_TIMEOUT_MS } },
      logger: () => undefined,
      limits: { concurrency: CONCURRENCY },
    });
    hosts.push(host);
    const fn = await host.load(fixture('rust-official', 'dynamodb-accelerator'), { name: 'ddb' });
    const K = pick(4, 40);
    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: K }, async () => {
        const s = Date.now();
        const res = await fn.invoke(dynamoRequest(upstream.port));
        return { status: res.status, text: res.text(), ms: Date.now() - s };
      }),
    );
    const slowest = Math.max(...answers.map((a) => a.ms));
    report('hanging-upstream-http-timeout', {
      tried: K,
      held: answers.filter((a) => a.status === 500 && /RequestError\(/.test(a.text)).length,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      slowestMs: slowest,
      wallMs: Date.now() - t0,
      upstreamConnections: upstream.accepted(),
      answer: answers[0]?.text.slice(0, 200),
    });
    for (const a of answers) {
      expect(a.status).toBe(500);
      expect(a.text).toMatch(/^An error occurred during function invocation: RequestError\(.*time/i);
    }
    // K invocations on CONCURRENCY workers: each waits for the timeout once, plus its queue.
    expect(slowest).toBeLessThan(Math.ceil(K / CONCURRENCY) * (HEADERS_TIMEOUT_MS + 500) + 5_000);
  });

  it('past the function time limit it is stopped with 504, and the upstream connections are closed', async () => {
    const upstream = await hangingServer();
    const TIME_LIMIT_MS = 1_500;
    const host = await createHost({
      backends: { log: false },
      logger: () => undefined,
      limits: { timeoutMs: TIME_LIMIT_MS, concurrency: 2 },
    });
    hosts.push(host);
    const fn = await host.load(fixture('rust-official', 'dynamodb-accelerator'), { name: 'ddb' });
    const K = pick(2, 20);
    const answers = await Promise.all(
      Array.from({ length: K }, async () => {
        const s = Date.now();
        const res = await fn.invoke(dynamoRequest(upstream.port));
        return { status: res.status, ms: Date.now() - s };
      }),
    );
    const slowest = Math.max(...answers.map((a) => a.ms));
    const openAtEnd = upstream.open();
    let closedAfterMs = 0;
    const deadline = Date.now() + 10_000;
    while (upstream.open() > 0 && Date.now() < deadline) {
      await sleep(50);
      closedAfterMs += 50;
    }
    report('hanging-upstream-time-limit', {
      tried: K,
      held: answers.filter((a) => a.status === 504).length,
      timeLimitMs: TIME_LIMIT_MS,
      slowestMs: slowest,
      upstreamOpenAt504: openAtEnd,
      upstreamOpenAfter10s: upstream.open(),
      upstreamClosedWithinMs: upstream.open() === 0 ? closedAfterMs : null,
    });
    for (const a of answers) expect(a.status).toBe(504);
    expect(slowest).toBeLessThan(Math.ceil(K / 2) * (TIME_LIMIT_MS + 500) + 5_000);
    expect(upstream.open()).toBe(0);
  });
});
