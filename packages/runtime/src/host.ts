/**
 * The host: loads components, runs each invocation in a never-used instance inside a sandbox
 * worker, serves the guests' synchronous host calls from async services on the main thread,
 * and enforces the limits.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { createCacheView } from './cache-view.js';
import { buildEntryBytes, defaultFunctionName, isSourceEntry } from './entry.js';
import { concat, HostStream } from './host-stream.js';
import {
  checkImports,
  formatProblems,
  type ImportProblem,
  parseInterfaceName,
  planResources,
} from './interfaces.js';
import {
  checkComponentHeader,
  compileModules,
  DEFAULT_COMPONENT_BYTES,
  defaultCacheDir,
  glueUrl,
  inspectAndTranspile,
  readComponentFile,
} from './loader.js';
import {
  type BodyRef,
  BUFFER_OPS,
  type BufferMarker,
  type CallMessage,
  type CallOutcome,
  type CallReply,
  type DoneMessage,
  type FromWorker,
  type InvokeMessage,
  type LoadMessage,
  REPLY_MESSAGE,
  REPLY_VOID,
  type ResourceMarker,
  replyWord,
  type SpawnMessage,
  type StreamMarker,
  type ToWorker,
} from './protocol.js';
import { type BuiltinServices, builtinServices } from './services/builtin.js';
import { CACHE_SCALAR_INTERFACE } from './services/cache/index.js';
import type { LogRecord, LogRouter } from './services/log/index.js';
import type { TokenAuthority } from './services/token/index.js';
import type { TopicBus } from './services/topic/index.js';
import {
  HostResource,
  type HostService,
  type InvocationContext,
  type ServiceFunction,
} from './services/types.js';
import { httpErrorEvent } from './sse.js';
import type {
  BackendCheck,
  BodyInput,
  CacheView,
  FunctionHandle,
  Host,
  HostLimits,
  HostLogEntry,
  HostOptions,
  HostUsage,
  InvokeRequest,
  InvokeResponse,
  LoadOptions,
  SpawnOutcome,
  SpawnRecord,
  StreamingResponse,
} from './types.js';
import { MemoryCapError } from './wasm-memory.js';
import { workerUrl } from './worker-url.js';

/**
 * A component could not be loaded: it is not a Momento function, or some of its imports would
 * not link. `problems` names each import and why.
 *
 * @example
 * try { await host.load('fn.wasm', { name: 'fn' }); } catch (e) { if (e instanceof LoadError) console.log(e.problems); }
 */
export class LoadError extends Error {
  /** Always `'LoadError'`, so the class survives in `e.name` and in printed stack traces. */
  override name = 'LoadError';
  /** Each import that is missing or that the platform would refuse; empty when the load failed for another reason (a build error, a file too large). */
  readonly problems: readonly ImportProblem[];
  /**
   * Makes the error `host.load` throws: `message` says what failed, `problems` (none by default)
   * lists the imports that would not link.
   */
  constructor(message: string, problems: readonly ImportProblem[] = []) {
    super(message);
    this.problems = problems;
  }
}

/**
 * An invocation that could not complete normally; carries the HTTP status the host answers with.
 *
 * @example
 * for await (const chunk of res.body) {} // may throw InvocationError { status: 504 } on a timeout mid-stream
 */
export class InvocationError extends Error {
  /** Always `'InvocationError'`, so the class survives in `e.name` and in printed stack traces. */
  override name = 'InvocationError';
  /** The HTTP status this maps to (500 trap, 504 timeout, 503 busy, 413 too large...). */
  readonly status: number;
  /** Makes the error for an invocation that ended abnormally, with the HTTP status the host answers and what happened. */
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const DEFAULT_LIMITS: HostLimits = {
  timeoutMs: 30_000,
  memoryBytes: 256 * 1024 * 1024,
  workerHeapMb: 512,
  requestBodyBytes: 10 * 1024 * 1024,
  responseBodyBytes: 10 * 1024 * 1024,
  concurrency: Math.max(1, availableParallelism()),
  maxQueued: 64,
  componentBytes: DEFAULT_COMPONENT_BYTES,
};

/**
 * How long a running guest whose caller went away may take to end on its own before its worker
 * is stopped and replaced (a guest that finishes anyway should not cost a new worker).
 */
const ABORT_GRACE_MS = 100;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBytes(body: BodyInput | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function pairs(
  input:
    | Readonly<Record<string, string | readonly string[]>>
    | Iterable<readonly [string, string]>
    | undefined,
): [string, string][] {
  if (!input) return [];
  if (Symbol.iterator in input)
    return [...(input as Iterable<readonly [string, string]>)].map(([k, v]) => [k, v]);
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(input as Record<string, string | readonly string[]>)) {
    if (typeof v === 'string') out.push([k, v]);
    else for (const item of v) out.push([k, item]);
  }
  return out;
}

/** Request headers as `[name, value]` pairs with lower-cased names, in one pass. */
function lowerCasedHeaders(input: InvokeRequest['headers']): [string, string][] {
  if (!input) return [];
  if (Array.isArray(input)) {
    const out: [string, string][] = new Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const [k, v] = input[i] as readonly [string, string];
      out[i] = [k.toLowerCase(), v];
    }
    return out;
  }
  const out = pairs(input);
  for (const pair of out) pair[0] = pair[0].toLowerCase();
  return out;
}

function queryPairs(query: InvokeRequest['query']): [string, string][] {
  if (query === undefined) return [];
  if (Array.isArray(query)) return query.map(([k, v]) => [k, v]);
  if (query === '') return [];
  if (typeof query === 'string') return [...new URLSearchParams(query)];
  if (query instanceof URLSearchParams) return [...query];
  return pairs(query);
}

/** The invocation path as the guest sees it: no leading slash, `undefined` when empty (docs/runtime.md). */
function invocationPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const trimmed = path.replace(/^\/+/, '');
  return trimmed === '' ? undefined : trimmed;
}

function errorResponse(error: InvocationError): InvokeResponse {
  return textResponse(error.status, error.message, NO_CAPTURE);
}

/** What one invocation's caller reads besides the answer: its log records and the spawns it started. */
interface Capture {
  readonly logs: LogRecord[];
  readonly spawns: SpawnRecord[];
}

const NO_CAPTURE: Capture = Object.freeze({
  logs: Object.freeze([]) as unknown as LogRecord[],
  spawns: Object.freeze([]) as unknown as SpawnRecord[],
});

function textResponse(status: number, message: string, capture: Capture): InvokeResponse {
  return makeResponse(
    status,
    [['content-type', 'text/plain; charset=utf-8']],
    encoder.encode(message),
    capture,
  );
}

function makeResponse(
  status: number,
  headers: [string, string][],
  body: Uint8Array,
  capture: Capture,
): InvokeResponse {
  return {
    status,
    headers,
    body,
    logs: capture.logs,
    spawns: capture.spawns,
    header(name: string) {
      const lower = name.toLowerCase();
      return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
    },
    text() {
      return decoder.decode(body);
    },
    json<T>() {
      return JSON.parse(decoder.decode(body)) as T;
    },
  };
}

/** A host line about an invocation, as one of its log records. */
function systemRecord(ctx: InvocationContext, level: HostLogEntry['level'], message: string): LogRecord {
  return {
    kind: 'system',
    level,
    message,
    functionName: ctx.functionName,
    cacheName: ctx.cacheName,
    invocationId: ctx.invocationId,
    time: Date.now(),
  };
}

const payloadDecoder = new TextDecoder();

/** A {@link SpawnRecord} the spawn service fills in as the spawned invocation runs. */
class SpawnRecordImpl implements SpawnRecord {
  readonly name: string;
  readonly cache: string;
  readonly payload: Uint8Array;
  readonly spawnedBy: { readonly functionName: string; readonly invocationId: string };
  readonly time = Date.now();
  readonly refused: 'function-not-found' | 'limit' | undefined;
  readonly logs: LogRecord[] = [];
  readonly finished: Promise<SpawnOutcome | undefined>;
  #invocationId: string | undefined;
  #outcome: SpawnOutcome | undefined;
  #resolve!: (outcome: SpawnOutcome | undefined) => void;

  constructor(
    ctx: InvocationContext,
    name: string,
    payload: Uint8Array,
    refused: 'function-not-found' | 'limit' | undefined,
  ) {
    this.name = name;
    this.cache = ctx.cacheName;
    this.payload = payload;
    this.spawnedBy = { functionName: ctx.functionName, invocationId: ctx.invocationId };
    this.refused = refused;
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    if (refused) this.#resolve(undefined);
  }

  get invocationId(): string | undefined {
    return this.#invocationId;
  }

  get outcome(): SpawnOutcome | undefined {
    return this.#outcome;
  }

  started(invocationId: string): void {
    this.#invocationId = invocationId;
  }

  settle(outcome: SpawnOutcome): void {
    this.#outcome = outcome;
    this.#resolve(outcome);
  }

  text(): string {
    return payloadDecoder.decode(this.payload);
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }
}

/** The WIT interface of a call target, as {@link HostUsage.hostCallErrors} counts it. */
function interfaceOf(target: CallTarget | undefined): string {
  if (!target) return '(unknown)';
  const hash = target.label.indexOf('#');
  return hash < 0 ? target.label : target.label.slice(0, hash);
}

/** Whether a service's answer is a WIT `result::err` (`{ tag: 'err', val }`). */
function isWitError(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { tag?: unknown }).tag === 'err';
}

function callFailure(target: CallTarget | undefined, error: unknown): string {
  return `host call ${target?.label ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * One entry of the host's call table: what a worker's call id stands for. Ids are given at load
 * (one per interface and function, shared by every load), so a call crosses as a number.
 */
interface CallTarget {
  /** `<interface>#<function>`, for error messages. */
  readonly label: string;
  /** The service, or `undefined` for the buffer operations (ids 0–3). */
  readonly service: HostService | undefined;
  /** The function's key in `service.functions`, or the buffer operation. */
  readonly name: string;
}

/** Argument markers found by {@link scanMarkers}. */
const HAS_BUFFER = 1;
const HAS_RESOURCE = 2;

/** Which markers a value crossing from the worker holds: guest buffers, resource handles (bit flags). */
function scanMarkers(value: unknown): number {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return 0;
  if (Array.isArray(value)) {
    let found = 0;
    for (const v of value) found |= scanMarkers(v);
    return found;
  }
  if ('$momentoBuffer' in value) return HAS_BUFFER;
  if ('$momentoResource' in value) return HAS_RESOURCE;
  let found = 0;
  for (const v of Object.values(value)) found |= scanMarkers(v);
  return found;
}

/**
 * Whether a service result is a host resource. `instanceof` first; a structural check as well, so
 * a service built against another copy of this package (dist vs. sources) is still recognised.
 */
function isHostResource(value: object): value is HostResource {
  if (value instanceof HostResource) return true;
  const v = value as { resource?: unknown; drop?: unknown };
  return typeof v.resource === 'string' && typeof v.drop === 'function' && !Array.isArray(value);
}

/** One host resource held for an invocation, with how many guest handles point at it. */
interface HeldResource {
  readonly object: HostResource;
  refs: number;
}

/** An async queue of chunks with an end and an error. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  readonly #items: Uint8Array[] = [];
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    this.#items.push(chunk);
    this.#wake?.();
  }
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#wake?.();
  }
  get ended(): boolean {
    return this.#ended;
  }
  /** Everything, synchronously, when the queue has already ended without error (the common complete response). */
  drainIfEnded(): Uint8Array[] | undefined {
    if (!this.#ended || this.#error) return undefined;
    return this.#items.splice(0);
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const item = this.#items.shift();
      if (item) {
        yield item;
        continue;
      }
      if (this.#ended) {
        if (this.#error) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

/**
 * The whole body of a streaming response, when it had already ended (without error) by the time
 * the caller looks: the common case of a guest that returns its response. The chunks are taken
 * (the body then iterates as empty), joined into one array. `undefined` when the body is still
 * being produced or failed: iterate `res.body` then. Internal (the server writes such a body in
 * one go, with a content-length); not exported from the package.
 */
export function completeBody(res: StreamingResponse): Uint8Array | undefined {
  if (!(res.body instanceof ChunkQueue)) return undefined;
  const parts = res.body.drainIfEnded();
  if (parts === undefined) return undefined;
  return parts.length === 1 ? parts[0]! : concat(parts);
}

interface LoadedFunction {
  id: number;
  handle: FunctionHandle;
  name: string;
  cache: string;
  kind: 'web' | 'spawn';
  env: [string, string][];
  load: LoadMessage;
  /** Invocations accepted (queued or running) and not finished yet. */
  pending: number;
  /** Unloaded or replaced: takes no new invocations; unloaded in the workers once `pending` is 0. */
  retired: boolean;
  /** The version that replaced it (a later `host.load` of the same cache/name). */
  replacedBy: LoadedFunction | undefined;
}

/** What one running job reports to. */
interface Job {
  fn: LoadedFunction;
  message: InvokeMessage | SpawnMessage;
  requestBody: Uint8Array;
  ctx: InvocationContext;
  /** Its log records and the spawns it started (`res.logs`, `res.spawns`). */
  capture: Capture;
  abort: AbortController;
  streams: Map<number, HostStream>;
  /** Host resources the guest holds handles to, by id (see docs/runtime.md "Writing a host service"). */
  resources: Map<number, HeldResource>;
  resourceIds: Map<HostResource, number>;
  timer?: NodeJS.Timeout;
  worker?: Sandbox;
  finished: boolean;
  /** Counted in its function's `pending` (see {@link HostImpl.load}: reloads wait for them). */
  counted: boolean;
  onHead?(status: number, headers: [string, string][], sse: boolean): void;
  onChunk?(bytes: Uint8Array): void;
  onDone?(message: DoneMessage): void;
  onSpawnDone?(result: SpawnOutcome): void;
  onFail(status: number, message: string): void;
}

/** One sandbox worker and its bridge. */
class Sandbox {
  readonly worker: Worker;
  /** Word 0: the reply word (see {@link Sandbox.reply}). Word 1: inbox sequence (see {@link Sandbox.post}). */
  readonly control = new SharedArrayBuffer(8);
  readonly ctl = new Int32Array(this.control);
  /** Sequence number of the host call the worker is blocked in; 0 when it is not in one. */
  awaiting = 0;
  readonly replyPort: MessagePort;
  readonly inbox: MessagePort;
  job: Job | undefined;
  /** Set while the job's caller went away and the guest has a grace period to end on its own. */
  abandoned: NodeJS.Timeout | undefined;
  dead = false;
  readonly loadWaiters = new Map<number, (error?: string) => void>();

  constructor(
    url: URL,
    heapMb: number,
    onMessage: (sandbox: Sandbox, msg: FromWorker) => void,
    onExit: (sandbox: Sandbox, code: number) => void,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.replyPort = port1;
    const inbox = new MessageChannel();
    this.inbox = inbox.port1;
    this.worker = new Worker(url, {
      workerData: { control: this.control, replyPort: port2, inbox: inbox.port2 },
      transferList: [port2, inbox.port2],
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
      stdout: false,
      stderr: false,
    });
    this.worker.on('message', (msg: FromWorker) => onMessage(this, msg));
    this.worker.on('error', () => undefined);
    this.worker.on('exit', (code) => onExit(this, code));
  }

  /**
   * Hands a message to the worker: onto its inbox port, then a bump of the inbox sequence word
   * and a notify, which wakes the worker from Atomics.wait (it takes the message synchronously).
   */
  post(message: ToWorker): void {
    this.inbox.postMessage(message);
    Atomics.add(this.ctl, 1, 1);
    Atomics.notify(this.ctl, 1);
  }

  /** The worker posted host call `seq` and blocks until it is answered. */
  called(seq: number): void {
    this.awaiting = seq;
  }

  /** Call `seq` returned nothing: only the reply word changes (no reply message). */
  replyVoid(seq: number): void {
    if (seq !== this.awaiting) return;
    this.awaiting = 0;
    Atomics.store(this.ctl, 0, replyWord(seq, REPLY_VOID));
    Atomics.notify(this.ctl, 0);
  }

  /**
   * Answers call `seq`: a message (if there is a value) goes on the reply port first, then the
   * reply word names the call, then a notify wakes the worker. The worker decides by the word
   * alone, never by being woken (protocol.ts; docs/runtime.md "The host-call bridge"). Each call
   * is answered at most once: an answer for a call the worker is not blocked in is dropped, so a
   * late store can never overwrite the word after a newer call's answer.
   */
  reply(seq: number, outcome: CallOutcome): void {
    if (seq !== this.awaiting) return;
    this.awaiting = 0;
    if (outcome.ok && outcome.value === undefined) {
      Atomics.store(this.ctl, 0, replyWord(seq, REPLY_VOID));
    } else {
      this.replyPort.postMessage({ seq, ...outcome } satisfies CallReply);
      Atomics.store(this.ctl, 0, replyWord(seq, REPLY_MESSAGE));
    }
    Atomics.notify(this.ctl, 0);
  }
}

function defaultLogger(entry: HostLogEntry): void {
  const where = [entry.functionName, entry.invocationId].filter(Boolean).join(' ');
  process.stderr.write(`[momento-functions] ${entry.level}${where ? ` ${where}` : ''}: ${entry.message}\n`);
}

class HostImpl implements Host {
  readonly limits: Readonly<HostLimits>;
  readonly topics: TopicBus;
  readonly logs: LogRouter;
  readonly tokens: TokenAuthority;
  readonly #builtins: BuiltinServices;
  readonly #services = new Map<string, HostService>();
  readonly #sandboxes: Sandbox[] = [];
  readonly #queue: Job[] = [];
  readonly #functions = new Map<number, LoadedFunction>();
  readonly #byName = new Map<string, LoadedFunction>();
  readonly #cacheDir: string;
  readonly #spares: number;
  readonly #log: (entry: HostLogEntry) => void;
  readonly #workerUrl: URL;
  #nextId = 1;
  #nextStream = 1;
  #nextResource = 1;
  /** The call table (see {@link CallTarget}): buffer operations first. */
  readonly #calls: CallTarget[] = BUFFER_OPS.map((op) => ({
    label: `momento:bytes/bytes#buffer.${op}`,
    service: undefined,
    name: op,
  }));
  readonly #callIds = new Map<string, number>();
  /** Each running invocation's capture, by its context (the log router and spawn service know the context). */
  readonly #captures = new WeakMap<InvocationContext, Capture>();
  readonly #spawns: SpawnRecordImpl[] = [];
  readonly #spawnLimit: number;
  /** Host calls that answered a WIT error or failed, by interface (see {@link HostUsage.hostCallErrors}). */
  readonly #callErrors = new Map<string, { errors: number; failures: number }>();
  #closed = false;

  constructor(options: HostOptions, url: URL, cacheDir: string) {
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...options.limits });
    this.#cacheDir = cacheDir;
    this.#spawnLimit = options.spawnRecordLimit ?? 1000;
    this.#spares = options.spares ?? 2;
    this.#log = options.logger ?? defaultLogger;
    this.#workerUrl = url;
    this.#builtins = builtinServices(options.backends);
    this.topics = this.#builtins.topics;
    this.logs = this.#builtins.logs;
    this.tokens = this.#builtins.tokens;
    this.logs.onRecord((record, ctx) => this.#captures.get(ctx)?.logs.push(record));
    for (const service of [...this.#builtins.services, spawnService(this), ...(options.services ?? [])]) {
      this.#services.set(service.interface, service);
    }
    for (let i = 0; i < this.limits.concurrency; i++) this.#sandboxes.push(this.#newSandbox());
  }

  #newSandbox(): Sandbox {
    return new Sandbox(
      this.#workerUrl,
      this.limits.workerHeapMb,
      (s, m) => this.#onMessage(s, m),
      (s, c) => this.#onExit(s, c),
    );
  }

  log(entry: HostLogEntry): void {
    try {
      this.#log(entry);
    } catch {
      // A throwing logger must not take the host down.
    }
  }

  get(cache: string, name: string): FunctionHandle | undefined {
    return this.#byName.get(`${cache}/${name}`)?.handle;
  }

  cache(name = 'default'): CacheView {
    const builtin = this.#builtins.services.find((s) => s.interface === CACHE_SCALAR_INTERFACE);
    if (this.#services.get(CACHE_SCALAR_INTERFACE) !== builtin) {
      throw new Error(
        `host.cache('${name}'): createHost({ services }) replaced ${CACHE_SCALAR_INTERFACE}, so the functions do not use the host's cache store; read your own service's state instead, or share a store with createHost({ backends: { cache: { backend } } })`,
      );
    }
    return createCacheView(this.#builtins.cache, name);
  }

  get spawns(): readonly SpawnRecord[] {
    return this.#spawns;
  }

  /** Records a spawn a function asked for (see {@link spawnService}). */
  recordSpawn(
    ctx: InvocationContext,
    name: string,
    payload: Uint8Array,
    refused?: 'function-not-found' | 'limit',
  ): SpawnRecordImpl {
    const record = new SpawnRecordImpl(ctx, name, payload, refused);
    this.#spawns.push(record);
    if (this.#spawns.length > this.#spawnLimit)
      this.#spawns.splice(0, this.#spawns.length - this.#spawnLimit);
    this.#captures.get(ctx)?.spawns.push(record);
    return record;
  }

  async reset(): Promise<void> {
    await this.#builtins.cache.flush();
    this.topics.clearPublished();
    this.logs.clear();
    this.#spawns.length = 0;
  }

  /** A host line about an invocation: to the host's logger, and into the invocation's own logs. */
  #invocationLog(
    ctx: InvocationContext,
    capture: Capture,
    level: HostLogEntry['level'],
    message: string,
  ): void {
    this.log({ level, message, functionName: ctx.functionName, invocationId: ctx.invocationId });
    capture.logs.push(systemRecord(ctx, level, message));
  }

  findSpawnable(cache: string, name: string): LoadedFunction | undefined {
    const fn = this.#byName.get(`${cache}/${name}`);
    return fn?.kind === 'spawn' ? fn : undefined;
  }

  usage(): HostUsage {
    let busy = 0;
    for (const sandbox of this.#sandboxes) if (sandbox.job && !sandbox.dead) busy++;
    const hostCallErrors: Record<string, { errors: number; failures: number }> = {};
    for (const [name, counts] of this.#callErrors) hostCallErrors[name] = { ...counts };
    return {
      concurrency: this.#sandboxes.length,
      busy,
      queued: this.#queue.length,
      maxQueued: this.limits.maxQueued,
      hostCallErrors,
    };
  }

  async checkBackends(timeoutMs = 1000): Promise<BackendCheck[]> {
    const cache = this.#builtins.cache;
    const started = Date.now();
    if (cache.kind === 'memory') return [{ name: 'cache', kind: cache.kind, ok: true, latencyMs: 0 }];
    let timer: NodeJS.Timeout | undefined;
    try {
      // A read of a key nobody writes: one round trip, whatever the server holds.
      await Promise.race([
        Promise.resolve(cache.get('__momento_functions_probe', encoder.encode('readyz'))),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return [{ name: 'cache', kind: cache.kind, ok: true, latencyMs: Date.now() - started }];
    } catch (error) {
      return [
        {
          name: 'cache',
          kind: cache.kind,
          ok: false,
          latencyMs: Date.now() - started,
          error: error instanceof Error ? error.message : String(error),
        },
      ];
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counts a host call that answered a WIT error (`failed` false) or could not be served (`failed` true). */
  #countCallError(target: CallTarget | undefined, failed: boolean): void {
    const name = interfaceOf(target);
    let counts = this.#callErrors.get(name);
    if (!counts) {
      counts = { errors: 0, failures: 0 };
      this.#callErrors.set(name, counts);
    }
    if (failed) counts.failures++;
    else counts.errors++;
  }

  get queueIsFull(): boolean {
    return this.#queue.length >= this.limits.maxQueued;
  }

  async load(component: string | Uint8Array, loadOptions: LoadOptions = {}): Promise<FunctionHandle> {
    if (this.#closed) throw new Error('the host is closed; create a new one with createHost()');
    if (!loadOptions.name && typeof component !== 'string')
      throw new LoadError(
        'host.load of component bytes needs a function name: host.load(bytes, { name: "my-fn" })',
      );
    const options = {
      ...loadOptions,
      name: loadOptions.name || defaultFunctionName(component as string),
    };
    const cache = options.cache ?? 'default';
    let bytes: Uint8Array;
    if (typeof component === 'string' && isSourceEntry(component)) {
      try {
        bytes = await buildEntryBytes(component, this.#cacheDir, options.build);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new LoadError(`Function '${options.name}': building ${component} failed:\n${message}`);
      }
      if (this.#closed) throw new Error('the host was closed while the function was being built');
    } else if (typeof component === 'string') {
      try {
        bytes = await readComponentFile(component, this.limits.componentBytes);
      } catch (error) {
        throw new LoadError(`cannot read component ${component}: ${(error as Error).message}`);
      }
    } else {
      bytes = component;
    }
    try {
      checkComponentHeader(bytes, this.limits.componentBytes);
    } catch (error) {
      const where = typeof component === 'string' ? ` (${component})` : '';
      throw new LoadError(`Function '${options.name}'${where}: ${(error as Error).message}`);
    }
    let info: Awaited<ReturnType<typeof inspectAndTranspile>>;
    try {
      info = await inspectAndTranspile(bytes, this.#cacheDir);
    } catch (error) {
      const where = typeof component === 'string' ? ` (${component})` : '';
      throw new LoadError(
        `Function '${options.name}'${where} is not a component this host can run: ${(error as Error).message}`,
      );
    }
    if (!info.kind) {
      throw new LoadError(
        `Function '${options.name}' exports neither momento:web-function/guest-function-web@1.0.0 nor momento:spawn-function/guest-function-spawn@1.0.0 (it exports: ${info.exports.join(', ') || 'nothing'}); build it with the web() or spawn() entry point`,
      );
    }
    const check = checkImports(info.imports, this.#services.keys());
    const problems = [...check.problems];
    const imports: LoadMessage['imports'] = [];
    for (const r of check.resolved) {
      const unversioned = parseInterfaceName(r.name).base;
      const imported = info.importedFunctions[unversioned] ?? [];
      // The glue takes functions (camelCase) and resource classes (UpperCamelCase) from each import.
      let functions = [...imported];
      let resources: LoadMessage['imports'][number]['resources'] = [];
      if (r.kind === 'service') {
        const service = this.#services.get(r.served)!;
        functions = imported.filter((n) => !/^[A-Z]/.test(n));
        const classNames = imported.filter((n) => /^[A-Z]/.test(n));
        const planned = planResources(
          classNames,
          info.importedResourceFunctions[unversioned] ?? [],
          Object.keys(service.functions).filter((n) => typeof service.functions[n] === 'function'),
        );
        resources = planned.plans;
        for (const fn of [...functions, ...planned.missing]) {
          if (typeof service.functions[fn] !== 'function') {
            problems.push({
              name: `${r.name}#${fn}`,
              reason: `the service for ${r.served} has no function '${fn}'`,
            });
          }
        }
      }
      const callIds: Record<string, number> = {};
      if (r.kind === 'service') {
        const service = this.#services.get(r.served)!;
        const names = [
          ...functions,
          ...resources.flatMap((p) => [
            ...(p.ctor ? [p.ctor] : []),
            ...p.methods.map((m) => m.wit),
            ...p.statics.map((m) => m.wit),
          ]),
        ];
        for (const fnName of names) callIds[fnName] = this.#callId(r.served, service, fnName);
      }
      imports.push({
        name: r.name,
        unversioned,
        kind: r.kind,
        served: r.kind === 'wasi' ? r.base : r.served,
        functions,
        callIds,
        resources,
      });
    }
    if (problems.length > 0) throw new LoadError(formatProblems(options.name, problems), problems);
    let modules: Record<string, WebAssembly.Module>;
    try {
      modules = await compileModules(info, this.limits.memoryBytes);
    } catch (error) {
      if (error instanceof MemoryCapError)
        throw new LoadError(`Function '${options.name}': ${error.message}`);
      throw error;
    }
    const id = this.#nextId++;
    const load: LoadMessage = {
      type: 'load',
      fnId: id,
      name: options.name,
      kind: info.kind,
      glueUrl: glueUrl(info),
      modules,
      imports,
      spares: this.#spares,
      memoryBytes: this.limits.memoryBytes,
    };
    const userEnv = Object.entries(options.env ?? {}).filter(([k]) => !k.startsWith('__'));
    const fn: LoadedFunction = {
      id,
      name: options.name,
      cache,
      kind: info.kind,
      env: [...userEnv, ['__CACHE_NAME', cache], ['__FUNCTION_NAME', options.name]],
      load,
      handle: undefined as unknown as FunctionHandle,
      pending: 0,
      retired: false,
      replacedBy: undefined,
    };
    fn.handle = this.#makeHandle(fn, info.imports);
    const results = await Promise.all(this.#sandboxes.map((s) => this.#loadInto(s, load)));
    const failed = results.find((r) => r !== undefined);
    if (failed) {
      for (const s of this.#sandboxes) s.post({ type: 'unload', fnId: id });
      throw new LoadError(`Function '${options.name}' failed to instantiate: ${failed}`);
    }
    const previous = this.#byName.get(`${cache}/${options.name}`);
    this.#functions.set(id, fn);
    this.#byName.set(`${cache}/${options.name}`, fn);
    // The old version drains: what was already accepted for it (queued or running) finishes on it,
    // then it is unloaded from the workers; its handle now reaches this version (docs/runtime.md).
    if (previous) this.#retire(previous, fn);
    return fn.handle;
  }

  #callId(iface: string, service: HostService, name: string): number {
    const label = `${iface}#${name}`;
    let id = this.#callIds.get(label);
    if (id === undefined) {
      id = this.#calls.push({ label, service, name }) - 1;
      this.#callIds.set(label, id);
    }
    return id;
  }

  #retire(fn: LoadedFunction, replacement?: LoadedFunction): void {
    if (fn.retired) return;
    fn.retired = true;
    fn.replacedBy = replacement;
    const key = `${fn.cache}/${fn.name}`;
    if (this.#byName.get(key) === fn) this.#byName.delete(key);
    this.#unloadIfDrained(fn);
  }

  #unloadIfDrained(fn: LoadedFunction): void {
    if (!fn.retired || fn.pending > 0 || !this.#functions.delete(fn.id)) return;
    for (const s of this.#sandboxes) s.post({ type: 'unload', fnId: fn.id });
  }

  /** The version a handle reaches now: itself, or what replaced it; `undefined` once unloaded. */
  #current(fn: LoadedFunction): LoadedFunction | undefined {
    let at: LoadedFunction | undefined = fn;
    while (at?.retired) at = at.replacedBy;
    return at;
  }

  #unloadedError(fn: LoadedFunction): InvocationError {
    return new InvocationError(
      404,
      `the function '${fn.name}' (cache '${fn.cache}') was unloaded from this host; load it again with host.load()`,
    );
  }

  #loadInto(sandbox: Sandbox, load: LoadMessage): Promise<string | undefined> {
    return new Promise((resolve) => {
      sandbox.loadWaiters.set(load.fnId, resolve);
      sandbox.post(load);
    });
  }

  #makeHandle(fn: LoadedFunction, imports: readonly string[]): FunctionHandle {
    return {
      name: fn.name,
      cache: fn.cache,
      kind: fn.kind,
      imports,
      invoke: (request) => {
        const current = this.#current(fn);
        if (!current) return Promise.resolve(errorResponse(this.#unloadedError(fn)));
        return this.invoke(current, request ?? {});
      },
      invokeStreaming: (request) => {
        const current = this.#current(fn);
        if (!current) return Promise.reject(this.#unloadedError(fn));
        return this.invokeStreaming(current, request ?? {});
      },
      spawn: (payload) => {
        const current = this.#current(fn);
        if (!current) {
          const error = this.#unloadedError(fn);
          return Promise.resolve({ tag: 'trap', val: `${error.status}: ${error.message}` });
        }
        return this.spawn(current, toBytes(payload));
      },
      unload: () => this.#retire(fn),
    };
  }

  #context(
    fn: LoadedFunction,
    invocationId: string,
    abort: AbortController,
    capture: Capture,
  ): InvocationContext {
    const ctx: InvocationContext = {
      functionName: fn.name,
      cacheName: fn.cache,
      invocationId,
      signal: abort.signal,
      // Services refuse what the guest could never hold before allocating it.
      limits: { memoryBytes: this.limits.memoryBytes },
    };
    this.#captures.set(ctx, capture);
    return ctx;
  }

  async invoke(fn: LoadedFunction, request: InvokeRequest): Promise<InvokeResponse> {
    const capture: Capture = { logs: [], spawns: [] };
    let res: StreamingResponse;
    try {
      res = await this.invokeStreaming(fn, request, capture);
    } catch (error) {
      if (error instanceof InvocationError) return textResponse(error.status, error.message, capture);
      throw error;
    }
    const parts: Uint8Array[] = res.body instanceof ChunkQueue ? (res.body.drainIfEnded() ?? []) : [];
    try {
      for await (const chunk of res.body) parts.push(chunk);
    } catch (error) {
      if (error instanceof InvocationError) return textResponse(error.status, error.message, capture);
      throw error;
    }
    return makeResponse(
      res.status,
      res.headers.map(([n, v]) => [n, v]),
      concat(parts),
      capture,
    );
  }

  invokeStreaming(
    fn: LoadedFunction,
    request: InvokeRequest,
    capture: Capture = { logs: [], spawns: [] },
  ): Promise<StreamingResponse> {
    if (fn.kind !== 'web') {
      return Promise.reject(
        new Error(`'${fn.name}' is a spawn function; call fn.spawn(payload) instead of invoke`),
      );
    }
    const invocationId = request.invocationId ?? randomUUID();
    const body = toBytes(request.body);
    const abort = new AbortController();
    const ctx = this.#context(fn, invocationId, abort, capture);
    const log = (level: HostLogEntry['level'], message: string) =>
      this.#invocationLog(ctx, capture, level, message);
    if (body.length > this.limits.requestBodyBytes) {
      const message = `request body of ${body.length} bytes is larger than the limit of ${this.limits.requestBodyBytes} bytes (limits.requestBodyBytes)`;
      log('warn', message);
      return Promise.reject(new InvocationError(413, message));
    }
    const message: InvokeMessage = {
      type: 'invoke',
      id: this.#nextId++,
      fnId: fn.id,
      invocationId,
      env: [...fn.env, ['__INVOCATION_ID', invocationId]],
      request: {
        method: (request.method ?? 'POST').toUpperCase(),
        path: invocationPath(request.path),
        headers: lowerCasedHeaders(request.headers),
        query: queryPairs(request.query),
        tokenMetadata: request.tokenMetadata,
        body,
      },
    };
    return new Promise<StreamingResponse>((resolve, reject) => {
      const queue = new ChunkQueue();
      let headSent = false;
      let mode: StreamingResponse['mode'] = 'complete';
      let sent = 0;
      const limit = this.limits.responseBodyBytes;
      const head = (status: number, headers: [string, string][], m: StreamingResponse['mode']) => {
        headSent = true;
        mode = m;
        // `mode` is read live: a raw stream becomes `sse` at its first send-sse (docs/decisions.md D2).
        resolve({
          status,
          headers,
          get mode() {
            return mode;
          },
          body: queue,
          logs: capture.logs,
          spawns: capture.spawns,
        });
      };
      const push = (bytes: Uint8Array): boolean => {
        sent += bytes.length;
        if (sent > limit) {
          const text = `response body is larger than the limit of ${limit} bytes (limits.responseBodyBytes)`;
          log('error', text);
          if (mode === 'sse') queue.push(httpErrorEvent(500, encoder.encode(text)));
          queue.end(mode === 'sse' ? undefined : new InvocationError(500, text));
          job.abort.abort();
          return false;
        }
        queue.push(bytes);
        return true;
      };
      const job: Job = {
        fn,
        message,
        requestBody: body,
        abort,
        ctx,
        capture,
        streams: new Map(),
        resources: new Map(),
        resourceIds: new Map(),
        finished: false,
        counted: false,
        onHead: (status, headers, sse) => {
          if (headSent) {
            if (sse) mode = 'sse';
            return;
          }
          head(status, headers, sse ? 'sse' : 'raw');
        },
        onChunk: (bytes) => {
          if (!queue.ended) push(bytes);
        },
        onDone: (done) => {
          void this.#finishWeb(job, done, {
            headSent: () => headSent,
            mode: () => mode,
            head,
            push,
            end: () => queue.end(),
            fail: (status, text) => job.onFail(status, text),
          });
        },
        onFail: (status, text) => {
          log(status >= 500 ? 'error' : 'warn', text);
          if (!headSent) {
            reject(new InvocationError(status, text));
          } else if (mode === 'sse') {
            queue.push(httpErrorEvent(status, encoder.encode(text)));
            queue.end();
          } else {
            queue.end(new InvocationError(status, text));
          }
        },
      };
      request.signal?.addEventListener('abort', () =>
        this.#cancel(job, 499, 'the caller aborted the invocation', ABORT_GRACE_MS),
      );
      this.#submit(job);
    });
  }

  async #finishWeb(
    job: Job,
    done: DoneMessage,
    out: {
      headSent(): boolean;
      mode(): StreamingResponse['mode'];
      head(status: number, headers: [string, string][], mode: StreamingResponse['mode']): void;
      push(bytes: Uint8Array): boolean;
      end(): void;
      fail(status: number, message: string): void;
    },
  ): Promise<void> {
    const log = (level: HostLogEntry['level'], message: string) =>
      this.#invocationLog(job.ctx, job.capture, level, message);
    try {
      if (done.streamed === 'no' || !out.headSent()) {
        if (done.status < 100 || done.status > 999) {
          out.fail(502, `the function returned an invalid HTTP status ${done.status}`);
          return;
        }
        if (done.body.kind === 'stream') {
          // A host stream handed back as the body: pass it through as it arrives.
          const stream = this.#takeStream(job, done.body.id);
          out.head(done.status, done.headers, 'complete');
          if (stream) {
            for await (const chunk of stream.chunks()) if (!out.push(chunk)) return stream.close();
          }
          out.end();
          return;
        }
        const body = await this.#resolveBody(job, done.body);
        if (body.length > this.limits.responseBodyBytes) {
          out.fail(
            500,
            `the function returned a response body of ${body.length} bytes, larger than the limit of ${this.limits.responseBodyBytes} bytes (limits.responseBodyBytes)`,
          );
          return;
        }
        out.head(done.status, done.headers, 'complete');
        out.push(body);
        out.end();
        return;
      }
      const body = await this.#resolveBody(job, done.body);
      if (out.mode() === 'sse') {
        if (done.status < 200 || done.status > 299) out.push(httpErrorEvent(done.status, body));
      } else {
        if (done.status < 200 || done.status > 299) {
          log(
            'warn',
            `the function returned status ${done.status} after starting a raw stream; the status cannot be sent any more`,
          );
        }
        if (body.length > 0) out.push(body);
      }
      out.end();
    } catch (error) {
      out.fail(500, `reading the response body failed: ${(error as Error).message}`);
    } finally {
      this.#release(job);
    }
  }

  /**
   * Runs a spawn function. `record` is given when a function started it (the spawn service): it
   * gets the invocation id, the logs and, when it finishes, the outcome.
   */
  spawn(fn: LoadedFunction, payload: Uint8Array, record?: SpawnRecordImpl): Promise<SpawnOutcome> {
    if (fn.kind !== 'spawn') {
      return Promise.reject(
        new Error(`'${fn.name}' is a web function; call fn.invoke(request) instead of spawn`),
      );
    }
    const invocationId = randomUUID();
    const abort = new AbortController();
    const capture: Capture = { logs: record?.logs ?? [], spawns: [] };
    const ctx = this.#context(fn, invocationId, abort, capture);
    record?.started(invocationId);
    const outcome = new Promise<SpawnOutcome>((resolve) => {
      const job: Job = {
        fn,
        message: {
          type: 'spawn',
          id: this.#nextId++,
          fnId: fn.id,
          invocationId,
          env: [...fn.env, ['__INVOCATION_ID', invocationId]],
          payload,
        },
        requestBody: payload,
        abort,
        ctx,
        capture,
        streams: new Map(),
        resources: new Map(),
        resourceIds: new Map(),
        finished: false,
        counted: false,
        onSpawnDone: (result) => {
          this.#release(job);
          resolve(result);
        },
        onFail: (status, text) => {
          this.#release(job);
          this.#invocationLog(ctx, capture, 'error', text);
          resolve({ tag: 'trap', val: `${status}: ${text}` });
        },
      };
      this.#submit(job);
    });
    if (record) void outcome.then((result) => record.settle(result));
    return outcome;
  }

  #submit(job: Job): void {
    if (this.#closed) {
      job.onFail(503, 'the host is closed');
      return;
    }
    const idle = this.#sandboxes.find((s) => !s.job && !s.dead);
    if (idle || this.#queue.length < this.limits.maxQueued) {
      job.counted = true;
      job.fn.pending++;
    }
    if (idle) {
      this.#start(idle, job);
    } else if (this.#queue.length < this.limits.maxQueued) {
      this.#queue.push(job);
    } else {
      job.finished = true;
      job.onFail(
        503,
        `the host is busy: ${this.#sandboxes.length} invocations are running and ${this.#queue.length} are queued (limits.concurrency, limits.maxQueued); retry later`,
      );
    }
  }

  #start(sandbox: Sandbox, job: Job): void {
    sandbox.job = job;
    job.worker = sandbox;
    job.timer = setTimeout(
      () =>
        this.#cancel(
          job,
          504,
          `the function ran longer than its time limit of ${this.limits.timeoutMs} ms and was stopped (limits.timeoutMs)`,
        ),
      this.limits.timeoutMs,
    );
    sandbox.post(job.message);
  }

  /**
   * Ends a job from the host side: stops its sandbox (a fresh one replaces it). With `graceMs`
   * (the caller went away), a running guest gets that long to end on its own first: the answer
   * is already given up (nothing reaches the caller, host calls are refused), but a guest that
   * was about to finish keeps its worker instead of costing a new one (docs/runtime.md).
   */
  #cancel(job: Job, status: number, message: string, graceMs = 0): void {
    if (job.finished) return;
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const sandbox = job.worker;
    const running = sandbox !== undefined && !sandbox.dead && sandbox.job === job;
    this.#finish(job);
    job.abort.abort();
    job.onFail(status, message);
    this.#release(job);
    if (!sandbox || sandbox.dead) return;
    if (!running || graceMs <= 0) {
      this.#replace(sandbox);
      return;
    }
    // #finish freed the sandbox; it stays taken by the abandoned job until it ends or the grace is over.
    sandbox.job = job;
    sandbox.abandoned = setTimeout(() => {
      sandbox.abandoned = undefined;
      if (sandbox.job === job && !sandbox.dead) this.#replace(sandbox);
    }, graceMs);
  }

  /** An abandoned job (see {@link HostImpl.#cancel}) ended on its own: its sandbox takes work again. */
  #reclaim(sandbox: Sandbox): void {
    clearTimeout(sandbox.abandoned);
    sandbox.abandoned = undefined;
    sandbox.job = undefined;
    this.#next(sandbox);
  }

  #replace(sandbox: Sandbox): void {
    sandbox.dead = true;
    sandbox.job = undefined;
    clearTimeout(sandbox.abandoned);
    sandbox.abandoned = undefined;
    void sandbox.worker.terminate();
    const index = this.#sandboxes.indexOf(sandbox);
    if (this.#closed || index < 0) return;
    const fresh = this.#newSandbox();
    this.#sandboxes[index] = fresh;
    for (const fn of this.#functions.values()) fresh.post(fn.load);
    this.#next(fresh);
  }

  #finish(job: Job): void {
    job.finished = true;
    if (job.timer) clearTimeout(job.timer);
    const sandbox = job.worker;
    if (sandbox && sandbox.job === job) sandbox.job = undefined;
    if (job.counted) {
      job.counted = false;
      job.fn.pending--;
      this.#unloadIfDrained(job.fn);
    }
  }

  #next(sandbox: Sandbox): void {
    if (sandbox.job || sandbox.dead) return;
    const job = this.#queue.shift();
    if (job) this.#start(sandbox, job);
  }

  #onExit(sandbox: Sandbox, code: number): void {
    for (const resolve of sandbox.loadWaiters.values()) resolve(`the sandbox worker exited (code ${code})`);
    sandbox.loadWaiters.clear();
    if (sandbox.dead) return;
    const job = sandbox.job;
    if (job && !job.finished) {
      this.#finish(job);
      job.onFail(
        500,
        `the sandbox running the function crashed (worker exit code ${code}); it may have exceeded limits.workerHeapMb (${this.limits.workerHeapMb} MiB)`,
      );
      this.#release(job);
    }
    this.#replace(sandbox);
  }

  #onMessage(sandbox: Sandbox, msg: FromWorker): void {
    switch (msg.type) {
      case 'loaded': {
        const waiter = sandbox.loadWaiters.get(msg.fnId);
        sandbox.loadWaiters.delete(msg.fnId);
        if (waiter) waiter(msg.error);
        else if (msg.error)
          this.log({
            level: 'error',
            message: `reloading a function into a fresh sandbox failed: ${msg.error}`,
          });
        return;
      }
      case 'log': {
        const fn = msg.fnId !== undefined ? this.#functions.get(msg.fnId) : undefined;
        this.log({ level: msg.level, message: msg.message, functionName: fn?.name });
        return;
      }
      case 'call':
        sandbox.called(msg.seq);
        if (sandbox.abandoned) {
          // The caller went away: no service runs for an answer nobody will read.
          sandbox.reply(msg.seq, {
            ok: false,
            message: 'the invocation was cancelled: the caller went away',
          });
          return;
        }
        if (!this.#serveCallNow(sandbox, msg)) void this.#serveCall(sandbox, msg);
        return;
      case 'drop-stream': {
        const job = sandbox.job;
        const stream = job?.streams.get(msg.streamId);
        if (job && stream) {
          job.streams.delete(msg.streamId);
          stream.close();
        }
        return;
      }
    }
    const job = sandbox.job;
    if (!job || job.message.id !== msg.id) return;
    if (job.finished) {
      if (sandbox.abandoned && (msg.type === 'done' || msg.type === 'spawn-done' || msg.type === 'failed'))
        this.#reclaim(sandbox);
      return;
    }
    switch (msg.type) {
      case 'head':
        job.onHead?.(msg.status, msg.headers, msg.sse);
        return;
      case 'chunk':
        job.onChunk?.(msg.bytes);
        return;
      case 'done':
        this.#finish(job);
        job.onDone?.(msg);
        this.#next(sandbox);
        return;
      case 'drop-resource':
        this.#dropHandle(job, msg.handle);
        return;
      case 'spawn-done':
        this.#finish(job);
        job.onSpawnDone?.(msg.result as SpawnOutcome);
        this.#next(sandbox);
        return;
      case 'failed': {
        this.#finish(job);
        this.#release(job);
        const what = msg.reason === 'memory' ? 'ran out of memory' : 'trapped';
        job.onFail(500, `the function ${what}: ${msg.message}`);
        this.#next(sandbox);
        return;
      }
    }
  }

  /**
   * The fast path of a host call: a plain service call (no guest buffer among the arguments) that
   * answers synchronously is served without creating a promise. False when the call needs the
   * general path (buffers, host streams, an async service — which then runs from the start there,
   * so a service is never called twice: its promise is handed over instead).
   */
  #serveCallNow(sandbox: Sandbox, msg: CallMessage): boolean {
    const job = sandbox.job;
    const target = this.#calls[msg.fn];
    if (!job || !target?.service) return false;
    let markers = 0;
    for (const arg of msg.args) if (arg !== null && typeof arg === 'object') markers |= scanMarkers(arg);
    if (markers & HAS_BUFFER) return false;
    const fn = target.service.functions[target.name] as ((...args: unknown[]) => unknown) | undefined;
    if (!fn) return false;
    let value: unknown;
    try {
      const args = markers & HAS_RESOURCE ? (this.#resolveResources(job, msg.args) as unknown[]) : msg.args;
      value = fn(job.ctx, ...args);
    } catch (error) {
      this.#countCallError(target, true);
      sandbox.reply(msg.seq, { ok: false, message: callFailure(target, error) });
      return true;
    }
    if (value === undefined) {
      sandbox.replyVoid(msg.seq);
      return true;
    }
    if (value !== null && typeof (value as PromiseLike<unknown>).then === 'function') {
      void this.#serveCall(sandbox, msg, value as PromiseLike<unknown>);
      return true;
    }
    if (isWitError(value)) this.#countCallError(target, false);
    let reply: CallOutcome;
    try {
      reply = { ok: true, value: this.#registerStreams(job, value) };
    } catch (error) {
      this.#countCallError(target, true);
      reply = { ok: false, message: callFailure(target, error) };
    }
    sandbox.reply(msg.seq, reply);
    return true;
  }

  async #serveCall(sandbox: Sandbox, msg: CallMessage, pending?: PromiseLike<unknown>): Promise<void> {
    const job = sandbox.job;
    const target = this.#calls[msg.fn];
    let reply: CallOutcome;
    try {
      if (!job) throw new Error('host call outside an invocation');
      if (!target) throw new Error(`unknown host call id ${msg.fn}`);
      if (!target.service) {
        reply = { ok: true, value: await this.#bufferOp(job, target.name, msg.args) };
      } else {
        const fn = target.service.functions[target.name] as ((...args: unknown[]) => unknown) | undefined;
        if (!fn) throw new Error(`no host function ${target.label}`);
        let value: unknown;
        if (pending) {
          value = await pending;
        } else {
          const markers = scanMarkers(msg.args);
          const args =
            markers & HAS_BUFFER
              ? await Promise.all(msg.args.map((a) => this.#resolveArg(job, a)))
              : markers & HAS_RESOURCE
                ? (this.#resolveResources(job, msg.args) as unknown[])
                : msg.args;
          value = await (fn as ServiceFunction as (...a: unknown[]) => unknown)(job.ctx, ...args);
        }
        if (isWitError(value)) this.#countCallError(target, false);
        reply = { ok: true, value: value === undefined ? undefined : this.#registerStreams(job, value) };
      }
    } catch (error) {
      this.#countCallError(target, true);
      reply = { ok: false, message: callFailure(target, error) };
    }
    if (sandbox.dead || sandbox.job !== job) return;
    sandbox.reply(msg.seq, reply);
  }

  async #bufferOp(job: Job, op: string, args: unknown[]): Promise<unknown> {
    const stream = job.streams.get(args[0] as number);
    if (!stream) throw new Error('the buffer was already handed over or dropped');
    switch (op) {
      case 'remaining':
        return stream.remaining();
      case 'read':
        return stream.read(args[1] as number);
      case 'advance':
        return stream.advance(args[1] as number);
      case 'readAll':
        job.streams.delete(args[0] as number);
        return stream.readAll();
      default:
        throw new Error(`unknown buffer operation ${op}`);
    }
  }

  #takeStream(job: Job, id: number): HostStream | undefined {
    const stream = job.streams.get(id);
    job.streams.delete(id);
    return stream;
  }

  async #resolveBody(job: Job, ref: BodyRef): Promise<Uint8Array> {
    switch (ref.kind) {
      case 'bytes':
        return ref.bytes;
      case 'request':
        return job.requestBody.subarray(ref.offset);
      case 'stream': {
        const stream = this.#takeStream(job, ref.id);
        return stream ? stream.readAll() : new Uint8Array(0);
      }
    }
  }

  /** Guest buffers passed to a service arrive as `{ tag: 'value', val: bytes }` (reading host streams to the end). */
  async #resolveArg(job: Job, value: unknown): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.#resolveArg(job, v)));
    if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      const record = value as Record<string, unknown>;
      if (
        record.tag === 'buffer' &&
        record.val &&
        typeof record.val === 'object' &&
        '$momentoBuffer' in record.val
      ) {
        return {
          tag: 'value',
          val: await this.#resolveBody(job, (record.val as BufferMarker).$momentoBuffer),
        };
      }
      if ('$momentoBuffer' in record)
        return this.#resolveBody(job, (record as unknown as BufferMarker).$momentoBuffer);
      if (typeof record.$momentoResource === 'number') return this.#heldObject(job, record.$momentoResource);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(record)) out[k] = await this.#resolveArg(job, v);
      return out;
    }
    return value;
  }

  /**
   * Streamed `data` results become host streams the guest reads through a buffer; host resources
   * (anywhere in the result) are kept in the invocation's table and cross as markers.
   */
  #registerStreams(job: Job, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.#registerStreams(job, v));
    if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      if (isHostResource(value)) return this.#registerResource(job, value);
      const record = value as Record<string, unknown>;
      if (record.tag === 'buffer') {
        const val = record.val;
        if (val instanceof Uint8Array) return { tag: 'value', val };
        if (val && typeof val === 'object' && Symbol.asyncIterator in val) {
          const id = this.#nextStream++;
          job.streams.set(id, new HostStream(val as AsyncIterable<Uint8Array>));
          return { tag: 'buffer', val: { $momentoStream: id } satisfies StreamMarker };
        }
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(record)) out[k] = this.#registerStreams(job, v);
      return out;
    }
    return value;
  }

  /** Ends what an invocation held: its host streams are closed, its remaining host resources dropped. */
  #release(job: Job): void {
    for (const stream of job.streams.values()) stream.close();
    job.streams.clear();
    if (job.resources.size === 0) return;
    const held = [...job.resources.values()];
    job.resources.clear();
    job.resourceIds.clear();
    for (const { object } of held) this.#dropObject(job, object);
  }

  /** Registers a resource a service returned and gives the marker the worker turns into an instance. */
  #registerResource(job: Job, object: HostResource): ResourceMarker {
    if (job.finished) {
      // An async service answered after the invocation ended (timeout, cancel): nobody can hold it.
      this.#dropObject(job, object);
      return { $momentoResource: -1, resource: object.resource };
    }
    let id = job.resourceIds.get(object);
    if (id === undefined) {
      id = this.#nextResource++;
      job.resourceIds.set(object, id);
      job.resources.set(id, { object, refs: 0 });
    }
    job.resources.get(id)!.refs++;
    return { $momentoResource: id, resource: object.resource };
  }

  /** The guest dropped one handle: the object is dropped when no handle of the invocation points at it. */
  #dropHandle(job: Job, id: number): void {
    const held = job.resources.get(id);
    if (!held || --held.refs > 0) return;
    job.resources.delete(id);
    job.resourceIds.delete(held.object);
    this.#dropObject(job, held.object);
  }

  #dropObject(job: Job, object: HostResource): void {
    const failed = (error: unknown) =>
      this.#invocationLog(
        job.ctx,
        job.capture,
        'warn',
        `dropping a '${object.resource}' resource failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    try {
      const done = object.drop();
      if (done && typeof (done as PromiseLike<void>).then === 'function')
        (done as Promise<void>).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /** Resource markers among a call's arguments become the main-side objects (synchronous: a table lookup). */
  #resolveResources(job: Job, value: unknown): unknown {
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
    if (Array.isArray(value)) return value.map((v) => this.#resolveResources(job, v));
    const record = value as Record<string, unknown>;
    if (typeof record.$momentoResource === 'number') return this.#heldObject(job, record.$momentoResource);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = this.#resolveResources(job, v);
    return out;
  }

  #heldObject(job: Job, id: number): HostResource {
    const held = job.resources.get(id);
    if (!held) throw new Error(`resource handle ${id} is not held by this invocation (already dropped?)`);
    return held.object;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0))
      job.onFail(503, 'the host was closed before the invocation started');
    for (const sandbox of this.#sandboxes) {
      const job = sandbox.job;
      if (job && !job.finished) {
        this.#finish(job);
        job.abort.abort();
        job.onFail(503, 'the host was closed during the invocation');
        this.#release(job);
      }
      clearTimeout(sandbox.abandoned);
      sandbox.dead = true;
    }
    await Promise.all(this.#sandboxes.map((s) => s.worker.terminate()));
    await Promise.all([...this.#services.values()].map(async (s) => s.close?.()));
    await this.#builtins.close();
  }
}

/** The built-in `momento:spawn/spawn` service: runs a loaded spawn function of the same cache in the background. */
function spawnService(host: HostImpl): HostService {
  return {
    interface: 'momento:spawn/spawn@1.0.0',
    functions: {
      spawnFunction: ((ctx: InvocationContext, name: string, data: Uint8Array) => {
        const fn = host.findSpawnable(ctx.cacheName, name);
        if (!fn) {
          host.recordSpawn(ctx, name, data, 'function-not-found');
          return { tag: 'err', val: { tag: 'function-not-found' } };
        }
        if (host.queueIsFull) {
          host.recordSpawn(ctx, name, data, 'limit');
          return {
            tag: 'err',
            val: { tag: 'limit', val: 'the host is busy; too many invocations are queued' },
          };
        }
        const record = host.recordSpawn(ctx, name, data);
        void host.spawn(fn, data, record).then((outcome) => {
          const note = 'val' in outcome ? `: ${outcome.val}` : '';
          host.log({
            level: outcome.tag === 'ok' || outcome.tag === 'ok-note' ? 'info' : 'warn',
            message: `spawned by ${ctx.functionName} (${ctx.invocationId}) finished with ${outcome.tag}${note}`,
            functionName: name,
          });
        });
        return { tag: 'ok', val: undefined };
      }) as ServiceFunction,
    },
  };
}

/**
 * Starts a host: sandbox workers, the built-in services and any you pass.
 *
 * @example
 * import { createHost } from '@momento-functions/runtime';
 * const host = await createHost({ limits: { timeoutMs: 5_000 } });
 * const fn = await host.load('dist/greeter.wasm', { name: 'greeter', env: { GREETING: 'hello' } });
 * const res = await fn.invoke({ body: 'Ada' });
 * console.log(res.status, res.text());
 * await host.close();
 */
export async function createHost(options: HostOptions = {}): Promise<Host> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const url = await workerUrl(cacheDir);
  return new HostImpl(options, url, cacheDir);
}
