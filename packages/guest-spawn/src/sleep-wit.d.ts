/**
 * TypeScript shape of the WASI clock `sleep()` imports, as componentize-js 0.23 hands it to
 * JavaScript (a WIT resource is an object with its methods and `Symbol.dispose` to drop it).
 * Exists only inside a component; no public type of this package refers to it.
 */
declare module 'wasi:clocks/monotonic-clock@0.2.3' {
  import type { Pollable } from 'wasi:io/poll@0.2.3';
  export function now(): bigint;
  export function resolution(): bigint;
  export function subscribeInstant(when: bigint): Pollable;
  export function subscribeDuration(when: bigint): Pollable;
}

declare module 'wasi:io/poll@0.2.3' {
  export interface Pollable {
    ready(): boolean;
    block(): void;
  }
  export function poll(list: Pollable[]): Uint32Array;
}
