/// <reference path="./wit.d.ts" />

import {
  Client,
  type KeyAttribute,
  type ConsumedCapacity as WitConsumedCapacity,
  type Item as WitItem,
} from 'momento:aws-ddb/aws-ddb@1.0.0';
import {
  type CredentialsProvider,
  extractErrorDebug,
  witErrorPayload,
  witVariantDebug,
} from '@momento-functions/aws-auth';
import { Data, ExtractError, formatPath, type StandardSchemaV1 } from '@momento-functions/bytes';
import { base64Encode, type Item, type Key } from './types.js';

/**
 * The cases of the WIT `ddb-error`.
 *
 * @example
 * ```ts
 * const kind: DdbErrorCase = 'malformed';
 * ```
 */
export type DdbErrorCase = 'unauthorized' | 'malformed' | 'other';

/**
 * DynamoDB (or the host) refused the call: the WIT `ddb-error`. `message` is the crate's Display
 * (`DdbError::Malformed("…")`), `debug` the crate's Debug of `DynamoDBError`
 * (`Dynamo(DdbError::Malformed("…"))`). A failed condition is `other` with
 * `ConditionalCheckFailedException` in its detail.
 *
 * @example
 * ```ts
 * try {
 *   ddb.putItem('users', item, { condition: { expression: 'attribute_not_exists(pk)' } });
 * } catch (e) {
 *   if (e instanceof DdbError && e.detail.includes('ConditionalCheckFailedException')) return 'exists';
 *   throw e;
 * }
 * ```
 */
export class DdbError extends Error {
  /** Which case of the WIT error the host returned (e.g. `malformed`); branch on it to handle one kind of failure. */
  readonly case: DdbErrorCase;
  /** The host's explanation. */
  readonly detail: string;

  /**
   * Creates the error for a WIT case; the message is `DdbError::<Case>("<detail>")`.
   *
   * @param errorCase - the WIT case.
   * @param detail - the host's explanation.
   * @example
   * ```ts
   * new DdbError('other', 'x').debug; // 'Dynamo(DdbError::Other("x"))'
   * ```
   */
  constructor(errorCase: DdbErrorCase, detail: string) {
    super(witVariantDebug('DdbError', errorCase, detail));
    this.name = 'DdbError';
    this.case = errorCase;
    this.detail = detail;
  }

  /**
   * The crate's Debug text: `Dynamo(DdbError::Other("…"))`.
   * @example
   * ```ts
   * new DdbError('malformed', 'x').debug; // 'Dynamo(DdbError::Malformed("x"))'
   * ```
   */
  get debug(): string {
    return `Dynamo(${this.message})`;
  }
}

/**
 * An item could not be turned into or read from JSON (the crate's `DynamoDBError::Json`, Display
 * `Failed to serialize/deserialize host json: …`).
 *
 * @example
 * ```ts
 * try { ddb.getItem('t', { pk: 'x' }); } catch (e) { if (e instanceof DdbJsonError) console.log(e.cause); }
 * ```
 */
export class DdbJsonError extends Error {
  /**
   * Wraps a JSON error; the message is `Failed to serialize/deserialize host json: ` and its message.
   *
   * @param cause - the JSON error.
   * @example
   * ```ts
   * new DdbJsonError(new Error('bad')).message; // 'Failed to serialize/deserialize host json: bad'
   * ```
   */
  constructor(cause: unknown) {
    super(
      `Failed to serialize/deserialize host json: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'DdbJsonError';
  }

  /**
   * The crate's Debug text: `Json { cause: Error("…", line: 1, column: 1) }`.
   * @example
   * ```ts
   * new DdbJsonError(new Error('bad')).debug; // 'Json { cause: "bad" }'
   * ```
   */
  get debug(): string {
    return `Json { cause: ${extractErrorDebug(this.cause)} }`;
  }
}

/**
 * Turns a fetched item into your type (the crate's `TryFrom<Item>` bound of `get_item::<V>`):
 * either a function that returns the value or throws, or a Standard Schema (zod, valibot, …)
 * that validates the item in DynamoDB's typed JSON (`{ pk: { S: 'x' } }`) and may transform it.
 *
 * @typeParam V - the decoded value.
 * @example
 * ```ts
 * import { asInteger, asString, type ItemDecoder } from '@momento-functions/aws-ddb';
 * const user: ItemDecoder<{ name: string; age: number }> = (item) => {
 *   if (!item.name || !item.age) throw new Error('missing name or age');
 *   return { name: asString(item.name), age: asInteger(item.age) };
 * };
 * ```
 */
export type ItemDecoder<V> = ((item: Item) => V) | StandardSchemaV1<unknown, V>;

/**
 * The typed {@link DynamoDBClient.getItem} failed (the crate's `GetItemError<E>`): `kind`
 * `'try-from'` when the decoder refused the item (its error is `cause`), `'dynamo'` when the
 * call itself failed (`cause` is the {@link DdbError} or {@link DdbJsonError}). `debug` is the
 * crate's Debug text (`TryFrom { cause: … }`, `Dynamo { cause: … }`), which is what a web
 * function answers when the error is not caught. The crate gives this error no Display; `message`
 * here is the cause's message, after `Failed to convert the item: ` for a decoder failure.
 *
 * @example
 * ```ts
 * try {
 *   const user = ddb.getItem('users', { pk: 'u1' }, decodeUser);
 * } catch (e) {
 *   if (e instanceof GetItemError && e.kind === 'try-from') throw WebError.message(`bad user row: ${e.message}`);
 *   throw e;
 * }
 * ```
 */
export class GetItemError extends Error {
  /** Which step failed. */
  readonly kind: 'try-from' | 'dynamo';

  /**
   * Creates the error; for `'try-from'` the message is `Failed to convert the item: ` and the
   * cause's message, for `'dynamo'` the cause's message alone.
   *
   * @param kind - `'try-from'` (the decoder) or `'dynamo'` (the call).
   * @param cause - the underlying error.
   * @example
   * ```ts
   * new GetItemError('try-from', new Error('missing name')).message; // 'Failed to convert the item: missing name'
   * ```
   */
  constructor(kind: 'try-from' | 'dynamo', cause: unknown) {
    const text = cause instanceof Error ? cause.message : String(cause);
    super(kind === 'try-from' ? `Failed to convert the item: ${text}` : text, { cause });
    this.name = 'GetItemError';
    this.kind = kind;
  }

  /**
   * The crate's Debug text: `TryFrom { cause: <the decoder error's Debug> }` or
   * `Dynamo { cause: Dynamo(DdbError::Other("…")) }`.
   * @example
   * ```ts
   * new GetItemError('dynamo', new DdbError('other', 'x')).debug; // 'Dynamo { cause: Dynamo(DdbError::Other("x")) }'
   * ```
   */
  get debug(): string {
    const cause = this.cause as { debug?: unknown } | undefined;
    const inner =
      cause !== null && typeof cause === 'object' && typeof cause.debug === 'string'
        ? cause.debug
        : extractErrorDebug(this.cause);
    return `${this.kind === 'try-from' ? 'TryFrom' : 'Dynamo'} { cause: ${inner} }`;
  }
}

function isDecoder(value: unknown): value is ItemDecoder<unknown> {
  return (
    typeof value === 'function' ||
    (value !== null && typeof value === 'object' && '~standard' in (value as object))
  );
}

function decodeItem<V>(decoder: ItemDecoder<V>, item: Item): V {
  if (typeof decoder === 'function') return decoder(item);
  const result = decoder['~standard'].validate(item);
  if (typeof (result as PromiseLike<unknown>)?.then === 'function') {
    (result as Promise<unknown>).then(undefined, () => undefined);
    throw new ExtractError(
      `the ${decoder['~standard'].vendor} schema validated asynchronously; getItem is synchronous, so use a schema whose checks are all synchronous`,
      { kind: 'schema' },
    );
  }
  const outcome = result as StandardSchemaV1.Result<V>;
  if (!outcome.issues) return outcome.value;
  const issues = outcome.issues.map((issue) => ({
    path: (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p)),
    message: issue.message,
  }));
  throw new ExtractError(
    issues
      .map((i) =>
        i.path.length === 0 ? i.message : `invalid value at \`${formatPath(i.path)}\`: ${i.message}`,
      )
      .join('; '),
    { kind: 'schema', issues },
  );
}

/**
 * What DynamoDB reports as consumed, when asked with `returnConsumedCapacity`.
 *
 * @example
 * ```ts
 * const used: ConsumedCapacity | undefined = ddb.getItemOutput('t', { pk: 'x' }, { returnConsumedCapacity: 'total' }).consumedCapacity;
 * ```
 */
export interface ConsumedCapacity extends Capacity {
  /** The table the operation used. */
  readonly tableName: string;
  /** The units used on the table itself (its indexes excluded); only with `returnConsumedCapacity: 'indexes'`. */
  readonly table: Capacity | undefined;
  /** `[index name, units]` per local secondary index used; only with `returnConsumedCapacity: 'indexes'`. */
  readonly localSecondaryIndexes: ReadonlyArray<readonly [string, Capacity]> | undefined;
  /** `[index name, units]` per global secondary index used; only with `returnConsumedCapacity: 'indexes'`. */
  readonly globalSecondaryIndexes: ReadonlyArray<readonly [string, Capacity]> | undefined;
}

/**
 * Capacity units of a table or index.
 *
 * @example
 * ```ts
 * const c: Capacity = { capacityUnits: 0.5, readCapacityUnits: undefined, writeCapacityUnits: undefined };
 * ```
 */
export interface Capacity {
  /** Total capacity units used, read and write together (DynamoDB's `CapacityUnits`); may be fractional. */
  readonly capacityUnits: number | undefined;
  /** Read capacity units used (`ReadCapacityUnits`), when DynamoDB reports them separately. */
  readonly readCapacityUnits: number | undefined;
  /** Write capacity units used (`WriteCapacityUnits`), when DynamoDB reports them separately. */
  readonly writeCapacityUnits: number | undefined;
}

/**
 * Options of {@link DynamoDBClient.getItem}. The defaults are the crate's: eventually consistent,
 * no consumed capacity, no projection.
 *
 * @example
 * ```ts
 * const options: GetItemOptions = { consistentRead: true, projectionExpression: '#n', expressionAttributeNames: { '#n': 'name' } };
 * ```
 */
export interface GetItemOptions {
  /** Read with strong consistency (the latest write is always seen); `false` (eventually consistent) by default. */
  readonly consistentRead?: boolean;
  /** How much consumed capacity to report: `'total'`, `'indexes'` (per table and index) or `'none'` (the default). */
  readonly returnConsumedCapacity?: 'none' | 'total' | 'indexes';
  /** The attributes to return, e.g. `'#n, email'`; the whole item when omitted. */
  readonly projectionExpression?: string;
  /** Placeholders used in `projectionExpression` (`'#n'`) mapped to attribute names (`'name'`). */
  readonly expressionAttributeNames?: Readonly<Record<string, string>>;
}

/**
 * A put condition.
 *
 * @example
 * ```ts
 * const condition: Condition = { expression: '#v = :v', expressionAttributeNames: { '#v': 'version' }, expressionAttributeValues: { ':v': { N: '3' } } };
 * ```
 */
export interface Condition {
  /** A DynamoDB condition expression the put must satisfy, e.g. `'attribute_not_exists(pk)'`. */
  readonly expression: string;
  /** Placeholders used in `expression` (`'#v'`) mapped to attribute names (`'version'`). */
  readonly expressionAttributeNames?: Readonly<Record<string, string>>;
  /** Placeholders used in `expression` (`':v'`) mapped to typed values (`{ N: '3' }`). */
  readonly expressionAttributeValues?: Item;
}

/**
 * Options of {@link DynamoDBClient.putItem}. The defaults are the crate's: no condition, no return
 * values, no consumed capacity.
 *
 * @example
 * ```ts
 * const options: PutItemOptions = { condition: { expression: 'attribute_not_exists(pk)' }, returnValues: 'all-old' };
 * ```
 */
export interface PutItemOptions {
  /** Put only when this condition holds (otherwise a {@link DdbError} `other` with `ConditionalCheckFailedException`); unconditional by default. */
  readonly condition?: Condition;
  /** `'all-old'` returns the item the put replaced in {@link PutItemOutput.attributes}; `'none'` by default. */
  readonly returnValues?: 'none' | 'all-old';
  /** How much consumed capacity to report: `'total'`, `'indexes'` (per table and index) or `'none'` (the default). */
  readonly returnConsumedCapacity?: 'none' | 'total' | 'indexes';
}

/**
 * The whole GetItem answer.
 *
 * @example
 * ```ts
 * const { item, consumedCapacity } = ddb.getItemOutput('t', { pk: 'x' });
 * ```
 */
export interface GetItemOutput {
  /** The item found, with only the projected attributes when a projection was given; `undefined` when there is none. */
  readonly item: Item | undefined;
  /** The capacity the read used; `undefined` unless `returnConsumedCapacity` asked for it. */
  readonly consumedCapacity: ConsumedCapacity | undefined;
}

/**
 * The PutItem answer: the replaced item (with `returnValues: 'all-old'`) and consumed capacity.
 *
 * @example
 * ```ts
 * const { attributes } = ddb.putItem('t', item, { returnValues: 'all-old' });
 * ```
 */
export interface PutItemOutput {
  /** The item the put replaced, with `returnValues: 'all-old'`; `undefined` otherwise or when there was none. */
  readonly attributes: Item | undefined;
  /** The capacity the write used; `undefined` unless `returnConsumedCapacity` asked for it. */
  readonly consumedCapacity: ConsumedCapacity | undefined;
}

/**
 * A DynamoDB client on the host's warm AWS channel (the crate's `DynamoDBClient`).
 *
 * @example
 * ```ts
 * import { attr, credentialsProvider, DynamoDBClient, asString } from '@momento-functions/aws-ddb';
 * const ddb = new DynamoDBClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * ddb.putItem('users', { pk: attr.s('user-1'), name: attr.s('Ada') });
 * const user = ddb.getItem('users', { pk: 'user-1' });
 * if (user?.name) console.log(asString(user.name));
 * ```
 */
export class DynamoDBClient {
  readonly #client: Client;

  /**
   * Creates a DynamoDB client that signs with the provider's credentials and calls its region.
   *
   * @param credentials - from `credentialsProvider(...)`; its region is the table's region.
   * @example
   * ```ts
   * const ddb = new DynamoDBClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
   * ```
   */
  constructor(credentials: CredentialsProvider) {
    this.#client = new Client(credentials.toWit());
  }

  /**
   * Gets an item by key (the crate's `get_item_raw`); `undefined` when there is none.
   *
   * @throws DdbError when DynamoDB or the host refuses; DdbJsonError when the answer is not JSON.
   * @example
   * ```ts
   * const item = ddb.getItem('orders', { customer: 'c-1', order: 42 });
   * ```
   */
  getItem(tableName: string, key: Key, options?: GetItemOptions): Item | undefined;
  /**
   * Gets an item by key and decodes it into `V` (the crate's `get_item::<V>`); `undefined` when
   * there is none (the decoder is not called).
   *
   * @param decode - a function or Standard Schema, see {@link ItemDecoder}.
   * @throws GetItemError: `kind` `'try-from'` when `decode` refuses the item, `'dynamo'` when the
   * call fails.
   * @example
   * ```ts
   * const user = ddb.getItem('users', { pk: 'u1' }, (item) => ({
   *   name: asString(item.name ?? attr.null()),
   *   visits: asInteger(item.visits ?? attr.n(0)), // NumericConversionError if it does not fit
   * }));
   * ```
   */
  getItem<V>(tableName: string, key: Key, decode: ItemDecoder<V>, options?: GetItemOptions): V | undefined;
  getItem<V>(
    tableName: string,
    key: Key,
    decodeOrOptions?: ItemDecoder<V> | GetItemOptions,
    options?: GetItemOptions,
  ): Item | V | undefined {
    if (!isDecoder(decodeOrOptions)) {
      return this.getItemOutput(tableName, key, decodeOrOptions ?? {}).item;
    }
    let item: Item | undefined;
    try {
      item = this.getItemOutput(tableName, key, options ?? {}).item;
    } catch (e) {
      if (e instanceof DdbError || e instanceof DdbJsonError) throw new GetItemError('dynamo', e);
      throw e;
    }
    if (item === undefined) return undefined;
    try {
      return decodeItem(decodeOrOptions as ItemDecoder<V>, item);
    } catch (e) {
      throw new GetItemError('try-from', e);
    }
  }

  /**
   * Gets an item with everything DynamoDB answered (consumed capacity).
   *
   * @throws DdbError, DdbJsonError as {@link DynamoDBClient.getItem}.
   * @example
   * ```ts
   * const out = ddb.getItemOutput('orders', { customer: 'c-1' }, { returnConsumedCapacity: 'total' });
   * out.consumedCapacity?.capacityUnits;
   * ```
   */
  getItemOutput(tableName: string, key: Key, options: GetItemOptions = {}): GetItemOutput {
    const attributes: KeyAttribute[] = Object.entries(key).map(([name, value]) => ({
      name,
      value: keyValue(value),
    }));
    const output = call(() =>
      this.#client.getItem({
        tableName,
        key: attributes,
        consistentRead: options.consistentRead ?? false,
        returnConsumedCapacity: { tag: options.returnConsumedCapacity ?? 'none' },
        projectionExpression: options.projectionExpression,
        expressionAttributeNames: namesOf(options.expressionAttributeNames),
      }),
    );
    return { item: itemOf(output.item), consumedCapacity: capacityOf(output.consumedCapacity) };
  }

  /**
   * Puts an item (the crate's `put_item`, plus the WIT's condition, return values and capacity).
   *
   * @throws DdbError when DynamoDB or the host refuses (a failed condition is `other`).
   * @example
   * ```ts
   * ddb.putItem('users', { pk: attr.s('user-1'), visits: attr.n(1) }, { condition: { expression: 'attribute_not_exists(pk)' } });
   * ```
   */
  putItem(tableName: string, item: Item, options: PutItemOptions = {}): PutItemOutput {
    const condition = options.condition;
    const output = call(() =>
      this.#client.putItem({
        tableName,
        item: witItem(item),
        returnValues: { tag: options.returnValues ?? 'none' },
        returnConsumedCapacity: { tag: options.returnConsumedCapacity ?? 'none' },
        condition:
          condition === undefined
            ? undefined
            : {
                expression: condition.expression,
                expressionAttributeNames: namesOf(condition.expressionAttributeNames),
                expressionAttributeValues:
                  condition.expressionAttributeValues === undefined
                    ? undefined
                    : witItem(condition.expressionAttributeValues),
              },
      }),
    );
    return { attributes: itemOf(output.attributes), consumedCapacity: capacityOf(output.consumedCapacity) };
  }
}

function keyValue(value: Key[string]): KeyAttribute['value'] {
  if (typeof value === 'string') return { tag: 's', val: value };
  if (typeof value === 'bigint') return { tag: 'n', val: value.toString() };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`a DynamoDB number key must be finite, got ${value}`);
    return { tag: 'n', val: String(value) };
  }
  return { tag: 'b', val: base64Encode(value) };
}

function namesOf(names: Readonly<Record<string, string>> | undefined): [string, string][] | undefined {
  return names === undefined ? undefined : Object.entries(names);
}

function witItem(item: Item): WitItem {
  let json: string;
  try {
    json = JSON.stringify(item);
  } catch (e) {
    throw new DdbJsonError(e);
  }
  return { tag: 'json', val: Data.from(json).toWit() };
}

function itemOf(item: WitItem | undefined): Item | undefined {
  if (item === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = Data.fromWit(item.val).json();
  } catch (e) {
    throw new DdbJsonError(e);
  }
  // JSON `null` is no item, as the crate's `Option<Item>` reads it.
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DdbJsonError(new ExtractError('invalid type: expected a map of attributes', { kind: 'other' }));
  }
  return parsed as Item;
}

function capacityOf(value: WitConsumedCapacity | undefined): ConsumedCapacity | undefined {
  return value;
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (thrown) {
    const payload = witErrorPayload(thrown);
    if (
      payload &&
      (payload.tag === 'unauthorized' || payload.tag === 'malformed' || payload.tag === 'other')
    ) {
      throw new DdbError(payload.tag, String(payload.val ?? ''));
    }
    throw thrown;
  }
}
