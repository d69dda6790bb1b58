/**
 * Turns functions loaded by the runtime host into {@link ServableFunction}s, building TypeScript
 * entries with `@momento-functions/build` first.
 */
import { existsSync } from 'node:fs';
import { extname, relative } from 'node:path';
import { completeBody } from '../host.js';
import type { FunctionHandle, Host } from '../types.js';
import type { FunctionConfig } from './config.js';
import { type ErrorMapper, errorMapperForWasm } from './source-map.js';
import type {
  Pair,
  ServableFunction,
  ServerInvokeRequest,
  ServerStreamingResponse,
  SpawnOutcome,
} from './types.js';

/** A progress line from loading (building, loading). */
export type LoadProgress = (message: string) => void;

/** The result of building an entry: where the component and its source map are. */
export interface BuiltEntry {
  /** Path of the built WebAssembly component, which the host loads. */
  wasmPath: string;
  /** Path of its source map (`<wasmPath>.map`), used to map guest errors back to the TypeScript sources; absent when the builder wrote none. */
  sourceMapPath?: string;
  /** Whether the entry built into a web or a spawn function, when the builder reports it. */
  kind?: 'web' | 'spawn';
  /** `true` when the build reused a cached component. */
  cached?: boolean;
}

/** Builds a TypeScript/JavaScript entry into a component (default: `@momento-functions/build`). */
export type EntryBuilder = (
  entry: string,
  options: { kind?: 'web' | 'spawn'; onProgress?: LoadProgress },
) => Promise<BuiltEntry>;

/**
 * The default {@link EntryBuilder}: `build()` from `@momento-functions/build` (imported on first
 * use, so serving only `.wasm` files never loads the componentizer).
 *
 * @example
 * ```ts
 * const { wasmPath } = await buildEntry('src/index.ts', {});
 * ```
 */
export const buildEntry: EntryBuilder = async (entry, options) => {
  const { build } = await import('@momento-functions/build');
  const result = await build({
    entry,
    ...(options.kind ? { kind: options.kind } : {}),
    progress: false,
    ...(options.onProgress
      ? {
          onProgress: (p: { phase: string; elapsedMs: number; message?: string }) => {
            if (p.message) options.onProgress?.(p.message);
          },
        }
      : {}),
  });
  return {
    wasmPath: result.wasmPath,
    sourceMapPath: result.sourceMapPath,
    kind: result.report.kind,
    cached: result.report.cached,
  };
};

/** Whether an entry is a component (`.wasm`) rather than source to build. */
export function isComponentPath(entry: string): boolean {
  return extname(entry).toLowerCase() === '.wasm';
}

/**
 * Wraps a loaded {@link FunctionHandle} for the server.
 *
 * @example
 * ```ts
 * const handle = await host.load('ping.wasm', { name: 'ping' });
 * const servable = servableFromHandle(handle, errorMapperForWasm('ping.wasm'));
 * ```
 */
export function servableFromHandle(handle: FunctionHandle, mapError?: ErrorMapper): ServableFunction {
  // ServerInvokeRequest is structurally an InvokeRequest (headers and query as pair arrays).
  const toRequest = (request: ServerInvokeRequest) => request;
  const pairs = (headers: readonly (readonly [string, string])[]): Pair[] => headers.map(([n, v]) => [n, v]);
  const servable: ServableFunction = {
    name: handle.name,
    cache: handle.cache,
    kind: handle.kind,
    async invoke(request) {
      const res = await handle.invoke(toRequest(request));
      return { status: res.status, headers: pairs(res.headers), body: res.body };
    },
    async invokeStreaming(request) {
      const res = await handle.invokeStreaming(toRequest(request));
      const complete = completeBody(res);
      const streaming: ServerStreamingResponse = {
        status: res.status,
        headers: pairs(res.headers),
        body: complete === undefined ? res.body : bodyOf(complete),
      };
      if (complete !== undefined) streaming.complete = complete;
      return streaming;
    },
    async spawn(payload) {
      const outcome: SpawnOutcome = await handle.spawn(payload);
      return outcome;
    },
  };
  if (mapError) servable.mapError = mapError;
  return servable;
}

/** A complete body as the chunk stream {@link ServerStreamingResponse.body} promises. */
async function* bodyOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

/** A function loaded from its config, with what is needed to reload it. */
export interface LoadedFunction {
  /** The configuration it was loaded from (entry, name, cache, kind, env). */
  config: FunctionConfig;
  /** The host's handle on the loaded function (e.g. to `unload()` it). */
  handle: FunctionHandle;
  /** The same function wrapped as a {@link ServableFunction}, ready to add to the server's registry. */
  servable: ServableFunction;
  /** Path of the component that was loaded: the entry itself for a `.wasm` entry, else the built one. */
  wasmPath: string;
  /** Path of the built component's source map, when the entry was built from source. */
  sourceMapPath?: string;
}

/**
 * Builds (when the entry is source) and loads one configured function into a host. Errors say
 * which function failed and why.
 *
 * @example
 * ```ts
 * const loaded = await loadConfiguredFunction(host, { name: 'ping', entry: 'examples/ping/index.ts' });
 * ```
 */
export async function loadConfiguredFunction(
  host: Host,
  config: FunctionConfig,
  options: { builder?: EntryBuilder; onProgress?: LoadProgress } = {},
): Promise<LoadedFunction> {
  // A missing component says how to make it (a missing source entry is the builder's to report).
  if (isComponentPath(config.entry) && !existsSync(config.entry)) {
    throw new Error(missingEntryMessage(relative(process.cwd(), config.entry) || config.entry));
  }
  let wasmPath = config.entry;
  let sourceMapPath: string | undefined;
  if (!isComponentPath(config.entry)) {
    options.onProgress?.(`building ${config.name} from ${config.entry}`);
    const built = await (options.builder ?? buildEntry)(config.entry, {
      ...(config.kind ? { kind: config.kind } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    wasmPath = built.wasmPath;
    sourceMapPath = built.sourceMapPath;
  }
  options.onProgress?.(`loading ${config.name} from ${wasmPath}`);
  const handle = await host.load(wasmPath, {
    name: config.name,
    cache: config.cache ?? 'default',
    ...(config.env ? { env: config.env } : {}),
  });
  if (config.kind && handle.kind !== config.kind) {
    handle.unload();
    throw new Error(
      `${config.name}: the config says kind "${config.kind}" but ${wasmPath} is a ${handle.kind} function; fix "kind" or the entry.`,
    );
  }
  const mapError = errorMapperForWasm(wasmPath);
  const loaded: LoadedFunction = { config, handle, servable: servableFromHandle(handle, mapError), wasmPath };
  if (sourceMapPath) loaded.sourceMapPath = sourceMapPath;
  return loaded;
}

/**
 * What `invoke` and `serve` say when an entry is missing: what to do next (build the component, or pass the
 * TypeScript entry, which is built first).
 *
 * @example
 * ```ts
 * missingEntryMessage('dist/hello.wasm', '/p');
 * // 'dist/hello.wasm does not exist. Build it first with "momento-functions build <entry.ts> -o dist/hello.wasm" or pass a .ts entry.'
 * ```
 */
export function missingEntryMessage(shown: string, cwd = process.cwd()): string {
  if (shown.toLowerCase().endsWith('.wasm')) {
    return `${shown} does not exist. Build it first with "momento-functions build <entry.ts> -o ${shown}" or pass a .ts entry.`;
  }
  return `${shown} does not exist. Check the path (relative to ${cwd}), or create a project with "momento-functions new <dir>".`;
}
