// Memoizing an upstream call (docs/patterns.md): an embeddings request cached for an hour.
// `{"prompt":"…"}` → the key `openai:embed:<FNV-1a 64 of the prompt, 16 hex digits>`; a hit
// answers the cached bytes, a miss asks `POST $OPENAI_BASE_URL/embeddings` (default
// `https://api.openai.com/v1`) and caches a 2xx answer for 3600 s. Answers carry
// `content-type: application/json` and `x-cache: hit|miss`; a non-2xx upstream answer is relayed
// and not cached. Same answers as the Rust build in tests/fixtures/rust-official/memoize-upstream.
import { type DataInput, extract } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { env, WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { z } from 'zod';

const PromptRequest = z.object({ prompt: z.string() });
const TTL = { hours: 1 };

/** FNV-1a, 64 bits: a stable hash of the prompt for the cache key. */
function fnv1a64(bytes: Uint8Array): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

const answer = (status: number, how: 'hit' | 'miss', body: DataInput) =>
  new WebResponse()
    .withStatus(status)
    .header('content-type', 'application/json')
    .header('x-cache', how)
    .withBody(body);

export default web(extract.schema(PromptRequest), ({ prompt }) => {
  const key = `openai:embed:${fnv1a64(new TextEncoder().encode(prompt))}`;
  const cached = cache.get(key);
  if (cached !== undefined) return answer(200, 'hit', cached);

  const baseUrl = env('OPENAI_BASE_URL') || 'https://api.openai.com/v1';
  const response = invoke(
    new Request(`${baseUrl}/embeddings`, 'POST')
      .withHeader('authorization', `Bearer ${env('OPENAI_API_KEY') ?? ''}`)
      .withHeader('content-type', 'application/json')
      // serde_json's json! macro writes the keys sorted; so does this literal.
      .withBody(
        JSON.stringify({ encoding_format: 'float', input: [prompt], model: 'text-embedding-3-small' }),
      ),
  );
  const bytes = response.body.bytes();
  if (response.status >= 200 && response.status < 300) cache.set(key, bytes, TTL);
  return answer(response.status, 'miss', bytes);
});
