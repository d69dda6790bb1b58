import { rustDebugString } from '@momento-functions/bytes';
/**
 * The cases of the WIT `momento:http` `error` variant, by their WIT names.
 *
 * @example
 * ```ts
 * import { type HttpErrorKind, HttpError } from '@momento-functions/http';
 * const kind: HttpErrorKind = new HttpError({ kind: 'internal-error' }).kind; // 'internal-error'
 * ```
 */
export type HttpErrorKind =
  | 'internal-error'
  | 'request-error'
  | 'invalid-url'
  | 'invalid-header-name'
  | 'invalid-header-value';

/**
 * The details of one `HttpError`, one shape per WIT case.
 *
 * @example
 * ```ts
 * import { HttpError, type HttpErrorDetail } from '@momento-functions/http';
 * const detail: HttpErrorDetail = { kind: 'invalid-url', url: 'nope', error: 'relative URL without a base' };
 * new HttpError(detail).message; // "invalid url 'nope': relative URL without a base"
 * ```
 */
export type HttpErrorDetail =
  | {
      /** `'internal-error'`: the host failed on its side; there are no further details. */
      readonly kind: 'internal-error';
    }
  | {
      /** `'request-error'`: the request was sent (or tried) and failed, e.g. refused or timed out. */
      readonly kind: 'request-error';
      /** The host's description of the failure, e.g. `connection refused`. */
      readonly message: string;
    }
  | {
      /** `'invalid-url'`: the request's URL could not be parsed or is not allowed. */
      readonly kind: 'invalid-url';
      /** The URL as the request gave it. */
      readonly url: string;
      /** Why the URL was refused, e.g. `relative URL without a base`. */
      readonly error: string;
    }
  | {
      /** `'invalid-header-name'`: a request header has a name HTTP does not allow. */
      readonly kind: 'invalid-header-name';
      /** The offending header name, as given. */
      readonly header: string;
      /** Why the name was refused. */
      readonly error: string;
    }
  | {
      /** `'invalid-header-value'`: a request header has a value HTTP does not allow. */
      readonly kind: 'invalid-header-value';
      /** The offending header value, as given. */
      readonly value: string;
      /** Why the value was refused. */
      readonly error: string;
    };

/**
 * Why an outbound request failed: the WIT `error` case the host returned. `message` is the Rust
 * crate's `Display` text (`request error: connection refused`, `invalid url 'x': …`), and
 * {@link HttpError.toDebugString} its `Debug` text (`RequestError("connection refused")`), which is
 * what a Rust function's `WebError` body shows.
 *
 * @example
 * ```ts
 * import { HttpError, Request, invoke } from '@momento-functions/http';
 * try {
 *   invoke(new Request('http://127.0.0.1:1/', 'GET'));
 * } catch (e) {
 *   if (e instanceof HttpError && e.kind === 'request-error') {
 *     console.log(e.message); // "request error: …"
 *   }
 * }
 * ```
 */
export class HttpError extends Error {
  /** Which WIT case this is. */
  readonly kind: HttpErrorKind;
  /** The case's fields. */
  readonly detail: HttpErrorDetail;

  /**
   * Creates the error for one WIT case; the message is the crate's Display text for it.
   *
   * @param detail - the WIT case and its fields.
   * @example
   * ```ts
   * new HttpError({ kind: 'request-error', message: 'timed out' }).message; // 'request error: timed out'
   * ```
   */
  constructor(detail: HttpErrorDetail) {
    super(displayOf(detail));
    this.name = 'HttpError';
    this.kind = detail.kind;
    this.detail = detail;
  }

  /**
   * Builds an `HttpError` from the JS shape of the WIT `error` variant (`{ tag, val }`).
   *
   * @example
   * ```ts
   * HttpError.fromWit({ tag: 'request-error', val: 'boom' }).message; // 'request error: boom'
   * ```
   */
  static fromWit(error: WitHttpError): HttpError {
    switch (error.tag) {
      case 'internal-error':
        return new HttpError({ kind: 'internal-error' });
      case 'request-error':
        return new HttpError({ kind: 'request-error', message: error.val });
      case 'invalid-url':
        return new HttpError({ kind: 'invalid-url', url: error.val.url, error: error.val.error });
      case 'invalid-header-name':
        return new HttpError({
          kind: 'invalid-header-name',
          header: error.val.header,
          error: error.val.error,
        });
      case 'invalid-header-value':
        return new HttpError({
          kind: 'invalid-header-value',
          value: error.val.value,
          error: error.val.error,
        });
      default:
        return new HttpError({
          kind: 'request-error',
          message: `the host returned an unknown http error case ${JSON.stringify((error as { tag?: unknown }).tag)}`,
        });
    }
  }

  /**
   * The Rust `Debug` text (same as {@link HttpError.toDebugString}), the property the other
   * Momento guest packages' errors also carry (`CacheError.debug`, `LogConfigurationError.debug`).
   *
   * @example
   * ```ts
   * new HttpError({ kind: 'internal-error' }).debug; // 'InternalError'
   * ```
   */
  get debug(): string {
    return this.toDebugString();
  }

  /**
   * The Rust `Debug` rendering of this error, as `momento-functions-http`'s derived `Debug` prints
   * it: `InternalError`, `RequestError("…")`, `InvalidUrl { url: "…", error: "…" }`, …
   *
   * @example
   * ```ts
   * new HttpError({ kind: 'request-error', message: 'a "b"' }).toDebugString(); // 'RequestError("a \\"b\\"")'
   * ```
   */
  toDebugString(): string {
    const d = this.detail;
    switch (d.kind) {
      case 'internal-error':
        return 'InternalError';
      case 'request-error':
        return `RequestError(${rustDebugString(d.message)})`;
      case 'invalid-url':
        return `InvalidUrl { url: ${rustDebugString(d.url)}, error: ${rustDebugString(d.error)} }`;
      case 'invalid-header-name':
        return `InvalidHeaderName { header: ${rustDebugString(d.header)}, error: ${rustDebugString(d.error)} }`;
      case 'invalid-header-value':
        return `InvalidHeaderValue { value: ${rustDebugString(d.value)}, error: ${rustDebugString(d.error)} }`;
    }
  }
}

/**
 * The JS shape of the WIT `momento:http` `error` variant.
 *
 * @example
 * ```ts
 * import { HttpError, type WitHttpError } from '@momento-functions/http';
 * const wit: WitHttpError = { tag: 'internal-error' };
 * HttpError.fromWit(wit).message; // 'internal error'
 * ```
 */
export type WitHttpError =
  | {
      /** `'internal-error'`: the host failed on its side. */
      tag: 'internal-error';
    }
  | {
      /** `'request-error'`: sending the request failed. */
      tag: 'request-error';
      /** The host's description of the failure. */
      val: string;
    }
  | {
      /** `'invalid-url'`: the URL was refused. */
      tag: 'invalid-url';
      /** The refused URL and the reason. */
      val: {
        /** The URL as the request gave it. */
        url: string;
        /** Why it was refused. */
        error: string;
      };
    }
  | {
      /** `'invalid-header-name'`: a header name was refused. */
      tag: 'invalid-header-name';
      /** The refused header name and the reason. */
      val: {
        /** The header name as given. */
        header: string;
        /** Why it was refused. */
        error: string;
      };
    }
  | {
      /** `'invalid-header-value'`: a header value was refused. */
      tag: 'invalid-header-value';
      /** The refused header value and the reason. */
      val: {
        /** The header value as given. */
        value: string;
        /** Why it was refused. */
        error: string;
      };
    };

function displayOf(d: HttpErrorDetail): string {
  switch (d.kind) {
    case 'internal-error':
      return 'internal error';
    case 'request-error':
      return `request error: ${d.message}`;
    case 'invalid-url':
      return `invalid url '${d.url}': ${d.error}`;
    case 'invalid-header-name':
      return `invalid header name '${d.header}': ${d.error}`;
    case 'invalid-header-value':
      return `invalid header value '${d.value}': ${d.error}`;
  }
}
