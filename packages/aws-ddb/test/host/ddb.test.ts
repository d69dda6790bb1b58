// momento:aws-ddb host service against the local fake DynamoDB (JSON 1.0, SigV4 verified).
import { toPaddedBase64 } from '@momento-functions/runtime/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../../../aws-auth/test/support/fake-aws.js';
import { clientOf, context, type Outcome, services } from '../../../aws-auth/test/support/host.js';

type Item = { tag: 'json'; val: { tag: 'value'; val: Uint8Array } };
const item = (value: unknown): Item => ({
  tag: 'json',
  val: { tag: 'value', val: new TextEncoder().encode(JSON.stringify(value)) },
});
const parse = (i: Item | undefined) => (i ? JSON.parse(new TextDecoder().decode(i.val.val)) : undefined);
const putReq = (value: unknown, extra: Record<string, unknown> = {}) => ({
  tableName: 'test-table',
  item: item(value),
  returnValues: { tag: 'none' },
  returnConsumedCapacity: { tag: 'none' },
  condition: undefined,
  ...extra,
});
const getReq = (
  key: { name: string; value: { tag: string; val: string } }[],
  extra: Record<string, unknown> = {},
) => ({
  tableName: 'test-table',
  key,
  consistentRead: false,
  returnConsumedCapacity: { tag: 'none' },
  projectionExpression: undefined,
  expressionAttributeNames: undefined,
  ...extra,
});

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(async () => aws.close());

describe('DynamoDB put-item and get-item', () => {
  it('round-trips a typed item; B values go to DynamoDB padded and come back unpadded (§8.14)', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'ddb');
    const ctx = context();
    const stored = {
      pk: { S: 'user-1' },
      age: { N: '23' },
      pic: { B: 'AQID' },
      odd: { B: 'AQ' },
      nested: { M: { bs: { BS: ['AQ', 'AgM'] }, l: { L: [{ B: 'AQ' }, { NULL: true }] } } },
    };
    expect(await s.call('ddb', '[method]client.put-item', ctx, client, putReq(stored))).toEqual({
      tag: 'ok',
      val: { attributes: undefined, consumedCapacity: undefined },
    });
    const sent = JSON.parse(aws.calls.at(-1)?.body.toString() ?? '{}');
    expect(aws.calls.at(-1)?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(sent).toEqual({
      TableName: 'test-table',
      Item: {
        ...stored,
        odd: { B: 'AQ==' },
        nested: { M: { bs: { BS: ['AQ==', 'AgM='] }, l: { L: [{ B: 'AQ==' }, { NULL: true }] } } },
      },
      ReturnValues: 'NONE',
      ReturnConsumedCapacity: 'NONE',
    });
    const got = await s.call<Outcome<{ item: Item }>>(
      'ddb',
      '[method]client.get-item',
      ctx,
      client,
      getReq([{ name: 'pk', value: { tag: 's', val: 'user-1' } }]),
    );
    expect(got.tag).toBe('ok');
    expect(parse((got.val as { item: Item }).item)).toEqual({
      ...stored,
      odd: { B: 'AQ' },
      nested: { M: { bs: { BS: ['AQ', 'AgM'] }, l: { L: [{ B: 'AQ' }, { NULL: true }] } } },
    });
    await s.close();
  });

  it('answers a missing item with item none, and sends every get-item field', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'ddb');
    const out = await s.call(
      'ddb',
      '[method]client.get-item',
      context(),
      client,
      getReq([{ name: 'pk', value: { tag: 'b', val: 'AQ' } }], {
        consistentRead: true,
        returnConsumedCapacity: { tag: 'total' },
        projectionExpression: '#a',
        expressionAttributeNames: [['#a', 'age']],
      }),
    );
    expect(out).toEqual({
      tag: 'ok',
      val: {
        item: undefined,
        consumedCapacity: {
          tableName: 'test-table',
          capacityUnits: 1.5,
          readCapacityUnits: undefined,
          writeCapacityUnits: undefined,
          table: undefined,
          localSecondaryIndexes: undefined,
          globalSecondaryIndexes: undefined,
        },
      },
    });
    expect(JSON.parse(aws.calls.at(-1)?.body.toString() ?? '{}')).toEqual({
      TableName: 'test-table',
      Key: { pk: { B: 'AQ==' } },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
      ProjectionExpression: '#a',
      ExpressionAttributeNames: { '#a': 'age' },
    });
    await s.close();
  });

  it('passes conditions, ALL_OLD return values and per-index capacity', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'ddb');
    const ctx = context();
    await s.call('ddb', '[method]client.put-item', ctx, client, putReq({ pk: { S: 'c' }, v: { N: '1' } }));
    const condition = (expected: string) => ({
      expression: '#v = :v',
      expressionAttributeNames: [['#v', 'v']],
      expressionAttributeValues: item({ ':v': { N: expected } }),
    });
    const failed = await s.call(
      'ddb',
      '[method]client.put-item',
      ctx,
      client,
      putReq({ pk: { S: 'c' }, v: { N: '2' } }, { condition: condition('5') }),
    );
    expect(failed).toEqual({
      tag: 'err',
      val: {
        tag: 'other',
        val: "DynamoDB PutItem on table 'test-table' failed: ConditionalCheckFailedException: The conditional request failed (HTTP 400, request id RID-1)",
      },
    });
    const ok = await s.call<Outcome<{ attributes: Item; consumedCapacity: unknown }>>(
      'ddb',
      '[method]client.put-item',
      ctx,
      client,
      putReq(
        { pk: { S: 'c' }, v: { N: '2' } },
        {
          condition: condition('1'),
          returnValues: { tag: 'all-old' },
          returnConsumedCapacity: { tag: 'indexes' },
        },
      ),
    );
    expect(ok.tag).toBe('ok');
    const val = ok.val as { attributes: Item; consumedCapacity: unknown };
    expect(parse(val.attributes)).toEqual({ pk: { S: 'c' }, v: { N: '1' } });
    expect(val.consumedCapacity).toEqual({
      tableName: 'test-table',
      capacityUnits: 1.5,
      readCapacityUnits: undefined,
      writeCapacityUnits: undefined,
      table: { capacityUnits: 0.5, readCapacityUnits: undefined, writeCapacityUnits: undefined },
      localSecondaryIndexes: undefined,
      globalSecondaryIndexes: [
        ['gsi1', { capacityUnits: 1, readCapacityUnits: undefined, writeCapacityUnits: undefined }],
      ],
    });
    await s.close();
  });

  it('maps ValidationException to malformed, AccessDeniedException to unauthorized, a missing table to other', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'ddb');
    expect(
      await s.call('ddb', '[method]client.put-item', context(), client, putReq({ nokey: { S: 'x' } })),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: "DynamoDB PutItem on table 'test-table' failed: ValidationException: One or more parameter values were invalid: Missing the key pk in the item (HTTP 400, request id RID-1)",
      },
    });
    expect(
      await s.call('ddb', '[method]client.get-item', context(), client, {
        ...getReq([{ name: 'pk', value: { tag: 's', val: 'x' } }]),
        tableName: 'nope',
      }),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'other',
        val: "DynamoDB GetItem on table 'nope' failed: ResourceNotFoundException: Requested resource not found (HTTP 400, request id RID-1)",
      },
    });
    const denied = await clientOf(s, 'ddb', {
      tag: 'hardcoded',
      val: { accessKeyId: 'AKIDDENIED', secretAccessKey: 'denied-secret' },
    });
    expect(
      await s.call(
        'ddb',
        '[method]client.get-item',
        context(),
        denied,
        getReq([{ name: 'pk', value: { tag: 's', val: 'x' } }]),
      ),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'unauthorized',
        val: "DynamoDB GetItem on table 'test-table' failed: AccessDeniedException: User AKIDDENIED is not authorized to perform this action (HTTP 400, request id RID-1); check that the credentials' policy allows dynamodb:GetItem on table 'test-table' in us-west-2",
      },
    });
    await s.close();
  });

  it('refuses an item that is not typed JSON, and bad base64, before calling DynamoDB', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'ddb');
    const calls = aws.calls.length;
    const bad = { tag: 'json', val: { tag: 'value', val: new TextEncoder().encode('{"pk":') } };
    expect(
      await s.call<Outcome>('ddb', '[method]client.put-item', context(), client, {
        ...putReq({}),
        item: bad,
      }),
    ).toMatchObject({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: expect.stringContaining("DynamoDB PutItem on table 'test-table': the item is not valid JSON:"),
      },
    });
    expect(await s.call('ddb', '[method]client.put-item', context(), client, putReq([1]))).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: 'DynamoDB PutItem on table \'test-table\': item must be a JSON object of attribute name to typed value ({"name":{"S":"…"}}), got [1]',
      },
    });
    expect(
      await s.call('ddb', '[method]client.put-item', context(), client, putReq({ pk: { B: 'a' } })),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: `DynamoDB PutItem on table 'test-table': item.pk.B is not valid base64 ("a"): binary values are base64 text, with or without '=' padding`,
      },
    });
    expect(aws.calls.length).toBe(calls);
    await s.close();
  });

  it('normalizes base64 padding', () => {
    expect(['', 'AQ', 'AQ==', 'AQI', 'AQI=', 'AQID'].map((b) => toPaddedBase64(b, 'x'))).toEqual([
      '',
      'AQ==',
      'AQ==',
      'AQI=',
      'AQI=',
      'AQID',
    ]);
    expect(() => toPaddedBase64('A', 'x')).toThrow(/not valid base64/);
    expect(() => toPaddedBase64('A-B_', 'x')).toThrow(/not valid base64/);
  });
});
