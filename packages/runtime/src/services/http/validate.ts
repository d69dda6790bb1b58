/**
 * Validation of what a guest asks `momento:http` to send, mapped to the WIT `error` cases.
 */

/**
 * The JS shape of the WIT `momento:http` `error` variant.
 *
 * @example
 * ```ts
 * const refused: HttpWitError = { tag: 'request-error', val: 'connection refused' };
 * ```
 */
export type HttpWitError =
  | {
      /** `'internal-error'`: the host failed on its side. */
      tag: 'internal-error';
    }
  | {
      /** `'request-error'`: sending the request failed (refused, timed out, blocked by policy, …). */
      tag: 'request-error';
      /** What happened, as the guest is told. */
      val: string;
    }
  | {
      /** `'invalid-url'`: the URL was refused before sending. */
      tag: 'invalid-url';
      /** The refused URL and the reason. */
      val: {
        /** The URL as the guest gave it. */
        url: string;
        /** Why it was refused. */
        error: string;
      };
    }
  | {
      /** `'invalid-header-name'`: a header name was refused before sending. */
      tag: 'invalid-header-name';
      /** The refused header name and the reason. */
      val: {
        /** The header name as the guest gave it. */
        header: string;
        /** Why it was refused. */
        error: string;
      };
    }
  | {
      /** `'invalid-header-value'`: a header value was refused before sending. */
      tag: 'invalid-header-value';
      /** The refused header value and the reason. */
      val: {
        /** The header value as the guest gave it. */
        value: string;
        /** Why it was refused. */
        error: string;
      };
    };

/** Thrown inside the service to answer with a WIT error case. */
export class HttpServiceError extends Error {
  /**
   * Creates the error for a WIT case; the message is the request error's text, or the case's
   * fields as JSON.
   *
   * @param wit - the WIT error case the guest receives.
   */
  constructor(readonly wit: HttpWitError) {
    super(
      wit.tag === 'internal-error'
        ? 'internal error'
        : wit.tag === 'request-error'
          ? wit.val
          : JSON.stringify(wit.val),
    );
    this.name = 'HttpServiceError';
  }
}

/** Shorthand for a `request-error(message)`. */
export function requestError(message: string): HttpServiceError {
  return new HttpServiceError({ tag: 'request-error', val: message });
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses an absolute http(s) URL or throws `invalid-url`. */
export function parseUrl(raw: string): URL {
  const fail = (error: string): never => {
    throw new HttpServiceError({ tag: 'invalid-url', val: { url: raw, error } });
  };
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw.trim())) {
    return fail('relative URL without a base (use an absolute http:// or https:// URL)');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('not a valid URL (check the host, port and percent-encoding)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(`unsupported scheme '${url.protocol.slice(0, -1)}' (only http and https are supported)`);
  }
  if (url.hostname === '') return fail('empty host');
  if (url.username !== '' || url.password !== '') {
    return fail('credentials in the URL are not sent; put them in an authorization header instead');
  }
  return url;
}

/** Checks the method is an HTTP token (`request-error` otherwise). */
export function checkMethod(verb: string): string {
  if (!TOKEN.test(verb)) {
    throw requestError(
      `invalid HTTP method ${JSON.stringify(verb)}: a method is a non-empty token of letters, digits and !#$%&'*+-.^_\`|~ (e.g. GET, POST)`,
    );
  }
  return verb;
}

/** Checks a header name is an HTTP token (`invalid-header-name` otherwise). */
export function checkHeaderName(name: string): void {
  if (!TOKEN.test(name)) {
    throw new HttpServiceError({
      tag: 'invalid-header-name',
      val: {
        header: name,
        error:
          "invalid HTTP header name: use a non-empty token of letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or control characters)",
      },
    });
  }
}

const encoder = new TextEncoder();

/**
 * Checks a header value and returns it as the string undici writes byte for byte (each char one
 * byte of the value's UTF-8 encoding). Control characters other than tab (CR, LF, NUL, DEL, …)
 * are `invalid-header-value`.
 */
export function encodeHeaderValue(value: string): string {
  const bytes = encoder.encode(value);
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) {
      throw new HttpServiceError({
        tag: 'invalid-header-value',
        val: {
          value,
          error: `invalid HTTP header value: control character 0x${b.toString(16).padStart(2, '0')} is not allowed (CR, LF, NUL and other controls except tab)`,
        },
      });
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

/** Decodes a header value received as latin1 (one char per byte): UTF-8 when valid, else latin1. */
export function decodeHeaderValue(latin1: string): string {
  // Pure ASCII is the common case and decodes to itself.
  if (!/[\u0080-\u00ff]/.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return latin1;
  }
}

/**
 * Headers that describe one connection rather than the message (RFC 9110 §7.6.1), plus those the
 * host sets itself. They are not forwarded upstream; hop-by-hop ones are not handed back either.
 */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers the host computes itself from the URL and body. */
export const HOST_COMPUTED = new Set(['host', 'content-length']);

/** Names listed in `Connection` headers (they are hop-by-hop too). */
export function connectionListed(headers: readonly (readonly [string, string])[]): Set<string> {
  const listed = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t !== '') listed.add(t);
    }
  }
  return listed;
}
