/**
 * The HTTP server: routes requests to functions, streams their responses, runs async
 * invocations and spawns, checks tokens, and shuts down without losing accepted work.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackendCheck, HostUsage } from '../types.js';
import {
  AsyncInvoker,
  type AsyncShutdownReport,
  type CallbackRetryOptions,
  type DeadLetter,
} from './async-invoker.js';
import {
  type AuthOptions,
  adminDecision,
  invokeDecision,
  tokenFromHeaders,
  withoutCredentials,
} from './auth.js';
import { silentLogger } from './log.js';
import { type RequestRoute, ServerMetrics } from './metrics.js';
import { FunctionRegistry } from './registry.js';
import { matchRoute, type Route } from './routes.js';
import type {
  Pair,
  ServableFunction,
  ServerInvokeRequest,
  ServerInvokeResponse,
  ServerLogger,
  SpawnOutcome,
} from './types.js';

/**
 * Time limits on clients (slow or stalled ones must not hold connections). Each unset field
 * keeps its default.
 */
export interface ServerTimeouts {
  /** The request line and headers must arrive within this (Node's `headersTimeout`; 408). Default 10 000 ms. */
  headersMs?: number;
  /**
   * The whole request, headers and body, must arrive within this (Node's `requestTimeout`; 408).
   * Default: the function time limit + 10 s (40 000 ms without a host).
   */
  requestMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5 000 ms. */
  keepAliveMs?: number;
  /** A request body that stops arriving for this long is cut (408, connection closed). Default 5 000 ms. */
  bodyIdleMs?: number;
  /**
   * A request body arriving slower than this on average (bytes per second), checked once it has
   * been arriving for `bodyIdleMs`, is cut (408, connection closed). Default 1024.
   */
  minBodyBytesPerSecond?: number;
}

/** The defaults of {@link ServerTimeouts}. */
export const DEFAULT_SERVER_TIMEOUTS: Required<ServerTimeouts> = {
  headersMs: 10_000,
  requestMs: 40_000,
  keepAliveMs: 5_000,
  bodyIdleMs: 5_000,
  minBodyBytesPerSecond: 1024,
};

/** A host guest whose own `spawn-function` call started a spawn (the host's record of it). */
export interface GuestSpawnRecord {
  /** The spawn function asked for. */
  readonly name: string;
  /** The cache it was looked up (and runs) in: the starting function's. */
  readonly cache: string;
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
   * Why the host did not start it: `function-not-found` (no spawn function of that name in the
   * cache) or `limit` (the host's queue was full); `undefined` when it started.
   */
  readonly refused: 'function-not-found' | 'limit' | undefined;
  /** The spawned invocation's id (`undefined` when refused). */
  readonly invocationId: string | undefined;
  /** Its outcome once it finished; `undefined` while it runs or when it was refused. */
  readonly outcome: SpawnOutcome | undefined;
}

/** Settings of {@link createFunctionServer}. */
export interface FunctionServerOptions {
  /** The functions to serve (a registry lets the caller swap them while serving). */
  functions: FunctionRegistry | Iterable<ServableFunction>;
  /** Require a valid token with permission for the function. Off when absent. */
  auth?: AuthOptions;
  /** Async invocation settings. */
  async?: {
    /** How callback delivery is retried (defaults: 6 attempts, 500 ms doubling up to 30 s, 10 s per request). */
    retry?: CallbackRetryOptions;
    /** How many async invocations run at once (default 4). */
    concurrency?: number;
    /** Directory for the async job journal and dead letters; in memory when absent. */
    stateDir?: string;
  };
  /** Where the server logs spawns, failed invocations, callbacks and shutdown (default: {@link silentLogger}, nothing). */
  logger?: ServerLogger;
  /** Largest request body accepted, in bytes (default 32 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /**
   * How long `close()` waits for in-flight work before cancelling it (default 10 s;
   * `createServer` and `serve` default to the function time limit + 5 s).
   */
  shutdownTimeoutMs?: number;
  /** How many spawn outcomes `GET /_momento/spawns` remembers (default 100). */
  spawnHistory?: number;
  /** Time limits on clients (headers, body, keep-alive, whole request). */
  timeouts?: ServerTimeouts;
  /**
   * Spawns that guests started themselves (`momento:spawn` spawn-function), listed by
   * `GET /_momento/spawns` beside the ones started over HTTP (`createServer` passes the host's).
   */
  guestSpawns?: () => readonly GuestSpawnRecord[];
  /**
   * Serve Prometheus metrics at `GET /metrics` (default true; `false` answers 404 there and
   * counts nothing). With auth on, `/metrics` needs an operator's admin token.
   */
  metrics?: boolean;
  /**
   * The host the functions run in (`createServer` passes its own): `/metrics` reports its sandbox
   * pool and host-call errors, `/readyz` checks that its stores answer.
   */
  host?: ServerHostProbe;
}

/** What the server reads from the host for `/metrics` and `/readyz` (a `Host` from `createHost()` has both). */
export interface ServerHostProbe {
  /** What the sandbox pool is doing now and how many host calls failed so far (for `/metrics`). */
  usage(): HostUsage;
  /**
   * Checks that the stores behind the host services answer (for `/readyz`); never rejects, a store
   * that fails or takes longer than `timeoutMs` (default 1000 ms) is reported with `ok: false`.
   */
  checkBackends(timeoutMs?: number): Promise<BackendCheck[]>;
}

/** What `GET /readyz` reports (see {@link FunctionServer.readiness}). */
export interface Readiness {
  /** Every function is loaded, every store answers, and the server is not shutting down. */
  ready: boolean;
  /** The server is shutting down (not ready, whatever the rest says). */
  draining: boolean;
  /** The functions that are not ready (building or failed), with the error of a failed one. */
  functions: {
    /** The cache the function runs in. */
    cache: string;
    /** The function's name. */
    name: string;
    /** `building` while its component is built or loaded, `failed` when that failed. */
    status: 'building' | 'failed';
    /** The build or load error, when it failed. */
    error?: string;
  }[];
  /** Every store checked, ok or not. */
  backends: BackendCheck[];
}

/** One spawn, as logged and listed by `GET /_momento/spawns`. */
export interface SpawnRecord {
  /** The spawn's id (for a spawn a guest started: its invocation id). */
  id: string;
  /** The cache the spawn function runs in. */
  cache: string;
  /** The spawn function's name. */
  function: string;
  /** When it was started (or, for a spawn a guest asked for, requested), as an ISO 8601 timestamp. */
  startedAt: string;
  /** Absent while the spawn runs (and for spawns a guest started, whose end time is not kept). */
  finishedAt?: string;
  /** What the spawn function reported; absent while it runs or when the host refused it. */
  outcome?: SpawnOutcome;
  /** Set when a guest started it with `momento:spawn` rather than `POST .../spawn`. */
  spawnedBy?: {
    /** The name of the function that called `spawnFunction`. */
    function: string;
    /** The id of the invocation that called it. */
    invocationId: string;
  };
  /** Why the host did not start a spawn a guest asked for. */
  refused?: 'function-not-found' | 'limit';
}

/** What `close()` did. */
export interface ShutdownReport {
  /** Sync requests that were still running at the deadline and were cancelled. */
  cancelledRequests: number;
  /** Async invocations left pending (kept in the state directory, or logged). */
  async: AsyncShutdownReport;
}

/** A server built by {@link createFunctionServer}. */
export interface FunctionServer {
  /** The functions served; `set()` on it swaps a function in while serving. */
  readonly registry: FunctionRegistry;
  /** The async invocation queue (dead letters live here). */
  readonly asyncInvoker: AsyncInvoker;
  /** The underlying `node:http` server. */
  readonly http: Server;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:8080`). Port 0 picks a free port. */
  listen(port?: number, hostname?: string): Promise<string>;
  /** Spawns a spawn function by cache and name; resolves with the spawn's id (its outcome is logged). */
  spawn(cache: string, name: string, payload: Uint8Array): SpawnRecord;
  /** Spawn outcomes, newest last. */
  spawns(): SpawnRecord[];
  /** The server's Prometheus metrics (`GET /metrics`); `undefined` with `metrics: false`. */
  readonly metrics: ServerMetrics | undefined;
  /** Whether the server is ready to serve: what `GET /readyz` answers. */
  readiness(): Promise<Readiness>;
  /** How long `close()` lets in-flight work finish before cancelling it, in ms. */
  readonly shutdownTimeoutMs: number;
  /**
   * Stops accepting requests, lets in-flight invocations finish within the deadline, then
   * cancels the rest and closes the async queue (nothing accepted is lost: see {@link AsyncInvoker.close}).
   */
  close(): Promise<ShutdownReport>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STRIPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

function requestHeaders(req: IncomingMessage): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    pairs.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
  }
  return pairs;
}

function queryPairs(search: string): Pair[] {
  if (search === '' || search === '?') return [];
  return [...new URLSearchParams(search)].map(([name, value]) => [name, value] as Pair);
}

const EMPTY_BODY = new Uint8Array(0);

/** How long `/readyz` waits for each store to answer. */
const READINESS_BACKEND_TIMEOUT_MS = 1000;

/** The `retry-after` of a 503 for a function still building (a componentize takes 10–40 s). */
const BUILDING_RETRY_AFTER_SECONDS = 5;

function readBody(
  req: IncomingMessage,
  limit: number,
  timeouts: Required<ServerTimeouts>,
): Promise<Uint8Array> | Uint8Array {
  const length = req.headers['content-length'];
  // HTTP/1.1: no content-length and no transfer-encoding means no body (a GET, most often).
  if (length === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return EMPTY_BODY;
  }
  const declared = Number(length);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, `The request body is ${declared} bytes; this server accepts at most ${limit}.`);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const started = Date.now();
    let last = started;
    const { bodyIdleMs, minBodyBytesPerSecond } = timeouts;
    // A body that stalls, or trickles in slower than the minimum rate, is cut: a slow client
    // must not hold a connection (and its buffered body) for long.
    const watchdog = setInterval(
      () => {
        const now = Date.now();
        let why: string | undefined;
        if (now - last >= bodyIdleMs) why = `no body data arrived for ${now - last} ms`;
        else if (now - started >= bodyIdleMs && size < (minBodyBytesPerSecond * (now - started)) / 1000) {
          why = `it arrived at ${Math.round((size * 1000) / (now - started))} bytes/s, under the minimum of ${minBodyBytesPerSecond}`;
        }
        if (why === undefined) return;
        cleanup();
        reject(
          new HttpError(
            408,
            `The request body came too slowly (${why}; ${size} bytes in ${now - started} ms); send it at once.`,
            { connection: 'close' },
          ),
        );
      },
      Math.max(20, Math.min(1000, bodyIdleMs / 4)),
    );
    const onData = (chunk: Buffer) => {
      last = Date.now();
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(
          new HttpError(413, `The request body is larger than ${limit} bytes, the most this server accepts.`),
        );
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      // An array of exactly the body's size: it is copied to a sandbox worker whole, and a
      // chunk may be a view into a much larger socket or pool buffer.
      const body = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        body.set(chunk, at);
        at += chunk.length;
      }
      resolve(body);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the client closed the connection before the request body was complete'));
    };
    const cleanup = () => {
      clearInterval(watchdog);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(text.endsWith('\n') ? text : `${text}\n`);
  // The reason phrase is given explicitly: a writeHead that threw (a guest header HTTP cannot
  // carry) has already set the guest's, and Node would keep it ("502 OK").
  res.writeHead(status, reasonPhrase(status), {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  res.writeHead(status, reasonPhrase(status), {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

/**
 * Why a guest's response cannot be relayed over HTTP (a status outside 100-999, a header name or
 * value HTTP cannot carry), or `undefined` when it can. The server answers such a response with a
 * 502, for sync and async invocations alike.
 */
export function invalidGuestResponse(
  name: string,
  status: number,
  headers: readonly Pair[],
): string | undefined {
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    return `The function ${name} answered with status ${status}, which is not valid HTTP.`;
  }
  for (const [header, value] of headers) {
    if (STRIPPED_RESPONSE_HEADERS.has(header.toLowerCase())) continue;
    try {
      validateHeaderName(header);
      validateHeaderValue(header, value);
    } catch (error) {
      return `The function ${name} answered with a header HTTP cannot carry: ${describe(error)}`;
    }
  }
  return undefined;
}

/** The status a host failure answers with: its own (502 for a status the guest may not send), else 500. */
function hostFailureStatus(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

/**
 * The function as the async invoker runs it: a response HTTP cannot carry becomes the 502 a sync
 * caller would get, instead of reaching the callback with its bad headers silently dropped.
 */
function checkedForAsync(fn: ServableFunction): ServableFunction {
  const textResponse = (status: number, text: string): ServerInvokeResponse => ({
    status,
    headers: [['content-type', 'text/plain; charset=utf-8']],
    body: new TextEncoder().encode(`${text}\n`),
  });
  return {
    ...fn,
    name: fn.name,
    cache: fn.cache,
    kind: fn.kind,
    invoke: async (request) => {
      let res: ServerInvokeResponse;
      try {
        res = await fn.invoke(request);
      } catch (error) {
        if (hostFailureStatus(error) !== 502) throw error;
        return textResponse(502, `The function ${fn.name} failed: ${describe(error)}`);
      }
      const problem = invalidGuestResponse(fn.name, res.status, res.headers);
      return problem === undefined ? res : textResponse(502, problem);
    },
  };
}

function flatHeaders(headers: Pair[]): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) {
    if (STRIPPED_RESPONSE_HEADERS.has(name.toLowerCase())) continue;
    flat.push(name, value);
  }
  return flat;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a token was refused, without the verifier's own "the token is not valid:" prefix (the answer says it once). */
function tokenProblem(error: unknown): string {
  return describe(error).replace(/^(the )?token is not valid:\s*/i, '');
}

/**
 * Builds the HTTP server over already loaded functions (use {@link createServer} to load them
 * from a config file through a host).
 *
 * @example
 * ```ts
 * const server = createFunctionServer({ functions: [ping] });
 * const url = await server.listen(0, '127.0.0.1');
 * await fetch(`${url}/functions/default/ping`);
 * await server.close();
 * ```
 */
export function createFunctionServer(options: FunctionServerOptions): FunctionServer {
  const registry =
    options.functions instanceof FunctionRegistry
      ? options.functions
      : new FunctionRegistry(options.functions);
  const logger = options.logger ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const spawnHistory = options.spawnHistory ?? 100;
  const timeouts: Required<ServerTimeouts> = { ...DEFAULT_SERVER_TIMEOUTS };
  for (const [key, value] of Object.entries(options.timeouts ?? {}) as [keyof ServerTimeouts, unknown][]) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`timeouts.${key} must be a positive number (got ${String(value)})`);
    }
    timeouts[key] = value;
  }
  const inFlight = new Set<AbortController>();
  const metrics: ServerMetrics | undefined =
    options.metrics === false
      ? undefined
      : new ServerMetrics({
          functions: registry,
          asyncStats: () => asyncInvoker.stats(),
          inFlight: () => inFlight.size,
          ...(options.host ? { host: options.host } : {}),
        });
  const asyncInvoker: AsyncInvoker = new AsyncInvoker({
    // A job resumed from the journal while its function still builds waits for it.
    resolve: (cache, name) => {
      const fn = registry.get(cache, name) ?? registry.deferred(cache, name);
      return fn && checkedForAsync(fn);
    },
    logger,
    retry: options.async?.retry,
    concurrency: options.async?.concurrency,
    stateDir: options.async?.stateDir,
    ...(metrics ? { events: metrics.asyncEvents } : {}),
  });
  const asyncStarted = asyncInvoker.start();
  /** Responses not finished yet: at shutdown, those whose head is not out yet close their connection. */
  const openResponses = new Set<ServerResponse>();
  /** When each sync invocation was handed to the function (its duration is observed from there). */
  const invokeStarted = new WeakMap<ServerResponse, number>();
  const idleWaiters = new Set<() => void>();
  const spawnRecords: SpawnRecord[] = [];
  const runningSpawns = new Set<Promise<void>>();
  let closing = false;
  let closed: Promise<ShutdownReport> | undefined;

  function track<T>(work: (controller: AbortController) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    inFlight.add(controller);
    return work(controller).finally(() => {
      inFlight.delete(controller);
      if (inFlight.size === 0) for (const done of [...idleWaiters]) done();
    });
  }

  function lookup(cache: string, name: string): ServableFunction {
    const fn = registry.get(cache, name);
    if (fn) return fn;
    const pending = registry.pending(cache, name);
    if (pending?.status === 'building') {
      const seconds = Math.round((Date.now() - pending.since) / 1000);
      throw new HttpError(
        503,
        `building… (${pending.entry}): ${cache}/${name} answers once its component is built and loaded (building for ${seconds} s); retry shortly.`,
        { 'retry-after': String(BUILDING_RETRY_AFTER_SECONDS) },
      );
    }
    if (pending?.status === 'failed') {
      throw new HttpError(
        500,
        `The function ${name} could not be built or loaded (${pending.entry}): ${pending.error}`,
      );
    }
    throw new HttpError(404, registry.explainMissing(cache, name));
  }

  async function authorize(req: IncomingMessage, cache: string, name: string): Promise<string | undefined> {
    if (!options.auth) return undefined;
    const token = tokenFromHeaders(req.headers);
    if (!token) {
      throw new HttpError(
        401,
        'This server requires a token: send it in the authorization (or x-momento-authorization) header (the API key itself, or "Bearer <key>").',
        { 'www-authenticate': 'Bearer' },
      );
    }
    let verified: Awaited<ReturnType<AuthOptions['verify']>>;
    try {
      verified = await options.auth.verify(token);
    } catch (error) {
      throw new HttpError(
        401,
        `The token is not valid: ${tokenProblem(error)}. Get a new token and try again.`,
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
    }
    const decision = invokeDecision(verified, cache, name);
    if (!decision.allowed) {
      throw new HttpError(
        403,
        `The token may not invoke ${cache}/${name}: ${decision.reason}. Issue a token with FunctionInvoke permission for it.`,
      );
    }
    return verified.tokenId;
  }

  async function authorizeAdmin(req: IncomingMessage): Promise<void> {
    if (!options.auth) return;
    const token = tokenFromHeaders(req.headers);
    if (!token)
      throw new HttpError(
        401,
        'Admin routes require a token: send it in the authorization (or x-momento-authorization) header.',
      );
    let verified: Awaited<ReturnType<AuthOptions['verify']>>;
    try {
      verified = await options.auth.verify(token);
    } catch (error) {
      throw new HttpError(401, `The token is not valid: ${tokenProblem(error)}.`);
    }
    const decision = adminDecision(verified);
    if (!decision.allowed) {
      throw new HttpError(403, `${decision.reason.charAt(0).toUpperCase()}${decision.reason.slice(1)}.`);
    }
  }

  /**
   * The request headers the guest sees: all of them, except that with auth on the caller's
   * credential headers are dropped unless `auth.forwardAuthorization` (docs/server.md, "Secrets").
   */
  function guestHeaders(req: IncomingMessage): Pair[] {
    const headers = requestHeaders(req);
    return options.auth && !options.auth.forwardAuthorization ? withoutCredentials(headers) : headers;
  }

  /** The spawns started over HTTP and those guests started, oldest first, the latest `spawnHistory`. */
  function listSpawns(): SpawnRecord[] {
    const fromGuests = (options.guestSpawns?.() ?? []).map((spawn): SpawnRecord => {
      const record: SpawnRecord = {
        id: spawn.invocationId ?? `${spawn.spawnedBy.invocationId}/${spawn.name}@${spawn.time}`,
        cache: spawn.cache,
        function: spawn.name,
        startedAt: new Date(spawn.time).toISOString(),
        spawnedBy: { function: spawn.spawnedBy.functionName, invocationId: spawn.spawnedBy.invocationId },
      };
      if (spawn.outcome) record.outcome = spawn.outcome;
      if (spawn.refused) record.refused = spawn.refused;
      return record;
    });
    const all = [...spawnRecords, ...fromGuests].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    return all.slice(Math.max(0, all.length - spawnHistory));
  }

  function startSpawn(fn: ServableFunction, payload: Uint8Array): SpawnRecord {
    const record: SpawnRecord = {
      id: randomUUID(),
      cache: fn.cache,
      function: fn.name,
      startedAt: new Date().toISOString(),
    };
    spawnRecords.push(record);
    if (spawnRecords.length > spawnHistory) spawnRecords.splice(0, spawnRecords.length - spawnHistory);
    logger.info(`Spawned ${fn.cache}/${fn.name}`, { id: record.id, bytes: payload.length });
    const started = performance.now();
    const running = fn
      .spawn(payload)
      .catch((error): SpawnOutcome => {
        const message = describe(error);
        return { tag: 'trap', val: fn.mapError ? fn.mapError(message) : message };
      })
      .then((outcome) => {
        record.outcome = outcome;
        record.finishedAt = new Date().toISOString();
        metrics?.spawn(fn.cache, fn.name, outcome.tag, (performance.now() - started) / 1000);
        const val = 'val' in outcome && typeof outcome.val === 'string' ? outcome.val : undefined;
        const note = val !== undefined && fn.mapError ? fn.mapError(val) : val;
        const fields = note === undefined ? { id: record.id } : { id: record.id, note };
        if (outcome.tag === 'ok' || outcome.tag === 'ok-note') {
          logger.info(`Spawn of ${fn.cache}/${fn.name} succeeded (${outcome.tag})`, fields);
        } else {
          logger.error(`Spawn of ${fn.cache}/${fn.name} failed (${outcome.tag})`, fields);
        }
      });
    runningSpawns.add(running);
    void running.finally(() => runningSpawns.delete(running));
    return record;
  }

  async function invokeWeb(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { type: 'momento' | 'invoke' }>,
    search: string,
  ): Promise<void> {
    const fn = lookup(route.cache, route.function);
    const tokenMetadata = await authorize(req, route.cache, route.function);
    if (fn.kind !== 'web') {
      throw new HttpError(
        400,
        `${route.cache}/${route.function} is a spawn function, which cannot answer requests; spawn it with POST /spaces/${route.cache}/functions/${route.function}/spawn.`,
      );
    }
    const body = await readBody(req, maxBodyBytes, timeouts);
    await track(async (controller) => {
      const onClose = () => {
        if (!res.writableFinished) controller.abort(new Error('the client went away'));
      };
      res.on('close', onClose);
      const request: ServerInvokeRequest = {
        method: req.method ?? 'GET',
        path: route.path,
        query: queryPairs(search),
        headers: guestHeaders(req),
        body,
        signal: controller.signal,
      };
      if (tokenMetadata !== undefined) request.tokenMetadata = tokenMetadata;
      let streaming: Awaited<ReturnType<ServableFunction['invokeStreaming']>>;
      invokeStarted.set(res, performance.now());
      try {
        streaming = await fn.invokeStreaming(request);
      } catch (error) {
        if (controller.signal.aborted) return;
        const message = describe(error);
        const mapped = fn.mapError ? fn.mapError(message) : message;
        const code = hostFailureStatus(error);
        logger.error(`Invocation of ${fn.cache}/${fn.name} failed in the host (${code})`, { error: mapped });
        throw new HttpError(code, `The function ${fn.name} failed: ${mapped}`);
      }
      const problem = invalidGuestResponse(fn.name, streaming.status, streaming.headers);
      if (problem !== undefined) {
        logger.error(`${fn.cache}/${fn.name} answered with a response HTTP cannot carry (502)`, {
          error: problem,
        });
        throw new HttpError(502, problem);
      }
      const complete = streaming.complete;
      const head = flatHeaders(streaming.headers);
      // A complete body goes out with a content-length in one write (no chunked encoding, no
      // separate write for the head); a stream's head is sent at once, its body as it comes.
      if (complete !== undefined) head.push('content-length', String(complete.length));
      try {
        res.writeHead(streaming.status, head);
      } catch (error) {
        throw new HttpError(
          502,
          `The function ${fn.name} answered with a header HTTP cannot carry: ${describe(error)}`,
        );
      }
      if (complete !== undefined) {
        res.end(complete);
        return;
      }
      res.flushHeaders();
      try {
        for await (const chunk of streaming.body) {
          if (controller.signal.aborted) break;
          if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
      } catch (error) {
        if (!controller.signal.aborted) {
          logger.error(`The response stream of ${fn.cache}/${fn.name} failed`, { error: describe(error) });
          res.destroy(error instanceof Error ? error : new Error(String(error)));
          return;
        }
      }
      if (controller.signal.aborted) {
        logger.info(`Cancelled ${fn.cache}/${fn.name}: the client went away`);
        return;
      }
      res.end();
    });
  }

  async function invokeAsync(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { type: 'async-invoke' }>,
    search: string,
  ): Promise<void> {
    const raw = req.headers['x-callback-url'];
    const callbackUrl = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!callbackUrl) {
      throw new HttpError(
        400,
        'An async invoke needs an X-Callback-Url header: the URL the server POSTs the result to (for example X-Callback-Url: https://example.com/done).',
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(callbackUrl);
    } catch {
      throw new HttpError(
        400,
        `X-Callback-Url "${callbackUrl}" is not an absolute URL; give one like https://example.com/done.`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new HttpError(400, `X-Callback-Url must be an http or https URL, not ${parsed.protocol}.`);
    }
    const fn = lookup(route.cache, route.function);
    const tokenMetadata = await authorize(req, route.cache, route.function);
    if (fn.kind !== 'web') {
      throw new HttpError(
        400,
        `${route.cache}/${route.function} is a spawn function; spawn it with POST /spaces/${route.cache}/functions/${route.function}/spawn.`,
      );
    }
    const body = await readBody(req, maxBodyBytes, timeouts);
    await asyncStarted;
    const request: ServerInvokeRequest & { tokenMetadata?: string } = {
      method: req.method ?? 'POST',
      path: route.path,
      query: queryPairs(search),
      headers: guestHeaders(req),
      body,
    };
    if (tokenMetadata !== undefined) request.tokenMetadata = tokenMetadata;
    let id: string;
    try {
      id = await asyncInvoker.accept({
        cache: fn.cache,
        function: fn.name,
        callbackUrl: parsed.href,
        request,
      });
    } catch (error) {
      throw new HttpError(503, describe(error), { 'retry-after': '1' });
    }
    const out = Buffer.from(`${JSON.stringify({ invocationId: id, status: 'accepted' })}\n`);
    res.writeHead(202, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': out.length,
      'x-invocation-id': id,
    });
    res.end(out);
  }

  async function spawnRoute(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { type: 'spawn' }>,
  ) {
    const fn = lookup(route.cache, route.function);
    await authorize(req, route.cache, route.function);
    if (fn.kind !== 'spawn') {
      throw new HttpError(
        400,
        `${route.cache}/${route.function} is a web function; invoke it at /spaces/${route.cache}/functions/${route.function}/invoke.`,
      );
    }
    const payload = await readBody(req, maxBodyBytes, timeouts);
    const record = startSpawn(fn, payload);
    sendJson(res, 202, { spawnId: record.id, function: fn.name, cache: fn.cache, status: 'spawned' });
  }

  async function admin(req: IncomingMessage, res: ServerResponse, route: Extract<Route, { type: 'admin' }>) {
    if (route.action === 'health') {
      sendJson(res, 200, { status: closing ? 'closing' : 'ok' });
      return;
    }
    await authorizeAdmin(req);
    switch (route.action) {
      case 'functions':
        sendJson(
          res,
          200,
          registry.describe().map((fn) => ({
            name: fn.name,
            cache: fn.cache,
            kind: fn.kind ?? null,
            status: fn.status,
            ...(fn.error !== undefined ? { error: fn.error } : {}),
            urls:
              fn.kind === 'spawn'
                ? [`/spaces/${fn.cache}/functions/${fn.name}/spawn`]
                : [`/functions/${fn.cache}/${fn.name}`, `/spaces/${fn.cache}/functions/${fn.name}/invoke`],
          })),
        );
        return;
      case 'spawns':
        sendJson(res, 200, listSpawns());
        return;
      case 'dead-letters':
        await asyncStarted;
        sendJson(res, 200, asyncInvoker.deadLetters() satisfies DeadLetter[]);
        return;
      case 'dead-letter-retry': {
        await asyncStarted;
        let outcome: 'delivered' | 'not-found';
        try {
          outcome = await asyncInvoker.retryDeadLetter(route.id!);
        } catch (error) {
          throw new HttpError(502, `Delivery failed again: ${describe(error)}. The dead letter is kept.`);
        }
        if (outcome === 'not-found') throw new HttpError(404, `No dead letter with id ${route.id}.`);
        sendJson(res, 200, { id: route.id, status: 'delivered' });
        return;
      }
      case 'dead-letter-delete':
        await asyncStarted;
        if (!(await asyncInvoker.deleteDeadLetter(route.id!))) {
          throw new HttpError(404, `No dead letter with id ${route.id}.`);
        }
        res.writeHead(204).end();
        return;
    }
  }

  async function readiness(): Promise<Readiness> {
    const functions = registry.listPending().map(({ cache, name, status, error }) => ({
      cache,
      name,
      status,
      ...(error !== undefined ? { error } : {}),
    }));
    const backends = options.host ? await options.host.checkBackends(READINESS_BACKEND_TIMEOUT_MS) : [];
    const draining = closing;
    return {
      ready: !draining && functions.length === 0 && backends.every((b) => b.ok),
      draining,
      functions,
      backends,
    };
  }

  async function ops(req: IncomingMessage, res: ServerResponse, route: Extract<Route, { type: 'ops' }>) {
    switch (route.action) {
      case 'healthz':
        // Alive as long as the process answers, draining included (a restart would not help).
        sendJson(res, 200, { status: closing ? 'draining' : 'ok' });
        return;
      case 'readyz': {
        const state = await readiness();
        // With auth on the probe is open, so errors (paths, addresses) are left to the admin routes and the log.
        const details = !options.auth;
        sendJson(res, state.ready ? 200 : 503, {
          status: state.ready ? 'ready' : state.draining ? 'draining' : 'not-ready',
          functions: state.functions.map(({ error, ...fn }) =>
            details && error !== undefined ? { ...fn, error } : fn,
          ),
          backends: state.backends.map(({ error, ...check }) =>
            details && error !== undefined ? { ...check, error } : check,
          ),
        });
        return;
      }
      case 'metrics': {
        if (!metrics) {
          throw new HttpError(404, 'Metrics are off on this server (metrics: false).');
        }
        await authorizeAdmin(req);
        const body = Buffer.from(await metrics.text());
        res.writeHead(200, reasonPhrase(200), {
          'content-type': metrics.contentType,
          'content-length': body.length,
          'cache-control': 'no-store',
        });
        res.end(body);
        return;
      }
    }
  }

  /** The route kind `momento_functions_http_requests_total` counts a request under. */
  function requestRoute(route: Route): RequestRoute {
    switch (route.type) {
      case 'momento':
      case 'invoke':
        return 'invoke';
      case 'async-invoke':
      case 'spawn':
      case 'admin':
        return route.type;
      case 'ops':
        return route.action === 'metrics' ? 'metrics' : 'probe';
      case 'error':
        return 'other';
    }
  }

  /** Counts the request once its response is over, and the invocation when it is a known function's. */
  function observe(res: ServerResponse, route: Route): void {
    if (!metrics) return;
    res.once('close', () => {
      // 499 (nginx's convention): the client went away before the response was complete.
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.request(requestRoute(route), status);
      if (route.type !== 'momento' && route.type !== 'invoke') return;
      // Only functions the server knows are labelled: a client must not create label values.
      if (!registry.get(route.cache, route.function) && !registry.pending(route.cache, route.function))
        return;
      const started = invokeStarted.get(res);
      const seconds = started === undefined ? undefined : (performance.now() - started) / 1000;
      metrics.invocation(route.cache, route.function, 'sync', status, seconds);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The request target is a path: `//x/...` must not become host `x`, and an unparsable
    // target is the client's error (400), not ours.
    let url: URL;
    try {
      url = new URL(`http://localhost${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? ''}`);
    } catch {
      throw new HttpError(400, 'The request target is not a valid path.');
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const route = matchRoute(method, url.pathname);
    observe(res, route);
    if (closing) res.shouldKeepAlive = false;
    if (closing && route.type !== 'admin' && route.type !== 'ops') {
      res.shouldKeepAlive = false;
      throw new HttpError(503, 'The server is shutting down; retry against another instance.', {
        connection: 'close',
        'retry-after': '1',
      });
    }
    switch (route.type) {
      case 'error':
        throw new HttpError(
          route.status,
          route.message,
          route.allow ? { allow: route.allow.join(', ') } : {},
        );
      case 'momento':
      case 'invoke':
        return invokeWeb(req, res, route, url.search);
      case 'async-invoke':
        return invokeAsync(req, res, route, url.search);
      case 'spawn':
        return spawnRoute(req, res, route);
      case 'admin':
        return admin(req, res, route);
      case 'ops':
        return ops(req, res, route);
    }
  }

  const requestMs = Math.max(timeouts.requestMs, timeouts.headersMs);
  const http = createHttpServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks the two limits above only this often (default every 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, timeouts.headersMs / 4)),
    },
    (req, res) => {
      openResponses.add(res);
      res.once('close', () => openResponses.delete(res));
      handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) {
          if (error.headers.connection === 'close') {
            // The rest of the request is not read: end the connection once the answer is out.
            res.shouldKeepAlive = false;
            res.once('finish', () => req.socket.destroySoon());
          }
          sendText(res, error.status, error.message, error.headers);
          return;
        }
        logger.error('Unexpected server error', {
          error: error instanceof Error ? error.stack : String(error),
        });
        sendText(res, 500, `Internal server error: ${describe(error)}`);
      });
    },
  );

  async function shutdown(): Promise<ShutdownReport> {
    closing = true;
    // No new connections; idle keep-alive ones are closed now, busy ones once their answer is out.
    const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    for (const res of openResponses) if (!res.headersSent) res.shouldKeepAlive = false;
    const deadline = Date.now() + shutdownTimeoutMs;
    // At once, beside the sync drain: no queued async invocation starts from now on (they stay in
    // the journal for the next start); running ones and callback attempts get the same deadline.
    const asyncClosed = asyncStarted
      .catch(() => {})
      .then(() => asyncInvoker.close(Math.max(0, deadline - Date.now())));
    if (inFlight.size > 0) {
      logger.info(`Waiting up to ${shutdownTimeoutMs} ms for ${inFlight.size} in-flight invocation(s)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, shutdownTimeoutMs);
        function done() {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve();
        }
        idleWaiters.add(done);
      });
    }
    const cancelledRequests = inFlight.size;
    for (const controller of inFlight) controller.abort(new Error('server shutdown deadline'));
    if (cancelledRequests > 0)
      logger.warn(`Cancelled ${cancelledRequests} invocation(s) still running at the deadline`);
    if (runningSpawns.size > 0) {
      await Promise.race([
        Promise.allSettled([...runningSpawns]),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ]);
    }
    const asyncReport = await asyncClosed;
    http.closeAllConnections();
    await stopped;
    return { cancelledRequests, async: asyncReport };
  }

  return {
    registry,
    asyncInvoker,
    http,
    async listen(port = 0, hostname = '127.0.0.1') {
      await asyncStarted;
      http.listen(port, hostname);
      await once(http, 'listening');
      const address = http.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    spawn(cache, name, payload) {
      const fn = registry.get(cache, name);
      if (!fn) {
        const pending = registry.pending(cache, name);
        throw new Error(
          pending?.status === 'building'
            ? `${cache}/${name} is still building (${pending.entry}); spawn it once it is ready.`
            : pending?.status === 'failed'
              ? `${cache}/${name} could not be built or loaded: ${pending.error}`
              : registry.explainMissing(cache, name),
        );
      }
      if (fn.kind !== 'spawn') throw new Error(`${cache}/${name} is a web function, not a spawn function.`);
      return startSpawn(fn, payload);
    },
    spawns: () => listSpawns(),
    metrics,
    readiness,
    shutdownTimeoutMs,
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}
