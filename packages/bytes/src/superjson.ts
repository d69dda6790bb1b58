import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Data } from './data.js';
import { type Encoder, type Extractor, encodeJson, validateWithSchema } from './encoding.js';
import { ExtractError } from './errors.js';
import { parseJsonBytes } from './json.js';

/**
 * The superjson wire shape: the JSON-safe value plus the metadata that restores Dates, Maps, ...
 *
 * @example
 * ```ts
 * import type { SuperJSONResult } from '@momento-functions/bytes';
 * const wire: SuperJSONResult = { json: { at: '1970-01-01T00:00:00.000Z' }, meta: { values: { at: ['Date'] } } };
 * ```
 */
export interface SuperJSONResult {
  /** The JSON-safe value. */
  json: unknown;
  /** Type annotations; absent when nothing needs restoring. */
  meta?: unknown;
}

/**
 * The part of a superjson instance this package uses: the `superjson` default export or any
 * `new SuperJSON()` (with your registered custom types).
 *
 * @example
 * ```ts
 * import SuperJSON from 'superjson';
 * import type { SuperJSONLike } from '@momento-functions/bytes';
 * const instance: SuperJSONLike = SuperJSON;
 * ```
 */
export interface SuperJSONLike {
  /** Turns a value into its JSON-safe form plus metadata. */
  serialize(value: never): SuperJSONResult;
  /** Restores a value from its JSON-safe form plus metadata. */
  deserialize(payload: never): unknown;
}

/**
 * A superjson codec (made by {@link superjson}): bodies are superjson's `{"json":…,"meta":…}` documents, so `Date`, `Map`, `Set`,
 * `BigInt`, `undefined`, `RegExp`, ... survive the trip. Opt-in: plain JSON stays the default wire
 * format (what the Rust crate and most clients speak); use this only when both sides use superjson.
 *
 * @example
 * ```ts
 * import SuperJSON from 'superjson';
 * import { superjson, type SuperJSONCodec } from '@momento-functions/bytes';
 * const codec: SuperJSONCodec = superjson(SuperJSON);
 * const body = codec.encoder.encode(new Map([['a', 1]]));
 * ```
 */
export interface SuperJSONCodec {
  /** Extracts a superjson document into a value (type `T` trusted, not checked). */
  extractor<T = unknown>(): Extractor<T>;
  /** Extracts a superjson document and validates the restored value with a Standard Schema. */
  schema<S extends StandardSchemaV1>(schema: S): Extractor<StandardSchemaV1.InferOutput<S>>;
  /** Encodes any value superjson supports as a compact superjson document. */
  readonly encoder: Encoder<unknown>;
}

/**
 * Makes a superjson codec from your superjson instance (this package never imports or bundles
 * superjson itself).
 *
 * @param instance - `SuperJSON` (the default export) or your own `new SuperJSON()`.
 * @example
 * ```ts
 * import SuperJSON from 'superjson';
 * import { superjson } from '@momento-functions/bytes';
 * const codec = superjson(SuperJSON);
 * const data = codec.encoder.encode({ at: new Date(0), tags: new Set(['a']) });
 * const back = codec.extractor<{ at: Date; tags: Set<string> }>().extract(data);
 * back.at instanceof Date; // true
 * ```
 */
export function superjson(instance: SuperJSONLike): SuperJSONCodec {
  if (typeof instance?.serialize !== 'function' || typeof instance?.deserialize !== 'function') {
    throw new TypeError(
      'superjson(instance) expects a superjson instance with serialize() and deserialize(): pass the default export of "superjson" or a new SuperJSON()',
    );
  }
  const serialize = instance.serialize.bind(instance) as (value: unknown) => SuperJSONResult;
  const deserialize = instance.deserialize.bind(instance) as (payload: SuperJSONResult) => unknown;

  const read = (data: Data): { value: unknown; bytes: Uint8Array } => {
    const bytes = data.bytes();
    const parsed = parseJsonBytes(bytes);
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      !Object.hasOwn(parsed, 'json')
    ) {
      throw new ExtractError(
        'expected a superjson document {"json": …, "meta": …}; the body is plain JSON or something else (was it sent with superjson.stringify?)',
        { kind: 'superjson' },
      );
    }
    try {
      return { value: deserialize(parsed as SuperJSONResult), bytes };
    } catch (cause) {
      throw new ExtractError(
        `superjson could not restore the value: ${cause instanceof Error ? cause.message : String(cause)}`,
        { kind: 'superjson', cause },
      );
    }
  };

  return {
    extractor<T = unknown>(): Extractor<T> {
      return { extract: (data) => read(data).value as T };
    },
    schema<S extends StandardSchemaV1>(schema: S): Extractor<StandardSchemaV1.InferOutput<S>> {
      // Positions in the superjson document would point into {"json": ...}; name fields only.
      return { extract: (data) => validateWithSchema(schema, read(data).value) };
    },
    encoder: { encode: (value) => encodeJson(serialize(value)) },
  };
}
