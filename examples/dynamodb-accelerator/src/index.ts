/**
 * DynamoDB accelerator (TypeScript port of the Rust `dynamodb-accelerator` example).
 *
 * Sits in front of DynamoDB: the AWS SDK signs its request for `dynamodb.<region>.amazonaws.com`,
 * then the caller points the request at this Function and puts the original URL in the `x-uri`
 * header (added after signing). `GetItem` answers are cached for 60 s under a canonical key
 * (`{"TableName":…,"Key":…}` with the key's objects sorted), every other call is passed through.
 * The host sets `Host` from the URL, so the forwarded signature stays valid.
 */
import {
  Data,
  ExtractError,
  encodeJson,
  extract,
  rustDebugString,
  type StandardSchemaV1,
} from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import {
  environment,
  INVOCATION_ERROR_PREFIX,
  WebError,
  WebResponse,
  web,
} from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import {
  debugSerdeValue,
  parseSerdeValue,
  type SerdeValue,
  serdeString,
  serializeSerdeValue,
} from './serde-value.js';

const log = logger('example_dynamodb_accelerator');

/** What is cached: the upstream answer, as the Rust example's `CachedResponse` serializes it. */
interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array | number[];
}

export default web((body: Data) => {
  try {
    configureLogging([LogDestination.topic(environment().functionName)]);
  } catch (e) {
    throw failure(e);
  }
  const headers = environment().headers;
  const bodyBytes = body.bytes();

  const action = requireHeader('X-Amz-Target', headers);
  const proxyUri = requireHeader('x-uri', headers);

  const answer =
    action === 'DynamoDB_20120810.GetItem'
      ? handleGetItem(bodyBytes, headers, proxyUri)
      : handlePassthrough(action, bodyBytes, headers, proxyUri);
  // Status, upstream headers in upstream order, body bytes: nothing added.
  return new WebResponse({
    status: answer.status,
    headers: answer.headers,
    body: Uint8Array.from(answer.body),
  });
});

/** The fields of a GetItem call that make up the cache key (others, like ConsistentRead, are ignored). */
const getItemRequest: StandardSchemaV1<unknown, { TableName: string; Key: unknown }> = {
  '~standard': {
    version: 1,
    vendor: 'dynamodb-accelerator',
    validate(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { issues: [{ message: 'invalid type: expected struct GetItemRequest' }] };
      }
      const record = value as Record<string, unknown>;
      if (!Object.hasOwn(record, 'TableName'))
        return { issues: [{ message: 'missing', path: ['TableName'] }] };
      if (typeof record.TableName !== 'string')
        return { issues: [{ message: 'invalid type: expected a string', path: ['TableName'] }] };
      if (!Object.hasOwn(record, 'Key')) return { issues: [{ message: 'missing', path: ['Key'] }] };
      return { value: { TableName: record.TableName, Key: record.Key } };
    },
  },
};

function handleGetItem(
  body: Uint8Array,
  headers: ReadonlyMap<string, string>,
  proxyUri: string,
): CachedResponse {
  let tableName: string;
  let key: SerdeValue;
  try {
    const request = extract.schema(getItemRequest).extract(Data.from(body));
    tableName = request.TableName;
    key = keyOf(body);
  } catch (e) {
    throw failure(e);
  }
  log.info(
    `GetItem GetItemRequest { table_name: ${rustDebugString(tableName)}, key: ${debugSerdeValue(key)} }`,
  );
  const cacheKey = `{"TableName":${serdeString(tableName)},"Key":${serializeSerdeValue(key)}}`;

  let hit: CachedResponse | undefined;
  try {
    hit = cache.get(cacheKey, extract.schema(cachedResponse));
  } catch (e) {
    throw failure(e);
  }
  if (hit !== undefined) {
    log.info(`Cache hit for ${cacheKey}`);
    return hit;
  }

  log.info(`Cache miss for ${cacheKey} -> ${proxyUri}`);
  const response = forward(proxyUri, headers, body);
  try {
    // Any status is cached, errors included (like the Rust example).
    // `body` as a plain array of numbers: serde's `Vec<u8>` is a JSON array.
    cache.set(
      cacheKey,
      encodeJson({ status: response.status, headers: response.headers, body: Array.from(response.body) }),
      60_000,
    );
  } catch (e) {
    throw failure(e);
  }
  return response;
}

function handlePassthrough(
  action: string,
  body: Uint8Array,
  headers: ReadonlyMap<string, string>,
  proxyUri: string,
): CachedResponse {
  log.info(`other action: ${action} -> ${proxyUri}`);
  return forward(proxyUri, headers, body);
}

function forward(proxyUri: string, headers: ReadonlyMap<string, string>, body: Uint8Array): CachedResponse {
  const request = new Request(proxyUri, 'POST').withBody(body);
  for (const [name, value] of headers) request.withHeader(name, value);
  try {
    const response = invoke(request);
    return {
      status: response.status,
      headers: response.headers.map(([n, v]) => [n, v]),
      body: response.body.bytes(),
    };
  } catch (e) {
    throw failure(e);
  }
}

function requireHeader(header: string, headers: ReadonlyMap<string, string>): string {
  const wanted = header.toLowerCase();
  for (const [name, value] of headers) if (name.toLowerCase() === wanted) return value;
  log.error(`Missing ${header} header`);
  throw WebError.message(`Missing ${header} header`);
}

/** The Key value of an already validated GetItem body, with serde_json `Value` semantics. */
function keyOf(body: Uint8Array): SerdeValue {
  const parsed = parseSerdeValue(new TextDecoder().decode(body));
  const key = parsed.kind === 'object' ? parsed.entries.get('Key') : undefined;
  if (key === undefined)
    throw new ExtractError('missing field `Key`', { kind: 'schema', reason: 'missing field `Key`' });
  return key;
}

/** A stored answer must have exactly the Rust `CachedResponse` shape. */
const cachedResponse: StandardSchemaV1<unknown, CachedResponse> = {
  '~standard': {
    version: 1,
    vendor: 'dynamodb-accelerator',
    validate(value) {
      const v = value as Partial<CachedResponse> | null;
      const isByte = (b: unknown) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255;
      if (typeof v !== 'object' || v === null)
        return { issues: [{ message: 'invalid type: expected struct CachedResponse' }] };
      if (!(Number.isInteger(v.status) && (v.status as number) >= 0 && (v.status as number) <= 65535)) {
        return { issues: [{ message: 'expected u16', path: ['status'] }] };
      }
      if (
        !Array.isArray(v.headers) ||
        !v.headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((s) => typeof s === 'string'))
      ) {
        return { issues: [{ message: 'expected a sequence of (String, String)', path: ['headers'] }] };
      }
      if (!Array.isArray(v.body) || !v.body.every(isByte))
        return { issues: [{ message: 'expected a sequence of u8', path: ['body'] }] };
      return {
        value: {
          status: v.status as number,
          headers: v.headers as [string, string][],
          body: v.body as number[],
        },
      };
    },
  },
};

/** Like the Rust `?` into `WebError`: 500, no headers, `An error occurred during function invocation: <Debug>`. */
function failure(e: unknown): WebError {
  if (e instanceof WebError) return e;
  return WebError.message(INVOCATION_ERROR_PREFIX + debugOf(e));
}

function debugOf(e: unknown): string {
  const debug = (e as { debug?: unknown } | null)?.debug;
  if (typeof debug === 'string') return debug;
  if (e instanceof ExtractError) {
    // serde_json::Error's Debug.
    const { line, column } = e.position ?? { line: 0, column: 0 };
    return `Error(${rustDebugString(e.reason)}, line: ${line}, column: ${column})`;
  }
  return e instanceof Error ? `${e.name}(${rustDebugString(e.message)})` : String(e);
}
