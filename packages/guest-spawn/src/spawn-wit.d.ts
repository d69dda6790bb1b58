/**
 * TypeScript shape of `momento:spawn/spawn@1.0.0` as componentize-js 0.23 hands it to JavaScript:
 * `result<_, spawn-error>` is a function that returns `undefined` for `ok` and throws a
 * `ComponentError` whose `payload` is the `spawn-error` variant for `err`. Exists only inside a
 * component; no public type of this package refers to it.
 */
declare module 'momento:spawn/spawn@1.0.0' {
  export type SpawnError =
    | { tag: 'function-not-found' }
    | { tag: 'internal-error' }
    | { tag: 'limit'; val: string };
  export function spawnFunction(name: string, data: Uint8Array): void;
}
