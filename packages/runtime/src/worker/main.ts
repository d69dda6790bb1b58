/**
 * The sandbox worker: runs guests, one invocation at a time, each in a never-used instance.
 * Spare instances are created while the worker is idle.
 * Host calls block this thread with Atomics.wait while the main thread serves them.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type ResourcePlan, witClassName } from '../interfaces.js';
import {
  type BodyRef,
  BUFFER_OPS,
  type BufferMarker,
  type CallReply,
  type FromWorker,
  type InvokeMessage,
  type LoadMessage,
  MAX_CALL_SEQ,
  REPLY_VOID,
  type ResourceMarker,
  replyKind,
  replySeq,
  type SpawnMessage,
  type StreamMarker,
  type ToWorker,
  type WireRequest,
} from '../protocol.js';
import { formatSseEvent, SSE_HEADERS } from '../sse.js';
import { warmExport } from './warm.js';
import { wasiImports } from './wasi.js';

// Node 20/22 have no JSPI: sync-mode jco glue still probes WebAssembly.promising and, when it is
// missing, V8 re-parses the whole glue to format a TypeError on every instantiation (measured on
// Node 20: 26 ms of a 27 ms instantiation; 6 ms with this stub).
const wasm = WebAssembly as unknown as { promising?: (f: unknown) => unknown };
wasm.promising ??= (f: unknown) => f;

if (!parentPort) throw new Error('the sandbox worker must run in a worker thread');
const port = parentPort;
const { control, replyPort, inbox } = workerData as {
  control: SharedArrayBuffer;
  replyPort: MessagePort;
  inbox: MessagePort;
};
/**
 * Word 0: the reply word (the answer to the latest answered host call, see protocol.ts). Word 1:
 * inbox sequence, bumped by the host after each message.
 */
const ctl = new Int32Array(control);
/** Sequence number of the latest host call (1..MAX_CALL_SEQ; 0 before the first). */
let callSeq = 0;

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer ?? []);
}

/**
 * One synchronous host call: post the request, block until the main thread answers. The answer
 * is the reply word naming this call: {@link REPLY_VOID} for a call that returned nothing (the
 * common case: log, set, publish...; nothing else to read), `REPLY_MESSAGE` when the reply waits
 * on the reply port. Returns the reply as it crossed (host streams and resources still as markers).
 *
 * A wake-up is never taken for the answer: only the reply word is. The host stores the answer and
 * then notifies, and it can be preempted in between; this thread, seeing the stored answer, may
 * already be waiting in its next call when that notify lands. So the wait is a loop on the word's
 * value, and the word carries the call's sequence number: a late notify, or a late store for an
 * earlier call, leaves the word naming another call and the loop waits again.
 */
function hostCallRaw(callId: number, label: string, args: unknown[]): unknown {
  const seq = callSeq === MAX_CALL_SEQ ? 1 : callSeq + 1;
  callSeq = seq;
  post({ type: 'call', id: current?.id ?? 0, seq, fn: callId, args: toMainArgs(args) });
  let word = Atomics.load(ctl, 0);
  while (replySeq(word) !== seq) {
    // Returns at once if the word changed since the load ('not-equal'): nothing is missed.
    Atomics.wait(ctl, 0, word);
    word = Atomics.load(ctl, 0);
  }
  if (replyKind(word) === REPLY_VOID) return undefined;
  // The host posts the message before it stores the word, so it is on the port by now; a
  // message for an earlier call (none is expected: each call is answered once) is skipped.
  let reply: CallReply | undefined;
  do reply = receiveMessageOnPort(replyPort)?.message as CallReply | undefined;
  while (reply && reply.seq !== seq);
  if (!reply) throw new Error(`host call ${label} lost its reply`);
  if (!reply.ok) throw new Error(reply.message);
  return reply.value;
}

/** A host call whose result is handed to the guest: markers become buffers and resource instances. */
function hostCall(callId: number, label: string, args: unknown[], classes?: ClassLookup): unknown {
  const value = hostCallRaw(callId, label, args);
  return value === undefined || value === null || typeof value !== 'object'
    ? value
    : fromMain(value, classes);
}

// ---------------------------------------------------------------------------------------------
// The momento:bytes/bytes buffer resource

const BUFFER_REMAINING = BUFFER_OPS.indexOf('remaining');
const BUFFER_READ = BUFFER_OPS.indexOf('read');
const BUFFER_ADVANCE = BUFFER_OPS.indexOf('advance');
const BUFFER_READ_ALL = BUFFER_OPS.indexOf('readAll');

const empty = new Uint8Array(0);

/**
 * A host buffer: either bytes held in this worker (the request body, a spawn payload) with a
 * cursor, or a host stream that lives on the main thread (for example an HTTP response body)
 * whose reads block until at least one byte or the end.
 */
class HostBuffer {
  #bytes: Uint8Array | undefined;
  #offset = 0;
  readonly #stream: number | undefined;
  readonly #isRequest: boolean;

  private constructor(bytes: Uint8Array | undefined, stream: number | undefined, isRequest: boolean) {
    this.#bytes = bytes;
    this.#stream = stream;
    this.#isRequest = isRequest;
  }

  static ofBytes(bytes: Uint8Array, isRequest: boolean): HostBuffer {
    return new HostBuffer(bytes, undefined, isRequest);
  }

  static ofStream(id: number): HostBuffer {
    return new HostBuffer(undefined, id, false);
  }

  remaining(): number {
    if (this.#stream !== undefined)
      return hostCall(BUFFER_REMAINING, 'buffer.remaining', [this.#stream]) as number;
    return this.#bytes ? this.#bytes.length - this.#offset : 0;
  }

  read(maxSize: number): Uint8Array | undefined {
    if (this.#stream !== undefined)
      return hostCall(BUFFER_READ, 'buffer.read', [this.#stream, maxSize]) as Uint8Array | undefined;
    const bytes = this.#bytes;
    if (!bytes || this.#offset >= bytes.length) return undefined;
    if (maxSize === 0) return empty;
    const chunk = bytes.slice(this.#offset, this.#offset + maxSize);
    this.#offset += chunk.length;
    return chunk;
  }

  advance(size: number): void {
    if (this.#stream !== undefined) {
      hostCall(BUFFER_ADVANCE, 'buffer.advance', [this.#stream, size]);
      return;
    }
    const length = this.#bytes ? this.#bytes.length : 0;
    this.#offset = Math.min(length, this.#offset + size);
  }

  /** Hands the unread rest over (ownership moves with it) without copying it through the guest. */
  take(): BodyRef {
    if (this.#stream !== undefined) return { kind: 'stream', id: this.#stream };
    const bytes = this.#bytes ?? empty;
    const offset = this.#offset;
    this.#offset = bytes.length;
    if (this.#isRequest) return { kind: 'request', offset };
    return { kind: 'bytes', bytes: bytes.subarray(offset) };
  }

  /** The unread rest as bytes, reading a host stream to its end. */
  takeBytes(): Uint8Array {
    if (this.#stream !== undefined)
      return hostCall(BUFFER_READ_ALL, 'buffer.read-all', [this.#stream]) as Uint8Array;
    const bytes = this.#bytes ?? empty;
    const rest = bytes.subarray(this.#offset);
    this.#offset = bytes.length;
    return rest;
  }

  [Symbol.dispose](): void {
    if (this.#stream !== undefined) post({ type: 'drop-stream', streamId: this.#stream });
    this.#bytes = undefined;
  }
}

type WitData = { tag: 'buffer'; val: HostBuffer } | { tag: 'value'; val: Uint8Array };

function dataBytes(data: WitData): Uint8Array {
  return data.tag === 'value' ? data.val : data.val.takeBytes();
}

/** Service arguments as they cross to the main thread (primitives as they are). */
function toMainArgs(args: unknown[]): unknown[] {
  for (const arg of args) if (arg !== null && typeof arg === 'object') return args.map(toMain);
  return args;
}

/** Replaces guest-held buffers in service arguments with references the main thread resolves. */
function toMain(value: unknown): unknown {
  if (value instanceof HostBuffer) return { $momentoBuffer: value.take() } satisfies BufferMarker;
  if (value instanceof HostResourceHandle)
    return { $momentoResource: value.handleId() } satisfies ResourceMarker;
  if (Array.isArray(value)) return value.map(toMain);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toMain(v);
    return out;
  }
  return value;
}

/**
 * Turns host-stream markers in service results into buffers the guest can read, and resource
 * markers into instances of the resource's class (looked up in `classes`).
 */
function fromMain(value: unknown, classes: ClassLookup | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => fromMain(v, classes));
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    if (typeof (value as StreamMarker).$momentoStream === 'number') {
      return HostBuffer.ofStream((value as StreamMarker).$momentoStream);
    }
    const resource = value as ResourceMarker;
    if (typeof resource.$momentoResource === 'number') {
      const cls = classes?.(resource.resource ?? '');
      if (!cls) {
        throw new Error(
          `the host returned a '${resource.resource}' resource, but this component imports no resource of that name; check the service's result types`,
        );
      }
      return HostResourceHandle.wrap(cls, resource.$momentoResource);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromMain(v, classes);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Resources served by host services

/** jco calls this on a resource instance when the guest drops its handle (toolchain: jco 1.35 glue). */
const symbolDispose: symbol = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

const handleKey = Symbol('momento.resource');

/** Finds the class of a resource (by WIT name) for a host call's result. */
type ClassLookup = (resource: string) => typeof HostResourceHandle | undefined;

/**
 * The base of every class the sandbox gives the glue for a resource served on the main thread.
 * An instance holds only the id of the main-side object in the invocation's table.
 */
class HostResourceHandle {
  // A symbol-keyed field, not a #private one: instances for returned resources are made with
  // Object.create (no constructor call), which cannot carry private fields.
  [handleKey]: number | undefined;

  /** An instance of `cls` for a resource the host returned (no constructor call). */
  static wrap(cls: typeof HostResourceHandle, id: number): HostResourceHandle {
    const instance = Object.create(cls.prototype) as HostResourceHandle;
    instance[handleKey] = id;
    return instance;
  }

  protected setHandle(id: number): void {
    this[handleKey] = id;
  }

  handleId(): number {
    const id = this[handleKey];
    if (id === undefined)
      throw new Error('a resource was used after it was dropped (its handle is no longer valid)');
    return id;
  }

  [symbolDispose](): void {
    const id = this[handleKey];
    if (id === undefined) return;
    this[handleKey] = undefined;
    if (current) post({ type: 'drop-resource', id: current.id, handle: id });
  }
}

/** Builds the class of one resource: constructor, methods and statics call the service functions. */
function resourceClass(
  iface: string,
  plan: ResourcePlan,
  callIds: Record<string, number>,
  classes: ClassLookup,
): typeof HostResourceHandle {
  const ctor = plan.ctor;
  const ctorId = ctor === undefined ? -1 : callIds[ctor]!;
  const cls = class extends HostResourceHandle {
    constructor(...args: unknown[]) {
      super();
      if (!ctor) {
        throw new TypeError(
          `${plan.className} has no constructor here: the service for ${iface} has no [constructor] function`,
        );
      }
      const marker = hostCallRaw(ctorId, `${iface}#${ctor}`, args) as ResourceMarker | undefined;
      if (typeof marker?.$momentoResource !== 'number') {
        throw new Error(`host call ${iface}#${ctor} failed: the service must return a HostResource`);
      }
      this.setHandle(marker.$momentoResource);
    }
  };
  Object.defineProperty(cls, 'name', { value: plan.className });
  const proto = cls.prototype as unknown as Record<string, unknown>;
  for (const { js, wit } of plan.methods) {
    const id = callIds[wit]!;
    const label = `${iface}#${wit}`;
    proto[js] = function (this: HostResourceHandle, ...args: unknown[]) {
      return hostCall(id, label, [this, ...args], classes);
    };
  }
  const statics = cls as unknown as Record<string, unknown>;
  for (const { js, wit } of plan.statics) {
    const id = callIds[wit]!;
    const label = `${iface}#${wit}`;
    statics[js] = (...args: unknown[]) => hostCall(id, label, args, classes);
  }
  return cls;
}

// ---------------------------------------------------------------------------------------------
// Per-invocation state

interface Invocation {
  id: number;
  invocationId: string;
  env: [string, string][];
  request: WireRequest | undefined;
  taken: Set<string>;
  streaming: 'no' | 'sse' | 'raw';
}

let current: Invocation | undefined;

function requireInvocation(what: string): Invocation {
  if (!current) {
    throw new Error(
      `${what} was called outside an invocation (at instantiation time); call it from the handler instead`,
    );
  }
  return current;
}

function takeOnce<T>(key: string, value: () => T, none: T): T {
  const inv = requireInvocation(`web-function-support#${key}`);
  if (inv.taken.has(key)) return none;
  inv.taken.add(key);
  return value();
}

function webRequest(): WireRequest {
  const inv = requireInvocation('web-function-support');
  if (!inv.request) {
    throw new Error('momento:web-function/web-function-support is not available to a spawn function');
  }
  return inv.request;
}

const webSupport = {
  headers: () =>
    takeOnce('headers', () => webRequest().headers.map(([name, value]) => ({ name, value })), []),
  queryParameters: () =>
    takeOnce('queryParameters', () => webRequest().query.map(([name, value]) => ({ name, value })), []),
  tokenMetadata: () => takeOnce('tokenMetadata', () => webRequest().tokenMetadata, undefined),
  invocationId: () => requireInvocation('web-function-support#invocation-id').invocationId,
  httpMethod: () => webRequest().method,
  invocationPath: () => takeOnce('invocationPath', () => webRequest().path, undefined),
};

type Result = { tag: 'ok'; val: undefined } | { tag: 'err'; val: string };
const ok: Result = { tag: 'ok', val: undefined };

function commitHead(inv: Invocation, status: number, headers: [string, string][], sse: boolean): void {
  post({ type: 'head', id: inv.id, status, headers, sse });
}

function sendChunk(inv: Invocation, bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  const own =
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    !(bytes.buffer instanceof SharedArrayBuffer);
  post({ type: 'chunk', id: inv.id, bytes }, own ? [bytes.buffer as ArrayBuffer] : undefined);
}

const webStream = {
  sendSse(event: string | undefined, eventId: string | undefined, data: WitData | undefined): Result {
    const inv = requireInvocation('web-function-stream#send-sse');
    if (inv.streaming === 'raw') {
      // Started with send-response-start (the guest chose its own headers): from the first send-sse
      // on — even one refused below — it is an SSE stream, so a non-2xx return still ends with the
      // http-error event (docs/decisions.md D2; the upstream sse-proxy's `failed to relay SSE event: …`).
      post({ type: 'head', id: inv.id, status: -1, headers: [], sse: true });
      inv.streaming = 'sse';
    }
    const formatted = formatSseEvent(event, eventId, data ? dataBytes(data) : undefined);
    if (!formatted.ok) return { tag: 'err', val: formatted.error };
    if (inv.streaming === 'no') {
      commitHead(
        inv,
        200,
        SSE_HEADERS.map(([n, v]) => [n, v]),
        true,
      );
      inv.streaming = 'sse';
    }
    sendChunk(inv, formatted.bytes);
    return ok;
  },
  sendResponseStart(status: number, headers: { name: string; value: string }[]): Result {
    const inv = requireInvocation('web-function-stream#send-response-start');
    if (inv.streaming !== 'no') return { tag: 'err', val: 'the response has already started' };
    inv.streaming = 'raw';
    commitHead(
      inv,
      status,
      headers.map((h) => [h.name, h.value]),
      false,
    );
    return ok;
  },
  sendData(data: WitData): Result {
    const inv = requireInvocation('web-function-stream#send-data');
    if (inv.streaming === 'no')
      return { tag: 'err', val: 'send-response-start must be called before send-data' };
    sendChunk(inv, dataBytes(data));
    return ok;
  },
};

// ---------------------------------------------------------------------------------------------
// Loaded functions and their spare instances

type Glue = {
  instantiate: (
    getCoreModule: (name: string) => WebAssembly.Module,
    imports: Record<string, unknown>,
    instantiateCore: (module: WebAssembly.Module, imports: WebAssembly.Imports) => WebAssembly.Instance,
  ) => Record<string, unknown>;
};

interface Sandbox {
  exports: Record<string, unknown>;
  memories: WebAssembly.Memory[];
}

interface LoadedFunction {
  load: LoadMessage;
  glue: Glue;
  imports: Record<string, unknown>;
  spares: Sandbox[];
  /** False when instantiation itself reads per-invocation state (the environment). */
  preinstantiate: boolean;
  /** Whether spares get their host-side glue warmed (see {@link warmGlue}); off after a surprise. */
  warm: boolean;
}

const functions = new Map<number, LoadedFunction>();
/** Functions still being imported; invocations for them wait in {@link jobs}. */
const loading = new Set<number>();
/** Loads that failed, by function id, until the host unloads them. */
const failedLoads = new Map<number, string>();
let instantiating: LoadedFunction | undefined;
let sawInvocationStateDuringInstantiation = false;

function environment(): [string, string][] {
  if (current) return current.env;
  // Instantiation read the environment (a C/Rust constructor): this function cannot be
  // pre-instantiated, because __INVOCATION_ID is only known when the request arrives.
  if (instantiating) sawInvocationStateDuringInstantiation = true;
  return [];
}

function buildImports(load: LoadMessage): Record<string, unknown> {
  const imports: Record<string, unknown> = {};
  // A random-bytes request larger than the guest's own memory could never be received.
  const wasi = wasiImports({ environment, maxRandomBytes: load.memoryBytes });
  // Resource classes by interface, then by class name: a result's resource is looked up in the
  // calling interface first, then in the others (a resource can be `use`d from another interface).
  const classesByIface = new Map<string, Map<string, typeof HostResourceHandle>>();
  const lookupFrom =
    (iface: string): ClassLookup =>
    (resource) => {
      const name = witClassName(resource);
      const own = classesByIface.get(iface)?.get(name);
      if (own) return own;
      for (const classes of classesByIface.values()) {
        const found = classes.get(name);
        if (found) return found;
      }
      return undefined;
    };
  for (const imp of load.imports) {
    let value: unknown;
    if (imp.kind === 'wasi') {
      value = wasi[imp.unversioned];
    } else if (imp.served === 'momento:bytes/bytes@1.0.0') {
      value = { Buffer: HostBuffer };
    } else if (imp.served === 'momento:web-function/web-function-support@1.0.0') {
      value = webSupport;
    } else if (imp.served === 'momento:web-function/web-function-stream@1.0.0') {
      value = webStream;
    } else {
      const fns: Record<string, unknown> = {};
      const classes = lookupFrom(imp.served);
      for (const fn of imp.functions) {
        const id = imp.callIds[fn]!;
        const label = `${imp.served}#${fn}`;
        fns[fn] = (...args: unknown[]) => hostCall(id, label, args, classes);
      }
      if (imp.resources.length > 0) {
        const own = new Map<string, typeof HostResourceHandle>();
        for (const plan of imp.resources) {
          const cls = resourceClass(imp.served, plan, imp.callIds, classes);
          own.set(plan.className, cls);
          fns[plan.className] = cls;
        }
        classesByIface.set(imp.served, own);
      }
      value = fns;
    }
    // jco's instantiate() looks imports up by the unversioned name (`momento:bytes/bytes`, not
    // `momento:bytes/bytes@1.0.0`): give it both spellings.
    imports[imp.name] = value;
    imports[imp.unversioned] = value;
  }
  return imports;
}

function instantiate(fn: LoadedFunction): Sandbox {
  const memories: WebAssembly.Memory[] = [];
  const exports = fn.glue.instantiate(
    (name) => {
      const module = fn.load.modules[name];
      if (!module) throw new Error(`the transpiled glue asked for an unknown core module ${name}`);
      return module;
    },
    fn.imports,
    (module, imports) => {
      const instance = new WebAssembly.Instance(module, imports);
      for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory && !memories.includes(value)) memories.push(value);
      }
      return instance;
    },
  );
  return { exports, memories };
}

/**
 * Warms the glue of a fresh spare (see ./warm.ts). When the glue does not refuse the warm-up
 * argument as expected, the instance is discarded and warming is switched off for the function.
 */
function warmGlue(fn: LoadedFunction, sandbox: Sandbox): boolean {
  const api = exportOf(fn, sandbox) as Record<string, (arg: unknown) => unknown>;
  const method = fn.load.kind === 'web' ? 'invoke' : 'spawned';
  if (warmExport((arg) => api[method]!(arg))) return true;
  fn.warm = false;
  post({
    type: 'log',
    level: 'warn',
    fnId: fn.load.fnId,
    message: `warming the glue of '${fn.load.name}' did not fail as expected; spares are no longer warmed`,
  });
  return false;
}

function exportOf(fn: LoadedFunction, sandbox: Sandbox): unknown {
  return fn.load.kind === 'web'
    ? (sandbox.exports['momento:web-function/guest-function-web@1.0.0'] ?? sandbox.exports.guestFunctionWeb)
    : (sandbox.exports['momento:spawn-function/guest-function-spawn@1.0.0'] ??
        sandbox.exports.guestFunctionSpawn);
}

/** Makes a spare: instantiate now (start functions and `_initialize` included), so the request path only invokes. */
function prepareSpare(fn: LoadedFunction): void {
  instantiating = fn;
  sawInvocationStateDuringInstantiation = false;
  let sandbox: Sandbox;
  try {
    sandbox = instantiate(fn);
  } finally {
    instantiating = undefined;
  }
  if (sawInvocationStateDuringInstantiation) {
    fn.preinstantiate = false;
    post({
      type: 'log',
      level: 'info',
      fnId: fn.load.fnId,
      message: `function '${fn.load.name}' reads its environment while instantiating; instances are created per request instead of ahead of time`,
    });
    return;
  }
  if (fn.warm && !warmGlue(fn, sandbox)) return;
  // Not pre-faulting memory pages: measured, it cost ~12 ms per StarlingMonkey instance and did
  // not make the first invoke faster (bench/host/RESULTS.md).
  fn.spares.push(sandbox);
}

/** Instantiates one spare for the first function short of spares; false when all are full. */
function refillOne(): boolean {
  for (const fn of functions.values()) {
    if (fn.preinstantiate && fn.spares.length < fn.load.spares) {
      try {
        prepareSpare(fn);
      } catch (error) {
        fn.preinstantiate = false;
        post({
          type: 'log',
          level: 'error',
          fnId: fn.load.fnId,
          message: `instantiating '${fn.load.name}' failed: ${messageOf(error)}`,
        });
      }
      return true;
    }
  }
  return false;
}

function takeSandbox(fn: LoadedFunction): Sandbox {
  const spare = fn.spares.shift();
  if (spare) return spare;
  return instantiate(fn);
}

async function loadFunction(msg: LoadMessage): Promise<void> {
  try {
    const glue = (await import(msg.glueUrl)) as Glue;
    const fn: LoadedFunction = {
      load: msg,
      glue,
      imports: buildImports(msg),
      spares: [],
      preinstantiate: msg.spares > 0,
      warm: true,
    };
    functions.set(msg.fnId, fn);
    if (fn.preinstantiate) prepareSpare(fn);
    post({ type: 'loaded', fnId: msg.fnId });
  } catch (error) {
    functions.delete(msg.fnId);
    failedLoads.set(msg.fnId, messageOf(error));
    post({ type: 'loaded', fnId: msg.fnId, error: messageOf(error) });
  } finally {
    loading.delete(msg.fnId);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function failure(id: number, fn: LoadedFunction, sandbox: Sandbox | undefined, error: unknown): void {
  const message = messageOf(error);
  const used = sandbox ? Math.max(0, ...sandbox.memories.map((m) => m.buffer.byteLength)) : 0;
  if (used >= fn.load.memoryBytes * 0.75 && /unreachable|memory|out of bounds|alloc/i.test(message)) {
    post({
      type: 'failed',
      id,
      reason: 'memory',
      message: `${message} (the instance had grown to ${(used / 1048576).toFixed(1)} MiB of its ${(fn.load.memoryBytes / 1048576).toFixed(0)} MiB memory limit)`,
    });
    return;
  }
  post({ type: 'failed', id, reason: 'trap', message });
}

interface WebExports {
  invoke(request: WitData): { status: number; headers: { name: string; value: string }[]; body: WitData };
}
interface SpawnExports {
  spawned(payload: WitData): { tag: string; val?: string };
}

function runInvoke(msg: InvokeMessage, fn: LoadedFunction): void {
  current = {
    id: msg.id,
    invocationId: msg.invocationId,
    env: msg.env,
    request: msg.request,
    taken: new Set(),
    streaming: 'no',
  };
  let sandbox: Sandbox | undefined;
  try {
    sandbox = takeSandbox(fn);
    const api = exportOf(fn, sandbox) as WebExports;
    const response = api.invoke({ tag: 'buffer', val: HostBuffer.ofBytes(msg.request.body, true) });
    const body: BodyRef =
      response.body.tag === 'buffer' ? response.body.val.take() : { kind: 'bytes', bytes: response.body.val };
    const transfer =
      body.kind === 'bytes' &&
      body.bytes.byteOffset === 0 &&
      body.bytes.byteLength === body.bytes.buffer.byteLength &&
      !(body.bytes.buffer instanceof SharedArrayBuffer)
        ? [body.bytes.buffer as ArrayBuffer]
        : undefined;
    const headers: [string, string][] = [];
    for (const h of response.headers) headers.push([h.name, h.value]);
    post(
      {
        type: 'done',
        id: msg.id,
        status: response.status,
        headers,
        body,
        streamed: current.streaming,
      },
      transfer,
    );
  } catch (error) {
    failure(msg.id, fn, sandbox, error);
  } finally {
    current = undefined;
  }
}

function runSpawn(msg: SpawnMessage, fn: LoadedFunction): void {
  current = {
    id: msg.id,
    invocationId: msg.invocationId,
    env: msg.env,
    request: undefined,
    taken: new Set(),
    streaming: 'no',
  };
  let sandbox: Sandbox | undefined;
  try {
    sandbox = takeSandbox(fn);
    const api = exportOf(fn, sandbox) as SpawnExports;
    let result: { tag: string; val?: string };
    try {
      result = api.spawned({ tag: 'buffer', val: HostBuffer.ofBytes(msg.payload, false) });
    } catch (error) {
      // jco lifts `err(spawn-failure)` as a thrown ComponentError carrying the payload.
      const payload = (error as { payload?: { tag: string; val?: string } }).payload;
      if (!payload || typeof payload.tag !== 'string') throw error;
      result = payload;
    }
    post({ type: 'spawn-done', id: msg.id, result: { tag: result.tag, val: result.val } });
  } catch (error) {
    failure(msg.id, fn, sandbox, error);
  } finally {
    current = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The loop
//
// The host posts every message on the inbox port, then bumps the inbox sequence word and
// notifies it. While this worker has nothing to do it blocks in Atomics.wait on that word rather
// than in its event loop: a futex wake is the cheapest way to get an idle thread running again
// (measured: a round trip of ~21 µs against ~53 µs through postMessage and the event loop), and
// the message is taken synchronously with receiveMessageOnPort. The event loop only runs while a
// function's glue is being imported (dynamic import needs it); messages arriving meanwhile wake it
// through Atomics.waitAsync on the same word.
//
// Order of work: invocations first, in arrival order (an invocation for a function still loading
// waits for it, others go ahead); spare instances only when no invocation is waiting,
// one at a time with a look at the inbox in between, so an arriving request never waits for a
// whole refill; instantiation never sits between a request and its answer when a spare is ready.

type Job = InvokeMessage | SpawnMessage;
const jobs: Job[] = [];
let pumping = false;

function receive(msg: ToWorker): void {
  switch (msg.type) {
    case 'load':
      loading.add(msg.fnId);
      void loadFunction(msg).then(pump);
      return;
    case 'unload':
      functions.delete(msg.fnId);
      failedLoads.delete(msg.fnId);
      return;
    case 'invoke':
    case 'spawn':
      jobs.push(msg);
      return;
  }
}

function drainInbox(): void {
  for (;;) {
    const received = receiveMessageOnPort(inbox);
    if (!received) return;
    receive(received.message as ToWorker);
  }
}

/**
 * Runs the first job whose function is ready (arrival order; a function still loading holds back
 * only its own invocations); false when none can run.
 */
function runNext(): boolean {
  const index = jobs.findIndex((job) => !loading.has(job.fnId));
  if (index < 0) return false;
  const job = jobs.splice(index, 1)[0]!;
  const fn = functions.get(job.fnId);
  if (!fn) {
    const why = failedLoads.get(job.fnId);
    post({
      type: 'failed',
      id: job.id,
      reason: 'trap',
      message: why
        ? `the function failed to load in this sandbox: ${why}`
        : 'the function is not loaded in this sandbox',
    });
    return true;
  }
  if (job.type === 'invoke') runInvoke(job, fn);
  else runSpawn(job, fn);
  return true;
}

/** `Atomics.waitAsync` (Node ≥ 16; not in this TypeScript lib). */
interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}

function pump(): void {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      // Read the sequence before draining: a message posted after this read changes it, so the
      // wait below returns at once instead of sleeping on an unread message.
      const seen = Atomics.load(ctl, 1);
      drainInbox();
      if (runNext()) continue;
      if (jobs.length === 0 && refillOne()) continue;
      if (loading.size > 0) {
        // The event loop must run for the import; its completion calls pump() again, and so
        // does a message arriving meanwhile (an invocation of a function already loaded).
        const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(ctl, 1, seen);
        if (wait.async) void wait.value.then(pump);
        else setImmediate(pump);
        return;
      }
      Atomics.wait(ctl, 1, seen);
    }
  } finally {
    pumping = false;
  }
}

// Start once this module has finished evaluating.
setImmediate(pump);
