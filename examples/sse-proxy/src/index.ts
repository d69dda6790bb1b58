/**
 * Server-sent-events proxy (TypeScript port of the Rust `sse-proxy` example).
 *
 * Opens the upstream SSE stream named by the `UPSTREAM_SSE_URL` setting with the caller's method,
 * headers and body, then relays every upstream event as it arrives. The caller's headers go
 * upstream untouched except `x-momento-authorization` (Momento's own credential) and
 * `accept-encoding` (the host does not decompress, so the upstream must send plain text).
 *
 * ```bash
 * curl -N "$MOMENTO_FUNCTIONS_URL/functions/$CACHE/sse-proxy" -H "x-momento-authorization: $MOMENTO_API_KEY"
 * ```
 */
import type { Data } from '@momento-functions/bytes';
import {
  env,
  environment,
  INVOCATION_ERROR_PREFIX,
  type SseSink,
  sseWithHeaders,
  WebError,
  web,
} from '@momento-functions/guest-web';
import {
  HttpError,
  invoke,
  Request,
  type Response,
  type SseEvent,
  SseProtocolError,
  SseStream,
} from '@momento-functions/http';

/** Names (ASCII case-insensitive) never forwarded to the upstream. */
const NOT_FORWARDED = new Set(['x-momento-authorization', 'accept-encoding']);

export default web((requestBody: Data) => {
  const upstreamUrl = env('UPSTREAM_SSE_URL');
  if (upstreamUrl === undefined) throw WebError.message('UPSTREAM_SSE_URL is not configured');

  const request = environment();
  const forwarded = [...request.headers].filter(([name]) => !NOT_FORWARDED.has(name.toLowerCase()));

  let upstream: Response;
  try {
    // The body is passed through as is: a host buffer goes upstream without entering the function.
    upstream = invoke(new Request(upstreamUrl, request.method).withHeaders(forwarded).withBody(requestBody));
  } catch (e) {
    // Like the Rust `?`: 500 with the error's Debug text, e.g. RequestError("…").
    if (e instanceof HttpError) throw WebError.message(INVOCATION_ERROR_PREFIX + e.debug);
    throw e;
  }

  // Fail before committing to an SSE response, so the caller gets a plain HTTP error.
  if (upstream.status < 200 || upstream.status > 299) {
    throw WebError.message(`upstream returned ${upstream.status} before streaming could begin`);
  }

  let response: SseSink;
  try {
    response = sseWithHeaders(upstream.status, upstream.headers);
  } catch (e) {
    throw WebError.message(e instanceof Error ? e.message : String(e));
  }

  // Relay each upstream event as it arrives (each next() waits on the host for more of the body).
  const events = SseStream.fromData(upstream.body);
  for (;;) {
    let step: IteratorResult<SseEvent>;
    try {
      step = events.next();
    } catch (e) {
      if (e instanceof SseProtocolError) throw WebError.message(`upstream SSE error: ${e.message}`);
      throw e;
    }
    if (step.done) break;
    const event = step.value;
    try {
      // Data is always sent (empty when the upstream block had none), as the Rust example does.
      response.send({ event: event.event, id: event.id, data: event.dataRaw ?? new Uint8Array(0) });
    } catch (e) {
      throw WebError.message(`failed to relay SSE event: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return undefined; // 204: the host closes the stream cleanly
});
