// Memoizing an upstream call for an hour (docs/patterns.md), built from TypeScript (index.ts)
// and from Rust with the official crates (tests/fixtures/rust-official/memoize-upstream), run in
// the reference host against the loopback OpenAI stand-in: the second call is answered from the
// cache without reaching the upstream, the item is written with a TTL of 3 600 000 ms and expires
// after an hour on the store's clock, errors are relayed and not cached, and both builds answer
// the same. Needs `npm run build` (the example imports the packages by name).
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';
import { answerOf, builds, RecordingCacheBackend } from '../shared/patterns-support.js';

const KEY = 'openai:embed:af63dc4c8601ec8c'; // FNV-1a 64 of "a" (a published test vector)
const ANSWER = JSON.stringify({
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [1, 0, 97] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 1, total_tokens: 1 },
});
const headers = (how: string) => [
  ['content-type', 'application/json'],
  ['x-cache', how],
];
let openai: OpenAiStandIn;
let backend: RecordingCacheBackend;
let host: Host;
const answers: Record<string, unknown[]> = { TypeScript: [], Rust: [] };

beforeAll(async () => {
  openai = await startOpenAi({ apiKey: 'sk-test' });
  backend = new RecordingCacheBackend();
  host = await createHost({ backends: { log: false, cache: { backend } } });
});
afterAll(async () => {
  await host?.close();
  await openai?.close();
});

describe.each(builds('memoize-upstream'))('memoize-upstream (%s)', (language, entry) => {
  let fn: FunctionHandle;
  const invoke = async (prompt: string, f = fn) => {
    const res = await f.invoke({ body: JSON.stringify({ prompt }) });
    answers[language]?.push(answerOf(res));
    return answerOf(res);
  };

  beforeAll(async () => {
    await host.reset();
    backend.sets.length = 0;
    openai.calls.length = 0;
    fn = await host.load(entry, {
      name: `memoize-${language}`,
      cache: 'patterns',
      env: { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test' },
    });
  });

  it('the first call asks the upstream and caches its answer for one hour (TTL 3 600 000 ms)', async () => {
    expect(await invoke('a')).toEqual([200, headers('miss'), ANSWER]);
    expect(openai.calls.map((c) => [c.method, c.path, c.headers.authorization, c.body])).toEqual([
      [
        'POST',
        '/v1/embeddings',
        'Bearer sk-test',
        '{"encoding_format":"float","input":["a"],"model":"text-embedding-3-small"}',
      ],
    ]);
    expect(backend.sets).toEqual([{ key: KEY, ttlMs: 3_600_000 }]);
    expect(await host.cache('patterns').get(KEY)).toBe(ANSWER);
  });

  it('the second call is answered from the cache and does not reach the upstream', async () => {
    expect(await invoke('a')).toEqual([200, headers('hit'), ANSWER]);
    expect(openai.calls).toHaveLength(1);
  });

  it('after 59 min 59 s it is still cached; after the hour the upstream is asked again', async () => {
    backend.advance(3_599_000);
    expect(await invoke('a')).toEqual([200, headers('hit'), ANSWER]);
    expect(openai.calls).toHaveLength(1);
    backend.advance(1_001);
    expect(await invoke('a')).toEqual([200, headers('miss'), ANSWER]);
    expect(openai.calls).toHaveLength(2);
  });

  it('an upstream error is relayed with its status and not cached', async () => {
    const badKey = await host.load(entry, {
      name: `memoize-bad-key-${language}`,
      cache: 'patterns',
      env: { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-wrong' },
    });
    const before = backend.sets.length;
    const [status, hdrs, body] = await invoke('b', badKey);
    expect([status, hdrs]).toEqual([401, headers('miss')]);
    expect(JSON.parse(body).error.code).toBe('invalid_api_key');
    expect((await invoke('b', badKey))[0]).toBe(401);
    expect(openai.calls.slice(-2).map((c) => c.input)).toEqual([['b'], ['b']]);
    expect(backend.sets.length).toBe(before);
  });
});

it('the TypeScript and Rust builds answered every request identically', () => {
  expect(answers.TypeScript).toHaveLength(6);
  expect(answers.TypeScript).toEqual(answers.Rust);
});
