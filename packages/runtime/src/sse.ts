/**
 * Server-sent events as the platform writes them (the `web-function-stream` rules of
 * `wit/deps/web-function`): validation rules with the platform's error strings, and the wire
 * format this host chose (docs/decisions.md D3).
 */

/** Largest `event` name or `id`, in UTF-8 bytes. */
export const SSE_MAX_FIELD_BYTES = 512;
/** Largest `data` of one event, in bytes. */
export const SSE_MAX_DATA_BYTES = 1024 * 1024;
/** Largest `http-error` final event data, in bytes; longer text is truncated. */
export const SSE_MAX_ERROR_BYTES = 1024 * 1024;

/** The headers committed by the first `send-sse`. */
export const SSE_HEADERS: readonly [string, string][] = [
  ['content-type', 'text/event-stream'],
  ['cache-control', 'no-cache'],
  ['connection', 'keep-alive'],
];

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

function fieldProblem(value: string): string | undefined {
  if (value.includes('\n')) return 'must not contain a line feed (\\n)';
  if (value.includes('\r')) return 'must not contain a carriage return (\\r)';
  if (value.includes('\0')) return 'must not contain a NUL character';
  const size = encoder.encode(value).length;
  if (size > SSE_MAX_FIELD_BYTES) return `is ${size} bytes, longer than the limit of ${SSE_MAX_FIELD_BYTES}`;
  return undefined;
}

/**
 * Validates one `send-sse` call and returns its wire bytes, or the platform's error string.
 *
 * Wire format: `event: <name>\n`, then `id: <id>\n`, then one `data: <line>\n` per line of
 * data (`\r\n`, `\r` and `\n` all split), then a blank line.
 *
 * @example
 * formatSseEvent('tick', undefined, new TextEncoder().encode('a\nb'));
 * // { ok: true, bytes: 'event: tick\ndata: a\ndata: b\n\n' (UTF-8) }
 */
export function formatSseEvent(
  event: string | undefined,
  id: string | undefined,
  data: Uint8Array | undefined,
):
  | {
      /** `true`: the event is valid and `bytes` holds it. */
      ok: true;
      /** The event as written on the wire (UTF-8), ending with its blank line. */
      bytes: Uint8Array;
    }
  | {
      /** `false`: the event breaks a rule and `error` says which. */
      ok: false;
      /** The platform's error string, e.g. `event or data must be provided` or `bad event name: …`. */
      error: string;
    } {
  if (event === undefined && data === undefined)
    return { ok: false, error: 'event or data must be provided' };
  let text = '';
  if (event !== undefined) {
    const problem = fieldProblem(event);
    if (problem) return { ok: false, error: `bad event name: ${problem}` };
    text += `event: ${event}\n`;
  }
  if (id !== undefined) {
    const problem = fieldProblem(id);
    if (problem) return { ok: false, error: `bad event id: ${problem}` };
    text += `id: ${id}\n`;
  }
  if (data !== undefined) {
    if (data.length > SSE_MAX_DATA_BYTES) {
      return {
        ok: false,
        error: `bad data: ${data.length} bytes is longer than the limit of ${SSE_MAX_DATA_BYTES}`,
      };
    }
    let decoded: string;
    try {
      decoded = strictDecoder.decode(data);
    } catch {
      return { ok: false, error: 'bad data: not valid UTF-8' };
    }
    text += dataLines(decoded);
  }
  return { ok: true, bytes: encoder.encode(`${text}\n`) };
}

function dataLines(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
}

/**
 * The final `http-error` event written when an SSE function returns a non-2xx status:
 * data `HTTP <status>: <body as UTF-8, invalid bytes replaced>`, truncated to 1 MiB.
 *
 * @example
 * httpErrorEvent(500, new TextEncoder().encode('boom')); // 'event: http-error\ndata: HTTP 500: boom\n\n'
 */
export function httpErrorEvent(status: number, body: Uint8Array): Uint8Array {
  let message = `HTTP ${status}: ${lossyDecoder.decode(body)}`;
  let bytes = encoder.encode(message);
  if (bytes.length > SSE_MAX_ERROR_BYTES) {
    // Cut on a character boundary: decode the first 1 MiB leniently and drop a trailing partial char.
    message = lossyDecoder.decode(bytes.subarray(0, SSE_MAX_ERROR_BYTES)).replace(/\uFFFD$/, '');
    bytes = encoder.encode(message);
  }
  return encoder.encode(`event: http-error\n${dataLines(message)}\n`);
}
