import { Data, type DataInput, type Encoder, encodeJson } from '@momento-functions/bytes';
import { checkedHeader, checkedStatus, type Header, type HeadersInput, toHeaderList } from './headers.js';

/**
 * A value marked to be sent as JSON, made by {@link json}. Returned from a handler it becomes a
 * 200 with `content-type: application/json; charset=utf-8`; given to {@link WebResponse.withBody}
 * it becomes the body only (no header added, like the crate's `with_body(Json(..))`).
 *
 * @example
 * ```ts
 * import { json, type JsonBody } from '@momento-functions/guest-web';
 * const body: JsonBody<string> = json('a JSON string, not text');
 * ```
 */
export class JsonBody<T = unknown> {
  /** The value to send as JSON, kept as given until {@link JsonBody.encode} turns it into bytes. */
  readonly value: T;
  /** The encoder used; compact JSON (`encodeJson` of `@momento-functions/bytes`) when none was given. */
  readonly encoder: Encoder<T> | undefined;

  /**
   * Marks `value` to be sent as JSON, encoded with `encoder` (compact JSON when omitted). Prefer
   * {@link json}.
   * @example
   * ```ts
   * import { JsonBody } from '@momento-functions/guest-web';
   * const body = new JsonBody({ ok: true });
   * ```
   */
  constructor(value: T, encoder?: Encoder<T>) {
    this.value = value;
    this.encoder = encoder;
  }

  /**
   * Encodes the value. Throws `EncodeError` (from `@momento-functions/bytes`) when it cannot.
   * @example
   * ```ts
   * import { json } from '@momento-functions/guest-web';
   * json({ a: 1 }).encode().text(); // '{"a":1}'
   * ```
   */
  encode(): Data {
    return this.encoder ? this.encoder.encode(this.value) : encodeJson(this.value);
  }
}

/**
 * Marks a value to be sent as JSON. Plain objects, arrays, numbers, booleans and `null` returned
 * from a handler are JSON already; use `json()` for the values that otherwise mean something
 * else (a string is text, a `Uint8Array` is bytes), or to pick another encoder, such as the
 * superjson one of `@momento-functions/bytes`.
 *
 * @param value - the value to encode (compact JSON, like `serde_json::to_vec`).
 * @param encoder - optional encoder to use instead of plain JSON; the content type stays JSON.
 * @example
 * ```ts
 * import { web, json } from '@momento-functions/guest-web';
 * export default web(() => json('hello')); // body "hello" with the quotes, as application/json
 * ```
 */
export function json<T>(value: T, encoder?: Encoder<T>): JsonBody<T> {
  return new JsonBody(value, encoder);
}

/**
 * What a {@link WebResponse} can be built from.
 *
 * @example
 * ```ts
 * import { WebResponse, type WebResponseInit } from '@momento-functions/guest-web';
 * const init: WebResponseInit = { status: 201, headers: { location: '/items/1' }, body: 'created' };
 * const response = new WebResponse(init);
 * ```
 */
export interface WebResponseInit {
  /** Status code (a WIT `u16`, 0–65535); 200 when omitted. */
  readonly status?: number;
  /** Headers in order; none when omitted. No `content-type` is ever added for you. */
  readonly headers?: HeadersInput;
  /** Body bytes (strings are UTF-8), or {@link json} for a JSON body; empty when omitted. */
  readonly body?: DataInput | JsonBody;
}

/**
 * A complete response, sent exactly as built: nothing is added (not even `content-type`).
 *
 * Immutable: every builder method returns a new `WebResponse` and leaves the original as it was,
 * so a shared base response can be refined per request. Mirrors the Rust crate's `WebResponse`
 * (`new` → `new WebResponse()`, `with_status` → `withStatus`, `header` → `header` (appends),
 * `with_headers` → `withHeaders` (replaces), `with_body` → `withBody` (sets)). The default is
 * status 200, no headers, an empty body.
 *
 * @example
 * ```ts
 * import { web, WebResponse } from '@momento-functions/guest-web';
 * export default web(() =>
 *   new WebResponse()
 *     .withStatus(201)
 *     .header('content-type', 'text/plain; charset=utf-8')
 *     .header('location', '/items/1')
 *     .withBody('created'),
 * );
 * ```
 */
export class WebResponse {
  // Written only by the constructor and #copy (on a fresh instance): immutable from outside.
  #status: number;
  #headers: readonly Header[];
  // Inline bytes are kept as bytes, so the response can be sent any number of times; a `Data`
  // on the host stays a `Data` (its buffer goes back to the host untouched, once).
  #body: Uint8Array | Data | undefined;

  /**
   * Makes a response from a status, headers and a body; with no `init`, status 200, no headers,
   * an empty body.
   *
   * @param init - optional status, headers and body; the defaults are 200, none, empty.
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * const notFound = new WebResponse({ status: 404, body: 'no such item' });
   * ```
   */
  constructor(init: WebResponseInit = {}) {
    this.#status = init.status === undefined ? 200 : checkedStatus(init.status);
    this.#headers = Object.freeze(init.headers === undefined ? [] : toHeaderList(init.headers));
    this.#body = init.body === undefined ? undefined : toBodyData(init.body);
  }

  /**
   * The HTTP status code that will be sent (200 unless set).
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * new WebResponse().status; // 200
   * ```
   */
  get status(): number {
    return this.#status;
  }

  /**
   * The headers, in order, exactly as they will be sent.
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * new WebResponse().header('a', '1').headers; // [{ name: 'a', value: '1' }]
   * ```
   */
  get headers(): readonly Header[] {
    return this.#headers;
  }

  /**
   * The body. Reading it consumes it (a host buffer can be read once), so read it in tests only.
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * new WebResponse().withBody('hi').body.text(); // 'hi'
   * ```
   */
  get body(): Data {
    const body = this.#body;
    if (body === undefined) return Data.empty();
    // Checked on the Data side: inline bytes may be a Uint8Array of another realm (a cached value
    // comes from the component's glue), which `instanceof Uint8Array` does not recognise.
    return body instanceof Data ? body : Data.from(body);
  }

  /**
   * Returns a copy with this status (an integer 0–65535; throws `RangeError` otherwise).
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * const teapot = new WebResponse().withStatus(418);
   * ```
   */
  withStatus(status: number): WebResponse {
    return this.#copy({ status: checkedStatus(status) });
  }

  /**
   * Returns a copy with one more header appended (duplicates are kept, order is kept).
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * const r = new WebResponse().header('set-cookie', 'a=1').header('set-cookie', 'b=2');
   * ```
   */
  header(name: string, value: string): WebResponse {
    const added = checkedHeader(name, value, 'header(name, value)');
    return this.#copy({ headers: Object.freeze([...this.#headers, added]) });
  }

  /**
   * Returns a copy whose headers are replaced by these.
   * @example
   * ```ts
   * import { WebResponse } from '@momento-functions/guest-web';
   * const r = new WebResponse().withHeaders({ 'content-type': 'text/html; charset=utf-8' });
   * ```
   */
  withHeaders(headers: HeadersInput): WebResponse {
    return this.#copy({ headers: Object.freeze(toHeaderList(headers)) });
  }

  /**
   * Returns a copy with this body. Never adds a `content-type`: set it with {@link header}.
   * Strings are UTF-8; a `Data` holding a host buffer is passed back to the host untouched;
   * `json(value)` encodes compact JSON (throws `EncodeError` if it cannot). With an `encoder`,
   * the value is encoded by it.
   * @example
   * ```ts
   * import { WebResponse, json } from '@momento-functions/guest-web';
   * const r = new WebResponse()
   *   .header('content-type', 'application/json')
   *   .withBody(json({ ok: true }));
   * ```
   */
  withBody(body: DataInput | JsonBody): WebResponse;
  withBody<T>(value: T, encoder: Encoder<T>): WebResponse;
  withBody(body: unknown, encoder?: Encoder<unknown>): WebResponse {
    const data = encoder ? storable(encoder.encode(body)) : toBodyData(body as DataInput | JsonBody);
    return this.#copy({ body: data });
  }

  #copy(change: { status?: number; headers?: readonly Header[]; body?: Uint8Array | Data }): WebResponse {
    const next = new WebResponse();
    next.#status = change.status ?? this.#status;
    next.#headers = change.headers ?? this.#headers;
    next.#body = 'body' in change ? change.body : this.#body;
    return next;
  }
}

function toBodyData(body: DataInput | JsonBody): Uint8Array | Data {
  return storable(body instanceof JsonBody ? body.encode() : Data.from(body));
}

/**
 * A host buffer stays a `Data` (it goes back to the host untouched, once); inline bytes are kept
 * as bytes, so the response can be sent again. The bytes may belong to another realm (the glue's
 * `Uint8Array` of a cache value, a list element, a Valkey reply).
 */
function storable(data: Data): Uint8Array | Data {
  return data.isOnHost ? data : data.bytes();
}
