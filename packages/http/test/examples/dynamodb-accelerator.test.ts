import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { createCacheServices, MemoryCacheBackend } from '@momento-functions/runtime/services/cache';
import { createHttpService } from '@momento-functions/runtime/services/http';
import { createLogServices, LogRouter } from '@momento-functions/runtime/services/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../host/upstream.js';
import { buildExample } from './harness.js';

let dynamo: Upstream;
const calls: { target: string; body: string; headers: [string, string][] }[] = [];

/**
 * The TypeScript port, and the Rust example built with the official crates when that fixture is
 * present (tests/fixtures/rust-official/dynamodb-accelerator.wasm, or RUST_DYNAMODB_ACCELERATOR_WASM).
 */
const rustWasm =
  process.env.RUST_DYNAMODB_ACCELERATOR_WASM ??
  resolve(import.meta.dirname, '../../../../tests/fixtures/rust-official/dynamodb-accelerator.wasm');
const implementations: [string, () => Promise<string>][] = [
  ['TypeScript port', () => buildExample('dynamodb-accelerator')],
];
if (existsSync(rustWasm)) implementations.push(['Rust example (official crates)', async () => rustWasm]);

beforeAll(async () => {
  dynamo = await startUpstream({
    '/': (req, res, body) => {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.push([req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '']);
      calls.push({ target: String(req.headers['x-amz-target']), body: body.toString('utf8'), headers });
      const request = JSON.parse(body.toString('utf8') || '{}');
      if (request.TableName === 'missing') {
        res.writeHead(400, [
          ['Content-Type', 'application/x-amz-json-1.0'],
          ['x-amzn-RequestId', 'req-err'],
        ]);
        res.end(
          '{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}',
        );
        return;
      }
      res.writeHead(200, [
        ['x-amzn-RequestId', `req-${calls.length}`],
        ['Content-Type', 'application/x-amz-json-1.0'],
        ['X-Amz-Crc32', '12345'],
      ]);
      res.end(JSON.stringify({ Item: { pk: { S: 'u1' }, name: { S: 'Ada' } } }));
    },
  });
}, 60_000);

afterAll(async () => {
  await dynamo?.close();
});

describe.each(implementations)(
  'examples/dynamodb-accelerator (the upstream dynamodb-accelerator example) in the real host: %s',
  (label, wasmOf) => {
    let host: Host;
    let fn: FunctionHandle;
    const backend = new MemoryCacheBackend();
    const router = new LogRouter({ console: false });
    const cacheName = `accel-${label.split(' ')[0]?.toLowerCase()}`;

    beforeAll(async () => {
      const wasm = await wasmOf();
      host = await createHost({
        services: [
          createHttpService(),
          ...createCacheServices({ backend }),
          ...createLogServices({ router }),
        ],
        logger: () => undefined,
      });
      fn = await host.load(wasm, { name: 'ddb-accel', cache: cacheName });
    }, 300_000);

    afterAll(async () => {
      await host?.close();
    });

    const getItem = (body: string, extraHeaders: [string, string][] = []) =>
      fn.invoke({
        method: 'POST',
        headers: [
          ['X-Amz-Target', 'DynamoDB_20120810.GetItem'],
          ['x-uri', `${dynamo.url}/`],
          ['content-type', 'application/x-amz-json-1.0'],
          ...extraHeaders,
        ],
        body,
      });

    const upstreamHeaders = (res: { headers: readonly (readonly [string, string])[] }) =>
      res.headers.filter(([n]) => /^(x-amzn-requestid|content-type|x-amz-crc32)$/i.test(n));

    it('caches GetItem under the canonical key: a miss goes upstream, a reordered request hits', async () => {
      const before = calls.length;
      const first = await getItem(
        '{"Key":{"sk":{"N":"5"},"pk":{"S":"u1"}},"TableName":"users","ConsistentRead":true}',
        [['x-custom', 'c']],
      );
      expect(first.status).toBe(200);
      expect(upstreamHeaders(first)).toEqual([
        ['x-amzn-RequestId', `req-${before + 1}`],
        ['Content-Type', 'application/x-amz-json-1.0'],
        ['X-Amz-Crc32', '12345'],
      ]);
      expect(first.text()).toBe('{"Item":{"pk":{"S":"u1"},"name":{"S":"Ada"}}}');
      expect(calls.length).toBe(before + 1);
      const forwarded = calls[calls.length - 1];
      expect(forwarded?.body).toBe(
        '{"Key":{"sk":{"N":"5"},"pk":{"S":"u1"}},"TableName":"users","ConsistentRead":true}',
      );
      expect(forwarded?.headers.find(([n]) => n.toLowerCase() === 'x-custom')?.[1]).toBe('c');
      expect(forwarded?.headers.find(([n]) => n.toLowerCase() === 'host')?.[1]).toBe(
        `127.0.0.1:${dynamo.port}`,
      );

      const key = '{"TableName":"users","Key":{"pk":{"S":"u1"},"sk":{"N":"5"}}}';
      const stored = backend.get(cacheName, new TextEncoder().encode(key));
      expect(stored).toBeDefined();
      const cached = JSON.parse(new TextDecoder().decode(stored));
      expect(cached.status).toBe(200);
      expect(cached.headers.filter(([n]: [string]) => /^x-amz/i.test(n))).toEqual([
        ['x-amzn-RequestId', `req-${before + 1}`],
        ['X-Amz-Crc32', '12345'],
      ]);
      expect(Buffer.from(cached.body).toString()).toBe(first.text());

      const second = await getItem(
        '{"TableName":"users","Key":{"pk":{"S":"u1"},"sk":{"N":"5"}},"ProjectionExpression":"name"}',
      );
      expect(calls.length).toBe(before + 1);
      expect([second.status, upstreamHeaders(second), second.text()]).toEqual([
        first.status,
        upstreamHeaders(first),
        first.text(),
      ]);

      const messages = router.records.filter((r) => r.functionName === 'ddb-accel').map((r) => r.message);
      expect(messages.some((m) => m.endsWith(`Cache miss for ${key} -> ${dynamo.url}/`))).toBe(true);
      expect(messages.some((m) => m.endsWith(`Cache hit for ${key}`))).toBe(true);
      expect(
        messages.some((m) =>
          m.includes(
            'GetItem GetItemRequest { table_name: "users", key: Object {"pk": Object {"S": String("u1")}',
          ),
        ),
      ).toBe(true);
    });

    it('caches upstream errors too', async () => {
      const before = calls.length;
      const a = await getItem('{"TableName":"missing","Key":{"pk":{"S":"x"}}}');
      const b = await getItem('{"TableName":"missing","Key":{"pk":{"S":"x"}}}');
      expect(a.status).toBe(400);
      expect([b.status, b.text()]).toEqual([400, a.text()]);
      expect(calls.length).toBe(before + 1);
    });

    it('passes other targets through without caching', async () => {
      const before = calls.length;
      for (let i = 0; i < 2; i++) {
        const res = await fn.invoke({
          method: 'POST',
          headers: [
            ['X-Amz-Target', 'DynamoDB_20120810.PutItem'],
            ['x-uri', `${dynamo.url}/`],
          ],
          body: '{"TableName":"users","Item":{}}',
        });
        expect(res.status).toBe(200);
      }
      expect(calls.slice(before).map((c) => c.target)).toEqual([
        'DynamoDB_20120810.PutItem',
        'DynamoDB_20120810.PutItem',
      ]);
    });

    it('answers 500 for a missing header, X-Amz-Target first', async () => {
      const noTarget = await fn.invoke({ method: 'POST', body: '{}' });
      expect([noTarget.status, noTarget.headers, noTarget.text()]).toEqual([
        500,
        [],
        'Missing X-Amz-Target header',
      ]);
      const noUri = await fn.invoke({
        method: 'POST',
        headers: [['x-amz-target', 'DynamoDB_20120810.GetItem']],
        body: '{}',
      });
      expect([noUri.status, noUri.headers, noUri.text()]).toEqual([500, [], 'Missing x-uri header']);
    });

    it('answers 500 with serde_json Debug text for a GetItem body without TableName', async () => {
      const res = await getItem('{}');
      expect([res.status, res.headers, res.text()]).toEqual([
        500,
        [],
        'An error occurred during function invocation: Error("missing field `TableName`", line: 1, column: 2)',
      ]);
    });

    it('answers 500 with the HttpError Debug text when the upstream cannot be reached', async () => {
      const closed = await startUpstream({});
      await closed.close();
      const res = await fn.invoke({
        method: 'POST',
        headers: [
          ['X-Amz-Target', 'DynamoDB_20120810.Query'],
          ['x-uri', `${closed.url}/`],
        ],
        body: '{}',
      });
      expect([res.status, res.text()]).toEqual([
        500,
        `An error occurred during function invocation: RequestError("error sending request for url (${closed.url}/): connection refused by 127.0.0.1:${closed.port} (is the server running?)")`,
      ]);
    });
  },
);
