/**
 * The shapes the server works with. A {@link ServableFunction} is what the server invokes; the
 * adapter in `host-adapter.ts` turns a function loaded by the runtime host into one, so the
 * server's routing, async queue and auth never depend on the host's internals.
 */
import type { SpawnOutcome } from '../types.js';

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
  /** HTTP status code the function answered with. */
  status: number;
  /** Response headers in the order the function set them (a name may repeat). */
  headers: Pair[];
  /** The whole response body (empty when the function wrote none). */
  body: Uint8Array;
}

/** A web response whose body is produced while the guest runs (SSE or raw streaming). */
export interface ServerStreamingResponse {
  /** HTTP status code, committed before the body starts. */
  status: number;
  /** Response headers in the order the function set them (a name may repeat). */
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

// One SpawnOutcome for the host and the server (the server maps `trap` messages to the sources).
export type { SpawnOutcome } from '../types.js';

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
  /** Records a routine event (a spawn that succeeded, a rebuild, resumed async jobs), with optional structured fields. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Records a problem the server worked around (a callback retry, an unreadable dead letter), with optional structured fields. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Records a failure (a spawn or invocation that failed, a callback given up as a dead letter), with optional structured fields. */
  error(message: string, fields?: Record<string, unknown>): void;
}
