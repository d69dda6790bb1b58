/// <reference path="./wit.d.ts" />
import { invoke as witInvoke } from 'momento:http/http@1.0.0';
import { Data } from '@momento-functions/bytes';
import { HttpError, type WitHttpError } from './errors.js';
import type { Request } from './request.js';

/**
 * What the upstream answered. The body is lazy: nothing is read into the guest until you read it,
 * and returning it as your own response body (or storing it in the cache) passes the host's buffer
 * through without copying.
 *
 * @example
 * ```ts
 * import { Request, invoke, type Response } from '@momento-functions/http';
 * const response: Response = invoke(new Request('https://example.com/', 'GET'));
 * if (response.status === 200) console.log(response.body.text());
 * ```
 */
export interface Response {
  /** The HTTP status code. */
  readonly status: number;
  /** The response headers as `[name, value]` pairs, in the order the upstream sent them. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The body, usually still on the host. Reading it consumes it. */
  readonly body: Data;
}

/**
 * Sends `request` through the host's connection pool and waits for the status and headers. The
 * body streams: reading `response.body` blocks only until the next bytes arrive, so a
 * server-sent-events upstream can be relayed as it is produced.
 *
 * @throws HttpError with the host's WIT case: `invalid-url`, `invalid-header-name`,
 *   `invalid-header-value`, `request-error` (refused connection, timeout, blocked destination, …) or
 *   `internal-error`. Its `message` is the crate's `Display` text.
 * @example
 * ```ts
 * import { Request, invoke, HttpError } from '@momento-functions/http';
 * try {
 *   const response = invoke(new Request('https://api.example.com/items/1', 'GET'));
 *   return response.body; // relayed without copying
 * } catch (e) {
 *   if (e instanceof HttpError) return `upstream failed: ${e.message}`;
 *   throw e;
 * }
 * ```
 */
export function invoke(request: Request): Response {
  let response: ReturnType<typeof witInvoke>;
  try {
    response = witInvoke(request.toWit());
  } catch (e) {
    const error = witErrorOf(e);
    if (error !== undefined) throw HttpError.fromWit(error);
    throw e;
  }
  return {
    status: response.status,
    headers: response.headers.map(([name, value]) => [name, value] as const),
    body: Data.fromWit(response.body),
  };
}

/** componentize-js throws a `ComponentError` whose `payload` is the `err` value. */
function witErrorOf(thrown: unknown): WitHttpError | undefined {
  if (thrown !== null && typeof thrown === 'object') {
    const payload = Object.hasOwn(thrown, 'payload') ? (thrown as { payload: unknown }).payload : thrown;
    if (
      payload !== null &&
      typeof payload === 'object' &&
      typeof (payload as { tag?: unknown }).tag === 'string'
    ) {
      return payload as WitHttpError;
    }
  }
  return undefined;
}
