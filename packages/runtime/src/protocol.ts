/**
 * Messages between the host (main thread) and its sandbox workers. Internal.
 *
 * Host calls: the worker numbers each call ({@link CallMessage.seq}), posts it and waits on word 0
 * of its control block (the reply word) until that word names this call; the main thread runs the
 * service and stores {@link replyWord}(seq, {@link REPLY_VOID}) (the call returned nothing) or
 * posts the {@link CallReply} on the worker's reply port and stores `replyWord(seq,
 * REPLY_MESSAGE)`, then notifies. The worker takes a message synchronously with
 * `receiveMessageOnPort`. Why the sequence number: see docs/runtime.md ("The host-call bridge").
 *
 * To the worker: each message goes on the worker's inbox port, then the host bumps word 1 and
 * notifies it; an idle worker sleeps in `Atomics.wait` on that word and takes its messages with
 * `receiveMessageOnPort`.
 */

import type { ResourcePlan } from './interfaces.js';

/**
 * The reply word (word 0 of the control block) holds the answer to the worker's latest answered
 * call: its sequence number in the high bits and the kind of answer in the low two. It starts at 0,
 * which names no call (sequence numbers start at 1).
 */
export const replyWord = (seq: number, kind: typeof REPLY_MESSAGE | typeof REPLY_VOID): number =>
  (seq << 2) | kind;
/** The sequence number a reply word answers. */
export const replySeq = (word: number): number => word >>> 2;
/** The kind of answer in a reply word. */
export const replyKind = (word: number): number => word & 3;
/** Sequence numbers wrap within 1..MAX_CALL_SEQ (so `seq << 2` stays a positive int32). */
export const MAX_CALL_SEQ = 0x1fffffff;
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
  /** The worker's sequence number of this call (1..{@link MAX_CALL_SEQ}); the answer carries it back. */
  seq: number;
  /** Index in the host's call table: {@link BUFFER_OPS} first, then service functions as loads register them. */
  fn: number;
  args: unknown[];
}

/** Call ids 0–3: reads of a host stream behind a guest buffer (argument 0 is the stream id). */
export const BUFFER_OPS = ['remaining', 'read', 'advance', 'readAll'] as const;

/** What a host call came to. */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; message: string };
/** An answer on the reply port; `seq` is the call it answers. */
export type CallReply = CallOutcome & { seq: number };

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
