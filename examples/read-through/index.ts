// Read-through caching (docs/patterns.md): answer from the cache, fall through to the upstream
// on a miss. `{"product_id":"p1"}` → the cached `product:p1` (200, `x-cache: hit`), or
// `GET $UPSTREAM_URL/products/p1` with `authorization: Bearer $CATALOG_KEY`: the upstream's
// status and body with `x-cache: miss`, and a 2xx body cached for 300 s. Non-2xx answers are
// relayed but not cached (no negative caching). Same answers as the Rust build in
// tests/fixtures/rust-official/read-through.
import { extract } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { env, WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { z } from 'zod';

const ProductRequest = z.object({ product_id: z.string() });
const TTL = { seconds: 300 };

export default web(extract.schema(ProductRequest), ({ product_id }) => {
  const key = `product:${product_id}`;

  const cached = cache.get(key);
  if (cached !== undefined) {
    return new WebResponse().withStatus(200).header('x-cache', 'hit').withBody(cached);
  }

  const upstreamUrl = env('UPSTREAM_URL') ?? 'https://catalog.example.com';
  const upstream = invoke(
    new Request(`${upstreamUrl}/products/${product_id}`, 'GET').withHeader(
      'authorization',
      `Bearer ${env('CATALOG_KEY') ?? ''}`,
    ),
  );

  const bytes = upstream.body.bytes();
  if (upstream.status >= 200 && upstream.status < 300) cache.set(key, bytes, TTL);

  return new WebResponse().withStatus(upstream.status).header('x-cache', 'miss').withBody(bytes);
});
