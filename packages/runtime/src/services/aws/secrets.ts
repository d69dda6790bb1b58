/**
 * `momento:aws-secrets/aws-secrets@1.0.0`: GetSecretValue over Secrets Manager's JSON 1.1
 * protocol, with a per-function staleness cache (a value is reused while younger than the
 * guest's `allowed-staleness-seconds`; see docs/aws.md).
 */
import type { HostService, InvocationContext, WitResult } from '../types.js';
import { AwsAnswerError, AwsClient, classify, requireClient, type WitAwsError, witCall } from './common.js';
import { type AwsTransport, jsonError } from './transport.js';

/** The versioned interface name. */
export const SECRETS_INTERFACE = 'momento:aws-secrets/aws-secrets@1.0.0';

interface WitGetSecretValueRequest {
  secretId: string;
  versionId: string | undefined;
  versionStage: string | undefined;
  allowedStalenessSeconds: bigint;
}
type WitSecretValue = { tag: 'secret-bytes'; val: Uint8Array } | { tag: 'secret-string'; val: string };
interface WitGetSecretValueResponse {
  arn: string;
  createdDateEpochSeconds: bigint;
  name: string;
  secret: WitSecretValue;
  versionId: string;
  versionStages: string[];
}
type WitSecretsError = { tag: 'not-found' } | WitAwsError;

const MALFORMED = new Set(['InvalidParameterException', 'InvalidRequestException', 'ValidationException']);

/**
 * Secrets fetched for each function, kept on the host (never inside an instance) and visible only
 * to the function that fetched them. An entry's age is measured from when it was fetched from AWS
 * ("first cached"): serving it again does not make it younger.
 * @internal
 */
export class SecretCache {
  readonly #entries = new Map<string, { value: WitGetSecretValueResponse; fetchedAt: number }>();
  readonly #inflight = new Map<string, Promise<WitGetSecretValueResponse>>();
  constructor(
    readonly maxEntries: number,
    readonly now: () => number = Date.now,
  ) {}

  /** A cached value no older than `maxAgeMs`, if there is one. */
  fresh(key: string, maxAgeMs: number): WitGetSecretValueResponse | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    return this.now() - entry.fetchedAt < maxAgeMs ? entry.value : undefined;
  }

  /** Fetches once for concurrent callers of the same key and stores the answer. */
  async fetch(
    key: string,
    load: () => Promise<WitGetSecretValueResponse>,
  ): Promise<WitGetSecretValueResponse> {
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const started = load().then((value) => {
      this.#entries.delete(key);
      this.#entries.set(key, { value, fetchedAt: this.now() });
      while (this.#entries.size > this.maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest === undefined) break;
        this.#entries.delete(oldest);
      }
      return value;
    });
    this.#inflight.set(key, started);
    try {
      return await started;
    } finally {
      this.#inflight.delete(key);
    }
  }

  /** How many secrets are held. */
  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/**
 * Creates the Secrets Manager service on a shared transport.
 * @internal
 */
export function createSecretsService(transport: AwsTransport, cache: SecretCache): HostService {
  async function load(ctx: InvocationContext, client: AwsClient, request: WitGetSecretValueRequest) {
    const { region } = client.provider;
    const url = new URL(`${transport.endpoint('secretsManager', region).base}/`);
    const credentials = await client.provider.credentials();
    const response = await transport.send({
      service: 'secretsManager',
      region,
      credentials,
      method: 'POST',
      url,
      headers: [
        ['content-type', 'application/x-amz-json-1.1'],
        ['x-amz-target', 'secretsmanager.GetSecretValue'],
      ],
      body: new TextEncoder().encode(
        JSON.stringify({
          SecretId: request.secretId,
          ...(request.versionId !== undefined ? { VersionId: request.versionId } : {}),
          ...(request.versionStage !== undefined ? { VersionStage: request.versionStage } : {}),
        }),
      ),
      signal: ctx.signal,
    });
    const text = new TextDecoder().decode(await transport.readAll(url, response));
    const operation = `Secrets Manager GetSecretValue '${request.secretId}'`;
    if (response.status !== 200) {
      const error = jsonError(response, text);
      if (error.code === 'ResourceNotFoundException') throw new AwsAnswerError('not-found', error.message);
      throw classify(operation, error, {
        malformedCodes: MALFORMED,
        hint: `check that the credentials' policy allows secretsmanager:GetSecretValue on this secret${error.code === 'DecryptionFailure' ? ' and kms:Decrypt on its KMS key' : ''}`,
      });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new AwsAnswerError('other', `${operation}: the answer is not JSON: ${text.slice(0, 120)}`);
    }
    let secret: WitSecretValue;
    // Both present: `SecretBinary` wins over `SecretString` (docs/aws.md).
    if (typeof body.SecretBinary === 'string') {
      secret = { tag: 'secret-bytes', val: new Uint8Array(Buffer.from(body.SecretBinary, 'base64')) };
    } else if (typeof body.SecretString === 'string') {
      secret = { tag: 'secret-string', val: body.SecretString };
    } else {
      throw new AwsAnswerError(
        'other',
        `${operation}: the answer holds neither SecretBinary nor SecretString`,
      );
    }
    const created = typeof body.CreatedDate === 'number' ? body.CreatedDate : 0;
    return {
      arn: typeof body.ARN === 'string' ? body.ARN : '',
      createdDateEpochSeconds: BigInt(Math.max(0, Math.floor(created))),
      name: typeof body.Name === 'string' ? body.Name : '',
      secret,
      versionId: typeof body.VersionId === 'string' ? body.VersionId : '',
      versionStages: Array.isArray(body.VersionStages) ? body.VersionStages.map(String) : [],
    } satisfies WitGetSecretValueResponse;
  }

  const getSecretValue = (
    ctx: InvocationContext,
    self: unknown,
    request: WitGetSecretValueRequest,
  ): Promise<WitResult<WitGetSecretValueResponse, WitSecretsError>> =>
    witCall<WitGetSecretValueResponse, WitSecretsError>(
      `Secrets Manager GetSecretValue '${request.secretId}'`,
      async () => {
        const client = requireClient(self, `${SECRETS_INTERFACE}#[method]client.get-secret-value`);
        const key = [
          ctx.cacheName,
          ctx.functionName,
          client.provider.identity,
          client.provider.region,
          request.secretId,
          request.versionId ?? '',
          request.versionStage ?? '',
        ].join('\u0000');
        const staleness = Number(request.allowedStalenessSeconds ?? 0n);
        if (staleness > 0) {
          const hit = cache.fresh(key, staleness * 1000);
          if (hit) return copy(hit);
        }
        return copy(await cache.fetch(key, () => load(ctx, client, request)));
      },
    ) as Promise<WitResult<WitGetSecretValueResponse, WitSecretsError>>;

  return {
    interface: SECRETS_INTERFACE,
    functions: {
      '[constructor]client': (_ctx: InvocationContext, provider: unknown) =>
        new AwsClient(provider, `${SECRETS_INTERFACE}#[constructor]client`),
      '[method]client.get-secret-value': getSecretValue,
    },
    close: () => cache.clear(),
  };
}

/** A copy per caller: the bridge may transfer the bytes. */
function copy(value: WitGetSecretValueResponse): WitGetSecretValueResponse {
  return {
    ...value,
    secret:
      value.secret.tag === 'secret-bytes'
        ? { tag: 'secret-bytes', val: new Uint8Array(value.secret.val) }
        : value.secret,
    versionStages: [...value.versionStages],
  };
}
