import { beforeEach, describe, expect, it } from 'vitest';
import { calls, handle, resetFakes } from '../../aws-auth/test/fakes/component.js';
import {
  asBigInt,
  asBoolean,
  asBytes,
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
    expect(() => asBigInt({ N: '1.5' })).toThrow(ConversionError);
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
