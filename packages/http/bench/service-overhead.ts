// Sequential GET latency through the momento:http host service vs bare undici, against a local
// node:http server (loopback). Run:
//   node_modules/.bin/esbuild packages/http/bench/service-overhead.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=node_modules/.cache/http-bench.mjs && node node_modules/.cache/http-bench.mjs
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { createHttpService } from '../../runtime/src/services/http/index.ts';

const server = createServer((_req, res) => res.end('pong'));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const ctx = {
  functionName: 'bench',
  cacheName: 'c',
  invocationId: 'i',
  signal: new AbortController().signal,
};
const service = createHttpService();
const invoke = service.functions.invoke as unknown as (
  c: typeof ctx,
  r: unknown,
) => Promise<{ tag: string; val: { body: { val: AsyncIterable<Uint8Array> } } }>;
const N = 3000;
async function viaService() {
  const out = await invoke(ctx, {
    url,
    verb: 'GET',
    headers: [['accept', 'text/plain']],
    body: { tag: 'value', val: new Uint8Array() },
    authorization: { tag: 'none' },
  });
  for await (const _ of out.val.body.val) {
  }
}
const agent = new Agent();
async function bare() {
  const r = await request(url, { dispatcher: agent, method: 'GET', headers: { accept: 'text/plain' } });
  await r.body.text();
}
// Alternate the two for several rounds and keep each one's best round: the machine is shared.
const best = new Map<string, number>();
for (let round = 0; round < 8; round++) {
  for (const [name, fn] of [
    ['bare undici', bare],
    ['momento:http service', viaService],
  ] as const) {
    for (let i = 0; i < 200; i++) await fn();
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn();
    const us = Number(process.hrtime.bigint() - t) / 1e3 / N;
    best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, us));
  }
}
for (const [name, us] of best)
  console.log(`${name}: ${us.toFixed(0)} µs per sequential request (best of 8 rounds of ${N})`);
await service.close?.();
await agent.close();
server.close();
