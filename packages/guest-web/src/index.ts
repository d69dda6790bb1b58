/**
 * Write Momento web functions in TypeScript.
 *
 * @example
 * ```ts
 * import { web } from '@momento-functions/guest-web';
 * export default web(() => 'pong');
 * ```
 * @packageDocumentation
 */
export {
  env,
  environment,
  environmentVariables,
  NOT_FOUND,
  type QueryParameter,
  WebEnvironment,
} from './environment.js';
export { describeError, INVOCATION_ERROR_PREFIX, WebError, type WebResult } from './error.js';
export type { Header, HeadersInput } from './headers.js';
export { JsonBody, json, WebResponse, type WebResponseInit } from './response.js';
export { sleep } from './sleep.js';
export {
  type RawSink,
  rawStream,
  SseEvent,
  SseEventBuilder,
  type SseSink,
  StreamError,
  type StreamErrorReason,
  type StreamOperation,
  sse,
  sseWithHeaders,
} from './stream.js';
export {
  BYTES_CONTENT_TYPE,
  type HandlerMustBeSynchronous,
  JSON_CONTENT_TYPE,
  type SyncReturn,
  TEXT_CONTENT_TYPE,
  type WebFunction,
  type WebHandler,
  type WebReturn,
  type WitResponse,
  web,
} from './web.js';
