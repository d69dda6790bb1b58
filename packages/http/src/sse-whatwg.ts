import { Data, type DataInput } from '@momento-functions/bytes';
import { utf8Lossy } from './utf8.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * A message dispatched by the HTML standard's event-stream rules (what a browser's `EventSource`
 * would fire).
 *
 * @example
 * ```ts
 * import { SseStream, type SseMessage } from '@momento-functions/http';
 * const [message]: SseMessage[] = [...SseStream.fromData('data: hi\r\n\r\n', { mode: 'whatwg' })];
 * message?.type; // 'message'
 * ```
 */
export interface SseMessage {
  /** The `event:` field, or `'message'` when the event had none. */
  readonly type: string;
  /** The `data:` lines joined with `\n` (an event with no `data:` line is not dispatched). */
  readonly data: string;
  /** The last `id:` seen so far in the stream (carried over from earlier events), or `''`. */
  readonly lastEventId: string;
}

/**
 * Reads server-sent events the way the HTML standard's "interpreting an event stream" does, for
 * upstreams that rely on it (the crate-exact {@link SseStream} is the default):
 *
 * - lines end at CRLF, LF or CR (a CRLF split across two reads counts once); a leading BOM is
 *   skipped; bytes are decoded as UTF-8 with U+FFFD for invalid sequences;
 * - a blank line dispatches the event only when it has data; comment-only blocks and extra blank
 *   lines are not events;
 * - a repeated `event:` or `id:` line replaces the earlier one (no error);
 * - `id:` carries over to later events as `lastEventId` (an id containing NUL is ignored; `id:`
 *   with no value resets it);
 * - `retry:` with only ASCII digits sets {@link WhatwgSseStream.retry};
 * - an unterminated event at the end of the body is discarded.
 *
 * The body is read with `Data.read()` (at least 16 KiB per host read).
 *
 * @example
 * ```ts
 * import { Request, invoke, SseStream } from '@momento-functions/http';
 * const upstream = invoke(new Request('https://example.com/events', 'GET').withHeader('accept', 'text/event-stream'));
 * for (const message of SseStream.fromData(upstream.body, { mode: 'whatwg' })) {
 *   console.log(message.type, message.lastEventId, message.data);
 * }
 * ```
 */
export class WhatwgSseStream implements IterableIterator<SseMessage> {
  readonly #data: Data;
  #buf = new Uint8Array(0);
  #pos = 0;
  #atStart = true;
  #skipLf = false;
  #ended = false;
  #dataBuffer = '';
  #eventType = '';
  #lastEventIdBuffer = '';
  #lastEventId = '';
  #retry: number | undefined;

  private constructor(data: Data) {
    this.#data = data;
  }

  /**
   * Starts reading messages from `data` (anything `Data` accepts).
   *
   * @example
   * ```ts
   * const types = [...WhatwgSseStream.fromData('event: a\ndata: 1\n\ndata: 2\r\r')].map((m) => m.type); // ['a', 'message']
   * ```
   */
  static fromData(data: DataInput): WhatwgSseStream {
    return new WhatwgSseStream(Data.from(data));
  }

  /**
   * The stream's last event id so far (the standard's "last event ID string").
   *
   * @example
   * ```ts
   * const stream = WhatwgSseStream.fromData('id: 9\ndata: x\n\n');
   * [...stream];
   * stream.lastEventId; // '9'
   * ```
   */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /**
   * The reconnection time in milliseconds the stream asked for with `retry:`, if any.
   *
   * @example
   * ```ts
   * const stream = WhatwgSseStream.fromData('retry: 3000\n\n');
   * [...stream];
   * stream.retry; // 3000
   * ```
   */
  get retry(): number | undefined {
    return this.#retry;
  }

  /**
   * The next message, or `{ done: true }` once the body has ended.
   *
   * @example
   * ```ts
   * WhatwgSseStream.fromData('data: x\n\n').next().value?.data; // 'x'
   * ```
   */
  next(): IteratorResult<SseMessage, undefined> {
    for (;;) {
      const line = this.#nextLine();
      if (line === undefined) return { done: true, value: undefined };
      const message = this.#processLine(line);
      if (message !== undefined) return { done: false, value: message };
    }
  }

  /**
   * The stream itself (it is its own iterator), so `for … of` works.
   *
   * @example
   * ```ts
   * for (const message of WhatwgSseStream.fromData('data: x\n\n')) console.log(message.data);
   * ```
   */
  [Symbol.iterator](): this {
    return this;
  }

  /** The next complete line (terminator removed), or `undefined` at the end of the body. */
  #nextLine(): string | undefined {
    for (;;) {
      if (this.#atStart) {
        while (this.#buf.length - this.#pos < 3 && !this.#ended) this.#fill();
        this.#atStart = false;
        const b = this.#buf;
        const p = this.#pos;
        if (b[p] === 0xef && b[p + 1] === 0xbb && b[p + 2] === 0xbf) this.#pos += 3;
      }
      if (this.#skipLf && this.#pos < this.#buf.length) {
        if (this.#buf[this.#pos] === LF) this.#pos++;
        this.#skipLf = false;
      }
      const buf = this.#buf;
      for (let i = this.#pos; i < buf.length; i++) {
        const b = buf[i];
        if (b === LF || b === CR) {
          const line = utf8Lossy(buf.subarray(this.#pos, i));
          this.#pos = i + 1;
          if (b === CR) this.#skipLf = true;
          return line;
        }
      }
      if (this.#ended) return undefined;
      this.#fill();
    }
  }

  /** Appends the next chunk of the body; `false` (and marks the end) when there is none. */
  #fill(): boolean {
    const chunk = this.#ended ? undefined : this.#data.read();
    if (chunk === undefined || chunk.length === 0) {
      this.#ended = true;
      return false;
    }
    const rest = this.#buf.subarray(this.#pos);
    const merged = new Uint8Array(rest.length + chunk.length);
    merged.set(rest, 0);
    merged.set(chunk, rest.length);
    this.#buf = merged;
    this.#pos = 0;
    return true;
  }

  #processLine(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    } else {
      field = line;
      value = '';
    }
    switch (field) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#dataBuffer += `${value}\n`;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.#lastEventIdBuffer = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.#retry = Number.parseInt(value, 10);
        break;
      default:
        break;
    }
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    this.#lastEventId = this.#lastEventIdBuffer;
    if (this.#dataBuffer === '') {
      this.#eventType = '';
      return undefined;
    }
    let data = this.#dataBuffer;
    if (data.endsWith('\n')) data = data.slice(0, -1);
    const message: SseMessage = {
      type: this.#eventType === '' ? 'message' : this.#eventType,
      data,
      lastEventId: this.#lastEventId,
    };
    this.#dataBuffer = '';
    this.#eventType = '';
    return message;
  }
}
