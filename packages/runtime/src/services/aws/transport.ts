/**
 * The one HTTPS channel the aws-* services share: a warm undici pool (kept alive across
 * invocations and functions, so calls after the first open no new connection), SigV4 signing through `http/aws.ts`, endpoints, and
 * the parsing of AWS error answers (REST/XML and JSON protocols).
 */
import { Agent, type Dispatcher } from 'undici';
import { type AwsCredentials, signRequest } from '../http/aws.js';

/**
 * Where each AWS service is reached. A string is used for every region (a local S3 such as MinIO,
 * LocalStack, a test server); a function gets the region. Unset: the public AWS endpoint.
 *
 * @example
 * ```ts
 * const endpoints: AwsEndpoints = { s3: 'http://127.0.0.1:9000', secretsManager: (region) => `https://secretsmanager.${region}.amazonaws.com` };
 * ```
 */
export interface AwsEndpoints {
  /** S3. With an override, requests use path-style URLs (`<endpoint>/<bucket>/<key>`). */
  readonly s3?: string | ((region: string) => string);
  /** DynamoDB (JSON 1.0 protocol). */
  readonly dynamodb?: string | ((region: string) => string);
  /** Secrets Manager (JSON 1.1 protocol). */
  readonly secretsManager?: string | ((region: string) => string);
  /** Lambda (REST). */
  readonly lambda?: string | ((region: string) => string);
  /** STS, for `federated` providers (default `https://sts.<host region>.amazonaws.com/`). */
  readonly sts?: string;
}

/** Service names as SigV4 signs them, and their public endpoints. */
export const SIGNING_NAMES = {
  s3: 's3',
  dynamodb: 'dynamodb',
  secretsManager: 'secretsmanager',
  lambda: 'lambda',
} as const;

/** Which service a request goes to. */
export type AwsServiceName = keyof typeof SIGNING_NAMES;

/** Timeouts and pool settings of the channel. */
export interface TransportSettings {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/** One signed request. */
export interface AwsRequest {
  readonly service: AwsServiceName;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly url: URL;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
  /** Aborts the request (and its body stream) when the invocation ends. */
  readonly signal?: AbortSignal;
}

/** What AWS answered; the body is still streaming. */
export interface AwsResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Dispatcher.ResponseData['body'];
}

/** A failure to get any answer from AWS (connection refused, timeout, DNS). */
export class AwsUnreachableError extends Error {
  constructor(
    readonly url: URL,
    cause: unknown,
    timeouts: TransportSettings,
  ) {
    super(describeNetworkError(url, cause, timeouts), { cause });
    this.name = 'AwsUnreachableError';
  }
}

function describeNetworkError(url: URL, cause: unknown, t: TransportSettings): string {
  const error = cause as { code?: string; message?: string; name?: string };
  const code = error?.code ?? error?.name ?? '';
  const where = `${url.protocol}//${url.host}`;
  if (code === 'ECONNREFUSED') return `could not reach ${where}: connection refused (is the endpoint right?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `could not reach ${where}: could not resolve host '${url.hostname}' (check the region and the endpoint)`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT')
    return `could not connect to ${where} within ${t.connectTimeoutMs} ms (connectTimeoutMs)`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return `no answer from ${where} within ${t.requestTimeoutMs} ms (requestTimeoutMs)`;
  if (code === 'UND_ERR_BODY_TIMEOUT')
    return `the answer from ${where} stalled for ${t.bodyTimeoutMs} ms (bodyTimeoutMs)`;
  if (code === 'AbortError') return `the request to ${where} was cancelled because the invocation ended`;
  return `could not reach ${where}: ${error?.message ?? String(cause)}${code ? ` (${code})` : ''}`;
}

/**
 * The shared channel. One per `createAwsServices` call; every aws-* service sends through it.
 * @internal
 */
export class AwsTransport {
  readonly settings: TransportSettings;
  readonly endpoints: AwsEndpoints;
  readonly dispatcher: Dispatcher;
  readonly #ownAgent: Agent | undefined;

  constructor(settings: TransportSettings, endpoints: AwsEndpoints, dispatcher?: Dispatcher) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.#ownAgent =
      dispatcher === undefined
        ? new Agent({
            connect: { timeout: settings.connectTimeoutMs },
            keepAliveTimeout: settings.keepAliveTimeoutMs,
            headersTimeout: settings.requestTimeoutMs,
            bodyTimeout: settings.bodyTimeoutMs,
          })
        : undefined;
    this.dispatcher = dispatcher ?? (this.#ownAgent as Agent);
  }

  /** The base URL of `service` in `region` (no trailing slash). */
  endpoint(service: AwsServiceName, region: string): { base: string; overridden: boolean } {
    const configured = this.endpoints[service];
    if (configured !== undefined) {
      const base = typeof configured === 'function' ? configured(region) : configured;
      return { base: base.replace(/\/+$/, ''), overridden: true };
    }
    const host =
      service === 's3'
        ? `s3.${region}.amazonaws.com`
        : service === 'secretsManager'
          ? `secretsmanager.${region}.amazonaws.com`
          : `${service}.${region}.amazonaws.com`;
    return { base: `https://${host}${region.startsWith('cn-') ? '.cn' : ''}`, overridden: false };
  }

  /** Signs and sends a request; throws {@link AwsUnreachableError} when no answer arrives. */
  async send(request: AwsRequest): Promise<AwsResponse> {
    const signed = await signRequest(
      { method: request.method, url: request.url, headers: request.headers, body: request.body },
      request.credentials,
      request.region,
      SIGNING_NAMES[request.service],
    );
    const headers = [...request.headers, ...signed.filter(([name]) => name !== 'host')];
    try {
      const response = await this.dispatcher.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method,
        headers: headers.flat(),
        body: request.method === 'GET' ? undefined : request.body,
        headersTimeout: this.settings.requestTimeoutMs,
        bodyTimeout: this.settings.bodyTimeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (e) {
      throw new AwsUnreachableError(request.url, e, this.settings);
    }
  }

  /** Reads a whole (small) body; network failures while reading become {@link AwsUnreachableError}. */
  async readAll(url: URL, response: AwsResponse, limit = 16 * 1024 * 1024): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const part of response.body) {
        size += (part as Uint8Array).byteLength;
        if (size > limit) {
          response.body.destroy();
          throw new Error(`the answer is larger than ${limit} bytes`);
        }
        parts.push(part as Uint8Array);
      }
    } catch (e) {
      throw new AwsUnreachableError(url, e, this.settings);
    }
    return new Uint8Array(Buffer.concat(parts));
  }

  async close(): Promise<void> {
    await this.#ownAgent?.close();
  }
}

/** The single value of a response header. */
export function header(response: AwsResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An AWS error answer: its code (e.g. `AccessDenied`), message and request id. */
export interface AwsErrorInfo {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly requestId: string | undefined;
}

/** Parses an S3-style XML error (`<Error><Code>…</Code><Message>…</Message></Error>`). */
export function xmlError(response: AwsResponse, text: string): AwsErrorInfo {
  const tag = (name: string): string | undefined =>
    new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text)?.[1]?.trim();
  return {
    status: response.status,
    code: tag('Code') ?? statusCode(response.status),
    message: unescapeXml(tag('Message') ?? ''),
    requestId: tag('RequestId') ?? header(response, 'x-amz-request-id'),
  };
}

/** Parses a JSON-protocol error (`{"__type":"ns#Code","message":"…"}`, or `x-amzn-errortype`). */
export function jsonError(response: AwsResponse, text: string): AwsErrorInfo {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: keep the raw text as the message
  }
  const rawType =
    header(response, 'x-amzn-errortype') ??
    (typeof body.__type === 'string' ? body.__type : undefined) ??
    (typeof body.code === 'string' ? body.code : undefined);
  const code = rawType ? (rawType.split('#').pop() ?? rawType).split(':')[0] || rawType : undefined;
  const message = [body.message, body.Message, body.errorMessage].find((m) => typeof m === 'string') as
    | string
    | undefined;
  return {
    status: response.status,
    code: code ?? statusCode(response.status),
    message: message ?? (Object.keys(body).length === 0 ? text.slice(0, 300) : ''),
    requestId: header(response, 'x-amzn-requestid') ?? header(response, 'x-amz-request-id'),
  };
}

function statusCode(status: number): string {
  return `HTTP ${status}`;
}

/** `Code: message (HTTP 403, request id …)`. */
export function describeAwsError(error: AwsErrorInfo): string {
  const tail = [`HTTP ${error.status}`, ...(error.requestId ? [`request id ${error.requestId}`] : [])];
  return `${error.code}${error.message ? `: ${error.message}` : ''} (${tail.join(', ')})`;
}

/** Error codes that mean the caller's credentials or permissions are the problem. */
const UNAUTHORIZED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'InvalidToken',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'UnrecognizedClientException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'KMSAccessDeniedException',
  'DecryptionFailure',
]);

/** Whether an AWS error is about credentials or permissions (403, or one of the auth codes). */
export function isUnauthorized(error: AwsErrorInfo): boolean {
  return error.status === 401 || error.status === 403 || UNAUTHORIZED_CODES.has(error.code);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Encodes a value for a URL path the way SigV4 and S3 expect (RFC 3986 unreserved kept). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
