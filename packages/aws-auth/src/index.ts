/**
 * `@momento-functions/aws-auth`: AWS credentials for the AWS clients of a Momento Function
 * (`momento:aws-auth/aws-auth@1.0.0`). Prefer a federated IAM role: the host assumes it for you
 * and no secret lives in your function.
 *
 * @example
 * ```ts
 * import { credentialsProvider } from '@momento-functions/aws-auth';
 * import { S3Client } from '@momento-functions/aws-s3';
 * const s3 = new S3Client(credentialsProvider({ federated: { roleArn: 'arn:aws:iam::123456789012:role/reader' } }, 'us-west-2'));
 * ```
 * @packageDocumentation
 */
/// <reference path="./wit.d.ts" />
import { provider as witProvider } from 'momento:aws-auth/aws-auth@1.0.0';
import { defineMissingResourceClass, PROVIDER_CLASS_BINDING } from './bindings.js';
import { witErrorPayload, witVariantDebug } from './rust.js';

export { extractErrorDebug, rustDebugString, witErrorPayload, witVariantDebug } from './rust.js';

/**
 * An access key pair. Hard-coded keys work, but a federated role keeps secrets out of your code.
 *
 * @example
 * ```ts
 * const credentials: Credentials = { accessKeyId: 'AKIA…', secretAccessKey: '…' };
 * ```
 */
export interface Credentials {
  /** The access key id (`AKIA…`). */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
}

/**
 * An IAM role for Momento to assume on your behalf (its trust policy must allow Momento).
 *
 * @example
 * ```ts
 * const role: IamRole = { roleArn: 'arn:aws:iam::123456789012:role/my-function' };
 * ```
 */
export interface IamRole {
  /** `arn:aws:iam::<account>:role/<name>`. */
  readonly roleArn: string;
}

/**
 * How the host authenticates to AWS for you: hard-coded keys, or a role it assumes (federated).
 *
 * @example
 * ```ts
 * const a: Authorization = { federated: { roleArn: 'arn:aws:iam::123456789012:role/reader' } };
 * const b: Authorization = { hardcoded: { accessKeyId: 'AKIA…', secretAccessKey: '…' } };
 * ```
 */
export type Authorization =
  | {
      /** Sign with this fixed access key pair. */
      readonly hardcoded: Credentials;
    }
  | {
      /** Have the host assume this IAM role and sign with the temporary credentials it gets. */
      readonly federated: IamRole;
    };

/**
 * The provider could not be created: the WIT `auth-error` (its only case is `unauthorized`).
 * `message` is the crate's Display (`AuthError::Unauthorized("…")`, which wit-bindgen prints like
 * Debug) and `debug` is what a Rust function's `?` puts in its 500 body.
 *
 * @example
 * ```ts
 * import { AuthError, credentialsProvider } from '@momento-functions/aws-auth';
 * try {
 *   credentialsProvider({ federated: { roleArn } }, 'us-west-2');
 * } catch (e) {
 *   if (e instanceof AuthError) console.log(e.detail); // why the host refused
 * }
 * ```
 */
export class AuthError extends Error {
  /** The WIT error case: always `unauthorized`, the only case of `auth-error`. */
  readonly case = 'unauthorized' as const;
  /** The host's explanation. */
  readonly detail: string;

  /**
   * Creates the `unauthorized` error; the message is `AuthError::Unauthorized("<detail>")`.
   *
   * @param detail - the host's explanation.
   * @example
   * ```ts
   * new AuthError('no').message; // 'AuthError::Unauthorized("no")'
   * ```
   */
  constructor(detail: string) {
    super(witVariantDebug('AuthError', 'unauthorized', detail));
    this.name = 'AuthError';
    this.detail = detail;
  }

  /**
   * The crate's Debug text: `AuthError::Unauthorized("…")`.
   *
   * @example
   * ```ts
   * new AuthError('no').debug; // 'AuthError::Unauthorized("no")'
   * ```
   */
  get debug(): string {
    return this.message;
  }
}

/**
 * Credentials the host holds for you, for one region. Give it to an AWS client
 * (`new S3Client(provider)`); the secrets never enter the function.
 *
 * @example
 * ```ts
 * const provider: CredentialsProvider = credentialsProvider({ federated: { roleArn } }, 'us-west-2');
 * provider.region; // 'us-west-2'
 * ```
 */
export class CredentialsProvider {
  readonly #handle: object;
  /** The region the clients made from this provider call. */
  readonly region: string;

  /** @internal Use {@link credentialsProvider}. */
  constructor(handle: object, region: string) {
    this.#handle = handle;
    this.region = region;
  }

  /**
   * The WIT `credentials-provider` handle (opaque), for the AWS clients' constructors.
   *
   * @example
   * ```ts
   * new Client(provider.toWit()); // momento:aws-s3's client resource
   * ```
   */
  toWit(): object {
    return this.#handle;
  }
}

let providerClassChecked = false;

/**
 * Asks the host for a credentials provider (the crate's `provider`). With `federated`, the host
 * assumes the role now, so a role it cannot assume fails here.
 *
 * @throws AuthError when the host refuses (bad keys, a role it cannot assume, no host credentials,
 *   an invalid region).
 * @example
 * ```ts
 * import { credentialsProvider } from '@momento-functions/aws-auth';
 * const provider = credentialsProvider({ federated: { roleArn: 'arn:aws:iam::123456789012:role/reader' } }, 'us-west-2');
 * ```
 */
export function credentialsProvider(authorization: Authorization, region: string): CredentialsProvider {
  const wit =
    'hardcoded' in authorization
      ? ({
          tag: 'hardcoded',
          val: {
            accessKeyId: authorization.hardcoded.accessKeyId,
            secretAccessKey: authorization.hardcoded.secretAccessKey,
          },
        } as const)
      : ({ tag: 'federated', val: { roleArn: authorization.federated.roleArn } } as const);
  if (!providerClassChecked) {
    // componentize-js 0.23 leaves the `credentials-provider` class undeclared (see ./bindings.ts).
    providerClassChecked = true;
    defineMissingResourceClass(witProvider, PROVIDER_CLASS_BINDING, 'CredentialsProvider');
  }
  try {
    return new CredentialsProvider(witProvider(wit, region), region);
  } catch (thrown) {
    const payload = witErrorPayload(thrown);
    if (payload?.tag === 'unauthorized') throw new AuthError(String(payload.val ?? ''));
    throw thrown;
  }
}

/**
 * The crate's name for {@link credentialsProvider}.
 *
 * @example
 * ```ts
 * import { provider } from '@momento-functions/aws-auth';
 * const credentials = provider({ federated: { roleArn } }, 'us-west-2');
 * ```
 */
export const provider = credentialsProvider;
