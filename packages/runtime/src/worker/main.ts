/**
 * The sandbox worker: runs guests, one invocation at a time, each in a never-used instance.
 * Spare instances are created while the worker is idle.
 * Host calls block this thread with Atomics.wait while the main thread serves them.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type {
  BodyRef,
  BufferMarker,
  CallReply,
  FromWorker,
  InvokeMessage,
  LoadMessage,
  SpawnMessage,
  StreamMarker,
  ToWorker,
  WireRequest,
} from '../protocol.js';
import { formatSseEvent, SSE_HEADERS } from '../sse.js';
import { wasiImports } from './wasi.js';

// Node 20/22 have no JSPI: sync-mode jco glue still probes WebAssembly.promising and, when it is
// missing, V8 re-parses the whole glue to format a TypeError on every instantiation (toolchain-notes §3.3).
const wasm = WebAssembly as unknown as { promising?: (f: unknown) => unknown };
wasm.promising ??= (f: unknown) => f;

if (!parentPort) throw new Error('the sandbox worker must run in a worker thread');
const port = parentPort;
const { control, replyPort } = workerData as { control: SharedArrayBuffer; replyPort: MessagePort };
const ctl = new Int32Array(control);

function post(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer ?? []);
}

/** One synchronous host call: post the request, block until the main thread answers. */
function hostCall(iface: string, fn: string, args: unknown[]): unknown {
  Atomics.store(ctl, 0, 0);
  post({ type: 'call', id: current?.id ?? 0, iface, fn, args: args.map(toMain) });
  Atomics.wait(ctl, 0, 0);
  const received = receiveMessageOnPort(replyPort);
  if (!received) throw new Error(`host call ${iface}#${fn} lost its reply`);
  const reply = received.message as CallReply;
  if (!reply.ok) throw new Error(reply.message);
  return fromMain(reply.value);
}

// ---------------------------------------------------------------------------------------------
// The momento:bytes/bytes buffer resource

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
    if (this.#stream !== undefined) return hostCall('$buffer', 'remaining', [this.#stream]) as number;
    return this.#bytes ? this.#bytes.length - this.#offset : 0;
  }

  read(maxSize: number): Uint8Array | undefined {
    if (this.#stream !== undefined)
      return hostCall('$buffer', 'read', [this.#stream, maxSize]) as Uint8Array | undefined;
    const bytes = this.#bytes;
    if (!bytes || this.#offset >= bytes.length) return undefined;
    if (maxSize === 0) return empty;
    const chunk = bytes.slice(this.#offset, this.#offset + maxSize);
    this.#offset += chunk.length;
    return chunk;
  }

  advance(size: number): void {
    if (this.#stream !== undefined) {
      hostCall('$buffer', 'advance', [this.#stream, size]);
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
    if (this.#stream !== undefined) return hostCall('$buffer', 'readAll', [this.#stream]) as Uint8Array;
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

/** Replaces guest-held buffers in service arguments with references the main thread resolves. */
function toMain(value: unknown): unknown {
  if (value instanceof HostBuffer) return { $momentoBuffer: value.take() } satisfies BufferMarker;
  if (Array.isArray(value)) return value.map(toMain);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toMain(v);
    return out;
  }
  return value;
}

/** Turns host-stream markers in service results into buffers the guest can read. */
function fromMain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromMain);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    if (typeof (value as StreamMarker).$momentoStream === 'number') {
      return HostBuffer.ofStream((value as StreamMarker).$momentoStream);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromMain(v);
    return out;
  }
  return value;
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
    } else if (inv.streaming === 'raw') {
      // Started with send-response-start (the guest chose its own headers): still an SSE stream.
      post({ type: 'head', id: inv.id, status: -1, headers: [], sse: true });
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
}

const functions = new Map<number, LoadedFunction>();
const loading = new Map<number, Promise<LoadedFunction | undefined>>();
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
  const wasi = wasiImports({ environment });
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
      const fns: Record<string, (...args: unknown[]) => unknown> = {};
      for (const fn of imp.functions) fns[fn] = (...args: unknown[]) => hostCall(imp.served, fn, args);
      value = fns;
    }
    // jco's instantiate() looks imports up by the unversioned name (toolchain-notes §3.1).
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
  // Not pre-faulting memory pages: measured, it cost ~12 ms per StarlingMonkey instance and did
  // not make the first invoke faster (bench/host/RESULTS.md).
  fn.spares.push(sandbox);
}

let refillScheduled = false;
function scheduleRefill(): void {
  if (refillScheduled) return;
  refillScheduled = true;
  setImmediate(refill);
}

function refill(): void {
  refillScheduled = false;
  if (current) return;
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
      // One instance per turn, so an arriving invocation never waits behind a whole refill.
      scheduleRefill();
      return;
    }
  }
}

function takeSandbox(fn: LoadedFunction): Sandbox {
  const spare = fn.spares.shift();
  if (spare) return spare;
  return instantiate(fn);
}

async function loadFunction(msg: LoadMessage): Promise<LoadedFunction | undefined> {
  try {
    const glue = (await import(msg.glueUrl)) as Glue;
    const fn: LoadedFunction = {
      load: msg,
      glue,
      imports: buildImports(msg),
      spares: [],
      preinstantiate: msg.spares > 0,
    };
    functions.set(msg.fnId, fn);
    if (fn.preinstantiate) prepareSpare(fn);
    post({ type: 'loaded', fnId: msg.fnId });
    scheduleRefill();
    return fn;
  } catch (error) {
    post({ type: 'loaded', fnId: msg.fnId, error: messageOf(error) });
    return undefined;
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

async function getFunction(fnId: number): Promise<LoadedFunction | undefined> {
  return functions.get(fnId) ?? (await loading.get(fnId));
}

interface WebExports {
  invoke(request: WitData): { status: number; headers: { name: string; value: string }[]; body: WitData };
}
interface SpawnExports {
  spawned(payload: WitData): { tag: string; val?: string };
}

async function runInvoke(msg: InvokeMessage): Promise<void> {
  const fn = await getFunction(msg.fnId);
  if (!fn) {
    post({
      type: 'failed',
      id: msg.id,
      reason: 'trap',
      message: 'the function is not loaded in this sandbox',
    });
    return;
  }
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
    const api = (sandbox.exports['momento:web-function/guest-function-web@1.0.0'] ??
      sandbox.exports.guestFunctionWeb) as WebExports;
    const response = api.invoke({ tag: 'buffer', val: HostBuffer.ofBytes(msg.request.body, true) });
    const body: BodyRef =
      response.body.tag === 'buffer' ? response.body.val.take() : { kind: 'bytes', bytes: response.body.val };
    const transfer =
      body.kind === 'bytes' &&
      body.bytes.byteOffset === 0 &&
      body.bytes.byteLength === body.bytes.buffer.byteLength
        ? [body.bytes.buffer as ArrayBuffer]
        : undefined;
    post(
      {
        type: 'done',
        id: msg.id,
        status: response.status,
        headers: response.headers.map((h) => [h.name, h.value]),
        body,
        streamed: current.streaming,
      },
      transfer,
    );
  } catch (error) {
    failure(msg.id, fn, sandbox, error);
  } finally {
    current = undefined;
    scheduleRefill();
  }
}

async function runSpawn(msg: SpawnMessage): Promise<void> {
  const fn = await getFunction(msg.fnId);
  if (!fn) {
    post({
      type: 'failed',
      id: msg.id,
      reason: 'trap',
      message: 'the function is not loaded in this sandbox',
    });
    return;
  }
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
    const api = (sandbox.exports['momento:spawn-function/guest-function-spawn@1.0.0'] ??
      sandbox.exports.guestFunctionSpawn) as SpawnExports;
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
    scheduleRefill();
  }
}

// Invocations run strictly one after another: a message that arrives while a function is still
// loading waits for it, and the next one waits for that.
let chain: Promise<void> = Promise.resolve();

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'load':
      loading.set(msg.fnId, loadFunction(msg));
      return;
    case 'unload':
      functions.delete(msg.fnId);
      return;
    case 'invoke':
      chain = chain.then(() => runInvoke(msg));
      return;
    case 'spawn':
      chain = chain.then(() => runSpawn(msg));
      return;
  }
});
