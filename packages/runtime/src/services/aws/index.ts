/**
 * The aws-* host services: `momento:aws-auth`, `momento:aws-s3`, `momento:aws-ddb`,
 * `momento:aws-secrets` and `momento:aws-lambda` (see docs/aws.md), sharing one warm HTTPS
 * pool and one STS session cache.
 */
import type { Dispatcher } from 'undici';
import type { AwsCredentials } from '../http/aws.js';
import type { HostService, InvocationContext } from '../types.js';
import { createProviderFunction, type HostCredentialsSource } from './auth.js';
import { createDdbService } from './ddb.js';
import { createLambdaService } from './lambda.js';
import { createS3Service } from './s3.js';
import { createSecretsService, SecretCache } from './secrets.js';
import { type AwsEndpoints, AwsTransport } from './transport.js';

export { AwsCredentialsProvider, type HostCredentialsSource } from './auth.js';
export { AwsClient } from './common.js';
export type { AwsEndpoints } from './transport.js';

/** The versioned interface name of aws-auth. */
export const AWS_AUTH_INTERFACE = 'momento:aws-auth/aws-auth@1.0.0';

/**
 * Options of {@link createAwsServices}.
 *
 * @example
 * ```ts
 * const options: AwsServiceOptions = {
 *   credentials: { accessKeyId: process.env.HOST_KEY!, secretAccessKey: process.env.HOST_SECRET! },
 *   endpoints: { s3: 'http://127.0.0.1:9000' }, // MinIO
 * };
 * ```
 */
export interface AwsServiceOptions {
  /**
   * The host's own AWS credentials, used only to assume the roles of `federated` providers: fixed
   * values or an async provider (e.g. `fromNodeProviderChain()` of `@aws-sdk/credential-providers`).
   * Default: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
   */
  readonly credentials?: AwsCredentials | (() => Promise<AwsCredentials> | AwsCredentials);
  /** The region of STS calls (default `AWS_REGION`, else `us-east-1`). */
  readonly region?: string;
  /** Lifetime asked for assumed-role sessions, in seconds (default 3600). */
  readonly sessionDurationSeconds?: number;
  /** Per-service endpoint overrides (LocalStack, MinIO, test servers). Default: the public AWS endpoints. */
  readonly endpoints?: AwsEndpoints;
  /** TCP connect + TLS handshake (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Request sent → response headers received (default 30 000 ms). */
  readonly requestTimeoutMs?: number;
  /** Longest pause between two body chunks (default 60 000 ms). */
  readonly bodyTimeoutMs?: number;
  /** How long idle pooled connections stay open (default 60 000 ms: the channels are kept warm). */
  readonly keepAliveTimeoutMs?: number;
  /** Send through this undici dispatcher instead of the services' own pool (e.g. a `ProxyAgent`). */
  readonly dispatcher?: Dispatcher;
  /** Secrets held by the staleness cache across all functions (default 1000; oldest dropped first). */
  readonly maxCachedSecrets?: number;
}

/**
 * Creates the five aws-* host services. They share one undici pool (kept warm across invocations
 * and functions), one STS session cache for `federated` providers, and, for Secrets Manager, the
 * per-function staleness cache.
 *
 * @example
 * ```ts
 * import { createHost, createAwsServices } from '@momento-functions/runtime';
 * const host = await createHost({ services: createAwsServices({ endpoints: { s3: 'http://127.0.0.1:9000' } }) });
 * ```
 */
export function createAwsServices(options: AwsServiceOptions = {}): HostService[] {
  const transport = new AwsTransport(
    {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 60_000,
    },
    options.endpoints ?? {},
    options.dispatcher,
  );
  const provider = createProviderFunction(transport, {
    ...(options.credentials !== undefined
      ? { credentials: options.credentials as HostCredentialsSource }
      : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.sessionDurationSeconds !== undefined
      ? { sessionDurationSeconds: options.sessionDurationSeconds }
      : {}),
  });
  const auth: HostService = {
    interface: AWS_AUTH_INTERFACE,
    functions: {
      provider: provider as (ctx: InvocationContext, ...args: never[]) => unknown,
    },
    // The pool is shared: the auth service owns closing it.
    close: () => transport.close(),
  };
  return [
    auth,
    createS3Service(transport),
    createDdbService(transport),
    createSecretsService(transport, new SecretCache(options.maxCachedSecrets ?? 1000)),
    createLambdaService(transport),
  ];
}
