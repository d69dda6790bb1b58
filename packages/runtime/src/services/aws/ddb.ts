/**
 * `momento:aws-ddb/aws-ddb@1.0.0`: GetItem and PutItem over DynamoDB's JSON 1.0 protocol
 * (see docs/aws.md). Items cross the boundary as DynamoDB-typed JSON.
 *
 * Binary values: guests write `B`/`BS` and binary key values as base64 **without
 * padding** (the Rust crate's `STANDARD_NO_PAD`), which DynamoDB's own JSON protocol does not take.
 * The host accepts padded or unpadded base64 from the guest, sends DynamoDB padded base64, and hands
 * items back with unpadded base64, which is what the crate's decoder requires.
 */
import type { HostService, InvocationContext, ServiceData, WitResult } from '../types.js';
import { AwsClient, classify, MalformedRequest, requireClient, type WitAwsError, witCall } from './common.js';
import { type AwsTransport, jsonError } from './transport.js';

/** The versioned interface name. */
export const DDB_INTERFACE = 'momento:aws-ddb/aws-ddb@1.0.0';

type Tagged<T extends string> = { tag: T } | T;
type WitItem = { tag: 'json'; val: ServiceData };
type WitKeyValue = { tag: 's'; val: string } | { tag: 'n'; val: string } | { tag: 'b'; val: string };
interface WitConditional {
  expression: string;
  expressionAttributeNames: [string, string][] | undefined;
  expressionAttributeValues: WitItem | undefined;
}
interface WitPutItemRequest {
  tableName: string;
  item: WitItem;
  returnValues: Tagged<'none' | 'all-old'>;
  returnConsumedCapacity: Tagged<'none' | 'total' | 'indexes'>;
  condition: WitConditional | undefined;
}
interface WitGetItemRequest {
  tableName: string;
  key: { name: string; value: WitKeyValue }[];
  consistentRead: boolean;
  returnConsumedCapacity: Tagged<'none' | 'total' | 'indexes'>;
  projectionExpression: string | undefined;
  expressionAttributeNames: [string, string][] | undefined;
}
interface WitCapacity {
  capacityUnits: number | undefined;
  readCapacityUnits: number | undefined;
  writeCapacityUnits: number | undefined;
}
interface WitConsumedCapacity extends WitCapacity {
  tableName: string;
  table: WitCapacity | undefined;
  localSecondaryIndexes: [string, WitCapacity][] | undefined;
  globalSecondaryIndexes: [string, WitCapacity][] | undefined;
}

const MALFORMED = new Set(['ValidationException', 'SerializationException', 'InvalidParameterException']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 as DynamoDB takes it (padded), from padded or unpadded input; throws on anything else. */
export function toPaddedBase64(value: unknown, where: string): string {
  if (typeof value !== 'string' || !BASE64.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw new MalformedRequest(
      `${where} is not valid base64 (${JSON.stringify(value)}): binary values are base64 text, with or without '=' padding`,
    );
  }
  const bare = value.replace(/=+$/, '');
  return bare + '='.repeat((4 - (bare.length % 4)) % 4);
}

/** Base64 as the guest crates read it (no padding). */
export function toUnpaddedBase64(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/=+$/, '') : value;
}

/** Rewrites the binary values of an attribute map (recursively through `L` and `M`). */
export function mapBinary(
  attributes: unknown,
  convert: (value: unknown, where: string) => unknown,
  where = 'item',
): Record<string, unknown> {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw new MalformedRequest(
      `${where} must be a JSON object of attribute name to typed value ({"name":{"S":"…"}}), got ${JSON.stringify(attributes)?.slice(0, 80)}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes as Record<string, unknown>)) {
    out[name] = mapValue(value, convert, `${where}.${name}`);
  }
  return out;
}

function mapValue(
  value: unknown,
  convert: (value: unknown, where: string) => unknown,
  where: string,
): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedRequest(
      `${where} must be a typed value such as {"S":"text"} or {"N":"1"}, got ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [type, inner] of Object.entries(value as Record<string, unknown>)) {
    if (type === 'B') out[type] = convert(inner, `${where}.B`);
    else if (type === 'BS' && Array.isArray(inner))
      out[type] = inner.map((b, i) => convert(b, `${where}.BS[${i}]`));
    else if (type === 'L' && Array.isArray(inner))
      out[type] = inner.map((v, i) => mapValue(v, convert, `${where}.L[${i}]`));
    else if (type === 'M') out[type] = mapBinary(inner, convert, `${where}.M`);
    else out[type] = inner;
  }
  return out;
}

function tagOf<T extends string>(value: Tagged<T>): T {
  return typeof value === 'string' ? value : value.tag;
}

function capacityMode(value: Tagged<'none' | 'total' | 'indexes'>): string {
  return tagOf(value).toUpperCase();
}

function parseItem(item: WitItem, where: string): Record<string, unknown> {
  if (item.tag !== 'json' || item.val.tag !== 'value') {
    throw new Error(`${DDB_INTERFACE}: the ${where} did not arrive as JSON bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(item.val.val));
  } catch (e) {
    throw new MalformedRequest(`the ${where} is not valid JSON: ${(e as Error).message}`);
  }
  return mapBinary(parsed, toPaddedBase64, where);
}

function itemOut(attributes: unknown): WitItem | undefined {
  if (attributes === undefined || attributes === null) return undefined;
  const normalized = mapBinary(attributes, (v) => toUnpaddedBase64(v));
  return { tag: 'json', val: { tag: 'value', val: new TextEncoder().encode(JSON.stringify(normalized)) } };
}

function namesObject(names: [string, string][] | undefined): Record<string, string> | undefined {
  return names === undefined ? undefined : Object.fromEntries(names);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function capacity(value: unknown): WitCapacity {
  const v = (value ?? {}) as Record<string, unknown>;
  return {
    capacityUnits: num(v.CapacityUnits),
    readCapacityUnits: num(v.ReadCapacityUnits),
    writeCapacityUnits: num(v.WriteCapacityUnits),
  };
}

function indexes(value: unknown): [string, WitCapacity][] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.entries(value as Record<string, unknown>).map(([name, c]) => [name, capacity(c)]);
}

/** DynamoDB's `ConsumedCapacity` as the WIT record. */
export function consumedCapacity(value: unknown): WitConsumedCapacity | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  return {
    tableName: typeof v.TableName === 'string' ? v.TableName : '',
    ...capacity(v),
    table: v.Table === undefined ? undefined : capacity(v.Table),
    localSecondaryIndexes: indexes(v.LocalSecondaryIndexes),
    globalSecondaryIndexes: indexes(v.GlobalSecondaryIndexes),
  };
}

/**
 * Creates the DynamoDB service on a shared transport.
 * @internal
 */
export function createDdbService(transport: AwsTransport): HostService {
  async function call(
    ctx: InvocationContext,
    client: AwsClient,
    action: 'GetItem' | 'PutItem',
    table: string,
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const { region } = client.provider;
    const url = new URL(`${transport.endpoint('dynamodb', region).base}/`);
    const credentials = await client.provider.credentials();
    const response = await transport.send({
      service: 'dynamodb',
      region,
      credentials,
      method: 'POST',
      url,
      headers: [
        ['content-type', 'application/x-amz-json-1.0'],
        ['x-amz-target', `DynamoDB_20120810.${action}`],
      ],
      body: new TextEncoder().encode(JSON.stringify(payload)),
      signal: ctx.signal,
    });
    const text = new TextDecoder().decode(await transport.readAll(url, response));
    if (response.status !== 200) {
      throw classify(`DynamoDB ${action} on table '${table}'`, jsonError(response, text), {
        malformedCodes: MALFORMED,
        hint: `check that the credentials' policy allows dynamodb:${action} on table '${table}' in ${region}`,
      });
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw classify(
        `DynamoDB ${action} on table '${table}'`,
        {
          status: 200,
          code: 'InvalidResponse',
          message: `the answer is not JSON: ${text.slice(0, 120)}`,
          requestId: undefined,
        },
        { malformedCodes: new Set(), hint: '' },
      );
    }
  }

  const getItem = (
    ctx: InvocationContext,
    self: unknown,
    request: WitGetItemRequest,
  ): Promise<
    WitResult<{ item: WitItem | undefined; consumedCapacity: WitConsumedCapacity | undefined }, WitAwsError>
  > =>
    witCall(`DynamoDB GetItem on table '${request.tableName}'`, async () => {
      const client = requireClient(self, `${DDB_INTERFACE}#[method]client.get-item`);
      if (request.key.length === 0)
        throw new MalformedRequest('the key is empty: give the hash key (and range key)');
      const key: Record<string, unknown> = {};
      for (const { name, value } of request.key) {
        key[name] =
          value.tag === 's'
            ? { S: value.val }
            : value.tag === 'n'
              ? { N: value.val }
              : { B: toPaddedBase64(value.val, `key attribute '${name}'`) };
      }
      const out = await call(ctx, client, 'GetItem', request.tableName, {
        TableName: request.tableName,
        Key: key,
        ConsistentRead: request.consistentRead,
        ReturnConsumedCapacity: capacityMode(request.returnConsumedCapacity),
        ...(request.projectionExpression !== undefined
          ? { ProjectionExpression: request.projectionExpression }
          : {}),
        ...(request.expressionAttributeNames !== undefined
          ? { ExpressionAttributeNames: namesObject(request.expressionAttributeNames) }
          : {}),
      });
      return { item: itemOut(out.Item), consumedCapacity: consumedCapacity(out.ConsumedCapacity) };
    });

  const putItem = (
    ctx: InvocationContext,
    self: unknown,
    request: WitPutItemRequest,
  ): Promise<
    WitResult<
      { attributes: WitItem | undefined; consumedCapacity: WitConsumedCapacity | undefined },
      WitAwsError
    >
  > =>
    witCall(`DynamoDB PutItem on table '${request.tableName}'`, async () => {
      const client = requireClient(self, `${DDB_INTERFACE}#[method]client.put-item`);
      const item = parseItem(request.item, 'item');
      const condition = request.condition;
      const out = await call(ctx, client, 'PutItem', request.tableName, {
        TableName: request.tableName,
        Item: item,
        ReturnValues: tagOf(request.returnValues) === 'all-old' ? 'ALL_OLD' : 'NONE',
        ReturnConsumedCapacity: capacityMode(request.returnConsumedCapacity),
        ...(condition
          ? {
              ConditionExpression: condition.expression,
              ...(condition.expressionAttributeNames !== undefined
                ? { ExpressionAttributeNames: namesObject(condition.expressionAttributeNames) }
                : {}),
              ...(condition.expressionAttributeValues !== undefined
                ? {
                    ExpressionAttributeValues: parseItem(
                      condition.expressionAttributeValues,
                      'condition expression-attribute-values',
                    ),
                  }
                : {}),
            }
          : {}),
      });
      return {
        attributes: itemOut(out.Attributes),
        consumedCapacity: consumedCapacity(out.ConsumedCapacity),
      };
    });

  return {
    interface: DDB_INTERFACE,
    functions: {
      '[constructor]client': (_ctx: InvocationContext, provider: unknown) =>
        new AwsClient(provider, `${DDB_INTERFACE}#[constructor]client`),
      '[method]client.get-item': getItem,
      '[method]client.put-item': putItem,
    },
  };
}
