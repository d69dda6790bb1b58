import type { ResponseStream, Value as WitValue } from 'momento:valkey/valkey@1.0.0';
import { Data } from '@momento-functions/bytes';

const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

/**
 * A reply to a Valkey command, one case per WIT `value` case (the crate's `Value`):
 *
 * | kind | `value` | from the server |
 * |---|---|---|
 * | `nil` | — | a nil reply (`GET` of a missing key) |
 * | `int` | `bigint` (s64) | an integer reply (`INCR`, `DEL`, …) |
 * | `data` | {@link Data} | a bulk string (`GET`, `HGET`, …), bytes as stored |
 * | `bulk` | {@link Bulk} | an array (`LRANGE`, `HGETALL`, `FT.SEARCH`, …), read lazily |
 * | `ok` | — | the status `OK` (`SET`, …) |
 * | `simple-string` | `string` | any other status (`PING` → `PONG`, `TYPE` → `string`) |
 * | `simple-error` | `string` | an error reply (`WRONGTYPE …`, `ERR unknown command …`) |
 *
 * @example
 * ```ts
 * import { clusterClient, type ValkeyValue } from '@momento-functions/valkey';
 * const reply: ValkeyValue = clusterClient('my-cluster').get('greeting');
 * if (reply.kind === 'data') console.log(reply.value.text());
 * else if (reply.kind === 'nil') console.log('missing');
 * ```
 */
export type ValkeyValue =
  | {
      /** A nil reply, e.g. `GET` of a missing key; there is no `value`. */
      readonly kind: 'nil';
    }
  | {
      /** An integer reply, e.g. of `INCR` or `DEL`. */
      readonly kind: 'int';
      /** The integer, a signed 64-bit number (WIT `s64`). */
      readonly value: bigint;
    }
  | {
      /** A bulk string reply, e.g. of `GET` or `HGET`. */
      readonly kind: 'data';
      /** The bytes as stored; read them with `text()`, `bytes()` or `json()`. */
      readonly value: Data;
    }
  | {
      /** An array reply, e.g. of `LRANGE`, `HGETALL` or `FT.SEARCH`. */
      readonly kind: 'bulk';
      /** The elements, pulled from the host one at a time as you iterate. */
      readonly value: Bulk;
    }
  | {
      /** The status reply `OK`, e.g. of `SET`; there is no `value`. */
      readonly kind: 'ok';
    }
  | {
      /** A status reply other than `OK`, e.g. `PONG` for `PING`. */
      readonly kind: 'simple-string';
      /** The status text, without the leading `+`. */
      readonly value: string;
    }
  | {
      /** An error reply from the server, e.g. `WRONGTYPE …` (the command ran; it is not a ValkeyError). */
      readonly kind: 'simple-error';
      /** The server's error text, e.g. `ERR unknown command 'FOO'`. */
      readonly value: string;
    };

/**
 * The elements of an array reply, pulled from the host one at a time (the crate's `Bulk`
 * iterator over the host's `response-stream`). Iterate it once; nested arrays are `bulk` values
 * themselves. The host handle is released when the last element has been read, or by
 * {@link Bulk.close} (also `using`).
 *
 * @example
 * ```ts
 * const reply = client.command('LRANGE', 'events', 0, -1);
 * if (reply.kind === 'bulk') {
 *   for (const item of reply.value) if (item.kind === 'data') console.log(item.value.text());
 * }
 * ```
 */
export class Bulk implements IterableIterator<ValkeyValue> {
  #stream: ResponseStream | undefined;

  /**
   * @param stream - the WIT `response-stream` handle.
   * @example
   * ```ts
   * const bulk = new Bulk(witStream);
   * ```
   * @internal Made by the package, not by users.
   */
  constructor(stream: ResponseStream) {
    this.#stream = stream;
  }

  /**
   * The next element (one host call), or `done` after the last.
   *
   * @example
   * ```ts
   * const first = bulk.next(); // { done: false, value: { kind: 'data', value: Data } }
   * ```
   */
  next(): IteratorResult<ValkeyValue, undefined> {
    const stream = this.#stream;
    if (!stream) return { done: true, value: undefined };
    const item = stream.next();
    if (item === undefined || item === null) {
      this.close();
      return { done: true, value: undefined };
    }
    return { done: false, value: fromWitValue(item) };
  }

  /**
   * Returns this Bulk as its own iterator, so `for…of` reads the remaining elements (once).
   *
   * @example
   * ```ts
   * for (const item of bulk) console.log(item.kind);
   * ```
   */
  [Symbol.iterator](): IterableIterator<ValkeyValue> {
    return this;
  }

  /**
   * Reads every remaining element (nested arrays stay {@link Bulk}s).
   *
   * @example
   * ```ts
   * const items = bulk.toArray(); // ValkeyValue[]
   * ```
   */
  toArray(): ValkeyValue[] {
    return [...this];
  }

  /**
   * Releases the host handle without reading the rest; later reads are `done`.
   *
   * @example
   * ```ts
   * const first = bulk.next();
   * bulk.close();
   * ```
   */
  close(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    const dispose = stream && (stream as unknown as Record<symbol, unknown>)[DISPOSE];
    if (typeof dispose === 'function') dispose.call(stream);
  }

  /** Same as {@link Bulk.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Turns the WIT `value` into a {@link ValkeyValue}.
 *
 * @internal
 */
export function fromWitValue(value: WitValue): ValkeyValue {
  switch (value.tag) {
    case 'nil':
      return { kind: 'nil' };
    case 'int':
      return { kind: 'int', value: BigInt(value.val) };
    case 'data':
      return { kind: 'data', value: Data.fromWit(value.val) };
    case 'bulk':
      return { kind: 'bulk', value: new Bulk(value.val) };
    case 'ok':
      return { kind: 'ok' };
    case 'simple-string':
      return { kind: 'simple-string', value: value.val };
    case 'simple-error':
      return { kind: 'simple-error', value: value.val };
    default:
      throw new TypeError(
        `the host returned an unknown Valkey value case ${JSON.stringify((value as { tag?: unknown }).tag)}`,
      );
  }
}
