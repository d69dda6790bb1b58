import { Data, type DataInput, type Extractor } from '@momento-functions/bytes';
import { WhatwgSseStream } from './sse-whatwg.js';
import { utf8OrUndefined } from './utf8.js';

const LF = 0x0a;
const SPACE = 0x20;
const DATA = [0x64, 0x61, 0x74, 0x61, 0x3a]; // "data:"
const EVENT = [0x65, 0x76, 0x65, 0x6e, 0x74, 0x3a]; // "event:"
const ID = [0x69, 0x64, 0x3a]; // "id:"
/** The crate's smallest read from the body. */
const MIN_READ = 1024;
/** Rust's `RawVec` minimum non-zero capacity for 1-byte elements. */
const MIN_NON_ZERO_CAP = 8;

/**
 * One event of a server-sent-events stream, as the crate's parser builds it: each field is the raw
 * bytes of its line (one optional space after the colon removed), or `undefined` when the block
 * had no such line.
 *
 * @example
 * ```ts
 * import { SseStream } from '@momento-functions/http';
 * for (const event of SseStream.fromData('event: greet\ndata: hi\n\n')) {
 *   event.event; // 'greet'
 *   event.data; // 'hi'
 * }
 * ```
 */
export class SseEvent {
  /** The `event:` field bytes. */
  readonly eventRaw: Uint8Array | undefined;
  /** The `id:` field bytes. */
  readonly idRaw: Uint8Array | undefined;
  /** The `data:` lines joined with `\n`, as bytes. */
  readonly dataRaw: Uint8Array | undefined;

  /**
   * Creates an event from the raw bytes of its fields; the stream parser builds these, and tests
   * can too.
   *
   * @param eventRaw - the `event:` field bytes, or `undefined` when the block had none.
   * @param idRaw - the `id:` field bytes, or `undefined` when the block had none.
   * @param dataRaw - the `data:` lines joined with `\n`, or `undefined` when the block had none.
   * @example
   * ```ts
   * const event = new SseEvent(undefined, undefined, new TextEncoder().encode('x'));
   * event.data; // 'x'
   * ```
   */
  constructor(
    eventRaw: Uint8Array | undefined,
    idRaw: Uint8Array | undefined,
    dataRaw: Uint8Array | undefined,
  ) {
    this.eventRaw = eventRaw;
    this.idRaw = idRaw;
    this.dataRaw = dataRaw;
  }

  /**
   * The event name, or `undefined` when absent or not valid UTF-8.
   *
   * @example
   * ```ts
   * [...SseStream.fromData('event: ping\n\n')][0]?.event; // 'ping'
   * ```
   */
  get event(): string | undefined {
    return utf8OrUndefined(this.eventRaw);
  }

  /**
   * The event id, or `undefined` when absent or not valid UTF-8. (Crate: `event_id()`.)
   *
   * @example
   * ```ts
   * [...SseStream.fromData('id: 7\ndata: x\n\n')][0]?.id; // '7'
   * ```
   */
  get id(): string | undefined {
    return utf8OrUndefined(this.idRaw);
  }

  /**
   * The data, or `undefined` when absent or not valid UTF-8.
   *
   * @example
   * ```ts
   * [...SseStream.fromData('data: a\ndata: b\n\n')][0]?.data; // 'a\nb'
   * ```
   */
  get data(): string | undefined {
    return utf8OrUndefined(this.dataRaw);
  }

  /**
   * Decodes the data with an extractor (an absent data field is empty), like the crate's
   * `extract::<T>()`.
   *
   * @throws ExtractError from the extractor.
   * @example
   * ```ts
   * import { extract } from '@momento-functions/bytes';
   * const [event] = SseStream.fromData('data: {"n":1}\n\n');
   * event?.extract(extract.json<{ n: number }>()); // { n: 1 }
   * ```
   */
  extract<T>(extractor: Extractor<T>): T {
    return extractor.extract(this.dataRaw === undefined ? Data.empty() : Data.from(this.dataRaw));
  }
}

/**
 * A malformed stream, as the crate's `SseStatus::ProtocolError`: `message` is its `Display` text,
 * `Bad SSE stream: <detail>`.
 *
 * @example
 * ```ts
 * import { SseProtocolError, SseStream } from '@momento-functions/http';
 * try {
 *   [...SseStream.fromData('event: a\nevent: b\n\n')];
 * } catch (e) {
 *   if (e instanceof SseProtocolError) e.message; // 'Bad SSE stream: Multiple event fields in one message: event: b'
 * }
 * ```
 */
export class SseProtocolError extends Error {
  /** What was wrong, without the `Bad SSE stream: ` prefix. */
  readonly detail: string;

  /**
   * Creates the error; the message is `detail` after the `Bad SSE stream: ` prefix.
   *
   * @param detail - what was wrong with the stream.
   * @example
   * ```ts
   * new SseProtocolError('x').message; // 'Bad SSE stream: x'
   * ```
   */
  constructor(detail: string) {
    super(`Bad SSE stream: ${detail}`);
    this.name = 'SseProtocolError';
    this.detail = detail;
  }
}

/**
 * Options of {@link SseStream.fromData}.
 *
 * @example
 * ```ts
 * import { SseStream, type SseStreamOptions } from '@momento-functions/http';
 * const options: SseStreamOptions = { mode: 'whatwg' };
 * const stream = SseStream.fromData('data: x\r\n\r\n', options);
 * ```
 */
export interface SseStreamOptions {
  /**
   * `'crate'` (default): byte-for-byte the Rust crate's parser, quirks included. `'whatwg'`: the
   * HTML standard's event-stream interpretation (see {@link WhatwgSseStream}).
   */
  readonly mode?: 'crate' | 'whatwg';
}

/**
 * Reads server-sent events from a body (typically `invoke(...).body`), exactly like the Rust
 * crate's `SseStream`, so a TypeScript function relays the same events a Rust one does:
 *
 * - events are separated by two LF bytes only (`\n\n`); CR is not a line end, so a CRLF-framed
 *   stream yields no event;
 * - every block is an event, even one with no field (a `: keep-alive` comment, an extra blank line);
 * - a second `event:` or `id:` line in one block throws {@link SseProtocolError}, and every later
 *   `next()` throws it again (the block is not skipped);
 * - an unterminated block at the end of the body is dropped;
 * - `retry:` and unknown fields are ignored and `id` does not carry over to later events;
 * - the body is read in chunks of `max(1024, spare capacity)` bytes, like the crate's `Vec`.
 *
 * Each `next()` may block on the host until more of the body arrives. Pass `{ mode: 'whatwg' }`
 * for the standard's parsing instead.
 *
 * @example
 * ```ts
 * import { Request, invoke, SseStream } from '@momento-functions/http';
 * const upstream = invoke(new Request('https://example.com/events', 'GET'));
 * for (const event of SseStream.fromData(upstream.body)) {
 *   console.log(event.event, event.id, event.data);
 * }
 * ```
 */
export class SseStream implements IterableIterator<SseEvent> {
  readonly #data: Data;
  /** Backing store whose length is the simulated `Vec` capacity. */
  #store = new Uint8Array(0);
  #len = 0;
  #ended = false;

  private constructor(data: Data) {
    this.#data = data;
  }

  /**
   * Starts reading events from `data` (anything `Data` accepts; a host body is read lazily).
   *
   * @example
   * ```ts
   * const events = [...SseStream.fromData('data: a\n\ndata: b\n\n')].map((e) => e.data); // ['a', 'b']
   * const whatwg = SseStream.fromData('data: a\r\n\r\n', { mode: 'whatwg' }); // a WhatwgSseStream
   * ```
   */
  static fromData(data: DataInput): SseStream;
  static fromData(data: DataInput, options: { readonly mode?: 'crate' }): SseStream;
  static fromData(data: DataInput, options: { readonly mode: 'whatwg' }): WhatwgSseStream;
  static fromData(data: DataInput, options?: SseStreamOptions): SseStream | WhatwgSseStream;
  static fromData(data: DataInput, options: SseStreamOptions = {}): SseStream | WhatwgSseStream {
    const mode = options.mode ?? 'crate';
    if (mode === 'whatwg') return WhatwgSseStream.fromData(data);
    if (mode !== 'crate')
      throw new TypeError(
        `SseStream.fromData: mode must be 'crate' or 'whatwg', got ${JSON.stringify(mode)}`,
      );
    return new SseStream(Data.from(data));
  }

  /**
   * The next event, or `{ done: true }` once the body has ended.
   *
   * @throws SseProtocolError for a block with two `event:` or two `id:` lines (again on every call).
   * @example
   * ```ts
   * const stream = SseStream.fromData('data: x\n\n');
   * stream.next().value?.data; // 'x'
   * stream.next().done; // true
   * ```
   */
  next(): IteratorResult<SseEvent, undefined> {
    for (;;) {
      const event = this.#eventFromBuffer();
      if (event !== undefined) return { done: false, value: event };
      if (!this.#readMore()) return { done: true, value: undefined };
    }
  }

  /**
   * The stream itself (it is its own iterator), so `for … of` works.
   *
   * @example
   * ```ts
   * for (const event of SseStream.fromData('data: x\n\n')) console.log(event.data);
   * ```
   */
  [Symbol.iterator](): this {
    return this;
  }

  #eventFromBuffer(): SseEvent | undefined {
    const buf = this.#store;
    const len = this.#len;
    let end = -1;
    for (let i = 0; i + 1 < len; i++) {
      if (buf[i] === LF && buf[i + 1] === LF) {
        end = i;
        break;
      }
    }
    if (end < 0) return undefined;
    let event: Uint8Array | undefined;
    let id: Uint8Array | undefined;
    let data: number[] | undefined;
    let lineStart = 0;
    while (lineStart <= end) {
      let lineEnd = lineStart;
      while (lineEnd < end && buf[lineEnd] !== LF) lineEnd++;
      const line = buf.subarray(lineStart, lineEnd);
      if (startsWith(line, DATA)) {
        if (data !== undefined) data.push(LF);
        else data = [];
        const offset = line.length > 5 && line[5] === SPACE ? 6 : 5;
        for (let k = offset; k < line.length; k++) data.push(line[k] as number);
      } else if (startsWith(line, EVENT)) {
        if (event !== undefined)
          throw new SseProtocolError(`Multiple event fields in one message: ${lossy(line)}`);
        event = line.slice(line.length > 6 && line[6] === SPACE ? 7 : 6);
      } else if (startsWith(line, ID)) {
        if (id !== undefined) throw new SseProtocolError(`Multiple id fields in one message: ${lossy(line)}`);
        id = line.slice(line.length > 3 && line[3] === SPACE ? 4 : 3);
      }
      lineStart = lineEnd + 1;
    }
    const consumed = end + 2;
    buf.copyWithin(0, consumed, len);
    this.#len = len - consumed;
    return new SseEvent(event, id, data === undefined ? undefined : Uint8Array.from(data));
  }

  /** One read of `max(1024, capacity - len)` bytes; `false` at the end of the body. */
  #readMore(): boolean {
    if (this.#ended) return false;
    const chunkSize = Math.max(MIN_READ, this.#store.length - this.#len);
    this.#reserve(chunkSize);
    const chunk = this.#data.read(chunkSize);
    if (chunk === undefined || chunk.length === 0) {
      this.#ended = true;
      return false;
    }
    if (chunk.length > chunkSize) {
      throw new SseProtocolError(
        `Failed to read from SSE stream: the host returned ${chunk.length} bytes for a read of at most ${chunkSize}`,
      );
    }
    this.#store.set(chunk, this.#len);
    this.#len += chunk.length;
    return true;
  }

  /** Rust `Vec::reserve`: grow to `max(2 * capacity, len + additional, 8)` when short. */
  #reserve(additional: number): void {
    const cap = this.#store.length;
    if (cap - this.#len >= additional) return;
    const next = Math.max(cap * 2, this.#len + additional, MIN_NON_ZERO_CAP);
    const grown = new Uint8Array(next);
    grown.set(this.#store.subarray(0, this.#len));
    this.#store = grown;
  }
}

function startsWith(line: Uint8Array, prefix: readonly number[]): boolean {
  if (line.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (line[i] !== prefix[i]) return false;
  return true;
}

const lossyDecoder = new TextDecoder('utf-8');
function lossy(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes);
}
