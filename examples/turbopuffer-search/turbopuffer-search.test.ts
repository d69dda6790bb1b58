// turbopuffer-search built from source and run in the reference host against local OpenAI and
// Turbopuffer stand-ins (examples/shared/*-stand-in.ts): the query embedding fetched once and
// then read from the cache (f32 LE bytes under the query text), the ANN query Turbopuffer gets,
// and the rows answered with `Content-Type: application/json`.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';
import { startTurbopuffer, type TurbopufferStandIn } from '../shared/turbopuffer-stand-in.js';

let openai: OpenAiStandIn;
let tpuf: TurbopufferStandIn;
let host: Host;
let fn: FunctionHandle;
const env = (namespace: string) => ({
  OPENAI_API_KEY: 'sk-test',
  OPENAI_BASE_URL: openai.baseUrl,
  TURBOPUFFER_API_KEY: 'tpuf-key',
  TURBOPUFFER_REGION: 'gcp-us-central1',
  TURBOPUFFER_NAMESPACE: namespace,
  TURBOPUFFER_BASE_URL: tpuf.baseUrl,
});
beforeAll(async () => {
  openai = await startOpenAi({
    apiKey: 'sk-test',
    embed: (t) => (t.startsWith('sweet') ? [1, 0, 0] : [0, 0, 1]),
  });
  tpuf = await startTurbopuffer({ apiKey: 'tpuf-key' });
  const row = (id: string, vector: number[]) => ({ id, vector, summary: `summary ${id}` });
  tpuf.namespaces.set(
    'reviews',
    new Map([
      ['a', row('a', [1, 0, 0])],
      ['b', row('b', [0, 1, 0])],
      ['c', row('c', [1, 1, 0])],
    ]),
  );
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'turbopuffer-search',
    cache: 'c',
    env: env('reviews'),
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

it('embeds the query once, caches it, and answers the nearest rows', async () => {
  const body = JSON.stringify({ query: 'sweet food', topk: 2, include_attributes: ['summary'] });
  for (const round of [1, 2]) {
    const res = await fn.invoke({ body });
    expect([res.status, res.headers, res.text()]).toEqual([
      200,
      [['Content-Type', 'application/json']],
      '[{"dist":0.0,"id":"a"},{"dist":0.29289323,"id":"c"}]',
    ]);
    expect(openai.calls.length, `round ${round}`).toBe(1);
  }
  expect(openai.calls[0]?.body).toBe(
    '{"encoding_format":"float","input":["sweet food"],"model":"text-embedding-3-small"}',
  );
  expect(await host.cache('c').getBytes('sweet food')).toEqual(
    new Uint8Array(Float32Array.of(1, 0, 0).buffer),
  );
  expect(tpuf.calls.map((c) => [c.path, c.headers.authorization, c.body])).toEqual([
    [
      '/v2/namespaces/reviews/query',
      'Bearer tpuf-key',
      '{"include_attributes":["summary"],"rank_by":["vector","ANN",[1,0,0]],"top_k":2}',
    ],
    [
      '/v2/namespaces/reviews/query',
      'Bearer tpuf-key',
      '{"include_attributes":["summary"],"rank_by":["vector","ANN",[1,0,0]],"top_k":2}',
    ],
  ]);
});

it('a cached embedding is used as is; defaults: top 5, no attributes', async () => {
  await host.cache('c').set('what?', new Uint8Array(Float32Array.of(0, 1, 0).buffer));
  const res = await fn.invoke({ body: '{"query":"what?"}' });
  expect(res.text()).toBe('[{"dist":0.0,"id":"b"},{"dist":0.29289323,"id":"c"},{"dist":1.0,"id":"a"}]');
  expect(openai.calls).toEqual([]);
  expect(tpuf.calls[0]?.body).toBe('{"include_attributes":[],"rank_by":["vector","ANN",[0,1,0]],"top_k":5}');
});

it('Turbopuffer answering non-200: that status and its body in the message, no content-type', async () => {
  const other = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'turbopuffer-search-missing',
    cache: 'c',
    env: env('missing'),
  });
  const res = await other.invoke({ body: '{"query":"sweet food"}' });
  expect([res.status, res.headers, res.text()]).toEqual([
    404,
    [],
    '{"message":"Failed to search documents: {\\"status\\":\\"error\\",\\"error\\":\\"namespace \'missing\' was not found\\"}"}',
  ]);
});
