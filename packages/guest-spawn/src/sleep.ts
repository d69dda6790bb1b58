/// <reference path="./sleep-wit.d.ts" />
import { subscribeDuration } from 'wasi:clocks/monotonic-clock@0.2.3';

const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');
/** The longest sleep a WIT `duration` can hold (u64 nanoseconds, about 584 years). */
const MAX_NS = 2n ** 64n - 1n;
const MAX_NS_NUMBER = Number(MAX_NS);

/**
 * Blocks the function for `ms` milliseconds: the TypeScript counterpart of Rust's
 * `std::thread::sleep` on wasip2, through the same WASI calls (a `wasi:clocks/monotonic-clock`
 * `subscribe-duration` pollable, then its `block`). Handlers are synchronous, so this is how a
 * function waits, e.g. before polling the cache again for a value another invocation is computing.
 * (The same function as `sleep` of `@momento-functions/guest-web`.)
 *
 * - The host parks the invocation without using CPU; nothing the function holds is released.
 * - The time counts against the invocation's time limit. A sleep that would end after it is not
 *   cut short: the invocation is stopped at its limit, as any other (on the reference host the
 *   spawn's outcome is then a trap naming `limits.timeoutMs`).
 * - `ms` may have a fraction (nanosecond precision); `0` returns at once; beyond 2^64 ns (about
 *   584 years) it is capped.
 *
 * @param ms - how long to wait, in milliseconds: a finite number ≥ 0.
 * @throws RangeError for a negative or non-finite value (or not a number).
 * @example
 * ```ts
 * import { get } from '@momento-functions/cache';
 * import { sleep, spawn } from '@momento-functions/guest-spawn';
 *
 * export default spawn(() => {
 *   for (let attempt = 0; attempt < 10; attempt++) {
 *     const value = get('report');
 *     if (value !== undefined) return; // done
 *     sleep(100); // another invocation is filling it
 *   }
 *   throw new Error('not ready');
 * });
 * ```
 */
export function sleep(ms: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(
      `sleep(ms): ms must be a finite number of milliseconds, 0 or more; got ${typeof ms === 'number' ? ms : typeof ms}`,
    );
  }
  const ns = ms * 1e6;
  const nanoseconds = ns >= MAX_NS_NUMBER ? MAX_NS : BigInt(Math.round(ns));
  if (nanoseconds === 0n) return;
  const pollable = subscribeDuration(nanoseconds);
  try {
    pollable.block();
  } finally {
    const dispose = (pollable as unknown as Record<symbol, unknown>)[DISPOSE];
    if (typeof dispose === 'function') dispose.call(pollable);
  }
}
