/**
 * `momento:aws-auth/aws-auth@1.0.0`: `provider(authorization, region)` returns a
 * `credentials-provider` resource holding hard-coded keys, or the session of an IAM role the host
 * assumed through STS with its own credentials (see docs/aws.md).
 */
import { type AwsCredentials, dispatcherSend, RoleFederation } from '../http/aws.js';
import { HostResource, type InvocationContext, type WitResult } from '../types.js';
import type { AwsTransport } from './transport.js';

/** The JS shape of the WIT `authorization` variant. */
export type WitAuthorization =
  | { tag: 'hardcoded'; val: { accessKeyId: string; secretAccessKey: string } }
  | { tag: 'federated'; val: { roleArn: string } };

/** The JS shape of the WIT `auth-error` variant. */
export type WitAuthError = { tag: 'unauthorized'; val: string };

/** Where the host's own credentials come from (used to assume `federated` roles). */
export type HostCredentialsSource = AwsCredentials | (() => Promise<AwsCredentials> | AwsCredentials);

/**
 * The host object behind a guest's `credentials-provider` handle: a region and a way to get
 * credentials (fixed keys, or an assumed role's session, refreshed before it expires).
 *
 * @example
 * ```ts
 * const provider = new AwsCredentialsProvider('us-west-2', { kind: 'hardcoded', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
 * await provider.credentials(); // { accessKeyId: 'AKID', … }
 * ```
 */
export class AwsCredentialsProvider extends HostResource {
  readonly resource = 'credentials-provider';
  /**
   * Creates the provider for a region and a source of credentials.
   *
   * @param region - the region the clients made from this provider call.
   * @param source - fixed keys, or an IAM role with a function that resolves its current session.
   */
  constructor(
    /** The region the clients made from this provider call. */
    readonly region: string,
    /** Where the credentials come from. */
    readonly source:
      | {
          /** `'hardcoded'`: fixed keys from the guest. */
          kind: 'hardcoded';
          /** The keys to sign with. */
          credentials: AwsCredentials;
        }
      | {
          /** `'federated'`: an IAM role the host assumes. */
          kind: 'federated';
          /** The ARN of the role. */
          roleArn: string;
          /** Answers the role's current session, assuming the role again shortly before it expires. */
          resolve: () => Promise<AwsCredentials>;
        },
  ) {
    super();
  }

  /** Who signs: the access key id, or the role ARN (used to keep per-identity caches apart). */
  get identity(): string {
    return this.source.kind === 'hardcoded'
      ? `key:${this.source.credentials.accessKeyId}`
      : `role:${this.source.roleArn}`;
  }

  /** Credentials to sign the next request with. */
  async credentials(): Promise<AwsCredentials> {
    return this.source.kind === 'hardcoded' ? this.source.credentials : this.source.resolve();
  }
}

/** A failure that becomes a WIT `unauthorized(message)`. */
export class AwsAuthFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsAuthFailure';
  }
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** Options of the auth service. */
export interface AwsAuthSettings {
  readonly credentials?: HostCredentialsSource;
  readonly region?: string;
  readonly sessionDurationSeconds?: number;
}

/**
 * Builds the `provider` function of `momento:aws-auth`.
 * @internal
 */
export function createProviderFunction(
  transport: AwsTransport,
  settings: AwsAuthSettings,
): (
  ctx: InvocationContext,
  authorization: WitAuthorization,
  region: string,
) => Promise<WitResult<AwsCredentialsProvider, WitAuthError>> {
  const hostCredentials = async (roleArn: string): Promise<AwsCredentials> => {
    const configured = settings.credentials;
    let credentials: AwsCredentials | undefined;
    try {
      credentials = typeof configured === 'function' ? await configured() : (configured ?? fromEnv());
    } catch (e) {
      throw new AwsAuthFailure(
        `the host's AWS credentials provider failed while assuming role '${roleArn}': ${(e as Error)?.message ?? String(e)}`,
      );
    }
    if (!credentials?.accessKeyId || !credentials.secretAccessKey) {
      throw new AwsAuthFailure(
        `federated authorization needs AWS credentials on the host to assume role '${roleArn}': pass createAwsServices({ credentials }) (or backends.aws.credentials) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the host; on Momento the platform assumes the role for you`,
      );
    }
    return credentials;
  };
  const federation = new RoleFederation({
    credentials: () => hostCredentials('(unknown)'),
    region: settings.region,
    ...(transport.endpoints.sts ? { stsEndpoint: transport.endpoints.sts } : {}),
    ...(settings.sessionDurationSeconds ? { sessionDurationSeconds: settings.sessionDurationSeconds } : {}),
  });
  const stsSend = dispatcherSend(transport.dispatcher, transport.settings.requestTimeoutMs);

  return async (ctx, authorization, region) => {
    try {
      if (typeof region !== 'string' || !REGION.test(region)) {
        throw new AwsAuthFailure(
          `invalid AWS region ${JSON.stringify(region)}: pass a region name such as 'us-west-2'`,
        );
      }
      if (authorization.tag === 'hardcoded') {
        const { accessKeyId, secretAccessKey } = authorization.val;
        if (!accessKeyId || !secretAccessKey) {
          throw new AwsAuthFailure(
            `hardcoded credentials need both an access key id and a secret access key (got ${accessKeyId ? 'an empty secret access key' : 'an empty access key id'})`,
          );
        }
        return {
          tag: 'ok',
          val: new AwsCredentialsProvider(region, {
            kind: 'hardcoded',
            credentials: { accessKeyId, secretAccessKey },
          }),
        };
      }
      if (authorization.tag === 'federated') {
        const roleArn = authorization.val.roleArn;
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
          throw new AwsAuthFailure(
            `invalid IAM role ARN ${JSON.stringify(roleArn)}: expected arn:aws:iam::<12-digit account>:role/<name>`,
          );
        }
        // Fail here, where the crates' examples `?` the provider, when the host has no credentials.
        await hostCredentials(roleArn);
        const sessionName = `momento-${ctx.functionName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
        const resolve = async (): Promise<AwsCredentials> => {
          try {
            return await federation.credentialsFor(roleArn, sessionName, stsSend);
          } catch (e) {
            if (e instanceof AwsAuthFailure) throw e;
            throw new AwsAuthFailure((e as Error)?.message ?? String(e));
          }
        };
        // Assume the role now: a refused role fails `provider`, as on the platform.
        await resolve();
        return {
          tag: 'ok',
          val: new AwsCredentialsProvider(region, { kind: 'federated', roleArn, resolve }),
        };
      }
      throw new AwsAuthFailure(
        `unknown authorization ${JSON.stringify((authorization as { tag?: unknown }).tag)}: use hardcoded or federated`,
      );
    } catch (e) {
      if (e instanceof AwsAuthFailure) return { tag: 'err', val: { tag: 'unauthorized', val: e.message } };
      throw e;
    }
  };
}

function fromEnv(): AwsCredentials | undefined {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** Checks that a `borrow<credentials-provider>` argument is one of ours. */
export function requireProvider(value: unknown, where: string): AwsCredentialsProvider {
  if (value instanceof AwsCredentialsProvider) return value;
  throw new Error(
    `${where}: the credentials argument is not a credentials-provider made by momento:aws-auth provider()`,
  );
}
