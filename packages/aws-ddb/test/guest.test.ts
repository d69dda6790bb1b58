import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { calls, handle, resetFakes } from '../../aws-auth/test/fakes/component.js';
import {
  asBigInt,
  asBoolean,
  asBytes,
  asInteger,
  asNumber,
  asString,
  attr,
  BinaryConversionError,
  base64Decode,
  base64Encode,
  ConversionError,
  credentialsProvider,
  DdbError,
  DdbJsonError,
  DynamoDBClient,
  GetItemError,
  type Item,
  type ItemDecoder,
  NumericConversionError,
} from '../src/index.js';

const json = (v: unknown) => ({
  tag: 'json',
  val: { tag: 'value', val: new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)) },
});
const sent = (fn: string) =>
  calls.filter((c) => c.fn === fn).map((c) => c.args[0] as Record<string, unknown>);
const itemText = (wit: unknown) => new TextDecoder().decode((wit as { val: { val: Uint8Array } }).val.val);

let ddb: DynamoDBClient;
beforeEach(() => {
  resetFakes();
  handle('aws-auth.provider', () => ({ tag: 'ok', val: undefined }));
  handle('aws-ddb.client', () => ({ tag: 'ok', val: undefined }));
  ddb = new DynamoDBClient(
    credentialsProvider({ federated: { roleArn: 'arn:aws:iam::123456789012:role/r' } }, 'us-west-2'),
  );
});

describe('DynamoDBClient', () => {
  it('gets an item with the crate defaults; key values become s / n / unpadded b', () => {
    handle('aws-ddb.get-item', () => ({
      tag: 'ok',
      val: { item: json({ pk: { S: 'a' }, pic: { B: 'AQ' } }), consumedCapacity: undefined },
    }));
    const item = ddb.getItem('t', { pk: 'a', n: 42, big: 9007199254740993n, b: new Uint8Array([1]) });
    expect(item).toEqual({ pk: { S: 'a' }, pic: { B: 'AQ' } });
    expect(asBytes(item?.pic ?? attr.null())).toEqual(new Uint8Array([1]));
    expect(sent('aws-ddb.get-item')[0]).toEqual({
      tableName: 't',
      key: [
        { name: 'pk', value: { tag: 's', val: 'a' } },
        { name: 'n', value: { tag: 'n', val: '42' } },
        { name: 'big', value: { tag: 'n', val: '9007199254740993' } },
        { name: 'b', value: { tag: 'b', val: 'AQ' } },
      ],
      consistentRead: false,
      returnConsumedCapacity: { tag: 'none' },
      projectionExpression: undefined,
      expressionAttributeNames: undefined,
    });
  });

  it('returns undefined for item none and for JSON null; full output with options', () => {
    handle('aws-ddb.get-item', () => ({
      tag: 'ok',
      val: { item: undefined, consumedCapacity: { tableName: 't', capacityUnits: 0.5 } },
    }));
    expect(
      ddb.getItemOutput(
        't',
        { pk: 'x' },
        {
          consistentRead: true,
          returnConsumedCapacity: 'total',
          projectionExpression: '#a',
          expressionAttributeNames: { '#a': 'a' },
        },
      ),
    ).toEqual({
      item: undefined,
      consumedCapacity: { tableName: 't', capacityUnits: 0.5 },
    });
    expect(sent('aws-ddb.get-item')[0]).toMatchObject({
      consistentRead: true,
      returnConsumedCapacity: { tag: 'total' },
      projectionExpression: '#a',
      expressionAttributeNames: [['#a', 'a']],
    });
    handle('aws-ddb.get-item', () => ({
      tag: 'ok',
      val: { item: json('null'), consumedCapacity: undefined },
    }));
    expect(ddb.getItem('t', { pk: 'x' })).toBeUndefined();
  });

  it('puts an item as typed JSON with condition and return values', () => {
    handle('aws-ddb.put-item', () => ({
      tag: 'ok',
      val: { attributes: json({ pk: { S: 'old' } }), consumedCapacity: undefined },
    }));
    const out = ddb.putItem(
      't',
      { pk: attr.s('a'), n: attr.n(1), pic: attr.b(new Uint8Array([1, 2])) },
      {
        condition: {
          expression: '#v = :v',
          expressionAttributeNames: { '#v': 'v' },
          expressionAttributeValues: { ':v': attr.n(3) },
        },
        returnValues: 'all-old',
        returnConsumedCapacity: 'indexes',
      },
    );
    expect(out.attributes).toEqual({ pk: { S: 'old' } });
    const request = sent('aws-ddb.put-item')[0] ?? {};
    expect(itemText(request.item)).toBe('{"pk":{"S":"a"},"n":{"N":"1"},"pic":{"B":"AQI"}}');
    expect(request.returnValues).toEqual({ tag: 'all-old' });
    expect(request.returnConsumedCapacity).toEqual({ tag: 'indexes' });
    const condition = request.condition as Record<string, unknown>;
    expect(condition.expression).toBe('#v = :v');
    expect(condition.expressionAttributeNames).toEqual([['#v', 'v']]);
    expect(itemText(condition.expressionAttributeValues)).toBe('{":v":{"N":"3"}}');
  });

  it('throws DdbError / DdbJsonError with the crate texts', () => {
    handle('aws-ddb.put-item', () => ({
      tag: 'err',
      val: { tag: 'other', val: 'ConditionalCheckFailedException: The conditional request failed' },
    }));
    try {
      ddb.putItem('t', { pk: attr.s('a') });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DdbError);
      expect((e as DdbError).case).toBe('other');
      expect((e as DdbError).debug).toBe(
        'Dynamo(DdbError::Other("ConditionalCheckFailedException: The conditional request failed"))',
      );
    }
    handle('aws-ddb.get-item', () => ({
      tag: 'ok',
      val: { item: json('{"a":'), consumedCapacity: undefined },
    }));
    try {
      ddb.getItem('t', { pk: 'x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DdbJsonError);
      expect((e as DdbJsonError).message).toBe(
        'Failed to serialize/deserialize host json: EOF while parsing a value at line 1 column 5',
      );
      expect((e as DdbJsonError).debug).toBe(
        'Json { cause: Error("EOF while parsing a value", line: 1, column: 5) }',
      );
    }
  });
});

describe('attribute values', () => {
  it('builds and reads values like the crate conversions', () => {
    expect(attr.ns([1, 2n])).toEqual({ NS: ['1', '2'] });
    expect(attr.bs([new Uint8Array([255])])).toEqual({ BS: ['/w'] });
    expect(asString({ S: 'x' })).toBe('x');
    expect(asBoolean(attr.bool(true))).toBe(true);
    expect(asNumber({ N: '2.5' })).toBe(2.5);
    expect(asBigInt({ N: '-9007199254740993' })).toBe(-9007199254740993n);
    expect(() => asString({ N: '1' })).toThrow(new ConversionError('String', 'Number'));
    expect(new ConversionError('String', 'Number').message).toBe(
      'Attribute was not of expected type. Expected: String, Actual: Number',
    );
    expect(() => asBytes({ S: 'x' })).toThrow(
      'Attribute was not of expected type. Expected: Binary, Actual: String',
    );
    expect(() => asBigInt({ N: '1.5' })).toThrow(NumericConversionError);
  });

  it('encodes base64 without padding and decodes both forms', () => {
    const samples = [[], [1], [1, 2], [1, 2, 3], [251, 255, 191, 0]].map((a) => new Uint8Array(a));
    for (const bytes of samples) {
      const text = base64Encode(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64').replace(/=+$/, ''));
      expect(base64Decode(text)).toEqual(bytes);
      expect(base64Decode(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    }
    expect(() => base64Decode('A')).toThrow(BinaryConversionError);
    expect(() => base64Decode('A!==')).toThrow('Decode error: Invalid symbol 33, offset 1.');
  });
});

describe('NumericConversionError (the crate: TryFrom<AttributeValue> for i64)', () => {
  const failure = (n: string) => {
    try {
      asBigInt({ N: n });
    } catch (e) {
      return [(e as Error).message, (e as NumericConversionError).debug];
    }
    return undefined;
  };

  it('parses like str::parse::<i64>: sign, digits, the i64 range', () => {
    expect(asBigInt({ N: '+42' })).toBe(42n);
    expect(asBigInt({ N: '-0' })).toBe(0n);
    expect(asBigInt({ N: '9223372036854775807' })).toBe(2n ** 63n - 1n);
    expect(asBigInt({ N: '-9223372036854775808' })).toBe(-(2n ** 63n));
    expect(asBigInt({ N: '007' })).toBe(7n);
  });

  it('fails with the crate Display and Debug texts', () => {
    expect(failure('9223372036854775808')).toEqual([
      'ParseInt error: number too large to fit in target type',
      'ParseInt { cause: ParseIntError { kind: PosOverflow } }',
    ]);
    expect(failure('-9223372036854775809')).toEqual([
      'ParseInt error: number too small to fit in target type',
      'ParseInt { cause: ParseIntError { kind: NegOverflow } }',
    ]);
    expect(failure('')).toEqual([
      'ParseInt error: cannot parse integer from empty string',
      'ParseInt { cause: ParseIntError { kind: Empty } }',
    ]);
    for (const bad of ['1.5', '1e3', ' 1', '-', '+', '0x10', '١']) {
      expect(failure(bad)?.[0]).toBe('ParseInt error: invalid digit found in string');
    }
    // Digit by digit: the overflow comes before the bad character, as in Rust.
    expect(failure('99999999999999999999x')?.[0]).toBe(
      'ParseInt error: number too large to fit in target type',
    );
    expect(() => asBigInt({ S: '1' })).toThrow(
      new NumericConversionError({ kind: 'wrong-type', expected: 'Number', actual: 'String' }),
    );
    expect(
      new NumericConversionError({ kind: 'wrong-type', expected: 'Number', actual: 'String' }).message,
    ).toBe('Attribute was not of expected type. Expected: Number, Actual: String');
    expect(new NumericConversionError({ kind: 'wrong-type', expected: 'Number', actual: 'List' }).debug).toBe(
      'WrongType { expected: "Number", actual: "List" }',
    );
  });

  it('asInteger refuses what a number cannot hold exactly', () => {
    expect(asInteger({ N: '9007199254740991' })).toBe(Number.MAX_SAFE_INTEGER);
    expect(asInteger({ N: '-9007199254740991' })).toBe(Number.MIN_SAFE_INTEGER);
    expect(() => asInteger({ N: '9007199254740992' })).toThrow(
      'ParseInt error: number too large to fit in target type',
    );
    expect(() => asInteger({ N: '-9007199254740992' })).toThrow(
      'ParseInt error: number too small to fit in target type',
    );
    expect(() => asInteger({ N: '2.5' })).toThrow(NumericConversionError);
    expect(() => asInteger({ BOOL: true })).toThrow(
      'Attribute was not of expected type. Expected: Number, Actual: Boolean',
    );
  });
});

describe('typed getItem (the crate: get_item::<V>)', () => {
  const row = { pk: { S: 'u1' }, name: { S: 'Ada' }, visits: { N: '3' } };
  const answer = (item: unknown) =>
    handle('aws-ddb.get-item', () => ({
      tag: 'ok',
      val: { item: item === undefined ? undefined : json(item), consumedCapacity: undefined },
    }));
  interface User {
    name: string;
    visits: number;
  }
  const decodeUser: ItemDecoder<User> = (item: Item) => {
    if (!item.name) throw 'missing name';
    return { name: asString(item.name), visits: asInteger(item.visits ?? { N: '0' }) };
  };

  it('decodes the item with a function, with the crate defaults sent', () => {
    answer(row);
    const user: User | undefined = ddb.getItem('users', { pk: 'u1' }, decodeUser);
    expect(user).toEqual({ name: 'Ada', visits: 3 });
    expect(sent('aws-ddb.get-item')[0]).toMatchObject({ tableName: 'users', consistentRead: false });
    answer(row);
    ddb.getItem('users', { pk: 'u1' }, decodeUser, { consistentRead: true });
    expect(sent('aws-ddb.get-item')[1]).toMatchObject({ consistentRead: true });
  });

  it('answers undefined for no item without calling the decoder', () => {
    answer(undefined);
    let called = false;
    expect(
      ddb.getItem('users', { pk: 'u1' }, () => {
        called = true;
        return 1;
      }),
    ).toBeUndefined();
    answer(null);
    expect(ddb.getItem('users', { pk: 'u1' }, decodeUser)).toBeUndefined();
    expect(called).toBe(false);
  });

  it('wraps a decoder failure as GetItemError try-from, Debug like the crate', () => {
    answer({ ...row, visits: { N: '9223372036854775808' } });
    let caught: unknown;
    try {
      ddb.getItem('users', { pk: 'u1' }, decodeUser);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GetItemError);
    const error = caught as GetItemError;
    expect(error.kind).toBe('try-from');
    expect(error.cause).toBeInstanceOf(NumericConversionError);
    expect(error.message).toBe(
      'Failed to convert the item: ParseInt error: number too large to fit in target type',
    );
    expect(error.debug).toBe('TryFrom { cause: ParseInt { cause: ParseIntError { kind: PosOverflow } } }');
    answer({ pk: { S: 'u1' } });
    expect(() => ddb.getItem('users', { pk: 'u1' }, decodeUser)).toThrowError(
      expect.objectContaining({ kind: 'try-from', debug: 'TryFrom { cause: "missing name" }' }),
    );
  });

  it('wraps a DynamoDB failure as GetItemError dynamo; the untyped getItem still throws DdbError', () => {
    handle('aws-ddb.get-item', () => ({ tag: 'err', val: { tag: 'unauthorized', val: 'no' } }));
    let caught: unknown;
    try {
      ddb.getItem('users', { pk: 'u1' }, decodeUser);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GetItemError);
    expect((caught as GetItemError).kind).toBe('dynamo');
    expect((caught as GetItemError).cause).toBeInstanceOf(DdbError);
    expect((caught as GetItemError).debug).toBe('Dynamo { cause: Dynamo(DdbError::Unauthorized("no")) }');
    expect(() => ddb.getItem('users', { pk: 'u1' })).toThrow(DdbError);
  });

  it('decodes with a Standard Schema over the typed JSON', () => {
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => {
          const item = value as Record<string, { S?: string }>;
          return typeof item.name?.S === 'string'
            ? { value: { name: item.name.S } }
            : { issues: [{ message: 'expected an S value', path: ['name', 'S'] }] };
        },
      },
    };
    answer(row);
    expect(ddb.getItem('users', { pk: 'u1' }, schema)).toEqual({ name: 'Ada' });
    answer({ pk: { S: 'u1' } });
    expect(() => ddb.getItem('users', { pk: 'u1' }, schema)).toThrowError(
      expect.objectContaining({
        kind: 'try-from',
        message: 'Failed to convert the item: invalid value at `name.S`: expected an S value',
      }),
    );
  });

  it('infers V from a zod schema', () => {
    const User = z
      .object({ name: z.object({ S: z.string() }), visits: z.object({ N: z.string() }) })
      .transform((item) => ({ name: item.name.S, visits: asInteger(item.visits) }));
    answer(row);
    const user = ddb.getItem('users', { pk: 'u1' }, User);
    expectTypeOf(user).toEqualTypeOf<{ name: string; visits: number } | undefined>();
    expect(user).toEqual({ name: 'Ada', visits: 3 });
    answer({ pk: { S: 'u1' }, name: { N: '1' }, visits: { N: '1' } });
    expect(() => ddb.getItem('users', { pk: 'u1' }, User)).toThrowError(
      expect.objectContaining({
        kind: 'try-from',
        message: expect.stringContaining('invalid value at `name.S`'),
      }),
    );
  });
});
