// A typed JSON call to an embeddings API (docs/patterns.md), built from TypeScript (index.ts, a zod
// schema) and from Rust with the official crates (tests/fixtures/rust-official/typed-embeddings,
// serde), run in the reference host against the loopback OpenAI stand-in answering `data` in
// reverse order: the request as sent, the answer sorted by `index` with the vectors written as
// Rust's serde writes `f32`s, and the same answers from both builds. Needs `npm run build`.
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';
import { answerOf, builds } from '../shared/patterns-support.js';

let openai: OpenAiStandIn;
let host: Host;
const answers: Record<string, unknown[]> = { TypeScript: [], Rust: [] };

beforeAll(async () => {
  openai = await startOpenAi({
    apiKey: 'sk-test',
    reverse: true,
    embed: (text) => [text.length / 10, -0.25, 1e-7],
  });
  host = await createHost({ backends: { log: false } });
});
afterAll(async () => {
  await host?.close();
  await openai?.close();
});

describe.each(builds('typed-embeddings'))('typed-embeddings (%s)', (language, entry) => {
  let fn: FunctionHandle;
  beforeAll(async () => {
    openai.calls.length = 0;
    fn = await host.load(entry, {
      name: `typed-embeddings-${language}`,
      cache: 'patterns',
      env: { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test' },
    });
  });

  it('sends the typed request and answers the embeddings sorted by index', async () => {
    const res = await fn.invoke({ body: '["one","three","seven"]' });
    answers[language]?.push(answerOf(res));
    expect(
      openai.calls.map((c) => [c.method, c.path, c.headers.authorization, c.headers['content-type'], c.body]),
    ).toEqual([
      [
        'POST',
        '/v1/embeddings',
        'Bearer sk-test',
        'application/json',
        '{"encoding_format":"float","input":["one","three","seven"],"model":"text-embedding-3-small"}',
      ],
    ]);
    expect(answerOf(res)).toEqual([
      200,
      [['content-type', 'application/json; charset=utf-8']],
      '[{"embedding":[0.3,-0.25,1e-7],"index":0},{"embedding":[0.5,-0.25,1e-7],"index":1},{"embedding":[0.5,-0.25,1e-7],"index":2}]',
    ]);
  });
});

it('the TypeScript and Rust builds answered identically', () => {
  expect(answers.TypeScript).toHaveLength(1);
  expect(answers.TypeScript).toEqual(answers.Rust);
});
