// turbopuffer-search-articles built from source and run in the reference host against local
// OpenAI and Turbopuffer stand-ins (examples/shared/*-stand-in.ts): the filters passed through,
// the article attributes answered (absent ones left out), the embedding cached, and the refusals.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';
import { startTurbopuffer, type TurbopufferStandIn } from '../shared/turbopuffer-stand-in.js';

let openai: OpenAiStandIn;
let tpuf: TurbopufferStandIn;
let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  openai = await startOpenAi({ apiKey: 'sk-test', embed: () => [1, 0] });
  tpuf = await startTurbopuffer({ apiKey: 'tpuf-key' });
  const article = (id: string, vector: number[], language: string) => ({
    id,
    vector,
    page_content: `content of ${id}`,
    metadata$title: `Title ${id}`,
    metadata$link: `https://news.example/${id}`,
    metadata$authors: ['Ann', 'Bob'],
    metadata$language: language,
    metadata$description: `about ${id}`,
    metadata$feed: 'tech',
  });
  tpuf.namespaces.set(
    'articles',
    new Map([
      ['a1', article('a1', [1, 0], 'en')],
      ['a2', article('a2', [1, 0], 'en')],
      ['a3', article('a3', [0, 1], 'fr')],
      ['a4', article('a4', [1, 1], 'en')],
    ]),
  );
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'turbopuffer-search-articles',
    cache: 'c',
    env: {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      TURBOPUFFER_API_KEY: 'tpuf-key',
      TURBOPUFFER_REGION: 'gcp-us-central1',
      TURBOPUFFER_NAMESPACE: 'articles',
      TURBOPUFFER_BASE_URL: tpuf.baseUrl,
      TTL_SECONDS: '600',
    },
  });
});
beforeEach(async () => {
  openai.calls.length = 0;
  tpuf.calls.length = 0;
  await host.reset();
});
afterAll(async () => {
  await host?.close();
  await tpuf?.close();
  await openai?.close();
});

it('passes the filters through and answers the requested article attributes', async () => {
  const filters = [
    'And',
    [
      ['metadata$language', 'Eq', 'en'],
      ['Not', ['id', 'In', ['a2']]],
    ],
  ];
  const res = await fn.invoke({
    body: JSON.stringify({
      query: 'rust\nwasm',
      topk: 3,
      include_attributes: ['metadata$title', 'metadata$authors', 'vector'],
      filters,
    }),
  });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [['Content-Type', 'application/json']],
    '[{"dist":0.0,"id":"a1","vector":[1.0,0.0],"metadata$title":"Title a1","metadata$authors":["Ann","Bob"]},' +
      '{"dist":0.29289323,"id":"a4","vector":[1.0,1.0],"metadata$title":"Title a4","metadata$authors":["Ann","Bob"]}]',
  ]);
  expect(openai.calls.map((c) => c.input)).toEqual([['rust wasm']]);
  expect(await host.cache('c').getBytes('rust\nwasm')).toEqual(new Uint8Array(Float32Array.of(1, 0).buffer));
  expect(tpuf.calls.map((c) => [c.path, c.headers.authorization, c.body])).toEqual([
    [
      '/v2/namespaces/articles/query',
      'Bearer tpuf-key',
      `{"filters":${JSON.stringify(filters)},"include_attributes":["metadata$title","metadata$authors","vector"],"rank_by":["vector","ANN",[1,0]],"top_k":3}`,
    ],
  ]);
});

it('without filters: `"filters":null`, top 5, only dist and id', async () => {
  const res = await fn.invoke({ body: '{"query":"q"}' });
  expect(res.text()).toBe(
    '[{"dist":0.0,"id":"a1"},{"dist":0.0,"id":"a2"},{"dist":0.29289323,"id":"a4"},{"dist":1.0,"id":"a3"}]',
  );
  expect(tpuf.calls[0]?.body).toBe(
    '{"filters":null,"include_attributes":[],"rank_by":["vector","ANN",[1,0]],"top_k":5}',
  );
});

it('a filter of another shape: 400, nothing sent', async () => {
  const res = await fn.invoke({ body: JSON.stringify({ query: 'q', filters: ['id', 'Like', 'a%'] }) });
  expect([res.status, res.headers]).toEqual([400, []]);
  expect(res.text()).toMatch(/^Failed to parse request body: /);
  expect([openai.calls, tpuf.calls]).toEqual([[], []]);
});

it('Turbopuffer refusing the filter: its status and body in the message', async () => {
  const res = await fn.invoke({ body: JSON.stringify({ query: 'q', filters: ['id', 'Neq', 'a1'] }) });
  expect([res.status, res.headers, res.text()]).toEqual([
    400,
    [],
    '{"message":"Failed to search documents: {\\"status\\":\\"error\\",\\"error\\":\\"invalid filter: [\\\\\\"id\\\\\\",\\\\\\"Neq\\\\\\",\\\\\\"a1\\\\\\"]\\"}"}',
  ]);
});
