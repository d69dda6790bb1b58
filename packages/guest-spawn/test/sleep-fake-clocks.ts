// Fake of wasi:clocks/monotonic-clock@0.2.3 and the pollable of wasi:io/poll@0.2.3: records the
// calls sleep() makes instead of waiting.
export const clockCalls: { fn: string; ns: bigint }[] = [];

class Pollable {
  constructor(readonly ns: bigint) {}
  ready(): boolean {
    return true;
  }
  block(): void {
    clockCalls.push({ fn: 'block', ns: this.ns });
  }
  [Symbol.dispose](): void {
    clockCalls.push({ fn: 'drop', ns: this.ns });
  }
}

export function now(): bigint {
  return process.hrtime.bigint();
}
export function resolution(): bigint {
  return 1n;
}
export function subscribeInstant(when: bigint): Pollable {
  return new Pollable(when);
}
export function subscribeDuration(ns: bigint): Pollable {
  clockCalls.push({ fn: 'subscribe-duration', ns });
  return new Pollable(ns);
}
