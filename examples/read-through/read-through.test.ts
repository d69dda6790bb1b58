// The read-through pattern (docs/patterns.md), built from TypeScript (index.ts) and from Rust with
// the official crates (tests/fixtures/rust-official/read-through), run in the reference host
// against a loopback upstream: exact statuses, headers and bodies, what reached the upstream, the
// TTL of the cached item (recorded by the store and checked on the store's clock), and the same
// answers from both builds. Needs `npm run build` (the example imports the packages by name).
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerOf,
  builds,
  RecordingCacheBackend,
  startUpstream,
  type Upstream,
} from '../shared/patterns-support.js';

const PRODUCT = '{"id":"p1","name":"Widget","cents":250}';
let upstream: Upstream;
let backend: RecordingCacheBackend;
let host: Host;
const answers: Record<string, unknown[]> = { TypeScript: [], Rust: [] };

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url === '/products/p1') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(PRODUCT);
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such product');
  });
  backend = new RecordingCacheBackend();
  host = await createHost({ backends: { log: false, cache: { backend } } });
});
afterAll(async () => {
  await host?.close();
  await upstream?.close();
});

describe.each(builds('read-through'))('read-through (%s)', (language, entry) => {
  let fn: FunctionHandle;
  const invoke = async (productId: string) => {
    const res = await fn.invoke({ body: JSON.stringify({ product_id: productId }) });
    answers[language]?.push(answerOf(res));
    return res;
  };

  beforeAll(async () => {
    await host.reset();
    backend.sets.length = 0;
    upstream.requests.length = 0;
    fn = await host.load(entry, {
      name: `read-through-${language}`,
      cache: 'patterns',
      env: { UPSTREAM_URL: upstream.url, CATALOG_KEY: 'catalog-secret' },
    });
  });

  it('a miss fetches the upstream, relays its answer with x-cache: miss and caches the body for 300 s', async () => {
    const res = await invoke('p1');
    expect(answerOf(res)).toEqual([200, [['x-cache', 'miss']], PRODUCT]);
    expect(upstream.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/products/p1', 'Bearer catalog-secret'],
    ]);
    expect(backend.sets).toEqual([{ key: 'product:p1', ttlMs: 300_000 }]);
    expect(await host.cache('patterns').get('product:p1')).toBe(PRODUCT);
  });

  it('a hit answers 200 with x-cache: hit and the cached bytes, without reaching the upstream', async () => {
    const res = await invoke('p1');
    expect(answerOf(res)).toEqual([200, [['x-cache', 'hit']], PRODUCT]);
    expect(upstream.requests).toHaveLength(1);
  });

  it('the item lives 300 s: still a hit at 299 s, a miss again after 300 s', async () => {
    backend.advance(299_000);
    expect(answerOf(await invoke('p1'))).toEqual([200, [['x-cache', 'hit']], PRODUCT]);
    backend.advance(1_001);
    expect(answerOf(await invoke('p1'))).toEqual([200, [['x-cache', 'miss']], PRODUCT]);
    expect(upstream.requests).toHaveLength(2);
  });

  it("the upstream's 404 is relayed as a 404 and not cached", async () => {
    for (let i = 0; i < 2; i++) {
      expect(answerOf(await invoke('p404'))).toEqual([404, [['x-cache', 'miss']], 'no such product']);
    }
    expect(upstream.requests.map((r) => r.url).slice(-2)).toEqual(['/products/p404', '/products/p404']);
    expect(await host.cache('patterns').get('product:p404')).toBeUndefined();
  });

  it("an unreachable upstream answers the crate's 500 (RequestError)", async () => {
    const down = await host.load(entry, {
      name: `read-through-down-${language}`,
      cache: 'patterns',
      env: { UPSTREAM_URL: 'http://127.0.0.1:9' },
    });
    const res = await down.invoke({ body: '{"product_id":"p2"}' });
    answers[language]?.push(answerOf(res));
    expect(answerOf(res)).toEqual([
      500,
      [],
      'An error occurred during function invocation: RequestError("error sending request for url (http://127.0.0.1:9/products/p2): connection refused by 127.0.0.1:9 (is the server running?)")',
    ]);
  });
});

it('the TypeScript and Rust builds answered every request identically', () => {
  expect(answers.TypeScript).toHaveLength(7);
  expect(answers.TypeScript).toEqual(answers.Rust);
});
