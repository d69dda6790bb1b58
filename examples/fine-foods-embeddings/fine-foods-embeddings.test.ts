// fine-foods-embeddings built from source and run in the reference host against a local OpenAI
// stand-in (examples/shared/openai-stand-in.ts): CSV-named and snake_case rows, numbers parsed
// from strings, newlines replaced, chunks of 2000, and the snake_case rows with their embedding.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';

let openai: OpenAiStandIn;
let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  openai = await startOpenAi({ apiKey: 'sk-test', reverse: true, embed: (t) => [t.length, 0.5] });
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'fine-foods-embeddings',
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
  });
});
beforeEach(() => {
  openai.calls.length = 0;
});
afterAll(async () => {
  await host?.close();
  await openai?.close();
});

const csvRow = (id: number, text: string) => ({
  Id: String(id),
  ProductId: 'B001E4KFG0',
  UserId: 'A3SGXH7AUHU8GW',
  ProfileName: 'delmartian',
  HelpfulnessNumerator: '1',
  HelpfulnessDenominator: '+1',
  Score: '5',
  Time: '1303862400',
  Summary: 'Good Quality Dog Food',
  Text: text,
});

it('answers the rows in snake_case with their embeddings, no content-type', async () => {
  const snake = {
    id: '2',
    product_id: 'B00813GRG4',
    user_id: 'A1D87F6ZCVE5NK',
    profile_name: 'dll pa',
    helpfulness_numerator: '0',
    helpfulness_denominator: '0',
    score: '-1',
    time: '1346976000',
    summary: 'Not as Advertised',
    text: 'Product arrived labeled as Jumbo',
  };
  const res = await fn.invoke({ body: JSON.stringify([csvRow(1, 'I have bought\nseveral'), snake]) });
  expect([res.status, res.headers]).toEqual([200, []]);
  expect(res.text()).toBe(
    '[{"embedding":[21.0,0.5],"id":"1","product_id":"B001E4KFG0","user_id":"A3SGXH7AUHU8GW","profile_name":"delmartian","helpfulness_numerator":1,"helpfulness_denominator":1,"score":5,"time":1303862400,"summary":"Good Quality Dog Food","text":"I have bought\\nseveral"},' +
      '{"embedding":[32.0,0.5],"id":"2","product_id":"B00813GRG4","user_id":"A1D87F6ZCVE5NK","profile_name":"dll pa","helpfulness_numerator":0,"helpfulness_denominator":0,"score":-1,"time":1346976000,"summary":"Not as Advertised","text":"Product arrived labeled as Jumbo"}]',
  );
  expect(openai.calls.map((c) => [c.headers.authorization, c.body])).toEqual([
    [
      'Bearer sk-test',
      '{"encoding_format":"float","input":["I have bought several","Product arrived labeled as Jumbo"],"model":"text-embedding-3-small"}',
    ],
  ]);
});

it('embeds in chunks of 2000 texts', async () => {
  const rows = Array.from({ length: 2001 }, (_, i) => csvRow(i, `review ${i}`));
  const res = await fn.invoke({ body: JSON.stringify(rows) });
  expect(res.status).toBe(200);
  expect(openai.calls.map((c) => c.input.length)).toEqual([2000, 1]);
  expect(openai.calls[1]?.input).toEqual(['review 2000']);
  const out = res.json<{ id: string; embedding: number[] }[]>();
  expect(out.length).toBe(2001);
  expect(out[2000]).toMatchObject({ id: '2000', embedding: [11, 0.5] });
});

it.each([
  ['a number that is not a string', { ...csvRow(1, 't'), Score: 5 }],
  ['a string that is not a number', { ...csvRow(1, 't'), Score: 'five' }],
  ['a negative time', { ...csvRow(1, 't'), Time: '-1' }],
  ['a missing field', { ...csvRow(1, 't'), Summary: undefined }],
])('%s: 400, OpenAI not called', async (_, row) => {
  const res = await fn.invoke({ body: JSON.stringify([row]) });
  expect([res.status, res.headers]).toEqual([400, []]);
  expect(res.text()).toMatch(/^Failed to parse request body: /);
  expect(openai.calls).toEqual([]);
});
