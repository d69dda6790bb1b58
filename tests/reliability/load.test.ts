/**
 * Load: 16 keep-alive connections against the server for a bounded number of requests
 * (CI: 2,000; MF_RELIABILITY_LONG=1: 50,000) to a Rust fixture (ping) and the header-echo WAT
 * guest, RSS sampled every 100 ms. Every answer must be right (no error, no 503: 16 in flight fit
 * the host's queue), and RSS must stop growing: the growth after the warm-up stays bounded.
 */
import { Agent, request } from 'node:http';
import { createHost, type Host } from '@momento-functions/runtime';
import {
  type ConfiguredServer,
  createServer,
  servableFromHandle,
  silentLogger,
} from '@momento-functions/runtime/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, MiB, pick, report, rssSampler, watHeaderEcho } from './support.js';

const CONNECTIONS = 16;
const N = pick(2_000, 50_000);
const WARMUP = 300;

let host: Host;
let server: ConfiguredServer;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

beforeAll(async () => {
  host = await createHost({ backends: { log: false }, logger: () => undefined });
  const functions = [
    servableFromHandle(await host.load(fixture('rust-official', 'ping'), { name: 'ping' })),
    servableFromHandle(await host.load(await watHeaderEcho(), { name: 'echoh' })),
  ];
  server = await createServer({ host, functions, logger: silentLogger });
  port = Number(new URL(await server.listen(0, '127.0.0.1')).port);
});
afterAll(async () => {
  agent.destroy();
  await server?.close();
  await host?.close();
});

function call(i: number): Promise<{ status: number; body: string; header?: string }> {
  const echo = i % 4 === 3;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: echo ? `/functions/default/echoh/n/${i}?i=${i}` : '/functions/default/ping',
        headers: { 'x-n': String(i), 'content-type': 'text/plain' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            header: echo
              ? `${res.headers['x-n']} ${res.headers['x-query']} ${res.headers['x-path']}`
              : undefined,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(echo ? `body ${i}` : '');
  });
}

async function run(count: number, offset: number) {
  let next = 0;
  const latencies: number[] = [];
  const wrong: string[] = [];
  const lane = async () => {
    while (next < count) {
      const i = offset + next++;
      const t0 = performance.now();
      try {
        const res = await call(i);
        latencies.push(performance.now() - t0);
        const echo = i % 4 === 3;
        const ok = echo
          ? res.status === 200 && res.body === `body ${i}` && res.header === `${i} ${i} n/${i}`
          : res.status === 200 && res.body === 'pong';
        if (!ok) wrong.push(`${i}: ${res.status} ${res.body.slice(0, 100)} ${res.header ?? ''}`);
      } catch (error) {
        wrong.push(`${i}: ${(error as Error).message}`);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, lane));
  return { latencies, wrong, ms: performance.now() - t0 };
}

it(`${N} requests over ${CONNECTIONS} connections: no errors, RSS growth bounded`, async () => {
  await run(WARMUP, 0);
  const rss = rssSampler(100);
  const { latencies, wrong, ms } = await run(N, WARMUP);
  const { first, max, last, n } = rss.stop();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1));
  report('load', {
    tried: N,
    held: N - wrong.length,
    connections: CONNECTIONS,
    perSecond: Math.round((N / ms) * 1000),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: q(1),
    rssFirstMiB: Math.round(first / MiB),
    rssMaxMiB: Math.round(max / MiB),
    rssLastMiB: Math.round(last / MiB),
    rssSamples: n,
    wrong: wrong.slice(0, 5),
  });
  expect(wrong).toEqual([]);
  expect(max - first).toBeLessThan(200 * MiB);
  expect(last - first).toBeLessThan(pick(100, 150) * MiB);
});
