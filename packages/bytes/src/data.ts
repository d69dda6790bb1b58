import { parseJsonBytes } from './json.js';
import { isArrayBuffer } from './realm.js';
import { decodeUtf8Strict, encodeUtf8 } from './utf8.js';

/**
 * The JavaScript shape of the WIT `momento:bytes/bytes` `buffer` resource: a body the host holds,
 * read through a cursor. componentize-js hands the guest such an object inside a {@link WitData};
 * a test can implement it with a plain class.
 *
 * - `remaining()` is how many bytes `read` can return right now without blocking (it may be 0 while
 *   more data is still coming).
 * - `read(max)` returns 1..`max` bytes while data remains, and `undefined` (or `null`) at the end.
 * - `advance(n)` skips `n` bytes.
 *
 * @example
 * ```ts
 * import { Data, type HostBuffer } from '@momento-functions/bytes';
 * class MemoryBuffer implements HostBuffer {
 *   #offset = 0;
 *   constructor(private readonly bytes: Uint8Array) {}
 *   remaining() { return this.bytes.length - this.#offset; }
 *   read(max: number) {
 *     if (this.#offset >= this.bytes.length) return undefined;
 *     const chunk = this.bytes.subarray(this.#offset, this.#offset + max);
 *     this.#offset += chunk.length;
 *     return chunk;
 *   }
 *   advance(n: number) { this.#offset = Math.min(this.bytes.length, this.#offset + n); }
 * }
 * const data = Data.fromWit({ tag: 'buffer', val: new MemoryBuffer(new TextEncoder().encode('hi')) });
 * data.text(); // 'hi'
 * ```
 */
export interface HostBuffer {
  /** Bytes readable now without blocking. */
  remaining(): number;
  /** Up to `maxSize` bytes (at least one), or `undefined`/`null` at the end of the stream. */
  read(maxSize: number): Uint8Array | undefined | null;
  /** Moves the read cursor forward by `size` bytes. */
  advance(size: number): void;
}

/**
 * The JavaScript shape of the WIT `data` variant (`buffer(buffer)` | `value(list<u8>)`), exactly as
 * componentize-js and jco pass it.
 *
 * @example
 * ```ts
 * import { Data, type WitData } from '@momento-functions/bytes';
 * const wit: WitData = { tag: 'value', val: new TextEncoder().encode('pong') };
 * Data.fromWit(wit).text(); // 'pong'
 * ```
 */
export type WitData =
  | {
      /** `'buffer'`: the host holds the bytes and the guest reads them through `val`. */
      tag: 'buffer';
      /** The host buffer to read the bytes from, a cursor over a body that may still be arriving. */
      val: HostBuffer;
    }
  | {
      /** `'value'`: the bytes are already in guest memory, in `val`. */
      tag: 'value';
      /** The bytes themselves, passed whole. */
      val: Uint8Array;
    };

/**
 * Anything that can become a {@link Data}: a `Data` (used as is), bytes in any typed array or
 * `ArrayBuffer` (viewed, not copied), or a string (UTF-8 encoded).
 *
 * @example
 * ```ts
 * import { Data, type DataInput } from '@momento-functions/bytes';
 * const inputs: DataInput[] = ['text', new Uint8Array([1, 2]), new ArrayBuffer(4)];
 * const sizes = inputs.map((input) => Data.from(input).bytes().length); // [4, 2, 4]
 * ```
 */
export type DataInput = Data | Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * The smallest read the guest asks the host for, like the Rust crate (16 KiB): each host read is
 * `read(max(remaining(), MIN_HOST_READ))`.
 *
 * @example
 * ```ts
 * import { MIN_HOST_READ } from '@momento-functions/bytes';
 * const firstReadSize = (remaining: number) => Math.max(remaining, MIN_HOST_READ); // 16384 for a small body
 * ```
 */
export const MIN_HOST_READ = 16384;
const MAX_U32 = 0xffffffff;
const EMPTY = new Uint8Array(0);
const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

/**
 * A body or payload: inline bytes, or an opaque handle to a buffer the host holds.
 *
 * - Reading is consuming: {@link Data.read}, {@link Data.chunks}, {@link Data.bytes}, {@link Data.text},
 *   {@link Data.json} and {@link Data.toWit} take what they return out of the `Data`; afterwards the
 *   `Data` holds only what was not read (empty after `bytes()`, `text()`, `json()`, `toWit()`, or a
 *   finished `chunks()`).
 * - A host buffer is only read when asked, in chunks of at least 16 KiB
 *   (`read(max(remaining(), 16384))`, like the Rust crate), and its handle is released once it is
 *   read to the end.
 * - {@link Data.toWit} on a host buffer gives the same handle back untouched (zero-copy): returning a
 *   request body as a response body, or storing it in the cache, never copies it through the guest.
 *
 * @example
 * ```ts
 * import { Data } from '@momento-functions/bytes';
 * export function echo(request: Data): Data {
 *   return request; // a host buffer stays on the host
 * }
 * const greeting = Data.from('{"name":"kvc"}').json<{ name: string }>(); // { name: 'kvc' }
 * ```
 */
export class Data {
  #inline: Uint8Array;
  #offset = 0;
  #host: HostBuffer | undefined;

  private constructor(inline: Uint8Array, host: HostBuffer | undefined) {
    this.#inline = inline;
    this.#host = host;
  }

  /**
   * Wraps a value as `Data`. Strings are UTF-8 encoded; typed arrays and `ArrayBuffer`s are viewed,
   * not copied (do not modify them afterwards); a `Data` is returned as is.
   *
   * @example
   * ```ts
   * Data.from('héllo').bytes().length; // 6
   * Data.from(new Uint8Array([1, 2, 3])).bytes(); // Uint8Array [1, 2, 3]
   * ```
   */
  static from(input: DataInput): Data {
    if (input instanceof Data) return input;
    if (typeof input === 'string') return new Data(encodeUtf8(input), undefined);
    if (input instanceof Uint8Array) return new Data(input, undefined);
    // Realm-safe from here on: the typed arrays and ArrayBuffers of another realm (a vm context,
    // a component's glue) are viewed through this realm's Uint8Array.
    if (isArrayBuffer(input)) return new Data(new Uint8Array(input), undefined);
    if (ArrayBuffer.isView(input)) {
      return new Data(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), undefined);
    }
    throw new TypeError(
      `Data.from expects a string, a Uint8Array, an ArrayBuffer, a typed array or a Data, got ${describe(input)}; encode other values first, e.g. with encodeJson(value)`,
    );
  }

  /**
   * Takes a WIT `data` value as componentize-js passes it: `value` becomes inline bytes, `buffer`
   * keeps the host handle (nothing is read yet).
   *
   * @example
   * ```ts
   * export const guestFunctionWeb = {
   *   invoke(request: WitData) {
   *     const body = Data.fromWit(request);
   *     return { status: 200, headers: [], body: body.toWit() };
   *   },
   * };
   * ```
   */
  static fromWit(wit: WitData): Data {
    if (wit.tag === 'buffer') return new Data(EMPTY, wit.val);
    if (wit.tag === 'value') return new Data(wit.val, undefined);
    throw new TypeError(
      `expected a WIT data value {tag: 'buffer' | 'value'}, got tag ${String((wit as { tag: unknown }).tag)}`,
    );
  }

  /**
   * Wraps a host buffer handle directly (same as `Data.fromWit({ tag: 'buffer', val: buffer })`).
   *
   * @example
   * ```ts
   * const body = Data.fromHost(buffer);
   * body.isOnHost; // true
   * ```
   */
  static fromHost(buffer: HostBuffer): Data {
    return new Data(EMPTY, buffer);
  }

  /**
   * An empty `Data`.
   *
   * @example
   * ```ts
   * Data.empty().bytes().length; // 0
   * ```
   */
  static empty(): Data {
    return new Data(EMPTY, undefined);
  }

  /**
   * `true` while this `Data` refers to a buffer held by the host (not read into the guest).
   *
   * @example
   * ```ts
   * Data.from('x').isOnHost; // false
   * ```
   */
  get isOnHost(): boolean {
    return this.#host !== undefined;
  }

  /**
   * Gives the content back as a WIT `data` value and empties this `Data`. A host buffer is returned
   * as the very same handle (ownership passes back to the host; nothing is copied); inline bytes
   * become `{ tag: 'value' }` holding what was not read yet.
   *
   * @example
   * ```ts
   * const wit = Data.from('pong').toWit(); // { tag: 'value', val: Uint8Array(4) }
   * ```
   */
  toWit(): WitData {
    const host = this.#host;
    if (host !== undefined) {
      this.#host = undefined;
      return { tag: 'buffer', val: host };
    }
    return { tag: 'value', val: this.#takeInline() };
  }

  /**
   * Reads the next chunk, or `undefined` at the end. On a host buffer this is one host `read` of
   * `maxSize` bytes, by default `max(remaining(), 16384)`; inline data returns up to `maxSize` bytes
   * (all of it by default) without copying.
   *
   * @param maxSize - the most bytes to return (a positive integer).
   * @example
   * ```ts
   * const data = Data.from('abcdef');
   * data.read(4); // 'abcd' as bytes
   * data.read(); // 'ef'
   * data.read(); // undefined
   * ```
   */
  read(maxSize?: number): Uint8Array | undefined {
    if (maxSize !== undefined && !(Number.isInteger(maxSize) && maxSize > 0)) {
      throw new RangeError(`Data.read(maxSize): maxSize must be a positive integer, got ${String(maxSize)}`);
    }
    if (this.#offset < this.#inline.length) {
      const end =
        maxSize === undefined ? this.#inline.length : Math.min(this.#inline.length, this.#offset + maxSize);
      const whole = this.#offset === 0 && end === this.#inline.length;
      const chunk = whole ? this.#inline : this.#inline.subarray(this.#offset, end);
      this.#offset = end;
      return chunk;
    }
    const host = this.#host;
    if (host === undefined) return undefined;
    for (;;) {
      const size = maxSize === undefined ? Math.max(host.remaining(), MIN_HOST_READ) : maxSize;
      const chunk = host.read(Math.min(size, MAX_U32));
      if (chunk === undefined || chunk === null) {
        this.#release();
        return undefined;
      }
      // The WIT promises non-empty chunks; an empty one is skipped rather than mistaken for the end.
      if (chunk.length > 0) return chunk;
    }
  }

  /**
   * Streams the rest of the content chunk by chunk (see {@link Data.read}), consuming it. Use this
   * to process a large host body without holding all of it in guest memory.
   *
   * @param maxSize - optional largest chunk size.
   * @example
   * ```ts
   * let total = 0;
   * for (const chunk of request.chunks()) total += chunk.length;
   * ```
   */
  *chunks(maxSize?: number): IterableIterator<Uint8Array> {
    for (let chunk = this.read(maxSize); chunk !== undefined; chunk = this.read(maxSize)) yield chunk;
  }

  /**
   * Same as {@link Data.chunks}: `for (const chunk of data)` streams the content.
   *
   * @example
   * ```ts
   * for (const chunk of Data.from('abc')) console.log(chunk.length); // 3
   * ```
   */
  [Symbol.iterator](): IterableIterator<Uint8Array> {
    return this.chunks();
  }

  /**
   * Reads everything that is left into one `Uint8Array` and empties this `Data`. A host body is
   * loaded completely into guest memory; prefer {@link Data.chunks} or passing the `Data` on for
   * large bodies.
   *
   * @example
   * ```ts
   * Data.from('abc').bytes(); // Uint8Array [97, 98, 99]
   * ```
   */
  bytes(): Uint8Array {
    const first = this.read();
    if (first === undefined) return EMPTY;
    const second = this.read();
    if (second === undefined) return first;
    const parts = [first, second];
    let total = first.length + second.length;
    for (let chunk = this.read(); chunk !== undefined; chunk = this.read()) {
      parts.push(chunk);
      total += chunk.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /**
   * Reads everything that is left as strict UTF-8 text (like Rust's `String::from_utf8`: a BOM is
   * kept, nothing is replaced). Throws an {@link ExtractError} such as
   * `invalid utf-8 sequence of 1 bytes from index 0`.
   *
   * @example
   * ```ts
   * Data.from('héllo').text(); // 'héllo'
   * ```
   */
  text(): string {
    return decodeUtf8Strict(this.bytes());
  }

  /**
   * Reads everything that is left as JSON (like `serde_json::from_slice`: whitespace around the
   * value is allowed, anything else after it is not). Throws an {@link ExtractError} with
   * serde_json's wording and position, e.g. `expected value at line 1 column 1`. The type parameter
   * is not checked; use `extract.schema(...)` to validate.
   *
   * @example
   * ```ts
   * Data.from(' {"name":"kvc"} ').json<{ name: string }>().name; // 'kvc'
   * ```
   */
  json<T = unknown>(): T {
    return parseJsonBytes(this.bytes()) as T;
  }

  /**
   * A short description for logs: `Data(inline, 12 bytes)` or `Data(on host)`. It never calls the
   * host.
   *
   * @example
   * ```ts
   * String(Data.from('abc')); // 'Data(inline, 3 bytes)'
   * ```
   */
  toString(): string {
    return this.#host !== undefined
      ? 'Data(on host)'
      : `Data(inline, ${this.#inline.length - this.#offset} bytes)`;
  }

  #takeInline(): Uint8Array {
    const rest = this.#offset === 0 ? this.#inline : this.#inline.subarray(this.#offset);
    this.#inline = EMPTY;
    this.#offset = 0;
    return rest;
  }

  #release(): void {
    const host = this.#host;
    this.#host = undefined;
    const dispose = host && (host as unknown as Record<symbol, unknown>)[DISPOSE];
    if (typeof dispose === 'function') dispose.call(host);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
