// valkey-vector-embeddings built from source and run in the reference host against a local
// OpenAI stand-in (examples/shared/openai-stand-in.ts): the request OpenAI gets, and the
// embeddings answered sorted by index with f32 values written as serde writes them.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';

let openai: OpenAiStandIn;
let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  // Answers in reverse index order: the function must sort.
  openai = await startOpenAi({ apiKey: 'sk-test', reverse: true, embed: (t) => [t.length, 0.1, -2] });
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'embeddings',
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
  });
});
afterAll(async () => {
  await host?.close();
  await openai?.close();
});

it('embeds the documents (newlines as spaces) and answers them sorted by index, no content-type', async () => {
  const res = await fn.invoke({ body: JSON.stringify({ documents: ['sweet\nfood', 'salty snack'] }) });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [],
    '[{"embedding":[10.0,0.1,-2.0],"index":0},{"embedding":[11.0,0.1,-2.0],"index":1}]',
  ]);
  expect(openai.calls.at(-1)).toMatchObject({
    method: 'POST',
    path: '/v1/embeddings',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    body: '{"encoding_format":"float","input":["sweet food","salty snack"],"model":"text-embedding-3-small"}',
  });
  expect(res.logs.map((r) => [r.level, r.message.replace(/^.* \S+:\d+ /, '')])).toEqual([
    ['debug', 'getting embeddings for document with content: ["sweet\\nfood", "salty snack"]'],
    ['debug', 'OpenAI response status: 200'],
  ]);
});

it('OpenAI refusing the key: the error body has no data, 500', async () => {
  const bad = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'embeddings-bad-key',
    env: { OPENAI_API_KEY: 'sk-wrong', OPENAI_BASE_URL: openai.baseUrl },
  });
  const res = await bad.invoke({ body: '{"documents":["x"]}' });
  expect([res.status, res.headers]).toEqual([500, []]);
  expect(res.text()).toMatch(/^An error occurred during function invocation: .*data/);
  expect(res.logs.map((r) => r.message.replace(/^.* \S+:\d+ /, ''))).toContain('OpenAI response status: 401');
});
