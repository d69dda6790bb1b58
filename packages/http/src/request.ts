import { Data, type DataInput, encodeJson, type WitData } from '@momento-functions/bytes';

/**
 * Explicit AWS credentials the host signs the request with (SigV4).
 *
 * @example
 * ```ts
 * import type { AwsSigV4Secret } from '@momento-functions/http';
 * const secret: AwsSigV4Secret = { accessKeyId: 'AKIA…', secretAccessKey: '…', region: 'us-west-2', service: 'dynamodb' };
 * ```
 */
export interface AwsSigV4Secret {
  /** AWS access key id. */
  readonly accessKeyId: string;
  /** AWS secret access key. */
  readonly secretAccessKey: string;
  /** The region to sign for, e.g. `us-west-2`. */
  readonly region: string;
  /** The signing name of the service, e.g. `dynamodb`, `s3`, `execute-api`. */
  readonly service: string;
}

/**
 * An IAM role the host assumes (federates into) and signs the request for.
 *
 * @example
 * ```ts
 * import type { IamRole } from '@momento-functions/http';
 * const role: IamRole = { roleArn: 'arn:aws:iam::123456789012:role/reader', service: 'dynamodb' };
 * ```
 */
export interface IamRole {
  /** The ARN of the role to assume. */
  readonly roleArn: string;
  /** The signing name of the service, e.g. `dynamodb`. */
  readonly service: string;
}

/**
 * How the host authorizes a request: not at all (you may still send your own `authorization`
 * header), SigV4 with explicit keys, or SigV4 after assuming an IAM role.
 *
 * @example
 * ```ts
 * import { Authorization, Request } from '@momento-functions/http';
 * const signed = new Request('https://dynamodb.us-west-2.amazonaws.com/', 'POST').withAuthorization(
 *   Authorization.federated({ roleArn: 'arn:aws:iam::123456789012:role/reader', service: 'dynamodb' }),
 * );
 * ```
 */
export type Authorization =
  | {
      /** `'none'`: the host sends the request without signing it. */
      readonly kind: 'none';
    }
  | ({
      /** `'awsSigV4Secret'`: the host signs with SigV4 using the explicit keys given alongside. */
      readonly kind: 'awsSigV4Secret';
    } & AwsSigV4Secret)
  | ({
      /** `'federated'`: the host assumes the IAM role given alongside and signs with its credentials. */
      readonly kind: 'federated';
    } & IamRole);

/**
 * Constructors for each {@link Authorization} mode.
 *
 * @example
 * ```ts
 * import { Authorization } from '@momento-functions/http';
 * Authorization.none(); // { kind: 'none' }
 * Authorization.awsSigV4Secret({ accessKeyId: 'AKIA…', secretAccessKey: '…', region: 'us-east-1', service: 's3' });
 * ```
 */
export const Authorization = {
  /**
   * No authorization applied by the host.
   *
   * @example
   * ```ts
   * Authorization.none();
   * ```
   */
  none(): Authorization {
    return { kind: 'none' };
  },
  /**
   * Sign with AWS SigV4 using explicit keys.
   *
   * @example
   * ```ts
   * Authorization.awsSigV4Secret({ accessKeyId: 'AKIA…', secretAccessKey: '…', region: 'us-east-1', service: 'sqs' });
   * ```
   */
  awsSigV4Secret(secret: AwsSigV4Secret): Authorization {
    return {
      kind: 'awsSigV4Secret',
      accessKeyId: secret.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      region: secret.region,
      service: secret.service,
    };
  },
  /**
   * Let the host assume `roleArn` and sign for `service`.
   *
   * @example
   * ```ts
   * Authorization.federated({ roleArn: 'arn:aws:iam::123456789012:role/reader', service: 'dynamodb' });
   * ```
   */
  federated(role: IamRole): Authorization {
    return { kind: 'federated', roleArn: role.roleArn, service: role.service };
  },
} as const;

/**
 * The JS shape of the WIT `momento:http` `authorization` variant.
 *
 * @example
 * ```ts
 * import type { WitAuthorization } from '@momento-functions/http';
 * const none: WitAuthorization = { tag: 'none' };
 * ```
 */
export type WitAuthorization =
  | {
      /** `'none'`: no signing by the host. */
      tag: 'none';
    }
  | {
      /** `'aws-sigv4-secret'`: SigV4 with explicit keys. */
      tag: 'aws-sigv4-secret';
      /** The keys and the scope to sign for. */
      val: {
        /** AWS access key id. */
        accessKeyId: string;
        /** AWS secret access key. */
        secretAccessKey: string;
        /** The region to sign for, e.g. `us-west-2`. */
        region: string;
        /** The signing name of the service, e.g. `s3`. */
        service: string;
      };
    }
  | {
      /** `'federated'`: SigV4 after the host assumes an IAM role. */
      tag: 'federated';
      /** The role to assume and the service to sign for. */
      val: {
        /** The ARN of the role to assume. */
        roleArn: string;
        /** The signing name of the service, e.g. `dynamodb`. */
        service: string;
      };
    };

/**
 * The JS shape of the WIT `momento:http` `request` record, as `invoke` sends it to the host.
 *
 * @example
 * ```ts
 * import { Request, type WitHttpRequest } from '@momento-functions/http';
 * const wit: WitHttpRequest = new Request('https://example.com/', 'GET').toWit();
 * ```
 */
export interface WitHttpRequest {
  /** The absolute `http://` or `https://` URL to call. */
  url: string;
  /** The HTTP method, as given (e.g. `GET`, `POST`). */
  verb: string;
  /** The request headers as `[name, value]` pairs, in sending order; names may repeat. */
  headers: [string, string][];
  /** The request body (empty for none). */
  body: WitData;
  /** How the host should sign the request, if at all. */
  authorization: WitAuthorization;
}

/**
 * An outbound HTTP request, built fluently like the crate's `Request`: starts with no headers, an
 * empty body and no authorization. Every `with…` method changes this request and returns it.
 *
 * @example
 * ```ts
 * import { Request, invoke } from '@momento-functions/http';
 * const response = invoke(
 *   new Request('https://api.example.com/items', 'POST')
 *     .withHeader('accept', 'application/json')
 *     .json({ name: 'kvc' }),
 * );
 * ```
 */
export class Request {
  /** The absolute URL to call. */
  readonly url: string;
  /** The HTTP method, sent as given (e.g. `GET`, `POST`). */
  readonly verb: string;
  #headers: [string, string][] = [];
  #body: Data = Data.empty();
  #authorization: Authorization = { kind: 'none' };

  /**
   * Creates a request with no headers, an empty body and no authorization.
   *
   * @param url - absolute `http://` or `https://` URL.
   * @param verb - the method; `GET` when omitted.
   * @example
   * ```ts
   * const request = new Request('https://example.com/api', 'GET');
   * ```
   */
  constructor(url: string, verb = 'GET') {
    this.url = url;
    this.verb = verb;
  }

  /**
   * The headers, in the order they will be sent (duplicates allowed).
   *
   * @example
   * ```ts
   * new Request('https://example.com').withHeader('a', '1').headers; // [['a', '1']]
   * ```
   */
  get headers(): ReadonlyArray<readonly [string, string]> {
    return this.#headers;
  }

  /**
   * The body (empty by default).
   *
   * @example
   * ```ts
   * new Request('https://example.com', 'POST').withBody('hi').body.text(); // 'hi'
   * ```
   */
  get body(): Data {
    return this.#body;
  }

  /**
   * The authorization mode (`none` by default).
   *
   * @example
   * ```ts
   * new Request('https://example.com').authorization; // { kind: 'none' }
   * ```
   */
  get authorization(): Authorization {
    return this.#authorization;
  }

  /**
   * Appends one header (an existing one with the same name is kept).
   *
   * @example
   * ```ts
   * new Request('https://example.com').withHeader('x-trace', 'abc');
   * ```
   */
  withHeader(name: string, value: string): this {
    this.#headers.push([name, value]);
    return this;
  }

  /**
   * Appends several headers, from `[name, value]` pairs (any iterable, e.g. a `Map` or
   * `Object.entries(...)`) or a plain object.
   *
   * @example
   * ```ts
   * new Request('https://example.com', 'POST').withHeaders([
   *   ['content-type', 'application/json'],
   *   ['accept', 'application/json'],
   * ]);
   * new Request('https://example.com').withHeaders({ accept: 'text/event-stream' });
   * ```
   */
  withHeaders(headers: Iterable<readonly [string, string]> | Readonly<Record<string, string>>): this {
    const pairs: Iterable<readonly [string, string]> = isIterable(headers)
      ? headers
      : Object.entries(headers);
    for (const [name, value] of pairs) this.#headers.push([name, value]);
    return this;
  }

  /**
   * Sets the body from anything `Data` accepts. A `Data` holding a host buffer (such as the
   * incoming request body) is passed to the host untouched, without copying.
   *
   * @example
   * ```ts
   * new Request('https://example.com', 'PUT').withBody(new Uint8Array([1, 2, 3]));
   * ```
   */
  withBody(body: DataInput): this {
    this.#body = Data.from(body);
    return this;
  }

  /**
   * Sets the body to the compact JSON of `value` and the `content-type` to `application/json`,
   * like the crate: an existing `content-type` header (any case) gets its value replaced in place,
   * otherwise `content-type: application/json` is appended. No charset is added.
   *
   * @throws EncodeError from `@momento-functions/bytes` when `value` cannot be encoded (a cycle, a
   *   `bigint`).
   * @example
   * ```ts
   * const request = new Request('https://example.com', 'POST').json({ b: 1, a: [true] });
   * request.headers; // [['content-type', 'application/json']]
   * request.body.text(); // '{"b":1,"a":[true]}'
   * ```
   */
  json(value: unknown): this {
    this.#body = encodeJson(value);
    const existing = this.#headers.find(([name]) => name.toLowerCase() === 'content-type');
    if (existing) existing[1] = 'application/json';
    else this.#headers.push(['content-type', 'application/json']);
    return this;
  }

  /**
   * Sets how the host authorizes the request.
   *
   * @example
   * ```ts
   * new Request('https://sqs.us-east-1.amazonaws.com/', 'POST').withAuthorization(
   *   Authorization.awsSigV4Secret({ accessKeyId: 'AKIA…', secretAccessKey: '…', region: 'us-east-1', service: 'sqs' }),
   * );
   * ```
   */
  withAuthorization(authorization: Authorization): this {
    this.#authorization = authorization;
    return this;
  }

  /**
   * The WIT `request` record for this request. Takes the body (a host buffer handle is handed over
   * as is), so a request is sent once.
   *
   * @example
   * ```ts
   * new Request('https://example.com', 'GET').toWit().authorization; // { tag: 'none' }
   * ```
   */
  toWit(): WitHttpRequest {
    const body = this.#body;
    this.#body = Data.empty();
    return {
      url: this.url,
      verb: this.verb,
      headers: this.#headers.map(([name, value]) => [name, value]),
      body: body.toWit(),
      authorization: authorizationToWit(this.#authorization),
    };
  }
}

function authorizationToWit(a: Authorization): WitAuthorization {
  switch (a.kind) {
    case 'none':
      return { tag: 'none' };
    case 'awsSigV4Secret':
      return {
        tag: 'aws-sigv4-secret',
        val: {
          accessKeyId: a.accessKeyId,
          secretAccessKey: a.secretAccessKey,
          region: a.region,
          service: a.service,
        },
      };
    case 'federated':
      return { tag: 'federated', val: { roleArn: a.roleArn, service: a.service } };
    default:
      throw new TypeError(
        `unknown authorization kind ${JSON.stringify((a as { kind?: unknown }).kind)}; use Authorization.none(), .awsSigV4Secret() or .federated()`,
      );
  }
}

function isIterable(value: unknown): value is Iterable<readonly [string, string]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
