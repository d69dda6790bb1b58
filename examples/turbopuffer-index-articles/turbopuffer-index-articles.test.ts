// turbopuffer-index-articles built from source and run in the reference host against local OpenAI
// and Turbopuffer stand-ins (examples/shared/*-stand-in.ts): the embeddings requests (100 texts
// each, `no_content` for an empty text, a text over 8192 tokens cut — counted with js-tiktoken
// here), the upserts with the `metadata$…` attributes, and the answers: 200 with the message, 400
// for no articles, 500 when either service refuses. The tokenizer module itself is also compared
// with js-tiktoken's cl100k_base under Node.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k_base from 'js-tiktoken/ranks/cl100k_base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';
import { startTurbopuffer, type TurbopufferStandIn } from '../shared/turbopuffer-stand-in.js';
import { decode, encodeWithSpecialTokens } from './tokenizer.js';

const cl100k = new Tiktoken(cl100k_base);
const tokens = (text: string) => cl100k.encode(text, 'all');

let openai: OpenAiStandIn;
let tpuf: TurbopufferStandIn;
let host: Host;
let fn: FunctionHandle;

const ENV = {
  OPENAI_API_KEY: 'sk-test',
  TURBOPUFFER_API_KEY: 'tpuf-key',
  TURBOPUFFER_REGION: 'gcp-us-central1',
  TURBOPUFFER_NAMESPACE: 'articles',
};
const load = (name: string, env: Record<string, string> = {}) =>
  host.load(join(import.meta.dirname, 'index.ts'), {
    name,
    env: { ...ENV, OPENAI_BASE_URL: openai.baseUrl, TURBOPUFFER_BASE_URL: tpuf.baseUrl, ...env },
  });

beforeAll(async () => {
  // A 2-dimensional vector: the text's length in UTF-16 units, and 0.1 (sent back as an f32).
  openai = await startOpenAi({ apiKey: 'sk-test', embed: (t) => [t.length, 0.1], reverse: true });
  tpuf = await startTurbopuffer({ apiKey: 'tpuf-key' });
  host = await createHost({ backends: { log: false } });
  fn = await load('turbopuffer-index-articles');
});
beforeEach(async () => {
  openai.calls.length = 0;
  tpuf.calls.length = 0;
  tpuf.namespaces.clear();
  await host.reset();
});
afterAll(async () => {
  await host?.close();
  await tpuf?.close();
  await openai?.close();
});

const metadata = (id: string) => ({
  title: `Title ${id}`,
  link: `https://news.example/${id}`,
  authors: ['Ann', 'Bob'],
  language: 'en',
  description: `about ${id}`,
  feed: 'tech',
});
/** An article; its metadata under `metadata` or under `document_metadata`. */
const article = (id: string, page_content: string, key: 'metadata' | 'document_metadata' = 'metadata') => ({
  id,
  [key]: metadata(id),
  page_content,
});
const f32 = Math.fround(0.1);

it('embeds the texts and upserts the articles with their metadata$ attributes: 200', async () => {
  const res = await fn.invoke({
    body: JSON.stringify([article('a1', 'Rust and\nWasm'), article('a2', 'Ünïcödé 🦀', 'document_metadata')]),
  });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [],
    '{"message":"Documents indexed successfully"}',
  ]);

  expect(openai.calls).toHaveLength(1);
  expect(openai.calls[0]).toMatchObject({
    method: 'POST',
    path: '/v1/embeddings',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    body: '{"encoding_format":"float","input":["Rust and\\nWasm","Ünïcödé 🦀"],"model":"text-embedding-3-small"}',
  });

  expect(tpuf.calls).toHaveLength(1);
  expect(tpuf.calls[0]).toMatchObject({
    method: 'POST',
    path: '/v2/namespaces/articles',
    headers: {
      authorization: 'Bearer tpuf-key',
      'content-type': 'application/json',
      accept: '*/*',
      'user-agent': 'momento-turbopuffer-example',
    },
  });
  const row = (id: string, text: string) =>
    `{"id":"${id}","metadata$authors":["Ann","Bob"],"metadata$description":"about ${id}","metadata$feed":"tech",` +
    `"metadata$language":"en","metadata$link":"https://news.example/${id}","metadata$title":"Title ${id}",` +
    `"page_content":${JSON.stringify(text)},"vector":[${text.length},${f32}]}`;
  // Keys sorted, as serde_json's `json!` writes them; the embeddings (sent in reverse) sorted by index.
  expect(tpuf.calls[0]?.body).toBe(
    `{"distance_metric":"cosine_distance","upsert_rows":[${row('a1', 'Rust and\nWasm')},${row('a2', 'Ünïcödé 🦀')}]}`,
  );
  expect([...(tpuf.namespaces.get('articles')?.keys() ?? [])]).toEqual(['a1', 'a2']);
});

it('100 texts per request; empty text sent as "no_content", a text over 8192 tokens cut at 8192', async () => {
  // 9000+ tokens, with a special token (one token for tiktoken's encode_with_special_tokens).
  const long = `${Array.from({ length: 3000 }, (_, i) => `wörd${i} 東京`).join(' ')} <|endoftext|> tail`;
  expect(tokens(long).length).toBeGreaterThan(9000);
  const exact = ' hello'.repeat(8192); // exactly 8192 tokens: kept whole
  expect(tokens(exact)).toHaveLength(8192);
  const articles = Array.from({ length: 201 }, (_, i) => article(`a${i}`, `text ${i}`));
  articles[3] = article('a3', '');
  articles[150] = article('a150', long);
  articles[151] = article('a151', exact);

  const res = await fn.invoke({ body: JSON.stringify(articles) });
  expect([res.status, res.text()]).toEqual([200, '{"message":"Documents indexed successfully"}']);

  expect(openai.calls.map((c) => c.input.length)).toEqual([100, 100, 1]);
  const inputs = openai.calls.flatMap((c) => c.input);
  expect(inputs[3]).toBe('no_content');
  const cut = inputs[150] as string;
  expect(tokens(cut)).toHaveLength(8192);
  expect(cut).toBe(cl100k.decode(tokens(long).slice(0, 8192)));
  expect(long.startsWith(cut)).toBe(true);
  expect(inputs[151]).toBe(exact);
  expect(inputs.filter((_, i) => ![3, 150, 151].includes(i))).toEqual(
    articles.filter((_, i) => ![3, 150, 151].includes(i)).map((a) => a.page_content),
  );
  expect(res.logs.map((r) => r.message).filter((m) => m.includes('truncating'))).toEqual([
    expect.stringMatching(/token length was \d+, truncating to 8192$/),
  ]);

  // Upserts follow each batch; the rows keep their whole text, the vector is the sent text's.
  const upserts = tpuf.calls.map((c) => (c.json as { upsert_rows: Record<string, unknown>[] }).upsert_rows);
  expect(upserts.map((rows) => rows.length)).toEqual([100, 100, 1]);
  const rows = upserts.flat();
  expect(rows.map((r) => r.id)).toEqual(articles.map((a) => a.id));
  expect(rows[3]).toMatchObject({ page_content: '', vector: [10, f32] });
  expect(rows[150]).toMatchObject({ page_content: long, vector: [cut.length, f32] });
  expect(rows[200]).toMatchObject({
    id: 'a200',
    page_content: 'text 200',
    metadata$title: 'Title a200',
    metadata$authors: ['Ann', 'Bob'],
    metadata$feed: 'tech',
  });
});

it('a cut inside a character: 500 with tiktoken-rs decode error, nothing sent', async () => {
  const text = `${' hello'.repeat(8191)}🦀`; // the crab is several byte tokens; the 8192nd is its first
  expect(tokens(text).length).toBeGreaterThan(8192);
  const res = await fn.invoke({ body: JSON.stringify([article('a1', text)]) });
  expect([res.status, res.headers, res.text()]).toEqual([
    500,
    [],
    'Failed to convert truncated tokens back to string for OpenAI input: Unable to decode into a valid UTF-8 string: incomplete utf-8 byte sequence from index 49146',
  ]);
  expect([openai.calls, tpuf.calls]).toEqual([[], []]);
});

it('no articles: 400 "No documents provided", nothing sent', async () => {
  const res = await fn.invoke({ body: '[]' });
  expect([res.status, res.headers, res.text()]).toEqual([400, [], 'No documents provided']);
  expect([openai.calls, tpuf.calls]).toEqual([[], []]);
});

it('OpenAI refusing: 500 WebError "OpenAI failed to return embeddings", its answer logged', async () => {
  const res = await (await load('index-articles-bad-openai-key', { OPENAI_API_KEY: 'sk-wrong' })).invoke({
    body: JSON.stringify([article('a1', 'text')]),
  });
  expect([res.status, res.headers, res.text()]).toEqual([500, [], 'OpenAI failed to return embeddings']);
  expect(openai.calls.map((c) => c.headers.authorization)).toEqual(['Bearer sk-wrong']);
  expect(tpuf.calls).toEqual([]);
  expect(res.logs.filter((r) => r.level === 'error').map((r) => r.message)).toEqual([
    expect.stringContaining(
      'OpenAI returned non-200: {"error":{"message":"Incorrect API key provided: sk-wrong.',
    ),
  ]);
});

it('Turbopuffer refusing: 500 WebError with its body in the message', async () => {
  const res = await (await load('index-articles-bad-tpuf-key', { TURBOPUFFER_API_KEY: 'wrong' })).invoke({
    body: JSON.stringify([article('a1', 'text')]),
  });
  expect([res.status, res.headers, res.text()]).toEqual([
    500,
    [],
    'Failed to index documents: {"status":"error","error":"unauthorized: the API key is not valid"}',
  ]);
  expect(openai.calls).toHaveLength(1);
  expect(tpuf.calls.map((c) => c.headers.authorization)).toEqual(['Bearer wrong']);
});

it('malformed articles: 400 before any request', async () => {
  const both = { ...article('a1', 'x'), document_metadata: metadata('a1') };
  const { metadata: _, ...neither } = article('a1', 'x');
  const noFeed = { ...article('a1', 'x'), metadata: { ...metadata('a1'), feed: undefined } };
  const expected = [
    /duplicate field `document_metadata`/,
    /missing field `document_metadata`/,
    /missing field `feed`/,
  ];
  for (const [i, doc] of [both, neither, noFeed].entries()) {
    const res = await fn.invoke({ body: JSON.stringify([doc]) });
    expect([res.status, res.text()]).toEqual([400, expect.stringMatching(/^Failed to parse request body: /)]);
    expect(res.text()).toMatch(expected[i] as RegExp);
  }
  expect([openai.calls, tpuf.calls]).toEqual([[], []]);
});

describe('the tokenizer module (under Node) against js-tiktoken cl100k_base', () => {
  const texts = [
    '',
    'hello world',
    "It's 12345 o'clock; THEY'LL've 'S 'ſ",
    'Ünïcödé façade — naïve café, 東京タワー, 서울, Ελληνικά, עברית, العربية',
    '🦀🦀 emoji 👩‍👩‍👧 ZWJ, flags 🇫🇷🇯🇵',
    'tabs\tand\r\nnewlines\n\n\n   trailing   \u00a0nbsp\u2003em\u3000ideographic',
    'numbers 1 22 333 4444 55555 ١٢٣٤ ½ Ⅻ',
    'code: fn main() { println!("{}", x?.y ?? 0); } // ===> <=> !== ...',
    'special <|endoftext|> and <|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|> tokens',
    'x'.repeat(1000),
    `${'='.repeat(300)}\n${' '.repeat(50)}end`,
  ];
  it.each(texts.map((t) => [t.slice(0, 30), t]))('%s', (_, text) => {
    expect(encodeWithSpecialTokens(text)).toEqual(tokens(text));
    expect(decode(tokens(text))).toBe(text);
  });
});
