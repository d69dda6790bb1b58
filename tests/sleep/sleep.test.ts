// A blocking sleep for guests: sleep() of @momento-functions/guest-web (tests/sleep/guest.ts,
// built with componentize-js) and Rust's std::thread::sleep (tests/fixtures/rust-official/sleep,
// the official crates) both block through wasi:clocks/monotonic-clock `subscribe-duration` and
// the pollable's `block`, which the reference host serves with Atomics.wait in the worker: wall
// time passes, CPU does not, the invocation's time limit still applies.
// Needs the guest packages built (`npm run build`): the guest imports them by name.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from '@momento-functions/build';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let host: Host;
let limited: Host;
let ts: FunctionHandle;
let rust: FunctionHandle;
let tsLimited: FunctionHandle;
let rustLimited: FunctionHandle;
let wasmPath = '';

beforeAll(async () => {
  ({ wasmPath } = await build({
    entry: join(import.meta.dirname, 'guest.ts'),
    outFile: join(tmpdir(), `momento-sleep-${process.pid}.wasm`),
  }));
  const rustPath = join(ROOT, 'tests/fixtures/rust-official/sleep.wasm');
  host = await createHost({ backends: { log: false } });
  limited = await createHost({ backends: { log: false }, limits: { timeoutMs: 300 } });
  ts = await host.load(wasmPath, { name: 'sleep-ts', cache: 'c' });
  rust = await host.load(rustPath, { name: 'sleep-rust', cache: 'c' });
  tsLimited = await limited.load(wasmPath, { name: 'sleep-ts', cache: 'c' });
  rustLimited = await limited.load(rustPath, { name: 'sleep-rust', cache: 'c' });
  // Warm both (first invocations pay for instantiation, not for sleeping).
  await ts.invoke({ headers: { 'x-sleep-ms': '0' } });
  await rust.invoke({ body: '0' });
});
afterAll(async () => {
  await host?.close();
  await limited?.close();
});

/**
 * Wall and process CPU (main thread + every worker) of one call, in ms. It first lets the workers
 * finish refilling their spare instances (instantiating one costs CPU too), so what is measured is
 * the invocation.
 */
async function measure<T>(run: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  await new Promise((r) => setTimeout(r, 500));
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

describe('sleep(200) blocks for ≥ 200 ms of wall time and ~0 CPU', () => {
  it('TypeScript: sleep() of guest-web', async () => {
    const baseline = await measure(() => ts.invoke({ headers: { 'x-sleep-ms': '0' }, body: 'x' }));
    const {
      result: res,
      wallMs,
      cpuMs,
    } = await measure(() => ts.invoke({ headers: { 'x-sleep-ms': '200' }, body: 'x' }));
    expect(res.status).toBe(200);
    const body = res.json<{ slept: number; sleeps: number; bodyOnHost: boolean }>();
    console.log(
      `TS sleep(200): wall ${wallMs.toFixed(1)} ms, CPU ${cpuMs.toFixed(1)} ms (sleep(0): wall ${baseline.wallMs.toFixed(1)} ms, CPU ${baseline.cpuMs.toFixed(1)} ms), guest clock ${body.slept.toFixed(1)} ms`,
    );
    expect(body.slept).toBeGreaterThanOrEqual(200);
    expect(body.sleeps).toBe(1); // a fresh instance, as always
    expect(body.bodyOnHost).toBe(true);
    expect(wallMs).toBeGreaterThanOrEqual(200);
    // The 200 ms of sleep add (almost) no CPU to what the same invocation costs without it.
    expect(cpuMs - baseline.cpuMs).toBeLessThan(25);
  });

  it('Rust: std::thread::sleep of an official-crate guest', async () => {
    const baseline = await measure(() => rust.invoke({ body: '0' }));
    const { result: res, wallMs, cpuMs } = await measure(() => rust.invoke({ body: '200' }));
    expect(res.status).toBe(200);
    const slept = Number(/^slept (\d+) ms$/.exec(res.text())?.[1]);
    console.log(
      `Rust thread::sleep(200 ms): wall ${wallMs.toFixed(1)} ms, CPU ${cpuMs.toFixed(1)} ms (0 ms: wall ${baseline.wallMs.toFixed(1)} ms, CPU ${baseline.cpuMs.toFixed(1)} ms), guest clock ${slept} ms`,
    );
    expect(slept).toBeGreaterThanOrEqual(200);
    expect(wallMs).toBeGreaterThanOrEqual(200);
    // The 200 ms of sleep add (almost) no CPU to what the same invocation costs without it.
    expect(cpuMs - baseline.cpuMs).toBeLessThan(25);
  });

  it('what the guest holds survives the sleep: the unread request body is passed through after it', async () => {
    const res = await ts.invoke({ path: 'echo', headers: { 'x-sleep-ms': '50' }, body: 'still here' });
    expect([res.status, res.text()]).toEqual([200, 'still here']);
  });

  it('a bad duration is refused by the guest package with a clear error', async () => {
    const res = await ts.invoke({ headers: { 'x-sleep-ms': '-5' } });
    expect(res.status).toBe(500);
    expect(res.text()).toContain('sleep(ms): ms must be a finite number of milliseconds, 0 or more; got -5');
  });
});

describe('a sleep past the time limit: the invocation is stopped at its limit', () => {
  for (const [label, call] of [
    ['TypeScript', () => tsLimited.invoke({ headers: { 'x-sleep-ms': '5000' } })],
    ['Rust', () => rustLimited.invoke({ body: '5000' })],
  ] as const) {
    it(`${label}: 504 at the 300 ms limit, not after 5 s, without burning CPU`, async () => {
      const { result: res, wallMs, cpuMs } = await measure(call);
      console.log(
        `${label} sleep(5000) under a 300 ms limit: ${res.status} after ${wallMs.toFixed(1)} ms, CPU ${cpuMs.toFixed(1)} ms`,
      );
      expect(res.status).toBe(504);
      expect(res.text()).toBe(
        'the function ran longer than its time limit of 300 ms and was stopped (limits.timeoutMs)',
      );
      expect(wallMs).toBeGreaterThanOrEqual(290);
      expect(wallMs).toBeLessThan(2000);
      expect(cpuMs).toBeLessThan(wallMs / 2); // asleep, not spinning
    });
  }
});
