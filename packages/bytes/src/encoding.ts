import type { StandardSchemaV1 } from '@standard-schema/spec';
import { Data, type DataInput } from './data.js';
import { EncodeError, ExtractError, type SchemaIssue, type SourcePosition } from './errors.js';
import { locatePath, parseJsonBytes } from './json.js';
import { isArrayBuffer, isMap, isSet, typedArrayName } from './realm.js';
import { encodeUtf8 } from './utf8.js';

/**
 * Turns a request body / spawn payload into the value a handler takes. `extract` throws an
 * {@link ExtractError}; the entry points answer it with `400 Failed to parse request body: …` (web) or
 * `failed-note("Failed to extract spawn payload: …")` (spawn).
 *
 * @example
 * ```ts
 * import { Data, type Extractor } from '@momento-functions/bytes';
 * const lines: Extractor<string[]> = { extract: (data) => data.text().split('\n') };
 * lines.extract(Data.from('a\nb')); // ['a', 'b']
 * ```
 */
export interface Extractor<T> {
  /** Reads `data` (consuming it) and returns the value, or throws an {@link ExtractError}. */
  extract(data: Data): T;
}

/**
 * Turns a handler's value into bytes. `encode` throws an {@link EncodeError}; the web entry point
 * answers it with `500 Failed to encode response: …`.
 *
 * @example
 * ```ts
 * import { Data, type Encoder } from '@momento-functions/bytes';
 * const csv: Encoder<string[][]> = { encode: (rows) => Data.from(rows.map((r) => r.join(',')).join('\n')) };
 * csv.encode([['a', 'b']]).text(); // 'a,b'
 * ```
 */
export interface Encoder<T> {
  /** Encodes `value`, or throws an {@link EncodeError}. */
  encode(value: T): Data;
}

function extractor<T>(fn: (data: Data) => T): Extractor<T> {
  return { extract: fn };
}

/**
 * Formats a Standard Schema path as `items[0].name` (`<root>` for the value itself), as schema
 * error messages do.
 *
 * @example
 * ```ts
 * import { formatPath } from '@momento-functions/bytes';
 * formatPath(['items', 0, 'name']); // 'items[0].name'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '<root>';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(typeof key === 'symbol' ? key.description : key);
      out += /^[A-Za-z_$][\w$]*$/.test(name) ? (out === '' ? name : `.${name}`) : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}

function normalizePath(path: StandardSchemaV1.Issue['path']): PropertyKey[] {
  return (path ?? []).map((segment) =>
    typeof segment === 'object' && segment !== null ? (segment as StandardSchemaV1.PathSegment).key : segment,
  );
}

/** Is the value at `path` absent from its parent object (a missing field)? */
function isMissing(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) return false;
  return !Object.hasOwn(parent, path[path.length - 1]!);
}

function at(position: SourcePosition | undefined): string {
  return position === undefined ? '' : ` at line ${position.line} column ${position.column}`;
}

/**
 * Validates `value` with a Standard Schema, synchronously. Issues become one {@link ExtractError}
 * (kind `'schema'`) naming each failing field; `bytes` (the JSON source) is used to add serde-like
 * positions.
 * @internal
 */
export function validateWithSchema<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  bytes?: Uint8Array,
): StandardSchemaV1.InferOutput<S> {
  const standard = schema?.['~standard'];
  if (typeof standard?.validate !== 'function') {
    throw new TypeError(
      'extract.schema(schema) expects a Standard Schema (zod ≥ 3.24, valibot ≥ 1, arktype ≥ 2, ...): the value has no ["~standard"].validate function',
    );
  }
  const result = standard.validate(value);
  if (typeof (result as PromiseLike<unknown>)?.then === 'function') {
    // Avoid an unhandled rejection from the abandoned promise.
    (result as Promise<unknown>).then(undefined, () => undefined);
    throw new ExtractError(
      `the ${standard.vendor} schema validated asynchronously (an async refine/transform?); handlers are synchronous, so use a schema whose checks are all synchronous`,
      { kind: 'schema' },
    );
  }
  const outcome = result as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>;
  if (!outcome.issues) return outcome.value;
  const issues: SchemaIssue[] = outcome.issues.map((issue) => ({
    path: normalizePath(issue.path),
    message: issue.message,
  }));
  const described = issues.map(({ path, message }) => {
    const position = bytes ? locatePath(bytes, path) : undefined;
    let reason: string;
    if (isMissing(value, path)) reason = `missing field \`${String(path[path.length - 1]!.toString())}\``;
    else if (path.length === 0) reason = message;
    else reason = `invalid value at \`${formatPath(path)}\`: ${message}`;
    return { reason, position, text: `${reason}${at(position)}` };
  });
  const first = described[0];
  const message = first
    ? described.map((d) => d.text).join('; ')
    : `the ${standard.vendor} schema rejected the value without naming an issue`;
  throw new ExtractError(message, {
    kind: 'schema',
    reason: first?.reason ?? message,
    issues,
    position: first?.position,
  });
}

/**
 * The built-in extractors, mirroring the Rust crate's `Extract` impls.
 *
 * | extractor | gives | fails with |
 * |---|---|---|
 * | `extract.data` | the `Data` itself, unread (a host body stays on the host) | never |
 * | `extract.bytes` | all bytes | never |
 * | `extract.text` | strict UTF-8 text | `invalid utf-8 sequence of 1 bytes from index 0` |
 * | `extract.json<T>()` | parsed JSON (type not checked) | `expected value at line 1 column 1` |
 * | `extract.schema(s)` | JSON validated by a Standard Schema (zod, valibot, ...) | `missing field \`name\` at line 1 column 2` |
 * | `extract.empty` | `undefined`; the body is not read | never |
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { Data, extract } from '@momento-functions/bytes';
 * const Greeting = extract.schema(z.object({ name: z.string() }));
 * Greeting.extract(Data.from('{"name":"kvc"}')); // { name: 'kvc' }
 * extract.text.extract(Data.from('hi')); // 'hi'
 * ```
 */
export const extract: {
  /** The `Data` itself, unread. */
  readonly data: Extractor<Data>;
  /** All bytes, read into guest memory. */
  readonly bytes: Extractor<Uint8Array>;
  /** Strict UTF-8 text. */
  readonly text: Extractor<string>;
  /** Nothing: the body is ignored and never read. */
  readonly empty: Extractor<undefined>;
  /** Parsed JSON; `T` is trusted, not checked. */
  json<T = unknown>(): Extractor<T>;
  /** JSON validated (and transformed) by a Standard Schema such as a zod schema. */
  schema<S extends StandardSchemaV1>(schema: S): Extractor<StandardSchemaV1.InferOutput<S>>;
} = {
  data: extractor((data) => data),
  bytes: extractor((data) => data.bytes()),
  text: extractor((data) => data.text()),
  empty: extractor(() => undefined),
  json<T = unknown>(): Extractor<T> {
    return extractor((data) => data.json<T>());
  },
  schema<S extends StandardSchemaV1>(schema: S): Extractor<StandardSchemaV1.InferOutput<S>> {
    if (typeof schema?.['~standard']?.validate !== 'function') {
      throw new TypeError(
        'extract.schema(schema) expects a Standard Schema (zod ≥ 3.24, valibot ≥ 1, arktype ≥ 2, ...): the value has no ["~standard"].validate function',
      );
    }
    return extractor((data) => {
      const bytes = data.bytes();
      return validateWithSchema(schema, parseJsonBytes(bytes), bytes);
    });
  },
};

const describeKind = (value: unknown): string =>
  value === null
    ? 'null'
    : typeof value === 'object'
      ? ((value as object).constructor?.name ?? 'object')
      : typeof value;

/** Finds where in `value` JSON.stringify failed (a BigInt or a cycle), for the error message. */
function findUnencodable(value: unknown, path: PropertyKey[], seen: Set<object>): string | undefined {
  if (typeof value === 'bigint') {
    return `a BigInt at \`${formatPath(path)}\` cannot be encoded as JSON; convert it with String(value) or Number(value) first`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (seen.has(value)) return `the value has a cycle at \`${formatPath(path)}\`; JSON cannot encode cycles`;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return undefined;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    const found = findUnencodable(
      child,
      [...path, Array.isArray(value) || ArrayBuffer.isView(value) ? Number(key) : key],
      seen,
    );
    if (found) return found;
  }
  seen.delete(value);
  return undefined;
}

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return value; // a plain object of this realm
  // Realm-safe checks: inside a component the values may come from another realm, where
  // `instanceof Uint8Array` / `instanceof Map` say false and JSON.stringify would write `{"0":…}` / `{}`.
  if (ArrayBuffer.isView(value)) {
    const kind = typedArrayName(value);
    // BigInt64Array/BigUint64Array: left as objects, so their BigInts fail with a message below.
    if (kind !== undefined && !kind.startsWith('Big'))
      return Array.from(value as unknown as ArrayLike<number>);
    if (kind === undefined) throw new EncodeError(unencodableBytes('a DataView', key));
    return value;
  }
  if (isArrayBuffer(value)) throw new EncodeError(unencodableBytes('an ArrayBuffer', key));
  const map = isMap(value);
  if (map || isSet(value)) {
    const kind = map ? 'Map' : 'Set';
    const fix = map ? 'Object.fromEntries(map)' : '[...set]';
    throw new EncodeError(
      `a ${kind} ${where(key)} cannot be encoded as JSON (JSON.stringify would silently write {}); convert it with ${fix}, or use the superjson codec`,
    );
  }
  return value;
}

const where = (key: string): string => (key === '' ? 'as the value' : `in field \`${key}\``);

const unencodableBytes = (what: string, key: string): string =>
  `${what} ${where(key)} cannot be encoded as JSON (JSON.stringify would silently write {}); wrap it in a Uint8Array (new Uint8Array(buffer)) to write its bytes as an array of numbers`;

/**
 * Encodes a value as compact JSON, like `serde_json::to_vec` (no spaces; non-ASCII written raw;
 * `"`, `\\`, `\b \f \n \r \t` and `\u00xx` escapes; `/` not escaped). Typed arrays become arrays of
 * numbers (like Rust's `Vec<u8>`), also those of another realm (a `vm` context, a component's
 * glue); `NaN`/`Infinity` become `null` (like serde_json). Throws an {@link EncodeError} for
 * `undefined`, functions, symbols, BigInts, cycles, `Map`, `Set`, `ArrayBuffer` and `DataView`.
 *
 * @example
 * ```ts
 * encodeJson({ message: 'Hello, kvc!' }).text(); // '{"message":"Hello, kvc!"}'
 * ```
 */
export function encodeJson(value: unknown): Data {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, jsonReplacer);
  } catch (cause) {
    if (cause instanceof EncodeError) throw cause;
    const found = findUnencodable(value, [], new Set());
    const detail =
      found ?? `JSON.stringify failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    throw new EncodeError(detail, { cause });
  }
  if (text === undefined) {
    throw new EncodeError(
      `${describeKind(value)} cannot be encoded as JSON (JSON has no undefined, functions or symbols); return null, or an empty body with encode.empty`,
    );
  }
  return Data.from(encodeUtf8(text));
}

/**
 * The built-in encoders, mirroring the Rust crate's `Encode` impls.
 *
 * | encoder | writes |
 * |---|---|
 * | `encode.data` | the `Data` as is (a host buffer stays on the host) |
 * | `encode.bytes` | the bytes (`Uint8Array`, `ArrayBuffer` or any typed array) |
 * | `encode.text` | UTF-8 text |
 * | `encode.json` | compact JSON ({@link encodeJson}) |
 * | `encode.empty` | nothing |
 *
 * @example
 * ```ts
 * import { encode } from '@momento-functions/bytes';
 * encode.json.encode({ ok: true }).text(); // '{"ok":true}'
 * encode.text.encode('pong').bytes().length; // 4
 * ```
 */
export const encode: {
  /** Passes a `Data` through unchanged (a host buffer stays unread). */
  readonly data: Encoder<Data>;
  /** Sends the bytes of a typed array or `ArrayBuffer` as they are, viewed rather than copied. */
  readonly bytes: Encoder<Uint8Array | ArrayBuffer | ArrayBufferView>;
  /** Encodes a string as UTF-8 text. */
  readonly text: Encoder<string>;
  /** Encodes a value as compact JSON ({@link encodeJson}), refusing `BigInt`s and cycles with an {@link EncodeError}. */
  readonly json: Encoder<unknown>;
  /** An empty body, whatever the value. */
  readonly empty: Encoder<unknown>;
} = {
  data: { encode: (value) => value },
  bytes: { encode: (value) => Data.from(value as DataInput) },
  text: { encode: (value) => Data.from(String(value)) },
  json: { encode: encodeJson },
  empty: { encode: () => Data.empty() },
};
