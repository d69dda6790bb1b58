// Single-flight on a miss (docs/patterns.md): read-through caching where concurrent misses of
// one key make one upstream call. `{"product_id":"p1"}`: a hit answers 200 `x-cache: hit`. On a
// miss, the invocation that claims `product:p1:lock` (`setIf` absent, TTL 5 s) fetches
// `GET $UPSTREAM_URL/products/p1`, caches a 2xx body for 300 s, releases the lock and answers the
// upstream's status with `x-cache: miss`. The others sleep `$BACKOFF_MS` (default 50) between
// attempts — `sleep()` blocks without using CPU — and answer 200 `x-cache: wait` once the value
// is in the cache. Same answers as the Rust build in tests/fixtures/rust-official/single-flight.
import { type Data, extract } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { SetIfCondition } from '@momento-functions/cache';
import { env, sleep, WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { z } from 'zod';

const ProductRequest = z.object({ product_id: z.string() });
const TTL = { seconds: 300 };
const LOCK_TTL = { seconds: 5 };

const cached = (body: Data, how: 'hit' | 'wait') =>
  new WebResponse().withStatus(200).header('x-cache', how).withBody(body);

export default web(extract.schema(ProductRequest), ({ product_id }) => {
  const key = `product:${product_id}`;
  const lock = `${key}:lock`;
  const backoffMs = Number(env('BACKOFF_MS') ?? 50);

  const hit = cache.get(key);
  if (hit !== undefined) return cached(hit, 'hit');

  // Try to claim the work
  while (cache.setIf(lock, '1', LOCK_TTL, SetIfCondition.absent()) !== 'stored') {
    // Someone else is fetching: back off, then read the cache again
    sleep(backoffMs);
    const value = cache.get(key);
    if (value !== undefined) return cached(value, 'wait');
  }

  // We hold the lock. The value may have landed between our first read and the claim.
  try {
    const value = cache.get(key);
    if (value !== undefined) return cached(value, 'wait');
    return fetch(product_id, key);
  } finally {
    cache.delete(lock);
  }
});

function fetch(productId: string, key: string): WebResponse {
  const upstreamUrl = env('UPSTREAM_URL') ?? 'https://catalog.example.com';
  const upstream = invoke(
    new Request(`${upstreamUrl}/products/${productId}`, 'GET').withHeader(
      'authorization',
      `Bearer ${env('CATALOG_KEY') ?? ''}`,
    ),
  );
  const bytes = upstream.body.bytes();
  if (upstream.status >= 200 && upstream.status < 300) cache.set(key, bytes, TTL);
  return new WebResponse().withStatus(upstream.status).header('x-cache', 'miss').withBody(bytes);
}
