/**
 * The shapes the server works with. A {@link ServableFunction} is what the server invokes; the
 * adapter in `host-adapter.ts` turns a function loaded by the runtime host into one, so the
 * server's routing, async queue and auth never depend on the host's internals.
 */

/** A header or query parameter as an ordered `[name, value]` pair (duplicates allowed). */
export type Pair = [name: string, value: string];

/** One web invocation as the server hands it to a function. */
export interface ServerInvokeRequest {
  /** HTTP method, upper case. */
  method: string;
  /** Invocation path below the function's base URL, with a leading slash (`/` when there is none). */
  path: string;
  /** Query parameters in request order (may repeat). */
  query: Pair[];
  /** Request headers, names lower-cased, in request order. */
  headers: Pair[];
  /** The request body. */
  body: Uint8Array;
  /** The caller token's `token_id`, when auth is on and the token carried one. */
  tokenMetadata?: string;
  /**
   * The invocation's id (the guest's `__INVOCATION_ID`); the host picks one when absent. An async
   * invocation passes its job id, so the 202, the callback and the guest see the same id.
   */
  invocationId?: string;
  /** Aborted when the client goes away or the server gives up on the invocation. */
  signal?: AbortSignal;
}

/** A complete web response. */
export interface ServerInvokeResponse {
  status: number;
  headers: Pair[];
  body: Uint8Array;
}

/** A web response whose body is produced while the guest runs (SSE or raw streaming). */
export interface ServerStreamingResponse {
  status: number;
  headers: Pair[];
  /** Chunks in the order the guest produced them; ends when the invocation ends. */
  body: AsyncIterable<Uint8Array>;
  /**
   * The whole body, when it was already complete as the status and headers became known (a guest
   * that returned its response): the server then writes it in one go with a content-length, and
   * `body` yields the same bytes to anyone who iterates it. Absent for streams.
   */
  complete?: Uint8Array;
}

/**
 * What a spawn function reported (`wit/deps/spawn-function`), as the host gives it: the WIT cases, or
 * `trap` when the invocation failed in the host.
 */
export type SpawnOutcome =
  | { readonly tag: 'ok' }
  | { readonly tag: 'ok-note'; readonly val: string }
  | { readonly tag: 'failed' }
  | { readonly tag: 'failed-note'; readonly val: string }
  | { readonly tag: 'host-error'; readonly val: string }
  | { readonly tag: 'trap'; readonly val: string };

/** The kind of function: a web function answers requests, a spawn function is spawned. */
export type FunctionKind = 'web' | 'spawn';

/** A function the server can call. */
export interface ServableFunction {
  /** The function's name (the `<function>` in its URLs). */
  readonly name: string;
  /** The cache (namespace, space) it runs in. */
  readonly cache: string;
  /** Whether it is a web or a spawn function. */
  readonly kind: FunctionKind;
  /** Runs a web invocation to completion. */
  invoke(request: ServerInvokeRequest): Promise<ServerInvokeResponse>;
  /** Runs a web invocation, resolving as soon as the status and headers are committed. */
  invokeStreaming(request: ServerInvokeRequest): Promise<ServerStreamingResponse>;
  /** Runs a spawn function with a payload. */
  spawn(payload: Uint8Array): Promise<SpawnOutcome>;
  /** Maps positions in a guest error text back to the TypeScript sources, when a source map exists. */
  mapError?(text: string): string;
}

/** Where the server writes what happens (spawn outcomes, callback failures, reloads). */
export interface ServerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
