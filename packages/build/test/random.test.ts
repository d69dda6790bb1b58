// Randomness must differ per invocation: the platform gives every invocation a fresh instance of
// the snapshot, so a PRNG seeded at build time would answer the same "random" values every time.
// Built through the real build, loaded in the real host (@momento-functions/runtime), invoked
// 1,000 times.
import { join, resolve } from 'node:path';
import { createHost, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildResult, build } from '../src/index.js';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const out = resolve(import.meta.dirname, '../../../node_modules/.cache/momento-functions/test-out/random');

const INVOCATIONS = 1_000;
/** Invocations in flight at once (the host queues up to 64 by default). */
const BATCH = 50;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The first Math.random() of every instance when the PRNG state was part of the snapshot. */
const SNAPSHOT_FIRST_MATH_RANDOM = 0.48401551228016615;

interface Answer {
  math: number;
  uuid: string;
  bytes: number[];
}

describe('randomness in a built function', () => {
  let result: BuildResult;
  let host: Host;
  beforeAll(async () => {
    result = await build({ entry: join(fixtures, 'web-random.ts'), outFile: join(out, 'web-random.wasm') });
    host = await createHost({ logger: () => {} });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('imports wasi:random/random (served by the host) and prints no randomness warning', () => {
    expect(result.report.kind).toBe('web');
    expect(result.report.wasiImports).toContain('wasi:random/random@0.2.12');
    expect(result.report.engineWasiImports).not.toContain('wasi:random/random@0.2.12');
    expect(result.report.randomness).toEqual(['Math.random', 'crypto.getRandomValues', 'crypto.randomUUID']);
    expect(result.report.warnings.join('\n')).not.toMatch(/random/i);
  });

  it(`answers ${INVOCATIONS} distinct UUIDs, Math.random values and random bytes in ${INVOCATIONS} invocations`, async () => {
    const fn = await host.load(result.wasmPath, { name: 'web-random' });
    const answers: Answer[] = [];
    const started = Date.now();
    for (let i = 0; i < INVOCATIONS; i += BATCH) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(BATCH, INVOCATIONS - i) }, () => fn.invoke({ body: '' })),
      );
      for (const res of batch) {
        expect(res.status, res.text()).toBe(200);
        answers.push(JSON.parse(res.text()) as Answer);
      }
    }
    const ms = Date.now() - started;
    console.info(`${INVOCATIONS} invocations in ${ms} ms (${((INVOCATIONS * 1000) / ms).toFixed(0)}/s)`);

    expect(answers).toHaveLength(INVOCATIONS);
    for (const a of answers) {
      expect(a.uuid).toMatch(UUID_V4);
      expect(a.math).toBeGreaterThanOrEqual(0);
      expect(a.math).toBeLessThan(1);
      expect(a.bytes).toHaveLength(16);
    }
    expect(new Set(answers.map((a) => a.uuid)).size).toBe(INVOCATIONS);
    expect(new Set(answers.map((a) => a.math)).size).toBe(INVOCATIONS);
    expect(new Set(answers.map((a) => a.bytes.join(','))).size).toBe(INVOCATIONS);
    expect(answers.map((a) => a.math)).not.toContain(SNAPSHOT_FIRST_MATH_RANDOM);
  });
});
