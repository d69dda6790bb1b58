/**
 * `@momento-functions/aws-s3`: get and put S3 objects through the host's warm AWS channel
 * (`momento:aws-s3/aws-s3@1.0.0`). Bodies stay on the host until read: a fetched object can be
 * returned as the response, or stored in the cache, without entering the function.
 *
 * @example
 * ```ts
 * import { credentialsProvider } from '@momento-functions/aws-auth';
 * import { S3Client } from '@momento-functions/aws-s3';
 * const s3 = new S3Client(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * const object = s3.get('my-bucket', 'greeting.txt');
 * return object ? object.body : 'not found';
 * ```
 * @packageDocumentation
 */
/// <reference path="./wit.d.ts" />

import { Client } from 'momento:aws-s3/aws-s3@1.0.0';
import {
  type CredentialsProvider,
  extractErrorDebug,
  witErrorPayload,
  witVariantDebug,
} from '@momento-functions/aws-auth';
import { Data, type DataInput, type Extractor } from '@momento-functions/bytes';

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
 * The cases of the WIT `s3-error`.
 *
 * @example
 * ```ts
 * const kind: S3ErrorCase = 'unauthorized';
 * ```
 */
export type S3ErrorCase = 'unauthorized' | 'malformed' | 'other';

/**
 * S3 (or the host) refused the call: the WIT `s3-error`. `message` is the crate's Display
 * (`S3Error::Unauthorized("…")`) and `debug` the crate's Debug of `S3GetError`/`S3PutError`
 * (`S3Error(S3Error::Unauthorized("…"))`), which is what the crate's examples print with `{e:?}`.
 *
 * @example
 * ```ts
 * try {
 *   s3.put('bucket', 'key', 'value');
 * } catch (e) {
 *   if (e instanceof S3Error && e.case === 'unauthorized') console.log(e.detail);
 * }
 * ```
 */
export class S3Error extends Error {
  /** Which case of the WIT error the host returned (e.g. `unauthorized`); branch on it to handle one kind of failure. */
  readonly case: S3ErrorCase;
  /** The host's explanation. */
  readonly detail: string;

  /**
   * Creates the error for a WIT case; the message is `S3Error::<Case>("<detail>")`.
   *
   * @param errorCase - the WIT case.
   * @param detail - the host's explanation.
   * @example
   * ```ts
   * new S3Error('other', 'boom').debug; // 'S3Error(S3Error::Other("boom"))'
   * ```
   */
  constructor(errorCase: S3ErrorCase, detail: string) {
    super(witVariantDebug('S3Error', errorCase, detail));
    this.name = 'S3Error';
    this.case = errorCase;
    this.detail = detail;
  }

  /**
   * The crate's Debug text, `S3Error(S3Error::Other("…"))`.
   *
   * @example
   * ```ts
   * new S3Error('malformed', 'x').debug; // 'S3Error(S3Error::Malformed("x"))'
   * ```
   */
  get debug(): string {
    return `S3Error(${this.message})`;
  }
}

/**
 * The object was found but the extractor you passed to {@link S3Client.get} rejected its body
 * (Display `Failed to extract value.`, the extractor's error as `cause`).
 *
 * @example
 * ```ts
 * try { s3.get('b', 'k', extract.json()); } catch (e) { if (e instanceof S3ExtractError) console.log(e.cause); }
 * ```
 */
export class S3ExtractError extends Error {
  /**
   * Wraps the extractor's error; the message is always `Failed to extract value.`.
   *
   * @param cause - the extractor's error.
   * @example
   * ```ts
   * new S3ExtractError(new Error('bad')).message; // 'Failed to extract value.'
   * ```
   */
  constructor(cause: unknown) {
    super('Failed to extract value.', { cause });
    this.name = 'S3ExtractError';
  }

  /**
   * The crate's Debug text: `ExtractFailed { cause: Error("…", line: 1, column: 1) }`.
   *
   * @example
   * ```ts
   * new S3ExtractError(new Error('bad')).debug; // 'ExtractFailed { cause: "bad" }'
   * ```
   */
  get debug(): string {
    return `ExtractFailed { cause: ${extractErrorDebug(this.cause)} }`;
  }
}

/**
 * A found object: its body (lazy {@link Data} unless you passed an extractor), user metadata
 * (`x-amz-meta-*`, names lowercased by S3) and S3's version fields.
 *
 * @example
 * ```ts
 * const object: GetObjectResponse<Data> | undefined = s3.get('bucket', 'key');
 * object?.metadata; // [['owner', 'ada']]
 * ```
 */
export interface GetObjectResponse<T> {
  /** The body: a lazy `Data` still on the host, or what the extractor made of it. */
  readonly body: T;
  /** User metadata, in the order S3 sent it. */
  readonly metadata: ReadonlyArray<readonly [string, string]>;
  /** The entity tag (quoted, as S3 sends it). */
  readonly etag: string | undefined;
  /** The version id, when the bucket is versioned. */
  readonly versionId: string | undefined;
  /** Lifecycle expiration (`expiry-date="…", rule-id="…"`), when a rule applies. */
  readonly expiration: string | undefined;
}

/**
 * What S3 answered to a put.
 *
 * @example
 * ```ts
 * const { etag } = s3.put('bucket', 'key', 'value');
 * ```
 */
export interface PutObjectResponse {
  /** The entity tag assigned to the object. */
  readonly etag: string | undefined;
  /** The version id, when the bucket is versioned. */
  readonly versionId: string | undefined;
  /** Lifecycle expiration, when a rule applies. */
  readonly expiration: string | undefined;
}

/**
 * Options of {@link S3Client.put}.
 *
 * @example
 * ```ts
 * const options: PutObjectOptions = { metadata: [['owner', 'ada']] };
 * ```
 */
export interface PutObjectOptions {
  /**
   * User metadata, sent as `x-amz-meta-<name>` headers: pairs (duplicates are kept, not merged, as
   * in the crate) or a record.
   */
  readonly metadata?: Iterable<readonly [string, string]> | Readonly<Record<string, string>>;
}

/**
 * An S3 client on the host's warm AWS channel (the crate's `S3Client`).
 *
 * @example
 * ```ts
 * import { credentialsProvider, S3Client } from '@momento-functions/aws-s3';
 * const s3 = new S3Client(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * s3.put('bucket', 'hello.txt', 'hi', { metadata: { owner: 'ada' } });
 * s3.get('bucket', 'hello.txt')?.body.text(); // 'hi'
 * ```
 */
export class S3Client {
  readonly #client: Client;

  /**
   * Creates an S3 client that signs with the provider's credentials and calls its region.
   *
   * @param credentials - from `credentialsProvider(...)`; its region is the bucket's region.
   * @example
   * ```ts
   * const s3 = new S3Client(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
   * ```
   */
  constructor(credentials: CredentialsProvider) {
    this.#client = new Client(credentials.toWit());
  }

  /**
   * Gets an object and its metadata; `undefined` when the key does not exist. Without an
   * extractor the body is a lazy {@link Data} (read it with `.text()`, `.json()`, `.bytes()`, or
   * return it as is); with one, the body is extracted now (the crate's `get::<T>`).
   *
   * @throws S3Error when S3 or the host refuses (`unauthorized`, `malformed`, `other`).
   * @throws S3ExtractError when the extractor rejects the body.
   * @example
   * ```ts
   * import { extract } from '@momento-functions/bytes';
   * const found = s3.get('bucket', 'config.json', extract.json<{ a_number: number }>());
   * if (found) console.log(found.body.a_number);
   * ```
   */
  get(bucket: string, key: string): GetObjectResponse<Data> | undefined;
  get<T>(bucket: string, key: string, extractor: Extractor<T>): GetObjectResponse<T> | undefined;
  get<T>(bucket: string, key: string, extractor?: Extractor<T>): GetObjectResponse<T | Data> | undefined {
    const output = call(() => this.#client.get({ bucket, key }));
    if (output.body === undefined) return undefined;
    const data = Data.fromWit(output.body);
    let body: T | Data = data;
    if (extractor) {
      try {
        body = extractor.extract(data);
      } catch (e) {
        throw new S3ExtractError(e);
      }
    }
    return {
      body,
      metadata: output.metadata,
      etag: output.etag,
      versionId: output.versionId,
      expiration: output.expiration,
    };
  }

  /**
   * Puts an object. The body is a string (UTF-8), bytes, or a `Data` (a host buffer, e.g. a
   * request body or an HTTP response, is passed on without entering the function); use
   * `encodeJson(value)` for JSON.
   *
   * @throws S3Error when S3 or the host refuses.
   * @example
   * ```ts
   * import { encodeJson } from '@momento-functions/bytes';
   * s3.put('bucket', 'item.json', encodeJson({ a_number: 42 }), { metadata: [['source', 'fn']] });
   * ```
   */
  put(bucket: string, key: string, body: DataInput, options: PutObjectOptions = {}): PutObjectResponse {
    const metadata: [string, string][] = [];
    const given = options.metadata;
    if (given !== undefined) {
      const pairs =
        Symbol.iterator in given ? (given as Iterable<readonly [string, string]>) : Object.entries(given);
      for (const [name, value] of pairs) metadata.push([name, value]);
    }
    const output = call(() => this.#client.put({ bucket, key, body: Data.from(body).toWit(), metadata }));
    return { etag: output.etag, versionId: output.versionId, expiration: output.expiration };
  }
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (thrown) {
    const payload = witErrorPayload(thrown);
    if (
      payload &&
      (payload.tag === 'unauthorized' || payload.tag === 'malformed' || payload.tag === 'other')
    ) {
      throw new S3Error(payload.tag, String(payload.val ?? ''));
    }
    throw thrown;
  }
}
