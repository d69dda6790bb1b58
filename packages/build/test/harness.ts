// A minimal host for tests: jco-transpile a component (--instantiation sync --no-wasi-shim) and
// instantiate it with plain-JS imports (jco's sync glue looks imports up by their unversioned names). Used until packages/runtime exists.
import { createHash, getRandomValues } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** WIT `buffer` resource, host side: a cursor over bytes. */
export class HostBuffer {
  private offset = 0;
  reads = 0;
  constructor(private readonly bytes: Uint8Array) {}
  remaining(): number {
    return this.bytes.length - this.offset;
  }
  read(max: number): Uint8Array | undefined {
    this.reads++;
    if (this.offset >= this.bytes.length) return undefined;
    const chunk = this.bytes.slice(this.offset, this.offset + max);
    this.offset += chunk.length;
    return chunk;
  }
  advance(n: number): void {
    this.offset = Math.min(this.bytes.length, this.offset + n);
  }
}

export type WitData = { tag: 'buffer'; val: HostBuffer } | { tag: 'value'; val: Uint8Array };

export interface WebResponse {
  status: number;
  headers: { name: string; value: string }[];
  body: WitData;
}

export interface Instance {
  guestFunctionWeb?: { invoke(request: WitData): WebResponse };
  guestFunctionSpawn?: { spawned(payload: WitData): unknown };
}

export interface HostState {
  logs: [string, string][];
  env: [string, string][];
  calls: string[];
}

const CACHE = resolve(import.meta.dirname, '../../../node_modules/.cache/momento-functions/test-harness');

type Instantiate = (
  getCoreModule: (p: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
) => Instance;

const loaded = new Map<string, { instantiate: Instantiate; modules: Map<string, WebAssembly.Module> }>();

/** Transpile once per content hash (cached on disk) and compile the core modules once per process. */
async function load(wasmPath: string) {
  const bytes = await readFile(wasmPath);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const hit = loaded.get(hash);
  if (hit) return hit;
  const dir = join(CACHE, hash);
  if (!existsSync(join(dir, 'guest.js'))) {
    const { transpile } = await import('@bytecodealliance/jco');
    const { files } = await transpile(bytes, {
      name: 'guest',
      instantiation: 'sync',
      wasiShim: false,
      noTypescript: true,
      base64Cutoff: 0,
      quiet: true,
    });
    const tmp = `${dir}.tmp-${process.pid}`;
    await mkdir(tmp, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      if (name.endsWith('.d.ts')) continue;
      await mkdir(join(tmp, name, '..'), { recursive: true });
      await writeFile(join(tmp, name), content);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir).catch(async (e) => {
      if (!existsSync(join(dir, 'guest.js'))) throw e;
      await rm(tmp, { recursive: true, force: true });
    });
  }
  // Node 20 has no WebAssembly.promising; the sync glue only probes it.
  const wa = WebAssembly as unknown as { promising?: (f: unknown) => unknown };
  wa.promising ??= (f: unknown) => f;
  const mod = (await import(pathToFileURL(join(dir, 'guest.js')).href)) as { instantiate: Instantiate };
  const modules = new Map<string, WebAssembly.Module>();
  for (const f of await readdir(dir)) {
    if (f.endsWith('.wasm')) modules.set(f, new WebAssembly.Module(await readFile(join(dir, f))));
  }
  const entry = { instantiate: mod.instantiate, modules };
  loaded.set(hash, entry);
  return entry;
}

class Pollable {}
class IoError {}
class InputStream {}
class OutputStream {}

function trap(name: string): () => never {
  return () => {
    throw new Error(`test host: ${name} was called; the platform does not support it`);
  };
}

/** A fresh instance with a fresh host state (the platform gives every invocation a new instance). */
export async function instantiate(
  wasmPath: string,
  opts: { env?: [string, string][]; invocationId?: string; extra?: Record<string, unknown> } = {},
): Promise<{ instance: Instance; state: HostState }> {
  const { instantiate: inst, modules } = await load(wasmPath);
  const state: HostState = { logs: [], env: opts.env ?? [], calls: [] };
  const imports: Record<string, unknown> = {
    'momento:bytes/bytes': { Buffer: HostBuffer },
    'momento:log/logging': {
      log: (input: string, level: string) => state.logs.push([level, input]),
      configureLogging: () => {
        state.calls.push('configure-logging');
      },
    },
    'momento:web-function/web-function-support': {
      headers: () => [],
      queryParameters: () => [],
      tokenMetadata: () => undefined,
      invocationId: () => opts.invocationId ?? 'test-invocation',
      httpMethod: () => 'POST',
      invocationPath: () => undefined,
    },
    'wasi:cli/environment': {
      getEnvironment: () => state.env,
      getArguments: () => [],
      initialCwd: () => undefined,
    },
    'wasi:clocks/monotonic-clock': {
      now: () => process.hrtime.bigint(),
      subscribeInstant: () => new Pollable(),
      subscribeDuration: () => new Pollable(),
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
    },
    // componentize-js's `random` feature: Math.random() and crypto draw from the host per instance.
    'wasi:random/random': {
      getRandomBytes: (len: bigint) => getRandomValues(new Uint8Array(Number(len))),
      getRandomU64: () => getRandomValues(new BigUint64Array(1))[0]!,
    },
    'wasi:io/poll': { Pollable, poll: trap('wasi:io/poll#poll') },
    'wasi:io/error': { Error: IoError },
    'wasi:io/streams': { InputStream, OutputStream },
    'wasi:cli/stderr': { getStderr: trap('wasi:cli/stderr#get-stderr') },
    ...opts.extra,
  };
  // jco's sync glue looks imports up without the version (jco's sync glue looks imports up by their unversioned names).
  const instance = inst((p) => {
    const m = modules.get(p);
    if (!m) throw new Error(`missing core module ${p}`);
    return m;
  }, imports);
  return { instance, state };
}

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Read a WIT `data` the guest returned. */
export function readData(d: WitData): Uint8Array {
  if (d.tag === 'value') return d.val;
  const parts: Uint8Array[] = [];
  for (;;) {
    const c = d.val.read(65536);
    if (c === undefined) break;
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** Invoke a web function on a fresh instance; the body is handed over as a host buffer by default. */
export async function invokeWeb(
  wasmPath: string,
  body: string | Uint8Array,
  opts: { asValue?: boolean; env?: [string, string][] } = {},
) {
  const { instance, state } = await instantiate(wasmPath, opts.env ? { env: opts.env } : {});
  const bytes = typeof body === 'string' ? enc.encode(body) : body;
  const request: WitData = opts.asValue
    ? { tag: 'value', val: bytes }
    : { tag: 'buffer', val: new HostBuffer(bytes) };
  if (!instance.guestFunctionWeb) throw new Error('component has no guestFunctionWeb export');
  const res = instance.guestFunctionWeb.invoke(request);
  return {
    status: res.status,
    headers: res.headers,
    body: res.body,
    text: dec.decode(readData(res.body)),
    request,
    state,
  };
}

/** The outcome of a spawn, as the jco glue reports it: `ok` value, or the `err` payload it throws. */
export type SpawnOutcome = { ok: unknown } | { err: unknown };

/** Run a spawn function on a fresh instance. */
export async function runSpawn(
  wasmPath: string,
  payload: string | Uint8Array,
): Promise<SpawnOutcome & { state: HostState }> {
  const { instance, state } = await instantiate(wasmPath);
  const bytes = typeof payload === 'string' ? enc.encode(payload) : payload;
  if (!instance.guestFunctionSpawn) throw new Error('component has no guestFunctionSpawn export');
  try {
    return { ok: instance.guestFunctionSpawn.spawned({ tag: 'buffer', val: new HostBuffer(bytes) }), state };
  } catch (e) {
    // jco wraps a result `err` in a ComponentError carrying `payload`; a trap is a RuntimeError.
    if (e instanceof Error && 'payload' in e) return { err: (e as { payload: unknown }).payload, state };
    throw e;
  }
}
