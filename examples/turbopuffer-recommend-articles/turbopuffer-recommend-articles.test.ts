// turbopuffer-recommend-articles built from source and run in the reference host against a local
// Turbopuffer stand-in (examples/shared/turbopuffer-stand-in.ts): cached embeddings read from the
// cache, the misses fetched in one `In` query and cached, the mean's ANN query excluding the
// liked articles, and results beyond a cosine distance of 0.6 dropped.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTurbopuffer, type TurbopufferStandIn } from '../shared/turbopuffer-stand-in.js';

let tpuf: TurbopufferStandIn;
let host: Host;
let fn: FunctionHandle;
const bytes = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
beforeAll(async () => {
  tpuf = await startTurbopuffer({ apiKey: 'tpuf-key' });
  const article = (id: string, vector: number[]) => ({
    id,
    vector,
    metadata$title: `Title ${id}`,
    metadata$link: `https://news.example/${id}`,
  });
  tpuf.namespaces.set(
    'articles',
    new Map([
      ['a1', article('a1', [1, 0])],
      ['a2', article('a2', [0, 1])],
      ['a3', article('a3', [1, 1])],
      ['a4', article('a4', [1, 0.2])],
      ['a5', article('a5', [-1, 0])],
    ]),
  );
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'recommend',
    cache: 'c',
    env: {
      TURBOPUFFER_API_KEY: 'tpuf-key',
      TURBOPUFFER_REGION: 'gcp-us-central1',
      TURBOPUFFER_NAMESPACE: 'articles',
      TURBOPUFFER_BASE_URL: tpuf.baseUrl,
    },
  });
});
beforeEach(async () => {
  tpuf.calls.length = 0;
  await host.reset();
});
afterAll(async () => {
  await host?.close();
  await tpuf?.close();
});

it('averages the liked articles (cached or fetched) and answers the close ones', async () => {
  await host.cache('c').set('a1', bytes(1, 0));
  const res = await fn.invoke({ body: '{"article_ids":["a1","a2"]}' });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [['Content-Type', 'application/json']],
    '[{"dist":0.0,"id":"a3","metadata$title":"Title a3","metadata$link":"https://news.example/a3"},' +
      '{"dist":0.1679497,"id":"a4","metadata$title":"Title a4","metadata$link":"https://news.example/a4"}]',
  ]);
  expect(tpuf.calls.map((c) => [c.path, c.headers.authorization, c.body])).toEqual([
    [
      '/v2/namespaces/articles/query',
      'Bearer tpuf-key',
      '{"filters":["id","In",["a2"]],"include_attributes":["id","vector"],"top_k":1}',
    ],
    [
      '/v2/namespaces/articles/query',
      'Bearer tpuf-key',
      '{"filters":["id","NotIn",["a1","a2"]],"include_attributes":["metadata$title","metadata$link"],"rank_by":["vector","ANN",[0.5,0.5]],"top_k":10}',
    ],
  ]);
  // The fetched embedding is now cached.
  expect(await host.cache('c').getBytes('a2')).toEqual(bytes(0, 1));
});

it('topk is passed on; every embedding cached: one query only', async () => {
  await host.cache('c').set('a5', bytes(-1, 0));
  const res = await fn.invoke({ body: '{"article_ids":["a5"],"topk":2}' });
  // The nearest to a5 are a2 (distance 1) and a3 (1.71): both beyond 0.6, dropped.
  expect(res.text()).toBe('[]');
  expect(tpuf.calls.map((c) => c.body)).toEqual([
    '{"filters":["id","NotIn",["a5"]],"include_attributes":["metadata$title","metadata$link"],"rank_by":["vector","ANN",[-1,0]],"top_k":2}',
  ]);
});

it('no embedding found: the 1536-dimension zero vector, which this namespace refuses: 500', async () => {
  const res = await fn.invoke({ body: '{"article_ids":["nope"]}' });
  expect([res.status, res.headers, res.text()]).toEqual([
    500,
    [],
    'Failed to search documents: {"status":"error","error":"query vector has 1536 dimensions, the namespace has 2"}',
  ]);
  expect((tpuf.calls[1]?.json as { rank_by?: unknown[] } | undefined)?.rank_by?.[2]).toEqual(
    new Array(1536).fill(0),
  );
  expect(res.logs.map((r) => r.message.replace(/^.* \S+:\d+ /, ''))).toContain(
    'no embeddings found for nope',
  );
});
