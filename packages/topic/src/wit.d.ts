/**
 * TypeScript shape of `momento:topic/topic@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript: `result<_, error>` functions return nothing or throw a `ComponentError` whose
 * `payload` is the `error` variant. No public type of this package refers to it.
 */
declare module 'momento:topic/topic@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export type Error =
    | { tag: 'internal-error' }
    | { tag: 'request-cancelled' }
    | { tag: 'invalid-argument'; val: string }
    | { tag: 'timeout' }
    | { tag: 'permission-denied'; val: string }
    | { tag: 'limit-exceeded'; val: string }
    | { tag: 'failed-precondition'; val: string }
    | { tag: 'not-found'; val: string };

  export function publish(topic: string, value: string): void;
  export function publishBytes(topic: string, value: WitData): void;
}
