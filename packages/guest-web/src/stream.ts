import { sendData, sendResponseStart, sendSse } from 'momento:web-function/web-function-stream@1.0.0';
import { Data, type DataInput } from '@momento-functions/bytes';
import { checkedStatus, type HeadersInput, toHeaderList } from './headers.js';

/**
 * Which host function refused a streaming call.
 *
 * @example
 * ```ts
 * import type { StreamOperation } from '@momento-functions/guest-web';
 * const op: StreamOperation = 'send-sse';
 * ```
 */
export type StreamOperation = 'send-sse' | 'send-response-start' | 'send-data';

/**
 * Why the host refused, read from the start of its message (`event or data must be provided`,
 * `bad event name: …`, `bad event id: …`, `bad data: …`); `'other'` for anything else (for
 * instance a second `send-response-start`). The host calls its texts informational, so code that
 * must not break should test `reason`, and show `message`.
 *
 * @example
 * ```ts
 * import type { StreamErrorReason } from '@momento-functions/guest-web';
 * const reason: StreamErrorReason = 'bad-data';
 * ```
 */
export type StreamErrorReason =
  | 'missing-event-or-data'
  | 'bad-event-name'
  | 'bad-event-id'
  | 'bad-data'
  | 'other';

/**
 * The host refused a streaming call. `message` is the host's string exactly (the crate's
 * `Err(String)`); `operation` says which call, `reason` classifies it.
 *
 * Not caught, it becomes a 500 response like any other error; after an SSE stream has started,
 * the host then sends a final `http-error` event.
 *
 * @example
 * ```ts
 * import { web, sse, StreamError, WebError } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const events = sse();
 *   try {
 *     events.send({ event: 'tick', data: '1' });
 *   } catch (e) {
 *     if (e instanceof StreamError) throw WebError.message(`failed to relay SSE event: ${e.message}`);
 *     throw e;
 *   }
 * });
 * ```
 */
export class StreamError extends Error {
  /** The host function that returned the error: `send-sse`, `send-response-start` or `send-data`. */
  readonly operation: StreamOperation;
  /** The rule that was broken, read from the host's text; `'other'` when the text names none. */
  readonly reason: StreamErrorReason;

  /**
   * Makes the error a streaming call throws when the host refuses; `reason` is derived from
   * `message`.
   *
   * @param operation - the host function that failed.
   * @param message - the host's error string.
   * @example
   * ```ts
   * import { StreamError } from '@momento-functions/guest-web';
   * const e = new StreamError('send-sse', 'bad data: invalid utf-8');
   * e.reason; // 'bad-data'
   * ```
   */
  constructor(operation: StreamOperation, message: string) {
    super(message);
    this.name = 'StreamError';
    this.operation = operation;
    this.reason = classify(message);
  }
}

function classify(message: string): StreamErrorReason {
  if (message.startsWith('event or data must be provided')) return 'missing-event-or-data';
  if (message.startsWith('bad event name')) return 'bad-event-name';
  if (message.startsWith('bad event id')) return 'bad-event-id';
  if (message.startsWith('bad data')) return 'bad-data';
  return 'other';
}

/** Runs a host call whose WIT result is `result<_, string>`; componentize-js throws `{ payload }` on err. */
function hostCall(operation: StreamOperation, call: () => void): void {
  try {
    call();
  } catch (error) {
    const payload = (error as { payload?: unknown } | null)?.payload;
    if (typeof payload === 'string') throw new StreamError(operation, payload);
    throw error;
  }
}

/**
 * One server-sent event. At least one of `event` and `data` must be given.
 *
 * Rules the host enforces (the WIT of `web-function-stream`; this package passes values through unchecked, and
 * the host's refusal arrives as a {@link StreamError}):
 * - `event` and `id`: at most 512 bytes, no CR, LF or NUL;
 * - `data`: valid UTF-8, at most 1 MiB per event; CR, LF and CRLF inside it split it into
 *   several `data:` lines of the same event; `''` sends a bare `data:` line; no `data` sends no
 *   `data:` line (a heartbeat with only an `event`).
 *
 * @example
 * ```ts
 * import type { SseEvent } from '@momento-functions/guest-web';
 * const event: SseEvent = { event: 'update', id: '42', data: JSON.stringify({ n: 1 }) };
 * ```
 */
export interface SseEvent {
  /** The `event:` field: the event's type, which a browser's `EventSource` dispatches on (at most 512 bytes). */
  readonly event?: string | undefined;
  /** The `id:` field: the event's id, which a reconnecting client sends back as `Last-Event-ID` (at most 512 bytes). */
  readonly id?: string | undefined;
  /** The `data:` payload: text, bytes, or a `Data` (a host buffer is passed through). */
  readonly data?: DataInput | undefined;
}

function checkedField(value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`the SSE ${what} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/**
 * An {@link SseEvent} built step by step, as with the crate's `SseEvent` builders: start with
 * {@link SseEvent.fromEvent}, {@link SseEvent.fromEventId} or {@link SseEvent.fromData}, then
 * add fields with {@link SseEventBuilder.withEvent | withEvent}, `withEventId` and `withData`
 * (each returns a new event; a field set again is replaced). Send it like any event object.
 *
 * Like the crate, the builders check nothing about the content: the host validates each event
 * when it is sent (at least one of `event` and `data`; `event` and `id` at most 512 bytes without
 * CR, LF or NUL; `data` valid UTF-8 up to 1 MiB) and refuses with a {@link StreamError}. An event
 * made only with `fromEventId` is therefore refused on send, as in Rust.
 *
 * @example
 * ```ts
 * import { web, sse, SseEvent } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const events = sse();
 *   events.send(SseEvent.fromEvent('update').withEventId('42').withData('{"n":1}'));
 *   events.send(SseEvent.fromData('done'));
 * });
 * ```
 */
export class SseEventBuilder implements SseEvent {
  /** The `event:` field (the event's type), or `undefined` when not set. */
  readonly event: string | undefined;
  /** The `id:` field (the crate's `event_id`), or `undefined` when not set. */
  readonly id: string | undefined;
  /** The `data:` payload (text, bytes or a `Data`), or `undefined` when not set. */
  readonly data: DataInput | undefined;

  /** @internal */
  constructor(event: string | undefined, id: string | undefined, data: DataInput | undefined) {
    this.event = event;
    this.id = id;
    this.data = data;
  }

  /**
   * This event with its type (`event:` field) set to `event`.
   *
   * @param event - the event type.
   * @example
   * ```ts
   * import { SseEvent } from '@momento-functions/guest-web';
   * SseEvent.fromData('1').withEvent('tick'); // { event: 'tick', data: '1' }
   * ```
   */
  withEvent(event: string): SseEventBuilder {
    return new SseEventBuilder(checkedField(event, 'event'), this.id, this.data);
  }

  /**
   * This event with its id (`id:` field) set to `id`.
   *
   * @param id - the event id.
   * @example
   * ```ts
   * import { SseEvent } from '@momento-functions/guest-web';
   * SseEvent.fromEvent('tick').withEventId('7'); // { event: 'tick', id: '7' }
   * ```
   */
  withEventId(id: string): SseEventBuilder {
    return new SseEventBuilder(this.event, checkedField(id, 'event id'), this.data);
  }

  /**
   * This event with its data set: text, bytes, or a `Data` (a host buffer is passed through when
   * the event is sent).
   *
   * @param data - the payload.
   * @example
   * ```ts
   * import { SseEvent } from '@momento-functions/guest-web';
   * SseEvent.fromEvent('tick').withData(new Uint8Array([0x31])); // data: 1
   * ```
   */
  withData(data: DataInput): SseEventBuilder {
    if (data === undefined || data === null)
      throw new TypeError('the SSE data must be text, bytes or a Data');
    return new SseEventBuilder(this.event, this.id, data);
  }
}

/**
 * The crate's `SseEvent` constructors. The value `SseEvent` holds them, the type `SseEvent`
 * is the event shape `send` takes; both spellings send the same `send-sse` call:
 * `SseEvent.fromEvent('tick').withData('1')` is `{ event: 'tick', data: '1' }`.
 *
 * @example
 * ```ts
 * import { sse, SseEvent } from '@momento-functions/guest-web';
 * const events = sse();
 * events.send(SseEvent.fromData('hello'));              // data: hello
 * events.send(SseEvent.fromEvent('ping'));              // event: ping (a heartbeat, no data)
 * events.send(SseEvent.fromEventId('9').withData('x')); // id: 9, data: x
 * ```
 */
export const SseEvent: {
  /**
   * An event with only its type set.
   * @example `SseEvent.fromEvent('ping')`
   */
  readonly fromEvent: (event: string) => SseEventBuilder;
  /**
   * An event with only its id set (add data or a type before sending).
   * @example `SseEvent.fromEventId('1').withData('x')`
   */
  readonly fromEventId: (id: string) => SseEventBuilder;
  /**
   * An event with only its data set.
   * @example `SseEvent.fromData('hello')`
   */
  readonly fromData: (data: DataInput) => SseEventBuilder;
} = Object.freeze({
  fromEvent: (event: string) => new SseEventBuilder(undefined, undefined, undefined).withEvent(event),
  fromEventId: (id: string) => new SseEventBuilder(undefined, undefined, undefined).withEventId(id),
  fromData: (data: DataInput) => new SseEventBuilder(undefined, undefined, undefined).withData(data),
});

/**
 * Sends server-sent events while the handler runs. Made by {@link sse} or {@link sseWithHeaders}.
 *
 * @example
 * ```ts
 * import { web, sse } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const events = sse();
 *   for (let i = 1; i <= 3; i++) events.send({ event: 'count', data: String(i) });
 *   // returning nothing (204, any 2xx) ends the stream cleanly
 * });
 * ```
 */
export interface SseSink {
  /**
   * Sends one event (one `send-sse` host call). Throws {@link StreamError} when the host refuses.
   * @example
   * ```ts
   * import { sse } from '@momento-functions/guest-web';
   * sse().send({ data: 'hello\nworld' }); // two data: lines, one event
   * ```
   */
  send(event: SseEvent): void;
}

/**
 * Sends raw bytes while the handler runs. Made by {@link rawStream}.
 *
 * @example
 * ```ts
 * import { web, rawStream } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const out = rawStream(200, { 'content-type': 'text/plain; charset=utf-8' });
 *   out.send('line 1\n');
 *   out.send('line 2\n');
 * });
 * ```
 */
export interface RawSink {
  /**
   * Sends bytes verbatim (one `send-data` host call). Throws {@link StreamError} when the host
   * refuses.
   * @example
   * ```ts
   * import { rawStream } from '@momento-functions/guest-web';
   * rawStream(200, []).send(new Uint8Array([1, 2, 3]));
   * ```
   */
  send(data: DataInput): void;
}

class SseStream implements SseSink {
  send(event: SseEvent): void {
    if (event === null || typeof event !== 'object') {
      throw new TypeError('SseSink.send() takes an event object such as { event: "tick", data: "1" }');
    }
    const data = event.data === undefined ? undefined : Data.from(event.data).toWit();
    hostCall('send-sse', () => sendSse(event.event, event.id, data));
  }
}

class RawStream implements RawSink {
  send(data: DataInput): void {
    const wit = Data.from(data).toWit();
    hostCall('send-data', () => sendData(wit));
  }
}

/**
 * Starts nothing yet: returns a sink whose first `send` turns this invocation into a
 * server-sent-event response. The host then commits the status (its choice, docs/decisions.md D3) and
 * `content-type: text/event-stream`, `cache-control: no-cache`, `connection: keep-alive`. Makes no host call by itself (like the crate's
 * `sse_streaming_response`).
 *
 * Once events are sent, the handler's own response only ends the stream: its headers are
 * discarded; a 2xx status closes the stream cleanly; any other status (a thrown error, say)
 * makes the host send a last event `http-error` with data `HTTP <status>: <body>`.
 *
 * @example
 * ```ts
 * import { web, sse } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const events = sse();
 *   events.send({ event: 'greeting', id: '1', data: 'hello' });
 * });
 * ```
 */
export function sse(): SseSink {
  return new SseStream();
}

/**
 * Starts the response with this status and these headers (one `send-response-start` host call),
 * then returns an SSE sink. You set the headers yourself, `content-type: text/event-stream`
 * included (like the crate's `sse_streaming_response_with_headers`). Throws
 * {@link StreamError} when the host refuses (for instance when the response has already
 * started).
 *
 * @param status - status code (0–65535).
 * @param headers - response headers, in order.
 * @example
 * ```ts
 * import { web, sseWithHeaders } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const events = sseWithHeaders(200, [
 *     ['content-type', 'text/event-stream'],
 *     ['x-stream', 'demo'],
 *   ]);
 *   events.send({ data: 'hi' });
 * });
 * ```
 */
export function sseWithHeaders(status: number, headers: HeadersInput): SseSink {
  const list = toHeaderList(headers);
  const code = checkedStatus(status);
  hostCall('send-response-start', () => sendResponseStart(code, list));
  return new SseStream();
}

/**
 * Starts a raw streaming response with this status and these headers (one
 * `send-response-start` host call; it may happen once, before any data) and returns a sink
 * that writes bytes verbatim. Throws {@link StreamError} when the host refuses.
 *
 * @param status - status code (0–65535).
 * @param headers - response headers, in order (nothing is added).
 * @example
 * ```ts
 * import { web, rawStream } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const out = rawStream(200, [['content-type', 'application/x-ndjson']]);
 *   for (const n of [1, 2, 3]) out.send(`${JSON.stringify({ n })}\n`);
 * });
 * ```
 */
export function rawStream(status: number, headers: HeadersInput): RawSink {
  const list = toHeaderList(headers);
  const code = checkedStatus(status);
  hostCall('send-response-start', () => sendResponseStart(code, list));
  return new RawStream();
}
