// A tiny host for guest-web's component tests: jco-transpiles a built component once (cached by
// content hash), then runs every invocation on a fresh instance whose host imports record each
// call. The web-function-support functions hand take-once values over only once, and the stream
// functions return the queued err strings, as the WIT describes.
import { createHash, getRandomValues } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Host side of the WIT `buffer` resource: a cursor over bytes that counts reads. */
export class HostBuffer {
  #bytes: Uint8Array;
  #offset = 0;
  reads = 0;
  constructor(bytes: Uint8Array | string) {
    this.#bytes = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  }
  remaining(): number {
    return this.#bytes.length - this.#offset;
  }
  read(max: number): Uint8Array | undefined {
    this.reads++;
    if (this.#offset >= this.#bytes.length) return undefined;
    const chunk = this.#bytes.slice(this.#offset, this.#offset + max);
    this.#offset += chunk.length;
    return chunk;
  }
  advance(n: number): void {
    this.#offset = Math.min(this.#bytes.length, this.#offset + n);
  }
}

type Data = { tag: 'buffer'; val: HostBuffer } | { tag: 'value'; val: Uint8Array };
interface Header {
  name: string;
  value: string;
}

export interface Request {
  body?: string | Uint8Array;
  /** Send the body as a host buffer (default) or inline. */
  bodyAs?: 'buffer' | 'value';
  headers?: Header[];
  query?: Header[];
  token?: string;
  method?: string;
  path?: string;
  env?: [string, string][];
  /** Err strings the stream functions return, consumed in order. */
  streamErrors?: Partial<Record<'send-sse' | 'send-response-start' | 'send-data', string[]>>;
}

export interface Outcome {
  status: number;
  headers: Header[];
  body: Uint8Array;
  /** The body as text. */
  text: string;
  /** The body handle when the guest returned a host buffer. */
  bodyBuffer: HostBuffer | undefined;
  /** The request buffer, when the body was sent as one. */
  requestBuffer: HostBuffer | undefined;
  /** Momento host calls in order (name and arguments). */
  calls: [string, ...unknown[]][];
}

type Instantiate = (
  getCoreModule: (p: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
) => {
  guestFunctionWeb: { invoke(request: Data): { status: number; headers: Header[]; body: Data } };
};

const CACHE = resolve(import.meta.dirname, '../../node_modules/.cache/guest-web-transpiled');
const loaded = new Map<string, { instantiate: Instantiate; modules: Map<string, WebAssembly.Module> }>();

async function load(wasmPath: string) {
  const bytes = await readFile(wasmPath);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const hit = loaded.get(hash);
  if (hit) return hit;
  const dir = join(CACHE, hash);
  if (!existsSync(join(dir, 'component.js'))) {
    const { transpile } = await import('@bytecodealliance/jco');
    const { files } = await transpile(bytes, {
      name: 'component',
      instantiation: { tag: 'sync' },
      noWasiShim: true,
      quiet: true,
    } as never);
    const tmp = `${dir}.tmp-${process.pid}`;
    for (const [name, content] of Object.entries(files as Record<string, Uint8Array>)) {
      await mkdir(join(tmp, name, '..'), { recursive: true });
      await writeFile(join(tmp, name), content);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
  // Node 20 has no WebAssembly.promising; the sync glue only probes it.
  WebAssembly.promising ??= (f: unknown) => f;
  const { instantiate } = (await import(pathToFileURL(join(dir, 'component.js')).href)) as {
    instantiate: Instantiate;
  };
  const modules = new Map<string, WebAssembly.Module>();
  for (const file of await readdir(dir)) {
    if (file.endsWith('.wasm')) modules.set(file, new WebAssembly.Module(await readFile(join(dir, file))));
  }
  const entry = { instantiate, modules };
  loaded.set(hash, entry);
  return entry;
}

/** Host-side `err` for a WIT result: jco turns a thrown `{ payload }` into `err(payload)`. */
function err(payload: string): never {
  throw { payload };
}

function bytesOf(d: Data): Uint8Array {
  if (d.tag === 'value') return d.val;
  const parts: number[] = [];
  for (let c = d.val.read(65536); c !== undefined; c = d.val.read(65536)) parts.push(...c);
  return new Uint8Array(parts);
}

/** Invoke the component's web function once, on a fresh instance. */
export async function invoke(wasmPath: string, request: Request = {}): Promise<Outcome> {
  const { instantiate, modules } = await load(wasmPath);
  const calls: [string, ...unknown[]][] = [];
  const taken = new Set<string>();
  const take = <T>(name: string, value: T, empty: T): T => {
    calls.push([name]);
    if (taken.has(name)) return empty;
    taken.add(name);
    return value;
  };
  const errors = {
    'send-sse': [...(request.streamErrors?.['send-sse'] ?? [])],
    'send-response-start': [...(request.streamErrors?.['send-response-start'] ?? [])],
    'send-data': [...(request.streamErrors?.['send-data'] ?? [])],
  };
  const stream = (name: keyof typeof errors, ...args: unknown[]) => {
    calls.push([name, ...args]);
    const e = errors[name].shift();
    if (e !== undefined) err(e);
  };
  class Pollable {}
  class InputStream {}
  class OutputStream {}
  const trap = (what: string) => () => {
    throw new Error(`${what} is not served by this test host`);
  };
  const imports: Record<string, unknown> = {
    'momento:bytes/bytes@1.0.0': { Buffer: HostBuffer },
    'momento:web-function/web-function-support@1.0.0': {
      headers: () => take('headers', request.headers ?? [], []),
      queryParameters: () => take('query-parameters', request.query ?? [], []),
      tokenMetadata: () => take('token-metadata', request.token, undefined),
      invocationPath: () => take('invocation-path', request.path, undefined),
      invocationId: () => {
        calls.push(['invocation-id']);
        return 'host-invocation-id';
      },
      httpMethod: () => {
        calls.push(['http-method']);
        return request.method ?? 'POST';
      },
    },
    'momento:web-function/web-function-stream@1.0.0': {
      sendSse: (event?: string, id?: string, data?: Data) =>
        stream(
          'send-sse',
          event,
          id,
          data === undefined ? undefined : new TextDecoder().decode(bytesOf(data)),
        ),
      sendResponseStart: (status: number, headers: Header[]) =>
        stream('send-response-start', status, headers),
      sendData: (data: Data) => stream('send-data', bytesOf(data)),
    },
    'momento:log/logging@1.0.0': {
      log: (message: string, level: string) => calls.push(['log', level, message]),
      configureLogging: () => undefined,
    },
    'wasi:cli/environment@0.2.3': {
      getEnvironment: () => request.env ?? [],
      getArguments: () => [],
      initialCwd: () => undefined,
    },
    'wasi:clocks/monotonic-clock@0.2.3': {
      now: () => process.hrtime.bigint(),
      subscribeInstant: () => new Pollable(),
      subscribeDuration: () => new Pollable(),
    },
    'wasi:clocks/wall-clock@0.2.3': {
      now: () => ({ seconds: BigInt(Math.floor(Date.now() / 1000)), nanoseconds: 0 }),
      resolution: () => ({ seconds: 0n, nanoseconds: 1 }),
    },
    // The build keeps componentize-js's `random` feature: Math.random() and crypto draw from here.
    'wasi:random/random@0.2.3': {
      getRandomBytes: (len: bigint) => getRandomValues(new Uint8Array(Number(len))),
      getRandomU64: () => getRandomValues(new BigUint64Array(1))[0]!,
    },
    'wasi:io/poll@0.2.3': { Pollable, poll: trap('wasi:io/poll') },
    'wasi:io/error@0.2.3': { Error: class {} },
    'wasi:io/streams@0.2.3': { InputStream, OutputStream },
    'wasi:cli/stderr@0.2.3': { getStderr: trap('wasi:cli/stderr') },
  };
  // The glue looks imports up by unversioned name (jco's sync glue looks imports up by their unversioned names).
  for (const key of Object.keys(imports)) imports[key.replace(/@[^@/]+$/, '')] = imports[key];
  const instance = instantiate((p) => {
    const m = modules.get(p);
    if (!m) throw new Error(`no core module ${p}`);
    return m;
  }, imports);

  const body =
    typeof request.body === 'string'
      ? new TextEncoder().encode(request.body)
      : (request.body ?? new Uint8Array());
  const requestBuffer = request.bodyAs === 'value' ? undefined : new HostBuffer(body);
  const res = instance.guestFunctionWeb.invoke(
    requestBuffer ? { tag: 'buffer', val: requestBuffer } : { tag: 'value', val: body },
  );
  const bodyBuffer = res.body.tag === 'buffer' ? res.body.val : undefined;
  const readsBefore = requestBuffer?.reads;
  const out = bytesOf(res.body);
  if (requestBuffer && readsBefore !== undefined) requestBuffer.reads = readsBefore; // count guest reads only
  return {
    status: res.status,
    headers: res.headers.map((h) => ({ name: h.name, value: h.value })),
    body: out,
    text: new TextDecoder().decode(out),
    bodyBuffer,
    requestBuffer,
    calls,
  };
}
