/**
 * Messages between the host (main thread) and its sandbox workers. Internal.
 *
 * Host calls: the worker posts a {@link CallMessage} and blocks in `Atomics.wait` on word 0 of
 * its control block; the main thread runs the service and either stores {@link REPLY_VOID} (the
 * call returned nothing) or posts the {@link CallReply} on the worker's reply port and stores
 * {@link REPLY_MESSAGE}, then notifies. The worker wakes and, for a message, takes it
 * synchronously with `receiveMessageOnPort`.
 *
 * To the worker: each message goes on the worker's inbox port, then the host bumps word 1 and
 * notifies it; an idle worker sleeps in `Atomics.wait` on that word and takes its messages with
 * `receiveMessageOnPort`.
 */

import type { ResourcePlan } from './interfaces.js';

/** Word 0 of the control block while a host call waits for its answer. */
export const REPLY_PENDING = 0;
/** The answer is on the reply port. */
export const REPLY_MESSAGE = 1;
/** The call succeeded and returned nothing: no message to read (one SAB write + notify). */
export const REPLY_VOID = 2;

/** Where a body the guest handed back lives. */
export type BodyRef =
  | { kind: 'bytes'; bytes: Uint8Array }
  /** The invocation's own request body from `offset` on (zero-copy pass-through). */
  | { kind: 'request'; offset: number }
  /** A host stream (a service result body) registered on the main thread. */
  | { kind: 'stream'; id: number };

/** The request as the worker needs it. */
export interface WireRequest {
  method: string;
  path: string | undefined;
  headers: [string, string][];
  query: [string, string][];
  tokenMetadata: string | undefined;
  body: Uint8Array;
}

/** Everything a worker needs to run one loaded function. */
export interface LoadMessage {
  type: 'load';
  fnId: number;
  name: string;
  kind: 'web' | 'spawn';
  /** file: URL of the transpiled glue module. */
  glueUrl: string;
  /** Compiled core modules by the names the glue asks for. */
  modules: Record<string, WebAssembly.Module>;
  /** Imports to build: versioned name → how to serve it. */
  imports: {
    name: string;
    unversioned: string;
    kind: 'core' | 'service' | 'wasi';
    served: string;
    /** Plain functions, by the glue's (camelCase) name. */
    functions: string[];
    /** The host's call id of each function (plain name or resource function's WIT name). */
    callIds: Record<string, number>;
    /** The resource classes the glue takes from this import, and the service functions behind them. */
    resources: ResourcePlan[];
  }[];
  /** Fresh instances to keep ready. */
  spares: number;
  /** Linear-memory cap, for error messages. */
  memoryBytes: number;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  fnId: number;
  env: [string, string][];
  invocationId: string;
  request: WireRequest;
}

export interface SpawnMessage {
  type: 'spawn';
  id: number;
  fnId: number;
  env: [string, string][];
  invocationId: string;
  payload: Uint8Array;
}

export interface UnloadMessage {
  type: 'unload';
  fnId: number;
}

export type ToWorker = LoadMessage | InvokeMessage | SpawnMessage | UnloadMessage;

export interface CallMessage {
  type: 'call';
  id: number;
  /** Index in the host's call table: {@link BUFFER_OPS} first, then service functions as loads register them. */
  fn: number;
  args: unknown[];
}

/** Call ids 0–3: reads of a host stream behind a guest buffer (argument 0 is the stream id). */
export const BUFFER_OPS = ['remaining', 'read', 'advance', 'readAll'] as const;

export type CallReply = { ok: true; value: unknown } | { ok: false; message: string };

export interface HeadMessage {
  type: 'head';
  id: number;
  status: number;
  headers: [string, string][];
  sse: boolean;
}

export interface ChunkMessage {
  type: 'chunk';
  id: number;
  bytes: Uint8Array;
}

export interface DoneMessage {
  type: 'done';
  id: number;
  status: number;
  headers: [string, string][];
  body: BodyRef;
  /** Whether the function streamed (head already sent). */
  streamed: 'no' | 'sse' | 'raw';
}

export interface SpawnDoneMessage {
  type: 'spawn-done';
  id: number;
  result: { tag: string; val?: string };
}

export interface FailedMessage {
  type: 'failed';
  id: number;
  reason: 'trap' | 'memory';
  message: string;
}

export interface LoadedMessage {
  type: 'loaded';
  fnId: number;
  error?: string;
}

export interface DropMessage {
  type: 'drop-stream';
  streamId: number;
}

/** The guest dropped its handle to a host resource (`[Symbol.dispose]` of the resource instance). */
export interface DropResourceMessage {
  type: 'drop-resource';
  /** The invocation (job) id. */
  id: number;
  /** The resource's id in the invocation's table. */
  handle: number;
}

export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
  fnId?: number;
}

export type FromWorker =
  | CallMessage
  | HeadMessage
  | ChunkMessage
  | DoneMessage
  | SpawnDoneMessage
  | FailedMessage
  | LoadedMessage
  | DropMessage
  | DropResourceMessage
  | LogMessage;

/** Marker for a host stream inside a service result crossing to the worker. */
export interface StreamMarker {
  $momentoStream: number;
}

/** Marker for a guest-held buffer crossing to the main thread as a service argument. */
export interface BufferMarker {
  $momentoBuffer: BodyRef;
}

/**
 * A host resource crossing the bridge (a service result, or a resource argument going back):
 * its id in the invocation's table, and its WIT name (results only) so the worker picks the class.
 */
export interface ResourceMarker {
  $momentoResource: number;
  resource?: string;
}
