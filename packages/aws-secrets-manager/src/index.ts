/**
 * `@momento-functions/aws-secrets-manager`: Secrets Manager GetSecretValue through the host's
 * warm AWS channel (`momento:aws-secrets/aws-secrets@1.0.0`), with the host-side staleness cache.
 *
 * @example
 * ```ts
 * import { credentialsProvider, SecretsManagerClient } from '@momento-functions/aws-secrets-manager';
 * const secrets = new SecretsManagerClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * const apiKey = secrets.getSecretValue('prod/api-key', { allowedStalenessSeconds: 300 }).text();
 * ```
 * @packageDocumentation
 */
/// <reference path="./wit.d.ts" />

import { Client, type GetSecretValueResponse } from 'momento:aws-secrets/aws-secrets@1.0.0';
import {
  type CredentialsProvider,
  extractErrorDebug,
  witErrorPayload,
  witVariantDebug,
} from '@momento-functions/aws-auth';
import { Data, type Extractor } from '@momento-functions/bytes';

export {
  AuthError,
  type Authorization,
  type Credentials,
  CredentialsProvider,
  credentialsProvider,
  type IamRole,
  provider,
} from '@momento-functions/aws-auth';

/**
 * The cases of the WIT `secrets-error`.
 *
 * @example
 * ```ts
 * const kind: SecretsErrorCase = 'not-found';
 * ```
 */
export type SecretsErrorCase = 'not-found' | 'unauthorized' | 'malformed' | 'other';

/**
 * Secrets Manager (or the host) refused the call: the WIT `secrets-error`. `message` is the
 * crate's Display (`SecretsError::NotFound`, `SecretsError::Unauthorized("…")`), `debug` the
 * crate's Debug of `SecretsManagerGetSecretValueError`
 * (`SecretsManagerError(SecretsError::NotFound)`).
 *
 * @example
 * ```ts
 * try {
 *   secrets.getSecretValue('missing');
 * } catch (e) {
 *   if (e instanceof SecretsError && e.case === 'not-found') return 'no such secret';
 *   throw e;
 * }
 * ```
 */
export class SecretsError extends Error {
  /** Which case of the WIT error the host returned (e.g. `not-found`); branch on it to handle one kind of failure. */
  readonly case: SecretsErrorCase;
  /** The host's explanation (none for `not-found`). */
  readonly detail: string | undefined;

  /**
   * Creates the error for a WIT case; the message is built from the case and its detail.
   *
   * @param errorCase - the WIT case.
   * @param detail - the host's explanation (omit for `not-found`).
   * @example
   * ```ts
   * new SecretsError('not-found').debug; // 'SecretsManagerError(SecretsError::NotFound)'
   * ```
   */
  constructor(errorCase: SecretsErrorCase, detail?: string) {
    super(witVariantDebug('SecretsError', errorCase, detail));
    this.name = 'SecretsError';
    this.case = errorCase;
    this.detail = detail;
  }

  /**
   * The crate's Debug text.
   * @example
   * ```ts
   * new SecretsError('other', 'x').debug; // 'SecretsManagerError(SecretsError::Other("x"))'
   * ```
   */
  get debug(): string {
    return `SecretsManagerError(${this.message})`;
  }
}

/**
 * The extractor given to {@link SecretsManagerClient.getSecret} rejected the secret (Display
 * `Failed to extract value.`).
 *
 * @example
 * ```ts
 * try { secrets.getSecret('s', extract.json()); } catch (e) { if (e instanceof SecretsExtractError) console.log(e.debug); }
 * ```
 */
export class SecretsExtractError extends Error {
  /**
   * Wraps the extractor's error; the message is always `Failed to extract value.`.
   *
   * @param cause - the extractor's error.
   * @example
   * ```ts
   * new SecretsExtractError(new Error('bad')).message; // 'Failed to extract value.'
   * ```
   */
  constructor(cause: unknown) {
    super('Failed to extract value.', { cause });
    this.name = 'SecretsExtractError';
  }

  /**
   * The crate's Debug text: `ExtractFailed { cause: Error("…", line: 1, column: 1) }`.
   * @example
   * ```ts
   * new SecretsExtractError(new Error('bad')).debug; // 'ExtractFailed { cause: "bad" }'
   * ```
   */
  get debug(): string {
    return `ExtractFailed { cause: ${extractErrorDebug(this.cause)} }`;
  }
}

/**
 * Options of a GetSecretValue call.
 *
 * @example
 * ```ts
 * const options: GetSecretValueOptions = { versionStage: 'AWSPREVIOUS', allowedStalenessSeconds: 300 };
 * ```
 */
export interface GetSecretValueOptions {
  /** The id of the version to get; the `AWSCURRENT` version when neither this nor `versionStage` is given. */
  readonly versionId?: string;
  /** A version stage (`AWSCURRENT`, `AWSPENDING`, …). */
  readonly versionStage?: string;
  /**
   * How old (seconds since the host fetched it) a copy the host cached for this function may be.
   * `0` (the default) always asks Secrets Manager. Whole seconds; fractions are dropped, as the
   * crate's `Duration::as_secs`.
   */
  readonly allowedStalenessSeconds?: number;
}

/**
 * A secret and its version fields. Secrets Manager stores either text or bytes (bytes win when
 * both are present); {@link SecretValue.bytes}, `text()` and `data()` read either.
 *
 * @example
 * ```ts
 * const secret: SecretValue = secrets.getSecretValue('prod/db');
 * const { password } = secret.json<{ password: string }>();
 * ```
 */
export class SecretValue {
  /** The secret's ARN. */
  readonly arn: string;
  /** The secret's name. */
  readonly name: string;
  /** The version returned. */
  readonly versionId: string;
  /** That version's stages. */
  readonly versionStages: readonly string[];
  /** When the version was created. */
  readonly createdDate: Date;
  /** The secret as stored: a string (`SecretString`) or bytes (`SecretBinary`). */
  readonly secret: string | Uint8Array;

  /** @internal Made by {@link SecretsManagerClient.getSecretValue}. */
  constructor(response: GetSecretValueResponse) {
    this.arn = response.arn;
    this.name = response.name;
    this.versionId = response.versionId;
    this.versionStages = response.versionStages;
    this.createdDate = new Date(Number(response.createdDateEpochSeconds) * 1000);
    this.secret = response.secret.val;
  }

  /**
   * The secret as bytes (a string secret as its UTF-8 bytes, as the crate normalizes it).
   * @example
   * ```ts
   * secret.bytes().length;
   * ```
   */
  bytes(): Uint8Array {
    return typeof this.secret === 'string' ? new TextEncoder().encode(this.secret) : this.secret;
  }

  /**
   * The secret as text (bytes decoded as strict UTF-8).
   * @example
   * ```ts
   * secret.text();
   * ```
   */
  text(): string {
    return typeof this.secret === 'string' ? this.secret : Data.from(this.secret).text();
  }

  /**
   * The secret parsed as JSON (the type is trusted, not checked).
   * @example
   * ```ts
   * secret.json<{ token: string }>().token;
   * ```
   */
  json<T = unknown>(): T {
    return this.data().json<T>();
  }

  /**
   * The secret's bytes as a {@link Data}, for extractors.
   * @example
   * ```ts
   * extract.schema(MySecret).extract(secret.data());
   * ```
   */
  data(): Data {
    return Data.from(this.bytes());
  }
}

/**
 * A Secrets Manager client on the host's warm AWS channel (the crate's `SecretsManagerClient`).
 *
 * @example
 * ```ts
 * import { credentialsProvider, SecretsManagerClient } from '@momento-functions/aws-secrets-manager';
 * import { extract } from '@momento-functions/bytes';
 * const secrets = new SecretsManagerClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * const { token } = secrets.getSecret('prod/token', extract.json<{ token: string }>(), { allowedStalenessSeconds: 300 });
 * ```
 */
export class SecretsManagerClient {
  readonly #client: Client;

  /**
   * Creates a Secrets Manager client that signs with the provider's credentials and calls its region.
   *
   * @param credentials - from `credentialsProvider(...)`; its region is the secret's region.
   * @example
   * ```ts
   * const secrets = new SecretsManagerClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
   * ```
   */
  constructor(credentials: CredentialsProvider) {
    this.#client = new Client(credentials.toWit());
  }

  /**
   * Gets a secret and its version fields. With `allowedStalenessSeconds`, the host may answer
   * from a copy it cached for this function (measured from when it fetched it).
   *
   * @throws SecretsError (`not-found`, `unauthorized`, `malformed`, `other`).
   * @example
   * ```ts
   * const secret = secrets.getSecretValue('prod/api-key', { allowedStalenessSeconds: 60 });
   * secret.text();
   * ```
   */
  getSecretValue(secretId: string, options: GetSecretValueOptions = {}): SecretValue {
    const staleness = Math.max(0, Math.floor(options.allowedStalenessSeconds ?? 0));
    try {
      return new SecretValue(
        this.#client.getSecretValue({
          secretId,
          versionId: options.versionId,
          versionStage: options.versionStage,
          allowedStalenessSeconds: Number.isFinite(staleness) ? BigInt(staleness) : 18446744073709551615n,
        }),
      );
    } catch (thrown) {
      const payload = witErrorPayload(thrown);
      if (payload?.tag === 'not-found') throw new SecretsError('not-found');
      if (
        payload &&
        (payload.tag === 'unauthorized' || payload.tag === 'malformed' || payload.tag === 'other')
      ) {
        throw new SecretsError(payload.tag, String(payload.val ?? ''));
      }
      throw thrown;
    }
  }

  /**
   * Gets a secret and extracts it (the crate's `get_secret_value::<T>`: a string secret is
   * extracted from its UTF-8 bytes).
   *
   * @throws SecretsError as {@link SecretsManagerClient.getSecretValue}; SecretsExtractError when
   *   the extractor rejects the secret.
   * @example
   * ```ts
   * const { token } = secrets.getSecret('prod/token', extract.json<{ token: string }>(), { allowedStalenessSeconds: 300 });
   * ```
   */
  getSecret<T>(secretId: string, extractor: Extractor<T>, options: GetSecretValueOptions = {}): T {
    const value = this.getSecretValue(secretId, options);
    try {
      return extractor.extract(value.data());
    } catch (e) {
      throw new SecretsExtractError(e);
    }
  }

  /**
   * {@link SecretsManagerClient.getSecret} always asking Secrets Manager (the crate's
   * `get_latest_secret_value`).
   *
   * @example
   * ```ts
   * const key = secrets.getLatestSecret('prod/key', extract.text);
   * ```
   */
  getLatestSecret<T>(
    secretId: string,
    extractor: Extractor<T>,
    options: Omit<GetSecretValueOptions, 'allowedStalenessSeconds'> = {},
  ): T {
    return this.getSecret(secretId, extractor, { ...options, allowedStalenessSeconds: 0 });
  }
}
