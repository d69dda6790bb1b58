// sleep() in Node, against a recording fake of the WASI clock (the real one is exercised through
// a built component in tests/sleep/sleep.test.ts).
import { describe, expect, it } from 'vitest';
import { sleep } from '../src/index.js';
import { clockCalls } from './sleep-fake-clocks.js';

describe('sleep', () => {
  it('subscribes a duration in nanoseconds, blocks on it, then drops the pollable', () => {
    clockCalls.length = 0;
    sleep(200);
    sleep(1.5);
    expect(clockCalls).toEqual([
      { fn: 'subscribe-duration', ns: 200_000_000n },
      { fn: 'block', ns: 200_000_000n },
      { fn: 'drop', ns: 200_000_000n },
      { fn: 'subscribe-duration', ns: 1_500_000n },
      { fn: 'block', ns: 1_500_000n },
      { fn: 'drop', ns: 1_500_000n },
    ]);
  });

  it('returns at once for 0 and caps a duration beyond u64 nanoseconds', () => {
    clockCalls.length = 0;
    sleep(0);
    expect(clockCalls).toEqual([]);
    sleep(Number.MAX_VALUE);
    expect(clockCalls[0]).toEqual({ fn: 'subscribe-duration', ns: 2n ** 64n - 1n });
  });

  it('refuses what is not a duration, with a message that says what it wants', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => sleep(bad)).toThrow(/sleep\(ms\): ms must be a finite number of milliseconds, 0 or more/);
    }
  });
});
