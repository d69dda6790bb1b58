/**
 * TypeScript shapes of the host interfaces this package imports, as componentize-js 0.23 hands
 * them to JavaScript: WIT names in camelCase, `option<T>` as `T | undefined`, records as plain
 * objects, and a WIT `result<_, string>` as a function that returns normally on `ok` and throws a
 * `ComponentError` (not an `Error` instance) whose `payload` is the `err` string.
 *
 * These modules exist only inside a component; tsup and the build keep them external. No public
 * type of this package refers to them.
 */

declare module 'momento:web-function/web-function-support@1.0.0' {
  export interface Header {
    name: string;
    value: string;
  }
  export interface QueryParameter {
    name: string;
    value: string;
  }
  /** Take-once: the request headers. */
  export function headers(): Header[];
  /** Take-once: the query parameters (names may repeat). */
  export function queryParameters(): QueryParameter[];
  /** Take-once: the caller token's metadata (its token id). */
  export function tokenMetadata(): string | undefined;
  export function invocationId(): string;
  export function httpMethod(): string;
  /** Take-once: the path below the function's base URL. */
  export function invocationPath(): string | undefined;
}

declare module 'momento:web-function/web-function-stream@1.0.0' {
  import type { Header } from 'momento:web-function/web-function-support@1.0.0';
  import type { WitData } from '@momento-functions/bytes';
  /** Throws `{ payload: string }` on `err`. */
  export function sendSse(
    event: string | undefined,
    eventId: string | undefined,
    data: WitData | undefined,
  ): void;
  /** Throws `{ payload: string }` on `err`. */
  export function sendResponseStart(status: number, headers: Header[]): void;
  /** Throws `{ payload: string }` on `err`. */
  export function sendData(data: WitData): void;
}

declare module 'wasi:cli/environment@0.2.3' {
  export function getEnvironment(): [string, string][];
  export function getArguments(): string[];
  export function initialCwd(): string | undefined;
}

// Imported by sleep(): a pollable of the monotonic clock, blocked on (componentize-js hands a
// WIT resource to JavaScript as an object with its methods and `Symbol.dispose` to drop it).
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
