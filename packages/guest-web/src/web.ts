import {
  Data,
  type Extractor,
  encodeJson,
  extract,
  isByteSource,
  type WitData,
} from '@momento-functions/bytes';
import { INVOCATION_ERROR_PREFIX, WebError } from './error.js';
import type { Header } from './headers.js';
import { JsonBody, WebResponse } from './response.js';

/**
 * `content-type` of a string returned from a handler.
 * @example
 * ```ts
 * import { TEXT_CONTENT_TYPE, WebResponse } from '@momento-functions/guest-web';
 * const r = new WebResponse().header('content-type', TEXT_CONTENT_TYPE).withBody('hi');
 * ```
 */
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/**
 * `content-type` of bytes returned from a handler.
 * @example
 * ```ts
 * import { BYTES_CONTENT_TYPE, WebResponse } from '@momento-functions/guest-web';
 * const r = new WebResponse().header('content-type', BYTES_CONTENT_TYPE).withBody(new Uint8Array([1]));
 * ```
 */
export const BYTES_CONTENT_TYPE = 'application/octet-stream';
/**
 * `content-type` of a JSON value returned from a handler.
 * @example
 * ```ts
 * import { JSON_CONTENT_TYPE, WebResponse, json } from '@momento-functions/guest-web';
 * const r = new WebResponse({ status: 201 }).header('content-type', JSON_CONTENT_TYPE).withBody(json({ id: 1 }));
 * ```
 */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The WIT `response` record of `momento:web-function/guest-function-web@1.0.0`, in the JavaScript
 * shape componentize-js expects from the exported `invoke`.
 *
 * @example
 * ```ts
 * import type { WitResponse } from '@momento-functions/guest-web';
 * const r: WitResponse = { status: 204, headers: [], body: { tag: 'value', val: new Uint8Array() } };
 * ```
 */
export interface WitResponse {
  /** The HTTP status code sent to the caller (WIT `u16`, 0–65535). */
  status: number;
  /** The response headers, in the order they are sent; duplicate names are kept. */
  headers: {
    /** Header name, sent exactly as written (no case change). */
    name: string;
    /** Header value, sent as is. */
    value: string;
  }[];
  /** Body: inline bytes or a host buffer passed through. */
  body: WitData;
}

/**
 * A web function: what `web()` returns and what the module must `export default`. The build
 * exports it as `momento:web-function/guest-function-web@1.0.0`; the host calls `invoke` once per
 * request. `invoke` never throws: every failure becomes a response.
 *
 * @example
 * ```ts
 * import { web, type WebFunction } from '@momento-functions/guest-web';
 * const fn: WebFunction = web(() => 'pong');
 * fn.invoke({ tag: 'value', val: new Uint8Array() }).status; // 200
 * ```
 */
export interface WebFunction {
  /** Always `'web'`: tells the build to export `guest-function-web` (a spawn function has `'spawn'`). */
  readonly kind: 'web';
  /** Answers one request whose body is `request`. */
  invoke(request: WitData): WitResponse;
}

/**
 * What a handler may return, and the response each becomes (as with the Rust crate
 * `momento-functions-guest-web`; docs/guest-web.md):
 *
 * | returned | status | headers | body |
 * |---|---|---|---|
 * | `string` | 200 | `content-type: text/plain; charset=utf-8` | UTF-8 |
 * | `Data`, `Uint8Array`, `ArrayBuffer`, other `ArrayBufferView` | 200 | `content-type: application/octet-stream` | the bytes (a host buffer is passed through untouched) |
 * | `json(value)`, plain object, array, number, boolean, `null` | 200 | `content-type: application/json; charset=utf-8` | compact JSON |
 * | `undefined` (or nothing) | 204 | none | empty |
 * | `WebResponse` | as built | as built | as built |
 * | `WebError` | its response | | |
 *
 * A value that cannot be encoded as JSON (a `bigint`, a cycle, a `Map`, a function, a `Promise`)
 * becomes a 500 `Failed to encode response: <why>`.
 *
 * @example
 * ```ts
 * import type { WebReturn } from '@momento-functions/guest-web';
 * const values: WebReturn[] = ['text', new Uint8Array([1]), { a: 1 }, [1, 2], 3, null, undefined];
 * ```
 */
export type WebReturn =
  | WebResponse
  | WebError
  | Data
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | string
  | JsonBody
  | number
  | boolean
  | null
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler declared without a return statement returns void, which means 204
  | void
  | readonly unknown[]
  | object;

/**
 * A handler: a synchronous function from the extracted request to a {@link WebReturn}.
 *
 * @example
 * ```ts
 * import type { WebHandler } from '@momento-functions/guest-web';
 * const greet: WebHandler<{ name: string }> = ({ name }) => ({ message: `Hello, ${name}!` });
 * ```
 */
export type WebHandler<T> = (input: T) => WebReturn;

/**
 * What the type checker says when a handler is `async` or returns a Promise: the type a Promise
 * return is mapped to by {@link SyncReturn}, so the error reads `Property ''remove async: Momento
 * host calls return their results directly, there is nothing to await'' is missing in type
 * 'Promise<string>' but required in type 'HandlerMustBeSynchronous'`.
 *
 * @example
 * ```ts
 * import { web } from '@momento-functions/guest-web';
 * // @ts-expect-error 'Promise<string>' ... required in type 'HandlerMustBeSynchronous'
 * web(async () => 'x');
 * ```
 */
export interface HandlerMustBeSynchronous {
  /** Never present: no value has this type, so nothing is assignable to it but `never`. */
  readonly 'remove async: Momento host calls return their results directly, there is nothing to await': never;
}

/**
 * `R`, unless it is a Promise (or any thenable): then {@link HandlerMustBeSynchronous}, which no
 * value satisfies. `web()` and `spawn()` type their handler's return with it, so an `async`
 * handler is a type error where it is written rather than a failure at build or invocation time.
 *
 * @example
 * ```ts
 * import type { SyncReturn } from '@momento-functions/guest-web';
 * type A = SyncReturn<string>; // string
 * type B = SyncReturn<Promise<string>>; // HandlerMustBeSynchronous
 * ```
 */
export type SyncReturn<R> = R extends PromiseLike<unknown> ? HandlerMustBeSynchronous : R;

/**
 * Defines a web function. The module must `export default` the result.
 *
 * - `web(handler)`: the handler receives the request body as a `Data`, unread (a `Data` reads
 *   from the host only when asked, so a handler that ignores it costs nothing).
 * - `web(extractor, handler)`: the body is first turned into a value by an `Extractor` of
 *   `@momento-functions/bytes` (`extract.text`, `extract.bytes`, `extract.json<T>()`,
 *   `extract.schema(zodSchema)`, ...). If that fails the answer is 400, no headers,
 *   `Failed to parse request body: <detail>`, and the handler is not called.
 *
 * The handler is synchronous (host calls are synchronous in a Momento Function): an `async`
 * handler, or one that returns a Promise, is a type error ({@link HandlerMustBeSynchronous}) and is
 * refused at run time too. Its return value maps as {@link WebReturn} says. Anything it throws becomes a response, never a trap: a
 * {@link WebError} its own response, anything else 500 with no headers and
 * `An error occurred during function invocation: <detail>`.
 *
 * Do not call host functions (for example {@link environment}) at module top level: the top
 * level runs once at build time. Call them inside the handler.
 *
 * @example
 * ```ts
 * import { web } from '@momento-functions/guest-web';
 * import { extract } from '@momento-functions/bytes';
 * import { z } from 'zod';
 *
 * const Greeting = z.object({ name: z.string() });
 * export default web(extract.schema(Greeting), ({ name }) => ({ message: `Hello, ${name}!` }));
 * ```
 */
export function web<R extends WebReturn>(handler: (input: Data) => SyncReturn<R>): WebFunction;
export function web<T, R extends WebReturn>(
  extractor: Extractor<T>,
  handler: (input: T) => SyncReturn<R>,
): WebFunction;
export function web(first: unknown, second?: unknown): WebFunction {
  const [extractor, handler] = checkArguments(first, second);
  return Object.freeze({
    kind: 'web' as const,
    invoke(request: WitData): WitResponse {
      return invokeHandler(request, extractor, handler);
    },
  });
}

function checkArguments(first: unknown, second: unknown): [Extractor<unknown>, WebHandler<unknown>] {
  const usage =
    'use web(handler) or web(extractor, handler), e.g. web(extract.json(), (body) => body) with extract from @momento-functions/bytes';
  let extractor: Extractor<unknown>;
  let handler: unknown;
  if (second === undefined) {
    if (typeof first !== 'function') throw new TypeError(`web(): the handler must be a function; ${usage}`);
    extractor = extract.data;
    handler = first;
  } else {
    if (first === null || typeof (first as { extract?: unknown }).extract !== 'function') {
      throw new TypeError(
        `web(): the first argument must be an extractor with an extract(data) method; ${usage}`,
      );
    }
    extractor = first as Extractor<unknown>;
    handler = second;
  }
  if (typeof handler !== 'function') throw new TypeError(`web(): the handler must be a function; ${usage}`);
  if (handler.constructor?.name === 'AsyncFunction') {
    throw new TypeError(
      'web(): the handler must be synchronous (remove `async`): Momento host calls such as cache and http return their results directly, so there is nothing to await',
    );
  }
  return [extractor, handler as WebHandler<unknown>];
}

function invokeHandler(
  request: WitData,
  extractor: Extractor<unknown>,
  handler: WebHandler<unknown>,
): WitResponse {
  try {
    let input: unknown;
    try {
      input = extractor.extract(Data.fromWit(request));
    } catch (error) {
      return textResponse(400, [], `Failed to parse request body: ${errorDetail(error)}`);
    }
    return intoWitResponse(handler(input));
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Turns a handler's return value into the WIT response (the table of {@link WebReturn}).
 * Throws only what a `WebResponse` body conversion throws; encode failures become a 500.
 */
export function intoWitResponse(value: unknown): WitResponse {
  if (value === undefined) return { status: 204, headers: [], body: emptyBody() };
  if (value instanceof WebResponse) return responseToWit(value);
  if (value instanceof WebError) return responseToWit(value.response);
  if (typeof value === 'string') return typed(TEXT_CONTENT_TYPE, Data.from(value));
  if (value instanceof Data) return typed(BYTES_CONTENT_TYPE, value);
  if (isByteSource(value)) {
    return typed(BYTES_CONTENT_TYPE, Data.from(value));
  }
  let body: Data;
  try {
    body = value instanceof JsonBody ? value.encode() : encodeJson(checkJsonable(value));
  } catch (error) {
    return textResponse(
      500,
      [{ name: 'content-type', value: TEXT_CONTENT_TYPE }],
      `Failed to encode response: ${errorDetail(error)}`,
    );
  }
  return typed(JSON_CONTENT_TYPE, body);
}

/** Rejects a Promise, which JSON would silently encode as `{}`, with a message that says what to do. */
function checkJsonable(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  ) {
    throw new TypeError(
      'the handler returned a Promise; web() handlers must be synchronous (Momento host calls return their results directly, remove async/await)',
    );
  }
  return value;
}

/** Converts a built response, exactly as built. */
export function responseToWit(response: WebResponse): WitResponse {
  return {
    status: response.status,
    headers: response.headers.map((h) => ({ name: h.name, value: h.value })),
    body: response.body.toWit(),
  };
}

/** The response for a thrown value: a WebError's own, or the crate's 500 text. */
export function errorResponse(error: unknown): WitResponse {
  try {
    return responseToWit(WebError.from(error).response);
  } catch {
    // Rendering the error itself failed (a hostile toString, say): still answer, never trap.
    return textResponse(500, [], `${INVOCATION_ERROR_PREFIX}<the thrown value could not be described>`);
  }
}

function typed(contentType: string, body: Data): WitResponse {
  return { status: 200, headers: [{ name: 'content-type', value: contentType }], body: body.toWit() };
}

function textResponse(status: number, headers: Header[], text: string): WitResponse {
  return { status, headers: headers.map((h) => ({ ...h })), body: Data.from(text).toWit() };
}

function emptyBody(): WitData {
  return { tag: 'value', val: new Uint8Array(0) };
}

function errorDetail(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object') {
    const { message, payload } = error as { message?: unknown; payload?: unknown };
    if (typeof message === 'string') return message;
    if (typeof payload === 'string') return payload;
  }
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
