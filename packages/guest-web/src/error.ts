import { rustDebugString } from '@momento-functions/bytes';
import { WebResponse } from './response.js';

/**
 * The text before the detail of every unexpected error (the crate's text).
 * @example
 * ```ts
 * import { INVOCATION_ERROR_PREFIX } from '@momento-functions/guest-web';
 * const isUnexpected = (body: string) => body.startsWith(INVOCATION_ERROR_PREFIX);
 * ```
 */
export const INVOCATION_ERROR_PREFIX = 'An error occurred during function invocation: ';

/**
 * An error that already knows its HTTP response. Throw it (or return it) from a handler and the
 * caller gets exactly that response.
 *
 * - `WebError.message(text)`: 500, no headers, body `text` (the crate's `WebError::message`).
 * - `new WebError(cause)` / `WebError.from(cause)`: 500, no headers, body
 *   `An error occurred during function invocation: <detail>` (the crate's `From<E: Error>`); the
 *   detail is rendered by {@link describeError}.
 * - `WebError.response(response)`: any {@link WebResponse}, **with any status**. The Rust crate
 *   allows only 500; this is the one place the TypeScript API allows more (see docs/guest-web.md).
 *
 * Any other value thrown from a handler is treated as `WebError.from(value)`.
 *
 * @example
 * ```ts
 * import { web, WebError, environment } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const target = environment().header('x-amz-target');
 *   if (target === undefined) throw WebError.message('Missing X-Amz-Target header');
 *   return `target: ${target}`;
 * });
 * ```
 */
export class WebError extends Error {
  readonly #response: WebResponse;
  static #preset: { response: WebResponse; message: string } | undefined;

  /**
   * Wraps an unexpected error: 500, no headers, body
   * `An error occurred during function invocation: <detail>`.
   * @param cause - the error (any thrown value); kept as `cause`.
   * @example
   * ```ts
   * import { WebError } from '@momento-functions/guest-web';
   * const e = new WebError(new TypeError('bad'));
   * e.response.body.text(); // 'An error occurred during function invocation: TypeError("bad")'
   * ```
   */
  constructor(cause: unknown) {
    const preset = WebError.#preset;
    WebError.#preset = undefined;
    if (preset) {
      super(preset.message);
      this.#response = preset.response;
    } else {
      const body = INVOCATION_ERROR_PREFIX + describeError(cause);
      super(body, { cause });
      this.#response = new WebResponse({ status: 500, body });
    }
    this.name = 'WebError';
  }

  /**
   * The response this error answers with. Its body is a `Data`; read it only in tests.
   * @example
   * ```ts
   * import { WebError } from '@momento-functions/guest-web';
   * WebError.message('nope').response.status; // 500
   * ```
   */
  get response(): WebResponse {
    return this.#response;
  }

  /**
   * An error that answers 500 with no headers and `message` exactly as its body (nothing
   * prepended), like the crate's `WebError::message`.
   * @param message - the body text.
   * @example
   * ```ts
   * import { WebError } from '@momento-functions/guest-web';
   * throw WebError.message('UPSTREAM_SSE_URL is not configured');
   * ```
   */
  static message(message: string): WebError {
    return WebError.response(new WebResponse({ status: 500, body: message }), message);
  }

  /**
   * Wraps any thrown value like `new WebError(cause)`; a `WebError` is returned as it is.
   * @param cause - the error.
   * @example
   * ```ts
   * import { WebError } from '@momento-functions/guest-web';
   * try { JSON.parse('{'); } catch (e) { throw WebError.from(e); }
   * ```
   */
  static from(cause: unknown): WebError {
    return cause instanceof WebError ? cause : new WebError(cause);
  }

  /**
   * An error that answers with this response, whatever its status (404, 409, 503, ...).
   * @param response - the response to send.
   * @param message - the error's `message` (for logs); defaults to `HTTP <status>`.
   * @example
   * ```ts
   * import { WebError, WebResponse } from '@momento-functions/guest-web';
   * throw WebError.response(new WebResponse({ status: 404, body: 'no such user' }));
   * ```
   */
  static response(response: WebResponse, message?: string): WebError {
    if (!(response instanceof WebResponse)) {
      throw new TypeError(
        'WebError.response() takes a WebResponse, for example new WebResponse({ status: 404 })',
      );
    }
    WebError.#preset = { response, message: message ?? `HTTP ${response.status}` };
    return new WebError(undefined);
  }
}

/**
 * What a fallible step of a web function gives back: its value, or the {@link WebError} to answer
 * with (the crate's `WebResult<T> = Result<T, WebError>`). A handler may return either: `web()`
 * sends a returned `WebError` as its response, just as it does a thrown one. Test with
 * `instanceof WebError` where Rust would use `?`.
 *
 * @typeParam T - the value on success.
 * @example
 * ```ts
 * import { environment, web, WebError, type WebResult } from '@momento-functions/guest-web';
 *
 * function target(): WebResult<string> {
 *   return environment().header('x-amz-target') ?? WebError.message('Missing X-Amz-Target header');
 * }
 *
 * export default web((): WebResult<string> => {
 *   const t = target();
 *   if (t instanceof WebError) return t; // Rust: target()?
 *   return `target: ${t}`;
 * });
 * ```
 */
export type WebResult<T> = T | WebError;

/**
 * Renders a thrown value for the body of an unexpected-error response, in the spirit of the Rust
 * crate's `{e:?}` (Debug):
 *
 * - a value with a non-empty string `debug` property gives exactly that text. The errors of the
 *   Momento guest packages carry the Rust crate's Debug text there (`CacheError.debug` is
 *   `CacheError(Error::NotFound("x"))`, `HttpError.debug` is `RequestError("…")`, also
 *   `TopicError`, `TokenError`, `LogConfigurationError`, ...), so `throw e` answers like the crate;
 * - an error as `Name("message")`, with its `cause` inside when it has one
 *   (`Name("message", cause: Inner("..."))`);
 * - an error from a host call (a componentize-js `ComponentError` whose `payload` is the host's
 *   string) as `ComponentError("<payload>")`;
 * - a string as a quoted string; other values as JSON when they have a JSON form, else
 *   `String(value)`.
 *
 * @param error - any thrown value.
 * @example
 * ```ts
 * import { describeError } from '@momento-functions/guest-web';
 * import { CacheError } from '@momento-functions/cache';
 * describeError(new RangeError('too big'));        // 'RangeError("too big")'
 * describeError('oops');                           // '"oops"'
 * describeError(new CacheError('not-found', 'x')); // 'CacheError(Error::NotFound("x"))'
 * ```
 */
export function describeError(error: unknown): string {
  return describe(error, 0);
}

function describe(error: unknown, depth: number): string {
  if (typeof error === 'string') return rustDebugString(error);
  if (error === null || error === undefined) return String(error);
  if (typeof error !== 'object') return String(error);
  const debug = debugText(error);
  if (debug !== undefined) return debug;
  const record = error as { name?: unknown; message?: unknown; payload?: unknown; cause?: unknown };
  const isErrorLike = error instanceof Error || typeof record.message === 'string' || 'payload' in record;
  if (!isErrorLike) {
    try {
      const text = JSON.stringify(error);
      if (typeof text === 'string') return text;
    } catch {
      // fall through: cycles, bigint
    }
    return safeString(error);
  }
  const name = errorName(error);
  const message =
    typeof record.message === 'string' && record.message !== ''
      ? record.message
      : typeof record.payload === 'string'
        ? record.payload
        : undefined;
  const parts: string[] = [];
  if (message !== undefined) parts.push(rustDebugString(message));
  if ('payload' in record && record.payload !== undefined && record.payload !== message) {
    parts.push(`payload: ${depth < 3 ? describe(record.payload, depth + 1) : '…'}`);
  }
  if (record.cause !== undefined) parts.push(`cause: ${depth < 3 ? describe(record.cause, depth + 1) : '…'}`);
  return parts.length === 0 ? name : `${name}(${parts.join(', ')})`;
}

/** The Rust Debug text our packages' errors carry in `debug`, if this value has one. */
function debugText(error: object): string | undefined {
  try {
    const debug = (error as { debug?: unknown }).debug;
    return typeof debug === 'string' && debug !== '' ? debug : undefined;
  } catch {
    return undefined; // a throwing getter: render the value the usual way
  }
}

function errorName(error: object): string {
  const own = (error as { name?: unknown }).name;
  if (typeof own === 'string' && own !== '' && own !== 'Error') return own;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Object') return ctor;
  return 'Error';
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
