/**
 * Host service for `momento:http/http@1.0.0`: outbound HTTP through a pooled keep-alive undici
 * client. Response bodies stream to the guest as host buffers; requests can be SigV4-signed with
 * explicit keys or after assuming an IAM role; destinations can be limited with allow / deny rules.
 * Decisions (redirects, compression, hop-by-hop headers, limits) are in docs/http.md.
 */
import {
  lookup as dnsLookup,
  type LookupAddress,
  type LookupAllOptions,
  type LookupOneOptions,
} from 'node:dns';
import { Agent, type Dispatcher, interceptors } from 'undici';
import { guestMemoryBytes } from '../limits.js';
import type { HostBody, HostService, InvocationContext, ServiceData, WitResult } from '../types.js';
import {
  type AwsCredentials,
  dispatcherSend,
  type HttpAwsOptions,
  RoleFederation,
  regionFromHost,
  signRequest,
} from './aws.js';
import { DestinationPolicy, type DestinationRule } from './policy.js';
import {
  checkHeaderName,
  checkMethod,
  connectionListed,
  decodeHeaderValue,
  encodeHeaderValue,
  HOP_BY_HOP,
  HOST_COMPUTED,
  HttpServiceError,
  type HttpWitError,
  parseUrl,
  requestError,
} from './validate.js';

export type { AwsCredentials, HttpAwsOptions, SignableRequest } from './aws.js';
export { regionFromHost, signRequest } from './aws.js';
export type { DestinationRule, PolicyVerdict } from './policy.js';
export { DestinationPolicy } from './policy.js';
export type { HttpWitError } from './validate.js';

/**
 * The WIT interface this service implements.
 *
 * @example
 * ```ts
 * createHttpService().interface === HTTP_INTERFACE; // true
 * ```
 */
export const HTTP_INTERFACE = 'momento:http/http@1.0.0';

/**
 * Options of {@link createHttpService}. Every limit has a default that suits a local host
 * ({@link HTTP_DEFAULTS}); docs/http.md explains each decision.
 *
 * @example
 * ```ts
 * const options: HttpServiceOptions = { deny: ['private'], headersTimeoutMs: 5_000, maxResponseBytes: 8 * 1024 * 1024 };
 * const host = await createHost({ backends: { http: options } });
 * ```
 */
export interface HttpServiceOptions {
  /** Time to establish a connection (TCP + TLS), in ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Time from sending the request to receiving the response headers, in ms. Default 30 000. */
  readonly headersTimeoutMs?: number;
  /** Longest pause between two chunks of a response body, in ms (0: none). Default 300 000, for SSE. */
  readonly bodyTimeoutMs?: number;
  /** Largest response body, in bytes (`Infinity`: no limit). Default 64 MiB. */
  readonly maxResponseBytes?: number;
  /** Redirects followed before the 3xx is handed to the guest. Default 0 (not followed). */
  readonly maxRedirects?: number;
  /** Idle keep-alive time of pooled connections, in ms. Default 4 000. */
  readonly keepAliveTimeoutMs?: number;
  /** Most connections per origin (default: no limit). */
  readonly connectionsPerOrigin?: number;
  /**
   * Only these destinations may be called (default: all). See {@link DestinationRule}; a host
   * name rule, an address / CIDR rule (checked on every resolved address) or `'private'`.
   */
  readonly allow?: readonly DestinationRule[];
  /** These destinations may never be called, even if allowed (e.g. `['private']` against SSRF). */
  readonly deny?: readonly DestinationRule[];
  /** How the host reaches AWS for `federated` requests. */
  readonly aws?: HttpAwsOptions;
  /**
   * Send through this undici dispatcher instead of the service's own pool: a `ProxyAgent`, or in
   * tests a `MockAgent` (call `disableNetConnect()` on it so a request no interceptor matches fails
   * with an error naming it, instead of reaching the network). See docs/testing.md.
   */
  readonly dispatcher?: Dispatcher;
  /**
   * Told about every request that failed before a response arrived (the guest gets the same
   * message as an `HttpError`). `unmatchedMock` is true when a `MockAgent` dispatcher had no
   * interceptor for it; the built-in host logs those as an `error` system log line of the invocation.
   */
  readonly onRequestFailed?: (ctx: InvocationContext, failure: HttpRequestFailure) => void;
}

/**
 * A request that failed before a response arrived, as {@link HttpServiceOptions.onRequestFailed}
 * sees it.
 *
 * @example
 * ```ts
 * createHttpService({ onRequestFailed: (ctx, f) => console.warn(`${f.method} ${f.url}: ${f.message}`) });
 * ```
 */
export interface HttpRequestFailure {
  /** The request's method. */
  readonly method: string;
  /** The request's URL as the guest gave it. */
  readonly url: string;
  /** What the guest is told. */
  readonly message: string;
  /** Whether a `MockAgent` dispatcher found no interceptor for the request. */
  readonly unmatchedMock: boolean;
}

/**
 * Defaults of {@link HttpServiceOptions}.
 *
 * @example
 * ```ts
 * createHttpService({ headersTimeoutMs: HTTP_DEFAULTS.headersTimeoutMs * 2 });
 * ```
 */
export const HTTP_DEFAULTS = {
  /** Time to establish a connection (TCP + TLS): 10 000 ms. */
  connectTimeoutMs: 10_000,
  /** Time from sending the request to receiving the response headers: 30 000 ms. */
  headersTimeoutMs: 30_000,
  /** Longest pause between two chunks of a response body: 300 000 ms (5 minutes, for SSE). */
  bodyTimeoutMs: 300_000,
  /** Largest response body: 64 MiB (67 108 864 bytes). */
  maxResponseBytes: 64 * 1024 * 1024,
  /** Redirects followed before a 3xx is handed to the guest: 0 (none followed). */
  maxRedirects: 0,
  /** Idle keep-alive time of pooled connections: 4 000 ms. */
  keepAliveTimeoutMs: 4_000,
} as const;

interface WitRequest {
  url: string;
  verb: string;
  headers: [string, string][];
  body: ServiceData;
  authorization:
    | { tag: 'none' }
    | {
        tag: 'aws-sigv4-secret';
        val: { accessKeyId: string; secretAccessKey: string; region: string; service: string };
      }
    | { tag: 'federated'; val: { roleArn: string; service: string } };
}

interface WitResponse {
  status: number;
  headers: [string, string][];
  body: ServiceData;
}

/** Headers the SigV4 signer owns; a guest's own values are replaced when the host signs. */
const SIGNER_OWNED = new Set(['authorization', 'x-amz-date', 'x-amz-security-token']);

/**
 * Creates the `momento:http` host service.
 *
 * @example
 * ```ts
 * import { createHost } from '@momento-functions/runtime';
 * import { createHttpService } from '@momento-functions/runtime/services/http';
 * const host = await createHost({
 *   services: [createHttpService({ deny: ['private'], headersTimeoutMs: 5_000 })],
 * });
 * ```
 */
export function createHttpService(options: HttpServiceOptions = {}): HostService {
  const settings = { ...HTTP_DEFAULTS, ...stripUndefined(options) };
  for (const key of [
    'connectTimeoutMs',
    'headersTimeoutMs',
    'bodyTimeoutMs',
    'maxRedirects',
    'keepAliveTimeoutMs',
  ] as const) {
    const value = settings[key];
    if (!Number.isInteger(value) || value < 0)
      throw new TypeError(
        `createHttpService({ ${key} }): expected a non-negative integer, got ${String(value)}`,
      );
  }
  if (!(settings.maxResponseBytes > 0)) {
    throw new TypeError(
      `createHttpService({ maxResponseBytes }): expected a positive number or Infinity, got ${String(settings.maxResponseBytes)}`,
    );
  }
  const policy = new DestinationPolicy(options.allow, options.deny);
  const federation = new RoleFederation(options.aws);

  const lookup = (
    hostname: string,
    lookupOptions: LookupOneOptions | LookupAllOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const verdict = policy.checkAddress(hostname, address);
        if (verdict !== undefined) {
          const denied: NodeJS.ErrnoException = new Error(
            `destination blocked by the host's outbound rules: ${verdict}`,
          );
          denied.code = 'EDESTINATIONBLOCKED';
          return callback(denied, []);
        }
      }
      if ((lookupOptions as LookupAllOptions).all) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connect: { timeout: settings.connectTimeoutMs, ...(policy.isOpen ? {} : { lookup }) },
          keepAliveTimeout: settings.keepAliveTimeoutMs,
          headersTimeout: settings.headersTimeoutMs,
          bodyTimeout: settings.bodyTimeoutMs,
          ...(options.connectionsPerOrigin ? { connections: options.connectionsPerOrigin } : {}),
        })
      : undefined;
  const base: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const dispatcher =
    settings.maxRedirects > 0
      ? base.compose(interceptors.redirect({ maxRedirections: settings.maxRedirects }))
      : base;
  const stsSend = dispatcherSend(base, settings.headersTimeoutMs);

  async function invoke(
    ctx: InvocationContext,
    request: WitRequest,
  ): Promise<WitResult<WitResponse, HttpWitError>> {
    try {
      return { tag: 'ok', val: await send(ctx, request) };
    } catch (e) {
      if (e instanceof HttpServiceError) {
        if (options.onRequestFailed) {
          const failure: HttpRequestFailure = {
            method: String(request?.verb ?? ''),
            url: String(request?.url),
            message: e.message,
            unmatchedMock: e instanceof UnmatchedMockError,
          };
          try {
            options.onRequestFailed(ctx, failure);
          } catch {
            // A throwing observer must not change what the guest gets.
          }
        }
        return { tag: 'err', val: e.wit };
      }
      console.error(`[momento:http] internal error while calling ${String(request?.url)}:`, e);
      return { tag: 'err', val: { tag: 'internal-error' } };
    }
  }

  async function send(ctx: InvocationContext, request: WitRequest): Promise<WitResponse> {
    const url = parseUrl(request.url);
    const method = checkMethod(request.verb);
    const listed = connectionListed(request.headers);
    const signing = request.authorization.tag !== 'none';
    const outgoing: [string, string][] = [];
    for (const [name, value] of request.headers) {
      checkHeaderName(name);
      const encoded = encodeHeaderValue(value);
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || HOST_COMPUTED.has(lower) || listed.has(lower)) continue;
      if (signing && SIGNER_OWNED.has(lower)) continue;
      outgoing.push([name, encoded]);
    }
    const verdict = policy.checkHost(url.hostname);
    if (verdict !== undefined) {
      throw requestError(
        `request to ${url.href} blocked by the host's outbound rules: ${verdict} (change createHttpService({ allow, deny }) to permit it)`,
      );
    }
    // A body the guest passes on from a host buffer is collected here, bounded like a response.
    const guestMemory = guestMemoryBytes(ctx);
    const body =
      request.body.tag === 'value'
        ? request.body.val
        : await collect(request.body.val, Math.min(settings.maxResponseBytes, guestMemory), url);

    const auth = request.authorization;
    if (auth.tag === 'aws-sigv4-secret') {
      const { accessKeyId, secretAccessKey, region, service } = auth.val;
      outgoing.push(
        ...(await signRequest(
          { method, url, headers: outgoing, body },
          { accessKeyId, secretAccessKey },
          region,
          service,
        )),
      );
    } else if (auth.tag === 'federated') {
      const { roleArn, service } = auth.val;
      const sessionName = `momento-${ctx.functionName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
      const credentials: AwsCredentials = await federation.credentialsFor(roleArn, sessionName, stsSend);
      const region = regionFromHost(url.hostname) ?? federation.defaultRegion;
      outgoing.push(
        ...(await signRequest({ method, url, headers: outgoing, body }, credentials, region, service)),
      );
    }

    const controller = new AbortController();
    const onAbort = (): void => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted)
      throw requestError(`request to ${url.href} not sent: the invocation already ended`);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: outgoing.flat(),
        body: body.length > 0 || !['GET', 'HEAD'].includes(method) ? body : null,
        signal: controller.signal,
        responseHeaders: 'raw',
        headersTimeout: settings.headersTimeoutMs,
        bodyTimeout: settings.bodyTimeoutMs,
      });
    } catch (e) {
      ctx.signal.removeEventListener('abort', onAbort);
      throw describeFailure(e, url, settings, ctx.signal.aborted, method);
    }

    const raw = response.headers as unknown as string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
    const dropped = connectionListed(pairs);
    const headers: [string, string][] = [];
    let declaredLength: number | undefined;
    for (const [name, value] of pairs) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || dropped.has(lower)) continue;
      if (lower === 'content-length') declaredLength = Number(value);
      headers.push([name, decodeHeaderValue(value)]);
    }
    // The body is bounded by the host's maxResponseBytes and by the guest's memory limit: a body
    // larger than the guest's memory could never be read into it.
    const byGuest = guestMemory < settings.maxResponseBytes;
    const bound = {
      maxResponseBytes: byGuest ? guestMemory : settings.maxResponseBytes,
      bodyTimeoutMs: settings.bodyTimeoutMs,
      byGuest,
    };
    if (declaredLength !== undefined && declaredLength > bound.maxResponseBytes) {
      ctx.signal.removeEventListener('abort', onAbort);
      response.body.destroy();
      throw requestError(
        byGuest
          ? `response from ${url.href} declares ${declaredLength} bytes, more than the guest's memory limit (${guestMemory} bytes, limits.memoryBytes) lets it receive; raise limits.memoryBytes or ask for less`
          : `response from ${url.href} declares ${declaredLength} bytes, more than the host's maxResponseBytes (${settings.maxResponseBytes}); raise createHttpService({ maxResponseBytes }) or ask for less`,
      );
    }
    ctx.signal.removeEventListener('abort', onAbort);
    return {
      status: response.statusCode,
      headers,
      body: { tag: 'buffer', val: new ResponseBody(response.body, url, bound, ctx, controller) },
    };
  }

  return {
    interface: HTTP_INTERFACE,
    functions: { invoke: invoke as (ctx: InvocationContext, ...args: never[]) => unknown },
    async close() {
      await ownAgent?.close();
    },
  };
}

/**
 * The response body as a host body. Reading pulls from the socket; `return()` (called by the
 * runtime when the guest's buffer is dropped or the invocation is cleaned up) closes the response
 * whether or not reading had started. If the invocation is cancelled before anyone reads, the
 * body is discarded too.
 */
class ResponseBody implements AsyncIterableIterator<Uint8Array> {
  readonly #body: Dispatcher.ResponseData['body'];
  readonly #url: URL;
  readonly #settings: { maxResponseBytes: number; bodyTimeoutMs: number; byGuest: boolean };
  readonly #ctx: InvocationContext;
  readonly #discard: () => void;
  #source: AsyncIterator<Buffer> | undefined;
  #total = 0;
  #done = false;

  constructor(
    body: Dispatcher.ResponseData['body'],
    url: URL,
    settings: { maxResponseBytes: number; bodyTimeoutMs: number; byGuest: boolean },
    ctx: InvocationContext,
    controller: AbortController,
  ) {
    this.#body = body;
    this.#url = url;
    this.#settings = settings;
    this.#ctx = ctx;
    this.#discard = () =>
      controller.abort(new Error('the invocation ended before the response body was read'));
    ctx.signal.addEventListener('abort', this.#discard, { once: true });
    // Errors reach a reader through the iterator; an unread body that is discarded must not throw.
    body.on('error', () => undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array, undefined>> {
    if (this.#done) return { done: true, value: undefined };
    if (this.#source === undefined) {
      this.#ctx.signal.removeEventListener('abort', this.#discard);
      this.#source = (this.#body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    }
    try {
      for (;;) {
        const step = await this.#source.next();
        if (step.done) {
          this.#close();
          return { done: true, value: undefined };
        }
        const chunk = step.value;
        this.#total += chunk.length;
        if (this.#total > this.#settings.maxResponseBytes) {
          throw new Error(
            this.#settings.byGuest
              ? `response body from ${this.#url.href} exceeded the guest's memory limit (${this.#settings.maxResponseBytes} bytes, limits.memoryBytes); raise limits.memoryBytes`
              : `response body from ${this.#url.href} exceeded the host's maxResponseBytes (${this.#settings.maxResponseBytes}); raise createHttpService({ maxResponseBytes })`,
          );
        }
        if (chunk.length > 0)
          return { done: false, value: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
      }
    } catch (e) {
      this.#close();
      const code = (e as { code?: string }).code;
      if (code === 'UND_ERR_BODY_TIMEOUT') {
        throw new Error(
          `response body from ${this.#url.href} stalled: no data for ${this.#settings.bodyTimeoutMs} ms (bodyTimeoutMs)`,
        );
      }
      if (code === 'UND_ERR_ABORTED' || (e as Error).name === 'AbortError') {
        throw new Error(`response body from ${this.#url.href} was discarded: ${(e as Error).message}`);
      }
      throw e;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array, undefined>> {
    this.#close();
    return { done: true, value: undefined };
  }

  #close(): void {
    this.#done = true;
    this.#ctx.signal.removeEventListener('abort', this.#discard);
    if (!this.#body.destroyed) this.#body.destroy();
  }
}

async function collect(body: HostBody, limit: number, url: URL): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of body) {
    size += part.length;
    if (size > limit) {
      throw requestError(
        `request body for ${url.href} is larger than ${limit} bytes, the smaller of the host's maxResponseBytes and the guest's memory limit (limits.memoryBytes); send less`,
      );
    }
    parts.push(part);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A request a `MockAgent` dispatcher had no interceptor for (see {@link HttpServiceOptions.dispatcher}). */
class UnmatchedMockError extends HttpServiceError {}

/** undici's MockNotMatchedError codes (7.x, and older releases). */
const MOCK_NOT_MATCHED = new Set(['UND_MOCK_ERR_MOCK_NOT_MATCHED', 'UND_ERR_MOCK_NOT_MATCHED']);

function describeFailure(
  e: unknown,
  url: URL,
  settings: { connectTimeoutMs: number; headersTimeoutMs: number },
  invocationEnded: boolean,
  method = 'GET',
): HttpServiceError {
  if (e instanceof HttpServiceError) return e;
  const prefix = `error sending request for url (${url.href})`;
  if (invocationEnded) return requestError(`${prefix}: aborted because the invocation ended`);
  const err = e as NodeJS.ErrnoException & {
    errors?: NodeJS.ErrnoException[];
    cause?: NodeJS.ErrnoException;
  };
  const inner = err.errors?.[0] ?? err.cause;
  const code = err.code ?? inner?.code;
  if (MOCK_NOT_MATCHED.has(code ?? '') || err.name === 'MockNotMatchedError') {
    return new UnmatchedMockError({
      tag: 'request-error',
      val: `${prefix}: no MockAgent interceptor matched ${method} ${url.href} (${err.message}); add one with mockAgent.get('${url.origin}').intercept({ path: '${url.pathname}${url.search}', method: '${method}' }).reply(...)`,
    });
  }
  const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  switch (code) {
    case 'ECONNREFUSED':
      return requestError(`${prefix}: connection refused by ${target} (is the server running?)`);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return requestError(
        `${prefix}: could not connect to ${target} within ${settings.connectTimeoutMs} ms (connectTimeoutMs)`,
      );
    case 'UND_ERR_HEADERS_TIMEOUT':
      return requestError(
        `${prefix}: no response headers within ${settings.headersTimeoutMs} ms (headersTimeoutMs)`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return requestError(`${prefix}: dns error: could not resolve host '${url.hostname}' (${code})`);
    case 'EDESTINATIONBLOCKED':
      return requestError(
        `${prefix}: ${(inner ?? err).message} (change createHttpService({ allow, deny }) to permit it)`,
      );
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return requestError(
        `${prefix}: the connection to ${target} was closed before a response arrived (${code})`,
      );
    default: {
      const detail =
        (inner?.message && inner.message !== err.message
          ? `${err.message}: ${inner.message}`
          : err.message) || String(e);
      return requestError(`${prefix}: ${detail}${code ? ` (${code})` : ''}`);
    }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
