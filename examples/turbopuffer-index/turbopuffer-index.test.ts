// turbopuffer-index built from source and run in the reference host against a local Turbopuffer
// stand-in (examples/shared/turbopuffer-stand-in.ts): the upsert requests (headers, sorted body,
// 2000 rows each), the answers for success, an empty list and an upstream refusal.
import { join } from 'node:path';
import { createHost, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTurbopuffer, type TurbopufferStandIn } from '../shared/turbopuffer-stand-in.js';

let tpuf: TurbopufferStandIn;
let host: Host;
beforeAll(async () => {
  tpuf = await startTurbopuffer({ apiKey: 'tpuf-key' });
  host = await createHost({ backends: { log: false } });
});
beforeEach(() => {
  tpuf.calls.length = 0;
});
afterAll(async () => {
  await host?.close();
  await tpuf?.close();
});

const load = (apiKey = 'tpuf-key') =>
  host.load(join(import.meta.dirname, 'index.ts'), {
    name: `turbopuffer-index-${apiKey}`,
    env: {
      TURBOPUFFER_API_KEY: apiKey,
      TURBOPUFFER_REGION: 'gcp-us-central1',
      TURBOPUFFER_NAMESPACE: 'fine-foods',
      TURBOPUFFER_BASE_URL: tpuf.baseUrl,
    },
  });
const review = (id: number, vectorKey: 'vector' | 'embedding' = 'embedding') => ({
  [vectorKey]: [0.1, id],
  id: String(id),
  product_id: 'B001E4KFG0',
  user_id: 'A3SGXH7AUHU8GW',
  profile_name: 'delmartian',
  helpfulness_numerator: 1,
  helpfulness_denominator: 1,
  score: 5,
  time: 1303862400,
  summary: 'Good Quality Dog Food',
  text: 'I have bought several',
});

it('upserts the rows (keys sorted, `embedding` as `vector`) and answers 200', async () => {
  const res = await (await load()).invoke({ body: JSON.stringify([review(1), review(2, 'vector')]) });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [],
    '{"message":"Documents indexed successfully"}',
  ]);
  expect(tpuf.calls).toHaveLength(1);
  const [call] = tpuf.calls;
  expect(call).toMatchObject({
    method: 'POST',
    path: '/v2/namespaces/fine-foods',
    headers: {
      authorization: 'Bearer tpuf-key',
      'content-type': 'application/json',
      accept: '*/*',
      'user-agent': 'momento-turbopuffer-example',
    },
  });
  const f32 = Math.fround(0.1);
  expect(call?.body).toBe(
    `{"distance_metric":"cosine_distance","upsert_rows":[{"helpfulness_denominator":1,"helpfulness_numerator":1,"id":"1","product_id":"B001E4KFG0","profile_name":"delmartian","score":5,"summary":"Good Quality Dog Food","text":"I have bought several","time":1303862400,"user_id":"A3SGXH7AUHU8GW","vector":[${f32},1]},` +
      `{"helpfulness_denominator":1,"helpfulness_numerator":1,"id":"2","product_id":"B001E4KFG0","profile_name":"delmartian","score":5,"summary":"Good Quality Dog Food","text":"I have bought several","time":1303862400,"user_id":"A3SGXH7AUHU8GW","vector":[${f32},2]}]}`,
  );
  expect([...(tpuf.namespaces.get('fine-foods')?.keys() ?? [])]).toEqual(['1', '2']);
});

it('sends 2000 rows per request', async () => {
  const rows = Array.from({ length: 2001 }, (_, i) => review(i));
  const res = await (await load()).invoke({ body: JSON.stringify(rows) });
  expect(res.status).toBe(200);
  expect(tpuf.calls.map((c) => (c.json as { upsert_rows: unknown[] }).upsert_rows.length)).toEqual([2000, 1]);
});

it('no documents: 400 "No documents provided", nothing sent', async () => {
  const res = await (await load()).invoke({ body: '[]' });
  expect([res.status, res.headers, res.text()]).toEqual([400, [], 'No documents provided']);
  expect(tpuf.calls).toEqual([]);
});

it('Turbopuffer refusing the request: its status, with its body inside the message', async () => {
  const res = await (await load('wrong-key')).invoke({ body: JSON.stringify([review(1)]) });
  expect([res.status, res.headers, res.text()]).toEqual([
    401,
    [],
    '{"message":"Failed to index documents: {\\"status\\":\\"error\\",\\"error\\":\\"unauthorized: the API key is not valid\\"}"}',
  ]);
});

it('a row with both `vector` and `embedding`, or neither: 400', async () => {
  const fn = await load();
  for (const row of [
    { ...review(1), vector: [1, 2] },
    { ...review(1), embedding: undefined },
  ]) {
    const res = await fn.invoke({ body: JSON.stringify([row]) });
    expect(res.status).toBe(400);
    expect(res.text()).toMatch(/^Failed to parse request body: .*field `vector`/);
  }
  expect(tpuf.calls).toEqual([]);
});
