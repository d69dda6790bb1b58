import type { BuildOptions } from '@momento-functions/build';
import type { BuiltinServiceOptions } from './services/builtin.js';
import type { LogRecord, LogRouter } from './services/log/index.js';
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
  /**
   * Largest component `host.load` accepts, in bytes. A file is checked by its size before it is
   * read (and read with this bound); a FIFO or device is refused. Default 64 MiB.
   */
  componentBytes: number;
}

/** One line of the host's log. */
export interface HostLogEntry {
  /** How serious the line is: `info`, `warn` or `error` (the default logger writes each to stderr). */
  readonly level: 'info' | 'warn' | 'error';
  /** What happened, as one human-readable line. */
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
  /** How many spawns {@link Host.spawns} keeps (the latest). Default 1000. */
  spawnRecordLimit?: number;
}

/**
 * Options of {@link Host.load}.
 *
 * @example
 * await host.load('fn.wasm', { name: 'greeter', cache: 'my-cache', env: { GREETING: 'hi' } });
 * await host.load('src/index.ts', { cache: 'my-cache', build: { minify: true } }); // built first
 */
export interface LoadOptions {
  /**
   * The function's name (`__FUNCTION_NAME`, and the name spawn-function finds it by). Required
   * when loading bytes. For a path, the default is the file's name without its extension
   * (`greeter.wasm`, `src/greeter.ts` → `greeter`); for an `index.*` entry, the name in the
   * nearest package.json (without its `@scope/`), else the folder's name.
   */
  name?: string;
  /** The function's configuration, given to the guest as environment variables. */
  env?: Readonly<Record<string, string>>;
  /** The cache (namespace) it runs in (`__CACHE_NAME`). Default `default`. */
  cache?: string;
  /** How a TypeScript/JavaScript entry is built (ignored for a `.wasm` or bytes). */
  build?: LoadBuildOptions;
}

/**
 * Options of the build {@link Host.load} runs for a TypeScript/JavaScript entry: those of
 * `build()` from `@momento-functions/build`, less `entry` and `outFile` (the host reads the
 * component from its cache folder). The build is content-hash cached: an unchanged entry is
 * not componentized again.
 *
 * @example
 * await host.load('src/index.ts', { build: { kind: 'web', tsconfig: 'tsconfig.json', define: { DEBUG: 'true' } } });
 */
export type LoadBuildOptions = Omit<BuildOptions, 'entry' | 'outFile'>;

/**
 * One log record of an invocation, in the order it was made: the function's own (`kind:
 * 'function'`: its `log` calls and, through the build, `console.*`) and the host's lines about
 * it (`kind: 'system'`: a trap, a limit, an outbound request no MockAgent interceptor matched).
 *
 * @example
 * const res = await fn.invoke({ body: 'Ada' });
 * expect(res.logs.filter((r) => r.level === 'error')).toEqual([]);
 * expect(res.logs.map((r) => r.message)).toContainEqual(expect.stringContaining('greeting Ada'));
 */
export type InvocationLogRecord = LogRecord;

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
  /** The request body: text (sent as UTF-8) or bytes; empty when omitted. */
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
  /** The HTTP status code the function answered (or the host's, e.g. 500 for a trap, 504 for a timeout). */
  readonly status: number;
  /** Headers in the order the guest gave them (duplicates kept). */
  readonly headers: readonly (readonly [string, string])[];
  /** The whole response body, as bytes (see `text()` and `json()`). */
  readonly body: Uint8Array;
  /** The invocation's log records (function and host lines), oldest first. */
  readonly logs: readonly InvocationLogRecord[];
  /** The spawn functions this invocation started (each also in {@link Host.spawns}). */
  readonly spawns: readonly SpawnRecord[];
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
  /** The HTTP status code committed with the response head. */
  readonly status: number;
  /** The headers committed with the response head, in the order the guest gave them. */
  readonly headers: readonly (readonly [string, string])[];
  /**
   * How the guest answers: `sse` (send-sse), `raw` (send-response-start) or `complete` (a return
   * value). Read live: a stream started with send-response-start reports `raw`, then `sse` from
   * its first send-sse on.
   */
  readonly mode: 'sse' | 'raw' | 'complete';
  /** The body, chunk by chunk as it is produced. */
  readonly body: AsyncIterable<Uint8Array>;
  /** The invocation's log records so far (grows while the function runs). */
  readonly logs: readonly InvocationLogRecord[];
  /** The spawn functions this invocation started so far. */
  readonly spawns: readonly SpawnRecord[];
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
  | {
      /** `spawn-success::ok`: the function succeeded, with no note. */
      readonly tag: 'ok';
    }
  | {
      /** `spawn-success::ok-note`: the function succeeded and left a note. */
      readonly tag: 'ok-note';
      /** The function's note. */
      readonly val: string;
    }
  | {
      /** `spawn-failure::failed`: the function failed, with no note. */
      readonly tag: 'failed';
    }
  | {
      /** `spawn-failure::failed-note`: the function failed and says why. */
      readonly tag: 'failed-note';
      /** The function's note (for a thrown error, its message). */
      readonly val: string;
    }
  | {
      /** `spawn-failure::host-error`: the function reported that a host service it depends on failed. */
      readonly tag: 'host-error';
      /** The function's description of the failure. */
      readonly val: string;
    }
  | {
      /** Not a WIT case: the invocation failed in the host (a trap, the time or memory limit). */
      readonly tag: 'trap';
      /** The host's error message, e.g. naming `limits.timeoutMs`. */
      readonly val: string;
    };

/**
 * A spawn function that a function started with `spawnFunction` (`momento:spawn`), as the host
 * saw it: what was asked, whether it ran, its outcome and its logs. Listed in
 * {@link Host.spawns} and in the starting invocation's `res.spawns`.
 *
 * @example
 * const res = await fn.invoke({ body: '{"sku":"A1"}' });
 * const [spawned] = res.spawns;
 * expect(spawned?.name).toBe('notify');
 * expect(await spawned?.finished).toEqual({ tag: 'ok' });
 * expect(spawned?.logs.map((r) => r.message)).toContainEqual(expect.stringContaining('A1'));
 */
export interface SpawnRecord {
  /** The spawn function asked for. */
  readonly name: string;
  /** The cache it was looked up (and runs) in: the starting function's. */
  readonly cache: string;
  /** The payload, as the spawn function receives it. */
  readonly payload: Uint8Array;
  /** The payload as UTF-8 text. */
  text(): string;
  /** The payload parsed as JSON. */
  json<T = unknown>(): T;
  /** The function and invocation that started it. */
  readonly spawnedBy: {
    /** The name of the function that called `spawnFunction`. */
    readonly functionName: string;
    /** The id of the invocation that called it. */
    readonly invocationId: string;
  };
  /** When it was asked for, in milliseconds since the Unix epoch. */
  readonly time: number;
  /**
   * Why the host did not start it — the error the starting function got: `function-not-found`
   * (no spawn function of that name in the cache) or `limit` (the host's queue was full).
   * `undefined` when it started.
   */
  readonly refused: 'function-not-found' | 'limit' | undefined;
  /** The spawned invocation's id (`undefined` when refused). */
  readonly invocationId: string | undefined;
  /** Its outcome once it finished; `undefined` while it runs or when it was refused. */
  readonly outcome: SpawnOutcome | undefined;
  /** Resolves with the outcome when it finishes (at once with `undefined` when it was refused). */
  readonly finished: Promise<SpawnOutcome | undefined>;
  /** The spawned invocation's log records so far. */
  readonly logs: readonly InvocationLogRecord[];
}

/**
 * Options of {@link CacheView.set}.
 *
 * @example
 * await host.cache('c').set('session', 'abc', { ttlMs: 5_000 });
 */
export interface CacheSetOptions {
  /** Time to live in milliseconds (a positive integer). Default 3 600 000 (one hour). */
  ttlMs?: number;
}

/**
 * Options of {@link CacheListView.push} and {@link CacheListView.pushFront}.
 *
 * @example
 * await host.cache('c').list('recent').push('visit', { ttlMs: 60_000, truncateToSize: 10 });
 */
export interface CacheListPushOptions {
  /** Time to live of the list in milliseconds, set on every push. Default 3 600 000 (one hour). */
  ttlMs?: number;
  /** Keep at most this many elements, dropping from the other end (0: no limit). Default 0. */
  truncateToSize?: number;
}

/**
 * A value to seed: strings are stored as UTF-8, bytes as they are, anything else (numbers,
 * booleans, `null`, objects, arrays) as compact JSON — as `@momento-functions/cache` stores them.
 *
 * @example
 * const values: CacheSeedValue[] = ['text', new Uint8Array([1, 2]), 42, { name: 'kvc' }];
 */
export type CacheSeedValue = string | Uint8Array | null | boolean | number | object;

/**
 * One cache of a host, read and seeded from a test: the same store the functions' `momento:cache-*`
 * calls use (the embedded one, or Valkey/Redis with `backends.valkeyUrl`). Keys and list names
 * are strings (UTF-8) or bytes.
 *
 * @example
 * const cache = host.cache('my-cache');
 * await cache.set('price:A1', { cents: 500 }, { ttlMs: 60_000 });
 * await fn.invoke({ body: '{"sku":"A1"}' });
 * expect(await cache.getJson('last-order')).toEqual({ sku: 'A1' });
 * expect(await cache.list('orders').range()).toHaveLength(1);
 */
export interface CacheView {
  /** The cache's name (`__CACHE_NAME` of the functions that use it). */
  readonly name: string;
  /** The value as UTF-8 text, or `undefined` when missing or expired. */
  get(key: string | Uint8Array): Promise<string | undefined>;
  /** The value's bytes, or `undefined`. */
  getBytes(key: string | Uint8Array): Promise<Uint8Array | undefined>;
  /** The value parsed as JSON, or `undefined`. */
  getJson<T = unknown>(key: string | Uint8Array): Promise<T | undefined>;
  /** Stores a value (see {@link CacheSeedValue} for the encoding). */
  set(key: string | Uint8Array, value: CacheSeedValue, options?: CacheSetOptions): Promise<void>;
  /** Removes an item (a value or a list). */
  delete(key: string | Uint8Array): Promise<void>;
  /** The keys and list names of every live item of this cache, sorted. */
  keys(): Promise<string[]>;
  /** Removes every item of this cache (other caches keep theirs). */
  clear(): Promise<void>;
  /** A view of the list `name` of this cache, to seed or read it (the list need not exist yet). */
  list(name: string | Uint8Array): CacheListView;
}

/**
 * One list of a {@link CacheView}.
 *
 * @example
 * const queue = host.cache('my-cache').list('queue');
 * await queue.push(['a', 'b']);
 * await queue.pushFront('z');
 * expect(await queue.range()).toEqual(['z', 'a', 'b']);
 * expect(await queue.length()).toBe(3);
 */
export interface CacheListView {
  /** The list's name: its key in the cache. */
  readonly name: string;
  /** Appends one value or several (in order); answers the new length. */
  push(values: CacheSeedValue | readonly CacheSeedValue[], options?: CacheListPushOptions): Promise<number>;
  /** Prepends one value or several (kept in the given order); answers the new length. */
  pushFront(
    values: CacheSeedValue | readonly CacheSeedValue[],
    options?: CacheListPushOptions,
  ): Promise<number>;
  /**
   * The elements from `start` (inclusive) to `end` (exclusive) as UTF-8 text; negative indexes
   * count from the back. An empty array when the list does not exist.
   */
  range(start?: number, end?: number): Promise<string[]>;
  /** As {@link CacheListView.range}, as bytes. */
  rangeBytes(start?: number, end?: number): Promise<Uint8Array[]>;
  /** As {@link CacheListView.range}, each element parsed as JSON. */
  rangeJson<T = unknown>(start?: number, end?: number): Promise<T[]>;
  /** The number of elements (0 when the list does not exist). */
  length(): Promise<number>;
  /** Removes the list and all its elements (nothing happens when it does not exist). */
  delete(): Promise<void>;
}

/**
 * A loaded function.
 *
 * @example
 * const fn = await host.load('greeter.wasm', { name: 'greeter' });
 * const res = await fn.invoke({ body: 'Ada' });
 */
export interface FunctionHandle {
  /** The function's name (`__FUNCTION_NAME`), unique within its cache. */
  readonly name: string;
  /** The cache (namespace) it runs in (`__CACHE_NAME`). */
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
  /** Removes it from the host: it can no longer be found or invoked by name; invocations in flight finish first. */
  unload(): void;
}

/**
 * A running host: a pool of sandbox workers and the host services, which loads functions and
 * invokes them. Made by {@link createHost}; close it when done.
 *
 * @example
 * const host = await createHost();
 * try { const fn = await host.load('fn.wasm', { name: 'fn' }); } finally { await host.close(); }
 */
export interface Host {
  /**
   * Loads a function: a component (`.wasm` path or bytes), or a TypeScript/JavaScript entry
   * (`.ts`, `.mts`, `.cts`, `.tsx`, `.js`, `.mjs`, `.cjs`, `.jsx`), which is built first with
   * `@momento-functions/build` (content-hash cached, so an unchanged entry is not componentized
   * again). Throws a {@link LoadError}: with the build's message (file:line:col) when the entry
   * does not build, naming each import that would not link otherwise.
   *
   * @example
   * const fn = await host.load('src/index.ts', { cache: 'my-cache' }); // name from package.json
   * const other = await host.load('dist/other.wasm', { name: 'other' });
   */
  load(component: string | Uint8Array, options?: LoadOptions): Promise<FunctionHandle>;
  /** The function loaded as `name` in `cache`, or `undefined` when none is loaded (or it was unloaded). */
  get(cache: string, name: string): FunctionHandle | undefined;
  /** The limits in force: those given to createHost, the defaults for the rest. */
  readonly limits: Readonly<HostLimits>;
  /** The topic bus functions publish on: subscribe to it, or read what was published. */
  readonly topics: TopicBus;
  /** Function and system logs (`logs.records` keeps the latest). */
  readonly logs: LogRouter;
  /** Signs and verifies the disposable tokens functions generate. */
  readonly tokens: TokenAuthority;
  /**
   * One cache of this host, to seed before an invocation and read after it: the store the
   * built-in cache services use. Throws when `createHost({ services })` replaced the
   * cache-scalar service (the functions would not see what you seed).
   *
   * @example
   * await host.cache('my-cache').set('greeting', 'hi', { ttlMs: 60_000 });
   * expect(await host.cache('my-cache').keys()).toEqual(['greeting']);
   */
  cache(name?: string): CacheView;
  /**
   * The spawn functions that functions on this host started, oldest first (the latest
   * `spawnRecordLimit`). Wait for them with `await Promise.all(host.spawns.map((s) => s.finished))`.
   *
   * @example
   * await fn.invoke({ body: 'x' });
   * expect(host.spawns.map((s) => s.name)).toEqual(['notify']);
   */
  readonly spawns: readonly SpawnRecord[];
  /**
   * Forgets this host's state between tests: every cache item (all of the store: a Valkey/Redis
   * store loses every key under its prefix), the record of published topic messages, the kept
   * log records and the spawn records. Loaded functions stay loaded.
   *
   * @example
   * afterEach(() => host.reset());
   */
  reset(): Promise<void>;
  /**
   * What the sandbox pool is doing now, and how many host calls failed so far (read-only; the
   * server's `/metrics` reads it).
   *
   * @example
   * const { busy, concurrency, queued } = host.usage();
   */
  usage(): HostUsage;
  /**
   * Checks that the stores behind the host services answer: a round trip to the cache store
   * (a read of a key that does not exist) when it is Valkey/Redis; the embedded store always
   * answers. Never rejects: a store that fails or takes longer than `timeoutMs` (default 1000)
   * is reported with `ok: false` and the error.
   *
   * @example
   * const checks = await host.checkBackends(500);
   * const down = checks.filter((c) => !c.ok);
   */
  checkBackends(timeoutMs?: number): Promise<BackendCheck[]>;
  /** Stops every sandbox and closes the services. */
  close(): Promise<void>;
}

/** A snapshot of a host's sandbox pool and host-call errors (see {@link Host.usage}). */
export interface HostUsage {
  /** Sandboxes (worker threads), each running one invocation at a time (`limits.concurrency`). */
  readonly concurrency: number;
  /** Sandboxes running an invocation now (including one whose caller went away, during its grace). */
  readonly busy: number;
  /** Invocations accepted and waiting for a free sandbox. */
  readonly queued: number;
  /** Most invocations that may wait (`limits.maxQueued`); beyond it the host answers 503 busy. */
  readonly maxQueued: number;
  /**
   * Host calls that did not succeed, since the host started, by WIT interface
   * (`momento:cache-scalar/cache-scalar@1.0.0`, ...): `errors` are calls the service answered
   * with the WIT error case (`result::err`, e.g. a cache `not-found` or an HTTP request that could not
   * be sent), which the guest receives as a value; `failures` are calls the host could not serve
   * at all (the service threw, or the call was invalid), which end the guest with a trap.
   */
  readonly hostCallErrors: Readonly<
    Record<
      string,
      {
        /** Calls of this interface the service answered with its WIT error case (the guest got the error as a value). */
        readonly errors: number;
        /** Calls of this interface the host could not serve at all (the guest was ended with a trap). */
        readonly failures: number;
      }
    >
  >;
}

/** One store checked by {@link Host.checkBackends}. */
export interface BackendCheck {
  /** What was checked: `cache` (the store behind cache-scalar and cache-list). */
  readonly name: string;
  /** `memory` (embedded) or `redis` (Valkey/Redis). */
  readonly kind: string;
  /** Whether it answered in time. */
  readonly ok: boolean;
  /** How long the check took. */
  readonly latencyMs: number;
  /** Why it is not ok. */
  readonly error?: string;
}
