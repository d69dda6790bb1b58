/**
 * One response or request header as the host sees it (the WIT `header` record).
 *
 * @example
 * ```ts
 * import type { Header } from '@momento-functions/guest-web';
 * const h: Header = { name: 'cache-control', value: 'no-store' };
 * ```
 */
export interface Header {
  /** Header name, sent exactly as written (no case change). */
  readonly name: string;
  /** Header value, as given (the host does not re-encode or trim it). */
  readonly value: string;
}

/**
 * Every way a list of headers can be given to {@link WebResponse.withHeaders}, {@link rawStream}
 * and {@link sseWithHeaders}: `[name, value]` pairs, `{ name, value }` records (for instance the
 * headers of an upstream response), a `Headers` object, or a plain object `{ name: value }`.
 * Order is kept and duplicate names are allowed (except in the plain-object form).
 *
 * @example
 * ```ts
 * import { WebResponse, type HeadersInput } from '@momento-functions/guest-web';
 * const headers: HeadersInput = [['set-cookie', 'a=1'], ['set-cookie', 'b=2']];
 * const response = new WebResponse().withHeaders(headers);
 * ```
 */
export type HeadersInput = Iterable<readonly [string, string] | Header> | Readonly<Record<string, string>>;

/** Normalizes a {@link HeadersInput} into WIT `header` records, checking every name and value is a string. */
export function toHeaderList(input: HeadersInput): Header[] {
  const list: Header[] = [];
  if (input === null || typeof input !== 'object') {
    throw new TypeError(
      `headers must be a list of [name, value] pairs, { name, value } records or an object of strings; got ${describeType(input)}`,
    );
  }
  if (Symbol.iterator in input) {
    let index = 0;
    for (const entry of input as Iterable<readonly [string, string] | Header>) {
      const [name, value] = Array.isArray(entry)
        ? [entry[0], entry[1]]
        : [(entry as Header | undefined)?.name, (entry as Header | undefined)?.value];
      list.push(checkedHeader(name, value, `headers[${index}]`));
      index++;
    }
  } else {
    for (const [name, value] of Object.entries(input)) {
      list.push(checkedHeader(name, value, `headers[${JSON.stringify(name)}]`));
    }
  }
  return list;
}

/** Checks one header name and value (strings, as the WIT `header` record requires). */
export function checkedHeader(name: unknown, value: unknown, where: string): Header {
  if (typeof name !== 'string' || typeof value !== 'string') {
    throw new TypeError(
      `${where} must be a header name and value, both strings; got name ${describeType(name)} and value ${describeType(value)} (convert numbers with String(n))`,
    );
  }
  return { name, value };
}

/** Checks a status fits the WIT `u16`. */
export function checkedStatus(status: unknown): number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 65535) {
    throw new RangeError(
      `an HTTP status must be an integer from 0 to 65535 (a WIT u16), such as 200 or 404; got ${describeType(status)}`,
    );
  }
  return status;
}

/** A short human description of a value's type, for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof value;
}
