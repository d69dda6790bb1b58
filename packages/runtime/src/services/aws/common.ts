/** What the aws-* clients share: the client resource, and the mapping of failures to WIT cases. */
import { HostResource, type WitResult } from '../types.js';
import { AwsAuthFailure, type AwsCredentialsProvider, requireProvider } from './auth.js';
import { type AwsErrorInfo, AwsUnreachableError, describeAwsError, isUnauthorized } from './transport.js';

/** The `unauthorized | malformed | other` error variant every aws-* client interface has. */
export type WitAwsError =
  | { tag: 'unauthorized'; val: string }
  | { tag: 'malformed'; val: string }
  | { tag: 'other'; val: string };

/**
 * The host object behind a guest's aws-* `client` handle: the provider it was made from.
 *
 * @example
 * ```ts
 * const client = new AwsClient(provider); // what `[constructor]client(borrow<credentials-provider>)` returns
 * client.provider.region; // 'us-west-2'
 * ```
 */
export class AwsClient extends HostResource {
  readonly resource = 'client';
  /** The credentials provider the client was made from; its region is the one the client calls. */
  readonly provider: AwsCredentialsProvider;
  /**
   * Creates the client for a guest's `[constructor]client` call.
   *
   * @param provider - the guest's `credentials-provider` handle; anything else throws.
   * @param where - the call's name, used in the error when `provider` is not a provider.
   */
  constructor(provider: unknown, where = 'client') {
    super();
    this.provider = requireProvider(provider, where);
  }
}

/** Checks the `self` argument of a `[method]client.*` call. */
export function requireClient(value: unknown, where: string): AwsClient {
  if (value instanceof AwsClient) return value;
  throw new Error(`${where}: the receiver is not a client made by this service's [constructor]client`);
}

/** A guest request the host refuses before calling AWS (becomes `malformed`). */
export class MalformedRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequest';
  }
}

/** An AWS error answer, already classified (becomes the given case). */
export class AwsAnswerError extends Error {
  constructor(
    readonly tag: WitAwsError['tag'] | 'not-found',
    message: string,
  ) {
    super(message);
    this.name = 'AwsAnswerError';
  }
}

/**
 * Classifies an AWS error answer: 401/403 and the auth codes → `unauthorized` (with `hint`, what
 * permission to check), the codes in `malformedCodes` (or any other 400 when `all400` is set) →
 * `malformed`, everything else → `other`.
 */
export function classify(
  operation: string,
  error: AwsErrorInfo,
  options: { malformedCodes: ReadonlySet<string>; hint: string },
): AwsAnswerError {
  const text = `${operation} failed: ${describeAwsError(error)}`;
  if (isUnauthorized(error)) return new AwsAnswerError('unauthorized', `${text}; ${options.hint}`);
  if (options.malformedCodes.has(error.code)) return new AwsAnswerError('malformed', text);
  return new AwsAnswerError('other', text);
}

/** Runs a client operation and turns every expected failure into its WIT case. */
export async function witCall<T, E extends { tag: string }>(
  operation: string,
  body: () => Promise<T>,
): Promise<WitResult<T, E | WitAwsError>> {
  try {
    return { tag: 'ok', val: await body() };
  } catch (e) {
    if (e instanceof AwsAuthFailure) {
      return { tag: 'err', val: { tag: 'unauthorized', val: `${operation}: ${e.message}` } };
    }
    if (e instanceof MalformedRequest) {
      return { tag: 'err', val: { tag: 'malformed', val: `${operation}: ${e.message}` } };
    }
    if (e instanceof AwsUnreachableError) {
      return { tag: 'err', val: { tag: 'other', val: `${operation} failed: ${e.message}` } };
    }
    if (e instanceof AwsAnswerError) {
      if (e.tag === 'not-found') return { tag: 'err', val: { tag: 'not-found' } as unknown as E };
      return { tag: 'err', val: { tag: e.tag, val: e.message } };
    }
    throw e;
  }
}

/** Region names go into host names: only the AWS form is accepted (checked by `provider`). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
