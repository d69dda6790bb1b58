import type { BuiltinServiceOptions } from './services/builtin.js';
import type { LogRouter } from './services/log/index.js';
import type { TokenAuthority } from './services/token/index.js';
import type { TopicBus } from './services/topic/index.js';
import type { HostService } from './services/types.js';

/**
 * Limits applied to every invocation. Each one, when hit, gives a clear error response and a
 * log line.
 *
 * @example
 * const host = await createHost({ limits: { timeoutMs: 2_000, memoryBytes: 64 * 1024 * 1024 } });
 */
export interface HostLimits {
  /** Wall-clock time per invocation; the sandbox is stopped and the caller gets a 504. Default 30 000. */
  timeoutMs: number;
  /** Linear memory per instance; growing past it fails inside the guest (a 500). Default 256 MiB. */
  memoryBytes: number;
  /** JavaScript heap per sandbox worker, in MiB (`resourceLimits.maxOldGenerationSizeMb`). Default 512. */
  workerHeapMb: number;
  /** Largest request body; larger requests get a 413 without running the guest. Default 10 MiB. */
  requestBodyBytes: number;
  /** Largest response body; a larger one becomes a 500 (or ends a stream with an error). Default 10 MiB. */
  responseBodyBytes: number;
  /** Invocations running at once: the number of sandbox workers. Default: the number of CPUs. */
  concurrency: number;
  /** Invocations waiting for a sandbox; beyond this the caller gets a 503. Default 64. */
  maxQueued: number;
}

/** One line of the host's log. */
export interface HostLogEntry {
  /** Severity. */
  readonly level: 'info' | 'warn' | 'error';
  /** What happened. */
  readonly message: string;
  /** The function concerned, when there is one. */
  readonly functionName?: string;
  /** The invocation concerned, when there is one. */
  readonly invocationId?: string;
}

/**
 * Options of {@link createHost}.
 *
 * @example
 * const host = await createHost({ services: [myCacheService], spares: 2, logger: (e) => lines.push(e) });
 */
export interface HostOptions {
  /** Host services added to, or replacing (matched by interface name), the built-in ones. */
  services?: readonly HostService[];
  /** Options of the built-in services: Valkey/Redis URL, log output, token key, outbound HTTP rules. */
  backends?: BuiltinServiceOptions;
  /** Limits; each unset field keeps its default. */
  limits?: Partial<HostLimits>;
  /** Fresh instances each worker keeps ready per function. Default 2; 0 instantiates on demand. */
  spares?: number;
  /** Where transpiled components are cached. Default `node_modules/.cache/momento-functions`. */
  cacheDir?: string;
  /** Receives the host's log lines. Default: written to stderr. */
  logger?: (entry: HostLogEntry) => void;
}

/**
 * Options of {@link Host.load}.
 *
 * @example
 * await host.load('fn.wasm', { name: 'greeter', cache: 'my-cache', env: { GREETING: 'hi' } });
 */
export interface LoadOptions {
  /** The function's name (`__FUNCTION_NAME`, and the name spawn-function finds it by). */
  name: string;
  /** The function's configuration, given to the guest as environment variables. */
  env?: Readonly<Record<string, string>>;
  /** The cache (namespace) it runs in (`__CACHE_NAME`). Default `default`. */
  cache?: string;
}

/** A body given to the host: text (UTF-8), bytes, or nothing. */
export type BodyInput = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * One request to a web function.
 *
 * @example
 * await fn.invoke({ method: 'POST', path: '/greet/me', query: { lang: 'en' }, headers: { 'x-a': '1' }, body: '{"name":"Ada"}' });
 */
export interface InvokeRequest {
  /** HTTP method. Default `POST`. */
  method?: string;
  /** The path below the function (`/functions/<cache>/<name>/<path>`), with or without a leading slash. */
  path?: string;
  /** Query parameters; repeated names are kept in order. */
  query?:
    | string
    | URLSearchParams
    | Readonly<Record<string, string | readonly string[]>>
    | Iterable<readonly [string, string]>;
  /** Request headers; names are lowercased before the guest sees them. */
  headers?: Readonly<Record<string, string | readonly string[]>> | Iterable<readonly [string, string]>;
  /** The request body. */
  body?: BodyInput;
  /** The caller token's id, returned by `token-metadata`. */
  tokenMetadata?: string;
  /** The invocation id; a random UUID by default. */
  invocationId?: string;
  /** Aborting it ends the invocation (the sandbox is stopped). */
  signal?: AbortSignal;
}

/**
 * A complete response.
 *
 * @example
 * const res = await fn.invoke({ body: 'hi' });
 * res.status; res.header('content-type'); res.text();
 */
export interface InvokeResponse {
  /** HTTP status. */
  readonly status: number;
  /** Headers in the order the guest gave them (duplicates kept). */
  readonly headers: readonly (readonly [string, string])[];
  /** The body. */
  readonly body: Uint8Array;
  /** The first header of that name (case-insensitive). */
  header(name: string): string | undefined;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/**
 * A response whose head is known and whose body is still being produced.
 *
 * @example
 * const res = await fn.invokeStreaming({});
 * for await (const chunk of res.body) process.stdout.write(chunk);
 */
export interface StreamingResponse {
  /** HTTP status. */
  readonly status: number;
  /** Headers as committed. */
  readonly headers: readonly (readonly [string, string])[];
  /**
   * How the guest answers: `sse` (send-sse), `raw` (send-response-start) or `complete` (a return
   * value). Read live: a stream started with send-response-start reports `raw`, then `sse` from
   * its first send-sse on.
   */
  readonly mode: 'sse' | 'raw' | 'complete';
  /** The body, chunk by chunk as it is produced. */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * What a spawn function returned: the WIT `spawn-success` / `spawn-failure` cases, or `trap`
 * when the invocation failed in the host (a trap, the time or memory limit).
 *
 * @example
 * const outcome = await fn.spawn('payload');
 * if (outcome.tag === 'failed-note') console.log(outcome.val);
 */
export type SpawnOutcome =
  | { readonly tag: 'ok' }
  | { readonly tag: 'ok-note'; readonly val: string }
  | { readonly tag: 'failed' }
  | { readonly tag: 'failed-note'; readonly val: string }
  | { readonly tag: 'host-error'; readonly val: string }
  | { readonly tag: 'trap'; readonly val: string };

/**
 * A loaded function.
 *
 * @example
 * const fn = await host.load('greeter.wasm', { name: 'greeter' });
 * const res = await fn.invoke({ body: 'Ada' });
 */
export interface FunctionHandle {
  /** Its name. */
  readonly name: string;
  /** The cache it runs in. */
  readonly cache: string;
  /** `web` (exports guest-function-web) or `spawn` (exports guest-function-spawn). */
  readonly kind: 'web' | 'spawn';
  /** The interfaces it imports, as the component names them. */
  readonly imports: readonly string[];
  /** Invokes a web function and waits for the whole response. */
  invoke(request?: InvokeRequest): Promise<InvokeResponse>;
  /** Invokes a web function; resolves as soon as the status and headers are committed. */
  invokeStreaming(request?: InvokeRequest): Promise<StreamingResponse>;
  /** Runs a spawn function with a payload and waits for its outcome. */
  spawn(payload?: BodyInput): Promise<SpawnOutcome>;
  /** Removes it from the host. */
  unload(): void;
}

/**
 * A running host.
 *
 * @example
 * const host = await createHost();
 * try { const fn = await host.load('fn.wasm', { name: 'fn' }); } finally { await host.close(); }
 */
export interface Host {
  /** Loads a component from a path or its bytes. Throws a {@link LoadError} naming each import that would not link. */
  load(component: string | Uint8Array, options: LoadOptions): Promise<FunctionHandle>;
  /** A loaded function by cache and name. */
  get(cache: string, name: string): FunctionHandle | undefined;
  /** The limits in force. */
  readonly limits: Readonly<HostLimits>;
  /** The topic bus functions publish on: subscribe to it, or read what was published. */
  readonly topics: TopicBus;
  /** Function and system logs (`logs.records` keeps the latest). */
  readonly logs: LogRouter;
  /** Signs and verifies the disposable tokens functions generate. */
  readonly tokens: TokenAuthority;
  /** Stops every sandbox and closes the services. */
  close(): Promise<void>;
}
