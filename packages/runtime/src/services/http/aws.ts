/**
 * AWS SigV4 signing (`aws-sigv4-secret`) and role federation through STS AssumeRole (`federated`)
 * for `momento:http`, on `@smithy/signature-v4` (the AWS SDK's own signer).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Dispatcher } from 'undici';
import { requestError } from './validate.js';

/**
 * AWS credentials (a session token for temporary ones).
 *
 * @example
 * ```ts
 * const credentials: AwsCredentials = { accessKeyId: 'AKIA…', secretAccessKey: '…' };
 * createHttpService({ aws: { credentials } });
 * ```
 */
export interface AwsCredentials {
  /** The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones). */
  readonly accessKeyId: string;
  /** The secret access key that signs requests. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials, sent as `x-amz-security-token`; absent for long-term keys. */
  readonly sessionToken?: string;
  /** When temporary credentials stop working. */
  readonly expiration?: Date;
}

/**
 * How the host itself talks to AWS (only used for `federated` requests).
 *
 * @example
 * ```ts
 * import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
 * createHttpService({ aws: { credentials: fromNodeProviderChain(), region: 'eu-west-1' } });
 * ```
 */
export interface HttpAwsOptions {
  /**
   * The host's credentials, used to call STS AssumeRole for `federated` requests: fixed values or
   * an async provider (e.g. `fromNodeProviderChain()` of `@aws-sdk/credential-providers`). Default:
   * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the environment.
   */
  readonly credentials?: AwsCredentials | (() => Promise<AwsCredentials> | AwsCredentials);
  /** Region for STS and for signing when the URL does not name one (default `AWS_REGION`, else `us-east-1`). */
  readonly region?: string;
  /** STS endpoint (default `https://sts.<region>.amazonaws.com/`). */
  readonly stsEndpoint?: string;
  /** Lifetime asked for assumed-role sessions, in seconds (default 3600). */
  readonly sessionDurationSeconds?: number;
}

/**
 * A request about to be sent, in the form the signer needs.
 *
 * @example
 * ```ts
 * const request: SignableRequest = { method: 'POST', url: new URL('https://sqs.us-east-1.amazonaws.com/'), headers: [], body: new Uint8Array() };
 * ```
 */
export interface SignableRequest {
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The absolute URL; its host, path and query are signed. */
  readonly url: URL;
  /** Headers as sent, in order (duplicates allowed); names as given. */
  readonly headers: readonly (readonly [string, string])[];
  /** The request body; its SHA-256 is part of the signature. */
  readonly body: Uint8Array;
}

/**
 * Signs a request with SigV4 and returns the headers to add (`host`, `x-amz-date`,
 * `authorization`, and `x-amz-security-token` / `x-amz-content-sha256` when they apply).
 *
 * @example
 * ```ts
 * const added = await signRequest(
 *   { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: [], body: new Uint8Array() },
 *   { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
 *   'us-east-1',
 *   'service',
 * );
 * ```
 */
export async function signRequest(
  request: SignableRequest,
  credentials: AwsCredentials,
  region: string,
  service: string,
  signingDate?: Date,
): Promise<[string, string][]> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region,
    service,
    sha256: Sha256,
    // S3 signs the path as sent and needs the payload hash header; every other service double-encodes.
    uriEscapePath: service !== 's3',
    applyChecksum: service === 's3',
  });
  const headers: Record<string, string> = { host: request.url.host };
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    headers[key] = key in headers && key !== 'host' ? `${headers[key]},${value}` : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of request.url.searchParams) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query,
      headers,
      body: request.body,
    },
    signingDate ? { signingDate } : {},
  );
  const added: [string, string][] = [['host', request.url.host]];
  for (const name of ['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'authorization']) {
    const value = signed.headers[name];
    const supplied = request.headers.some(([n]) => n.toLowerCase() === name);
    if (value !== undefined && !supplied) added.push([name, value]);
  }
  return added;
}

/**
 * The region named by an AWS endpoint host.
 *
 * @example
 * ```ts
 * regionFromHost('dynamodb.us-west-2.amazonaws.com'); // 'us-west-2'
 * regionFromHost('example.com'); // undefined
 * ```
 */
export function regionFromHost(hostname: string): string | undefined {
  const match = /(?:^|\.)([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(
    hostname.toLowerCase(),
  );
  return match?.[1];
}

type SendFn = (
  url: URL,
  init: { method: string; headers: [string, string][]; body: Uint8Array },
) => Promise<{ status: number; text: string }>;

/**
 * Assumes IAM roles with the host's credentials and caches the sessions until shortly before they expire.
 * @internal
 */
export class RoleFederation {
  readonly #options: HttpAwsOptions;
  readonly #sessions = new Map<string, Promise<AwsCredentials>>();

  constructor(options: HttpAwsOptions = {}) {
    this.#options = options;
  }

  /** The region to sign in when the URL names none. */
  get defaultRegion(): string {
    return this.#options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  }

  /** Credentials of the assumed role, from the cache or a fresh AssumeRole call. */
  async credentialsFor(roleArn: string, sessionName: string, send: SendFn): Promise<AwsCredentials> {
    const cached = this.#sessions.get(roleArn);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && (!value.expiration || value.expiration.getTime() - Date.now() > 5 * 60_000)) return value;
      this.#sessions.delete(roleArn);
    }
    const pending = this.#assume(roleArn, sessionName, send);
    this.#sessions.set(roleArn, pending);
    pending.catch(() => this.#sessions.delete(roleArn));
    return pending;
  }

  async #hostCredentials(roleArn: string): Promise<AwsCredentials> {
    const configured = this.#options.credentials;
    const fromEnv = (): AwsCredentials | undefined => {
      const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
      if (!accessKeyId || !secretAccessKey) return undefined;
      const sessionToken = process.env.AWS_SESSION_TOKEN;
      return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
    };
    let credentials: AwsCredentials | undefined;
    try {
      credentials = typeof configured === 'function' ? await configured() : (configured ?? fromEnv());
    } catch (e) {
      throw requestError(
        `federated authorization: the host's AWS credentials provider failed: ${(e as Error).message ?? String(e)}`,
      );
    }
    if (!credentials?.accessKeyId || !credentials.secretAccessKey) {
      throw requestError(
        `federated authorization needs AWS credentials on the host to assume role '${roleArn}': pass createHttpService({ aws: { credentials } }) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the host`,
      );
    }
    return credentials;
  }

  async #assume(roleArn: string, sessionName: string, send: SendFn): Promise<AwsCredentials> {
    const host = await this.#hostCredentials(roleArn);
    const region =
      this.#options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const endpoint = new URL(this.#options.stsEndpoint ?? `https://sts.${region}.amazonaws.com/`);
    const form = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: sessionName,
      DurationSeconds: String(this.#options.sessionDurationSeconds ?? 3600),
    });
    const body = new TextEncoder().encode(form.toString());
    const headers: [string, string][] = [
      ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ['accept', 'application/xml'],
    ];
    headers.push(
      ...(await signRequest({ method: 'POST', url: endpoint, headers, body }, host, region, 'sts')),
    );
    let reply: { status: number; text: string };
    try {
      reply = await send(endpoint, { method: 'POST', headers: headers.filter(([n]) => n !== 'host'), body });
    } catch (e) {
      throw requestError(
        `federated authorization: could not reach STS at ${endpoint.origin} to assume role '${roleArn}': ${(e as Error).message}`,
      );
    }
    const tag = (name: string): string | undefined =>
      new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(reply.text)?.[1]?.trim();
    if (reply.status !== 200) {
      const code = tag('Code') ?? `HTTP ${reply.status}`;
      const message = tag('Message') ?? reply.text.slice(0, 200);
      throw requestError(
        `federated authorization: STS refused to let the host's credentials assume role '${roleArn}': ${code}: ${unescapeXml(message)} (check the role's trust policy names the host's principal)`,
      );
    }
    const accessKeyId = tag('AccessKeyId');
    const secretAccessKey = tag('SecretAccessKey');
    const sessionToken = tag('SessionToken');
    const expiration = tag('Expiration');
    if (!accessKeyId || !secretAccessKey || !sessionToken) {
      throw requestError(
        `federated authorization: STS answered AssumeRole for '${roleArn}' without credentials`,
      );
    }
    return {
      accessKeyId: unescapeXml(accessKeyId),
      secretAccessKey: unescapeXml(secretAccessKey),
      sessionToken: unescapeXml(sessionToken),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
    };
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Sends a small request through a dispatcher and reads the whole answer as text.
 * @internal
 */
export function dispatcherSend(dispatcher: Dispatcher, timeoutMs: number): SendFn {
  return async (url, init) => {
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers.flat(),
      body: init.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
}
