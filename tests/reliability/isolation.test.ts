/**
 * Isolation: every invocation runs in a never-used instance. The counter fixture
 * (tests/fixtures/rust-official/counter, official crates) increments a static and answers its new
 * value, so every answer must be "1"; a "2" would mean an instance was reused.
 * CI: 1,000 invocations; MF_RELIABILITY_LONG=1: 10,000.
 */
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, pick, report } from './support.js';

const N = pick(1_000, 10_000);
const IN_FLIGHT = 8;

let host: Host;
let counter: FunctionHandle;

beforeAll(async () => {
  host = await createHost({ backends: { log: false }, logger: () => undefined });
  counter = await host.load(fixture('rust-official', 'counter'), { name: 'counter' });
});
afterAll(() => host?.close());

it(`${N} invocations of a guest with a static counter: every answer is the fresh-instance value`, async () => {
  const answers = new Map<string, number>();
  let next = 0;
  const started = Date.now();
  const lane = async () => {
    while (next < N) {
      next++;
      const res = await counter.invoke({ method: 'POST', body: '' });
      const key = `${res.status} ${res.text()}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const ms = Date.now() - started;
  const fresh = answers.get('200 1') ?? 0;
  report('isolation', {
    tried: N,
    held: fresh,
    answers: Object.fromEntries(answers),
    inFlight: IN_FLIGHT,
    ms,
    perSecond: Math.round((N / ms) * 1000),
  });
  expect(Object.fromEntries(answers)).toEqual({ '200 1': N });
});
