/**
 * `@momento-functions/http`: outbound HTTP from a Momento Function through the host's connection
 * pool (`momento:http/http@1.0.0`), and a server-sent-events client over a response body.
 *
 * @example
 * ```ts
 * import { Request, invoke, SseStream } from '@momento-functions/http';
 * const upstream = invoke(new Request('https://example.com/events', 'GET'));
 * for (const event of SseStream.fromData(upstream.body)) console.log(event.data);
 * ```
 * @packageDocumentation
 */

export { Data, type DataInput, ExtractError, rustDebugString } from '@momento-functions/bytes';
export {
  HttpError,
  type HttpErrorDetail,
  type HttpErrorKind,
  type WitHttpError,
} from './errors.js';
export { invoke, type Response } from './invoke.js';
export {
  Authorization,
  type AwsSigV4Secret,
  type IamRole,
  Request,
  type WitAuthorization,
  type WitHttpRequest,
} from './request.js';
export { SseEvent, SseProtocolError, SseStream, type SseStreamOptions } from './sse.js';
export { type SseMessage, WhatwgSseStream } from './sse-whatwg.js';
