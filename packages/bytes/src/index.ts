/**
 * `@momento-functions/bytes`: request bodies, payloads and responses as {@link Data}, plus the
 * encodings handlers use (bytes, text, JSON, schema-validated JSON, opt-in superjson).
 *
 * @packageDocumentation
 */

export type { StandardSchemaV1 } from '@standard-schema/spec';
export { Data, type DataInput, type HostBuffer, MIN_HOST_READ, type WitData } from './data.js';
export { rustDebugString } from './debug.js';
export { type Encoder, type Extractor, encode, encodeJson, extract, formatPath } from './encoding.js';
export {
  EncodeError,
  ExtractError,
  type ExtractErrorKind,
  type ExtractErrorOptions,
  type SchemaIssue,
  type SourcePosition,
} from './errors.js';
export { parseJson } from './parse.js';
export { isByteSource } from './realm.js';
export { type SuperJSONCodec, type SuperJSONLike, type SuperJSONResult, superjson } from './superjson.js';
