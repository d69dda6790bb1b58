/**
 * Fresh-sandbox latency and throughput through the library API, against the bare
 * instantiate-only floor of the same component and the bare bridge round trip.
 * Run with `node bench/host/run.mjs` (see RESULTS.md).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { createHost, type FunctionHandle, type HostService } from '@momento-functions/runtime';
import { jsComponent } from '../../packages/runtime/test/helpers/components.js';
import { watHello, watLogger } from '../../packages/runtime/test/helpers/guests.js';

const quick = process.argv.includes('--quick');
const noPeer = process.argv.includes('--no-http');
const onlyHttp = process.argv.includes('--only-http');
const here = dirname(fileURLToPath(import.meta.url));
let root = here;
while (!existsSync(join(root, 'wit', 'deps'))) root = dirname(root); // this file runs bundled under node_modules/.cache
const wasm = WebAssembly as unknown as { promising?: unknown };
wasm.promising ??= (f: unknown) => f;

const TS_HELLO_WORLD = `package bench:hello;
world guest {
  import momento:web-function/web-function-support@1.0.0;
  import wasi:cli/environment@0.2.3;
  export momento:web-function/guest-function-web@1.0.0;
}
`;
// What the SDK's web() entry boils down to for a hello (componentize-js, stdio/random/http off).
const TS_HELLO = `
const body = new TextEncoder().encode('hello');
export const guestFunctionWeb = {
  invoke(request) {
    return { status: 200, headers: [{ name: 'content-type', value: 'text/plain; charset=utf-8' }], body: { tag: 'value', val: body } };
  },
};
`;

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (n: number) => `${n.toFixed(3)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** The floor: transpile with jco, compile once, then instantiate + invoke in-process, no pool, no isolation from the host. */
async function floorSetup(component: Uint8Array): Promise<() => Uint8Array> {
  const jco = await import('@bytecodealliance/jco');
  const { files } = await jco.transpile(component, {
    name: 'c',
    instantiation: 'sync',
    wasiShim: false,
    noTypescript: true,
    quiet: true,
    base64Cutoff: 0,
  });
  const dir = join(
    root,
    'node_modules',
    '.cache',
    'momento-bench',
    `floor-${component.length}-${files['c.js']!.length}`,
  );
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files))
    if (!name.includes('/')) await writeFile(join(dir, name), bytes);
  const glue = (await import(pathToFileURL(join(dir, 'c.js')).href)) as {
    instantiate(
      get: (n: string) => unknown,
      imports: Record<string, unknown>,
    ): Record<string, { invoke(r: unknown): unknown }>;
  };
  const modules: Record<string, unknown> = {};
  for (const name of Object.keys(files).filter((f) => f.endsWith('.wasm')))
    modules[name] = await WebAssembly.compile(await readFile(join(dir, name)));
  class Buffer {
    constructor(readonly bytes: Uint8Array) {}
    remaining() {
      return this.bytes.length;
    }
    read() {
      return undefined;
    }
    advance() {}
  }
  const generic = new Proxy(
    {},
    { get: (_t, k) => (typeof k === 'string' && /^[A-Z]/.test(k) ? class {} : () => []) },
  );
  const imports: Record<string, unknown> = new Proxy(
    { 'momento:bytes/bytes': { Buffer } },
    { get: (t, k) => (t as Record<string, unknown>)[k as string] ?? generic },
  );
  const body = new TextEncoder().encode('hi');
  const once = () => {
    const inst = glue.instantiate((name) => modules[name], imports);
    const api = inst['momento:web-function/guest-function-web@1.0.0'] ?? inst.guestFunctionWeb!;
    const res = api.invoke({ tag: 'buffer', val: new Buffer(body) }) as { body: { val: Uint8Array } };
    return res.body.val;
  };
  for (let i = 0; i < 20; i++) once();
  return once;
}

function floorLatency(once: () => unknown, n: number): { p50: number; p99: number } {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    once();
    samples.push(performance.now() - t);
  }
  return { p50: pct(samples, 50), p99: pct(samples, 99) };
}

/**
 * Throughput of the floor (one thread, in-process) and of the host (fresh sandbox each), measured
 * in alternating slices so both see the same machine load (others share these 2 cores).
 */
async function pairedThroughput(
  once: () => unknown,
  fn: FunctionHandle,
  n: number,
  concurrency: number,
  rounds = 6,
): Promise<{ floor: number; host: number }> {
  let floorMs = 0;
  let hostMs = 0;
  const slice = Math.ceil(n / rounds);
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < slice; i++) once();
    floorMs += performance.now() - t;
    await sleep(20);
    hostMs += (slice / (await throughput(fn, slice, concurrency))) * 1000;
    await sleep(20);
  }
  return { floor: ((slice * rounds) / floorMs) * 1000, host: ((slice * rounds) / hostMs) * 1000 };
}

async function latency(fn: FunctionHandle, n: number, gapMs: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 20; i++) await fn.invoke({ body: 'hi' });
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(gapMs); // let the worker put a fresh spare in place: "spare instances ready"
    const t = performance.now();
    const res = await fn.invoke({ body: 'hi' });
    samples.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${res.text()}`);
  }
  return { p50: pct(samples, 50), p99: pct(samples, 99) };
}

async function throughput(fn: FunctionHandle, n: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        const res = await fn.invoke({ body: 'hi' });
        if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
      }
    }),
  );
  return (n / (performance.now() - start)) * 1000;
}

/**
 * The bare bridge: the same transport as a host call that returns nothing, with no guest and no
 * service: the worker posts the numbered call and waits until the shared word names it (a wait in
 * a loop, as the runtime's bridge does: a late notify is not an answer); the main thread's message
 * handler stores the call's number in the word and notifies.
 */
async function bareBridge(n: number): Promise<{ p50: number; p99: number }> {
  const control = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(
    `const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
     const ctl = new Int32Array(workerData.control);
     let calls = 0;
     parentPort.on('message', (n) => {
       const samples = [];
       for (let i = 0; i < n; i++) {
         const t = performance.now();
         const seq = ++calls;
         parentPort.postMessage({ type: 'call', seq, iface: 'x', fn: 'y', args: ['hello from wat', 2] });
         for (let word = Atomics.load(ctl, 0); word !== seq; word = Atomics.load(ctl, 0)) Atomics.wait(ctl, 0, word);
         samples.push(performance.now() - t);
       }
       parentPort.postMessage({ type: 'done', samples });
     });`,
    { eval: true, workerData: { control, port: port2 }, transferList: [port2] },
  );
  const ctl = new Int32Array(control);
  const samples = await new Promise<number[]>((resolve) => {
    worker.on('message', (m: { type: string; seq?: number; samples?: number[] }) => {
      if (m.type === 'done') return resolve(m.samples!);
      Atomics.store(ctl, 0, m.seq!);
      Atomics.notify(ctl, 0);
    });
    worker.postMessage(n);
  });
  await worker.terminate();
  port1.close();
  return { p50: pct(samples, 50), p99: pct(samples, 99) };
}

const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};

const tsHello = await jsComponent(TS_HELLO_WORLD, TS_HELLO);
const rustPath = join(root, 'tests', 'fixtures', 'rust-glue', 'ping.wasm');
const rustHello = existsSync(rustPath) ? new Uint8Array(await readFile(rustPath)) : undefined;
const watHelloBytes = await watHello();
const noopLog: HostService = {
  interface: 'momento:log/logging@1.0.0',
  functions: {
    log: (() => undefined) as HostService['functions'][string],
    configureLogging: (() => undefined) as HostService['functions'][string],
  },
};
const host = await createHost({ services: [noopLog], logger: () => undefined });
const workers = host.limits.concurrency;
say(
  `Node ${process.version}, ${availableParallelism()} CPUs, ${workers} sandbox workers, 2 spares per worker per function${quick ? ' (quick)' : ''}`,
);
if (!onlyHttp) {
  say('');
  say(
    '| component | floor: instantiate+invoke p50 / p99 | floor throughput (1 thread) | host p50 / p99 (spares ready) | host throughput (fresh sandbox each) | ratio host/floor throughput |',
  );
  say('|---|---|---|---|---|---|');
  const cases: [string, Uint8Array, number][] = [
    ['TS hello (componentize-js 0.23)', tsHello, quick ? 100 : 400],
    ...(rustHello
      ? ([['Rust hello (tests/fixtures/rust-glue/ping.wasm)', rustHello, quick ? 500 : 3000]] as [
          string,
          Uint8Array,
          number,
        ][])
      : []),
    ['WAT hello', watHelloBytes, quick ? 500 : 3000],
  ];
  const results: Record<string, { p50: number; ratio: number }> = {};
  for (const [label, bytes, n] of cases) {
    const once = await floorSetup(bytes);
    const f = floorLatency(once, Math.min(n, 1000));
    const fn = await host.load(bytes, { name: label.split(' ')[0]!.toLowerCase() });
    const isTs = label.startsWith('TS');
    const lat = await latency(fn, Math.min(n, isTs ? 300 : 1000), isTs ? 12 : 2);
    const tput = await pairedThroughput(once, fn, n, workers * 2);
    results[label] = { p50: lat.p50, ratio: tput.host / tput.floor };
    say(
      `| ${label} | ${ms(f.p50)} / ${ms(f.p99)} | ${tput.floor.toFixed(0)}/s | ${ms(lat.p50)} / ${ms(lat.p99)} | ${tput.host.toFixed(0)}/s | ${(tput.host / tput.floor).toFixed(2)} |`,
    );
  }

  const calls = 100;
  const l0 = await host.load(await watLogger(0), { name: 'log0' });
  const l100 = await host.load(await watLogger(calls), { name: 'log100' });

  /**
   * Host call vs bare bridge, measured in alternating slices (so both see the same machine), and in
   * two conditions: as the machine is, and with one extra thread spinning. The bridge's futex
   * round trip depends a lot on whether the other core is asleep (measured: ~0.05 ms on an idle
   * 2-core VM, ~0.013 ms with one core kept busy), so a ratio is only meaningful within a condition.
   */
  async function hostCallVsBridge(
    rounds: number,
  ): Promise<{ perCall: number; bridge: number; bridgeP99: number }> {
    const perCalls: number[] = [];
    const bridges: number[] = [];
    const bridgeP99s: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const a = await latency(l0, quick ? 100 : 200, 2);
      const b = await latency(l100, quick ? 100 : 200, 2);
      perCalls.push((b.p50 - a.p50) / calls);
      const bridge = await bareBridge(quick ? 1000 : 3000);
      bridges.push(bridge.p50);
      bridgeP99s.push(bridge.p99);
    }
    return { perCall: pct(perCalls, 50), bridge: pct(bridges, 50), bridgeP99: pct(bridgeP99s, 50) };
  }

  const asIs = await hostCallVsBridge(quick ? 2 : 4);
  const spinner = new Worker('for (;;) {}', { eval: true });
  await sleep(100);
  const busy = await hostCallVsBridge(quick ? 2 : 4);
  await spinner.terminate();
  say('');
  say(
    'Host call (momento:log/logging#log to a synchronous no-op service): (p50 of an invocation making 100 calls − p50 of one making 0) / 100, vs the bare bridge round trip (worker postMessage + Atomics.wait, main stores the answer + notify) p50; median of alternating slices:',
  );
  say('');
  say('| condition | host call | bare bridge p50 / p99 | ratio (target ≤ 2) |');
  say('|---|---|---|---|');
  for (const [label, m] of [
    ['machine as is', asIs],
    ['one extra thread spinning (other cores never idle)', busy],
  ] as const) {
    say(
      `| ${label} | ${ms(m.perCall)} | ${ms(m.bridge)} / ${ms(m.bridgeP99)} | **${(m.perCall / m.bridge).toFixed(2)}** ${m.perCall / m.bridge <= 2 ? 'met' : 'NOT met'} |`,
    );
  }
  say('');
  for (const [label, r] of Object.entries(results)) {
    const target = label.startsWith('TS') ? 2 : 0.3;
    say(
      `- ${label}: p50 ${ms(r.p50)} (target ≤ ${target} ms: ${r.p50 <= target ? 'met' : 'NOT met'}); throughput ratio ${r.ratio.toFixed(2)} (target ≥ 0.8: ${r.ratio >= 0.8 ? 'met' : 'NOT met'})`,
    );
  }
}
await host.close();

// ---------------------------------------------------------------------------------------------
// The peer to beat (architecture.md): requests/s over HTTP with wrk, a fresh sandbox each time.
// Ours: the reference server (`serve`) over this host. The floor for Rust: a bare node:http server
// that instantiates the component in-process for every request (no pool, no isolation). jco serve
// --isolate-requests instance was measured at 25-34 req/s for a componentize-js pong on this
// machine (architecture.md); the target for the TS hello is 10x that.

function wrk(url: string, seconds: number, connections: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      if (!m) return reject(new Error(`wrk printed no Requests/sec:\n${out}`));
      if (non2xx) return reject(new Error(`wrk saw ${non2xx[1]} error responses from ${url}`));
      resolve(Number(m[1]));
    });
  });
}

async function bareServer(once: () => Uint8Array): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = once();
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

if (!noPeer) {
  const dir = join(root, 'node_modules', '.cache', 'momento-bench', 'peer');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ts-hello.wasm'), tsHello);
  const functions = [{ name: 'ts', entry: join(dir, 'ts-hello.wasm') }];
  if (rustHello) functions.push({ name: 'rust', entry: rustPath });
  const { serve } = (await import(
    pathToFileURL(join(root, 'packages', 'runtime', 'dist', 'server.js')).href
  )) as typeof import('../../packages/runtime/src/server/index.js');
  const seconds = quick ? 2 : 6;
  const silent: import('../../packages/runtime/src/server/index.js').ServerLogger = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const running = await serve({
    functions,
    port: 0,
    cwd: dir,
    logger: silent,
    hostOptions: { logger: () => undefined },
  });
  say('');
  say(`Over HTTP (wrk -t1 -c16 -d${seconds}s, loopback; reference server with a fresh sandbox per request):`);
  say('');
  say('| what | requests/s | target |');
  say('|---|---|---|');
  await wrk(`${running.url}/functions/default/ts`, 1, 4); // warm-up
  const tsRps = await wrk(`${running.url}/functions/default/ts`, seconds, 16);
  say(
    `| TS hello, reference server | ${tsRps.toFixed(0)} | ≥ 10 × jco serve --isolate-requests instance (25–34 req/s) = 250–340: ${tsRps >= 340 ? 'met' : tsRps >= 250 ? 'met against the low end' : 'NOT met'} |`,
  );
  if (rustHello) {
    const bare = await bareServer(await floorSetup(rustHello));
    await wrk(bare.url, 1, 4);
    await wrk(`${running.url}/functions/default/rust`, 1, 4);
    // Alternate the two, so both see the same load from the rest of the machine.
    let ours = 0;
    let theirs = 0;
    for (let r = 0; r < 2; r++) {
      theirs += await wrk(bare.url, seconds / 2, 16);
      ours += await wrk(`${running.url}/functions/default/rust`, seconds / 2, 16);
    }
    await bare.close();
    say(
      `| Rust hello, bare node:http instantiating in-process per request | ${(theirs / 2).toFixed(0)} | (floor) |`,
    );
    say(
      `| Rust hello, reference server | ${(ours / 2).toFixed(0)} | ≥ the bare floor: ${ours >= theirs ? 'met' : `NOT met (${(ours / theirs).toFixed(2)} ×)`} |`,
    );
  }
  await running.close();
}

await writeFile(
  join(root, 'node_modules', '.cache', 'momento-bench', 'last-results.md'),
  `${lines.join('\n')}\n`,
);
