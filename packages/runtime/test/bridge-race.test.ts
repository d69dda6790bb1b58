/**
 * The host-call bridge under stress: many synchronous host calls per invocation, in more workers
 * than cores, while one extra thread per core keeps every core busy, so any thread (the main one
 * included) can be preempted at any instruction. A reply that is lost, a reply taken for the
 * wrong call, or a wake-up taken for an answer shows up as a failed invocation here (the guest
 * checks every result and traps on a wrong one).
 *
 * The busy threads call `Atomics.notify` in a loop: V8 serializes every wait and notify of the
 * process on one lock, so the host's notify (and the worker's wait) are delayed by a varying
 * amount, as on a busy host with many workers. Before the bridge waited in a loop on a
 * sequence-numbered reply word, this failed on the first few thousand calls.
 *
 * Default: 100k host calls, at most ~40 s of calls (CI). `MF_STRESS=1`: 4M calls, no time bound
 * (tens of minutes on a busy 2-core machine); `MF_STRESS_CALLS=<n>` sets the number of calls.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host, type HostService } from '../src/index.js';
import { watComponent } from './helpers/components.js';

const long = process.env.MF_STRESS === '1';
const totalCalls = Number(process.env.MF_STRESS_CALLS ?? (long ? 4_000_000 : 100_000));
/** No new invocation starts after this long (the default variant must stay bounded on a loaded machine). */
const budgetMs = long ? Number.POSITIVE_INFINITY : 40_000;
/** Loop iterations per invocation; each makes two host calls. */
const ITERATIONS = 1000;
const CALLS_PER_INVOCATION = 2 * ITERATIONS;
const invocations = Math.ceil(totalCalls / CALLS_PER_INVOCATION);
const cores = availableParallelism();
/** More sandboxes than cores, so workers and the main thread are preempted often. */
const workers = Math.max(4, 2 * cores);

const WORLD = `package test:bridge-stress;
world guest {
  import momento:web-function/web-function-support@1.0.0;
  import momento:log/logging@1.0.0;
  export momento:web-function/guest-function-web@1.0.0;
}
`;

/**
 * Per iteration i: `log("hello from wat", info)` (a call answered by the reply word alone) and
 * `configure-logging(list of (i & 1) zeroed records)` (a call answered with a reply message: the
 * service returns err for one record and ok for none). The guest checks that the result matches
 * the call it made (`unreachable` traps otherwise), so a reply handed to the wrong call fails too.
 */
const GUEST = `(module
  (import "momento:bytes/bytes@1.0.0" "[resource-drop]buffer" (func $drop (param i32)))
  (import "momento:log/logging@1.0.0" "log" (func $log (param i32 i32 i32)))
  (import "momento:log/logging@1.0.0" "configure-logging" (func $configure (param i32 i32 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "cabi_post_momento:web-function/guest-function-web@1.0.0#invoke") (param i32))
  (data (i32.const 16) "hello from wat")
  (data (i32.const 40) "ok")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (local $i i32)
    (if (i32.eqz (local.get 0)) (then (call $drop (local.get 1))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${ITERATIONS})))
      (call $log (i32.const 16) (i32.const 14) (i32.const 2))
      (i32.store8 (i32.const 128) (i32.const 7))
      (call $configure (i32.const 512) (i32.and (local.get $i) (i32.const 1)) (i32.const 128))
      (if (i32.ne (i32.load8_u (i32.const 128)) (i32.and (local.get $i) (i32.const 1)))
        (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.store16 (i32.const 256) (i32.const 200))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (i32.store8 (i32.const 268) (i32.const 1))
    (i32.store (i32.const 272) (i32.const 40))
    (i32.store (i32.const 276) (i32.const 2))
    (i32.const 256)))`;

/** Keeps a core busy and V8's wait/notify lock contended (nobody waits on this word). */
const SPINNER = `const word = new Int32Array(new SharedArrayBuffer(4));
for (;;) Atomics.notify(word, 0);`;
let served = 0;
const service: HostService = {
  interface: 'momento:log/logging@1.0.0',
  functions: {
    log: (() => {
      served++;
    }) as HostService['functions'][string],
    configureLogging: ((_ctx, inputs: unknown[]) => {
      served++;
      return inputs.length === 1
        ? { tag: 'err', val: { tag: 'auth', val: 'no' } }
        : { tag: 'ok', val: undefined };
    }) as HostService['functions'][string],
  },
};

let host: Host;
const spinners: Worker[] = [];
beforeAll(async () => {
  host = await createHost({
    services: [service],
    logger: () => undefined,
    limits: { concurrency: workers, timeoutMs: 120_000, maxQueued: workers },
  });
});
afterAll(async () => {
  await Promise.all(spinners.map((s) => s.terminate()));
  await host.close();
});

describe('the host-call bridge', () => {
  it(
    `answers every synchronous host call exactly once, with its own answer (up to ${invocations * CALLS_PER_INVOCATION} calls, ${workers} workers, ${cores} busy threads)`,
    async () => {
      const fn = await host.load(await watComponent(WORLD, GUEST), { name: 'bridge-stress' });
      expect((await fn.invoke()).text()).toBe('ok');
      served = 0;
      // One busy thread per core: no core is ever idle, so every thread is preempted at
      // arbitrary points rather than only when it blocks.
      for (let i = 0; i < cores; i++) spinners.push(new Worker(SPINNER, { eval: true }));
      const failures = new Map<string, number>();
      let started = 0;
      let ok = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (started < invocations && performance.now() - start < budgetMs) {
            started++;
            const res = await fn.invoke();
            if (res.status === 200 && res.text() === 'ok') ok++;
            else {
              const why = `${res.status}: ${res.text()}`;
              failures.set(why, (failures.get(why) ?? 0) + 1);
            }
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      await Promise.all(spinners.splice(0).map((s) => s.terminate()));
      const failed = started - ok;
      const summary = `${failed} of ${started} invocations failed (${started * CALLS_PER_INVOCATION} host calls attempted, ${served} served, ${seconds.toFixed(1)} s): ${JSON.stringify([...failures])}`;
      console.log(`bridge stress: ${summary}`);
      expect(failed, summary).toBe(0);
      expect(served, summary).toBe(started * CALLS_PER_INVOCATION);
    },
    long ? 1_800_000 : 120_000,
  );
});
