/**
 * The contract between the sandbox bridge and the host services (cache, topics, logs,
 * tokens, HTTP, spawn, ...). Services run on the main thread; guests call them synchronously
 * from a worker, and the bridge carries arguments and results across.
 *
 * Values use jco's JavaScript representation of the WIT types: records are camelCase objects,
 * variants and enums `{ tag: 'kebab-case', val? }` / `'kebab-case'`, options `T | undefined`,
 * `u64`/`s64` are `bigint`, `list<u8>` is `Uint8Array`. A WIT `result<T, E>` is returned as a
 * {@link WitResult}. A `data` argument always arrives materialized as
 * `{ tag: 'value', val: Uint8Array }`; a `data` result may be returned as bytes or as a
 * {@link HostBody} stream, which the guest then reads through a `buffer` resource.
 */

/** A WIT `result<T, E>` crossing the bridge. */
export type WitResult<T, E> =
  | {
      /** `'ok'`: the call succeeded. */
      tag: 'ok';
      /** The call's result. */
      val: T;
    }
  | {
      /** `'err'`: the call failed with one of the interface's error cases. */
      tag: 'err';
      /** The error case and its payload. */
      val: E;
    };

/** A streamed body produced by the host (for example an HTTP response body). */
export type HostBody = AsyncIterable<Uint8Array>;

/** A WIT `data` value as services see it. */
export type ServiceData =
  | {
      /** `'value'`: the bytes are all here, in `val`. */
      tag: 'value';
      /** The bytes. */
      val: Uint8Array;
    }
  | {
      /** `'buffer'`: the bytes stream in, handed to the guest as a host buffer it reads from. */
      tag: 'buffer';
      /** The body, read chunk by chunk. */
      val: HostBody;
    };

/** What a service knows about the invocation that called it. */
export interface InvocationContext {
  /** The function's name (`__FUNCTION_NAME`). */
  readonly functionName: string;
  /** The cache (namespace) the function runs in (`__CACHE_NAME`). */
  readonly cacheName: string;
  /** This invocation's id (`__INVOCATION_ID`). */
  readonly invocationId: string;
  /** Aborted when the invocation ends, times out or its client goes away. */
  readonly signal: AbortSignal;
  /**
   * The calling guest's limits. Services bound every allocation they make for the guest by
   * them (a reply larger than the guest's memory could never reach it, so it is refused before
   * the host allocates it). Absent: the host defaults apply (see `guestMemoryBytes`).
   */
  readonly limits?: GuestLimits;
}

/** The limits of the guest behind an {@link InvocationContext}. */
export interface GuestLimits {
  /** The guest's linear memory limit in bytes (`HostLimits.memoryBytes`). */
  readonly memoryBytes: number;
}

/** One host function: receives the invocation context, then the WIT arguments in order. */
export type ServiceFunction = (ctx: InvocationContext, ...args: never[]) => unknown | Promise<unknown>;

/** The host side of one WIT interface. */
export interface HostService {
  /** Full versioned interface name, e.g. `momento:cache-scalar/cache-scalar@1.0.0`. */
  readonly interface: string;
  /** Functions by their jco (camelCase) name, e.g. `setIfHash`. */
  readonly functions: Readonly<Record<string, ServiceFunction>>;
  /** Releases connections and timers when the host closes. */
  close?(): Promise<void> | void;
}

/**
 * A host-side object behind a WIT resource handle (valkey's `cluster-client` and
 * `response-stream`, aws-auth's `credentials-provider`, the aws `client`s). A service creates
 * it (from a `[constructor]` function, or as any part of a function's result) and the bridge
 * keeps it on the main thread for the life of the invocation: the guest only ever holds a
 * handle. Methods reach the service as functions named `[method]<resource>.<method>` (WIT
 * names, e.g. `[method]cluster-client.command`) whose first argument after the context is this
 * object; a `borrow<…>`/`own<…>` argument arrives as the object too. `[constructor]<resource>`
 * gets `(ctx, ...args)` and must return the new object; `[static]<resource>.<f>` gets
 * `(ctx, ...args)`. When the guest drops its last handle to the object, or the invocation ends
 * (answer, trap, timeout, cancel), the bridge calls {@link HostResource.drop} — once. Return a new
 * object per invocation (wrap pooled connections): objects never outlive their invocation.
 * Details: docs/runtime.md, "Writing a host service".
 *
 * @example
 * class ClusterClient extends HostResource {
 *   readonly resource = 'cluster-client';
 *   constructor(readonly redis: Redis) { super(); }
 * }
 * // functions: { getManagedClusterClient: (ctx, name) => new ClusterClient(pool.get(name)),
 * //              '[method]cluster-client.command': (ctx, self: ClusterClient, command) => … }
 */
export abstract class HostResource {
  /** The WIT resource name (kebab-case, e.g. `response-stream`). */
  abstract readonly resource: string;
  /** Releases what the object holds; called once, when the guest drops it or the invocation ends. */
  drop(): void | Promise<void> {}
}
