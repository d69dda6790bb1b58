/**
 * TypeScript shape of `momento:valkey/valkey@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript: resources as classes whose instances are handles (dropped with `Symbol.dispose`),
 * variants `{ tag, val? }`, `s64` as `bigint`, `option` as `T | undefined`, and the
 * `result<value, valkey-error>` of `command` as a method that returns the value or throws a
 * `ComponentError` whose `payload` is the `valkey-error`. Exists only inside a component; no
 * public type of this package refers to it.
 */
declare module 'momento:valkey/valkey@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export type ValkeyError = { tag: 'other'; val: string };
  export interface Command {
    command: string;
    arguments: WitData[];
  }
  export type Value =
    | { tag: 'nil' }
    | { tag: 'int'; val: bigint }
    | { tag: 'data'; val: WitData }
    | { tag: 'bulk'; val: ResponseStream }
    | { tag: 'ok' }
    | { tag: 'simple-string'; val: string }
    | { tag: 'simple-error'; val: string };
  export class ResponseStream {
    next(): Value | undefined;
  }
  export class ClusterClient {
    command(command: Command): Value;
  }
  export function getManagedClusterClient(clusterName: string): ClusterClient;
}
