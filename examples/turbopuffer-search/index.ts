// Port of the upstream `turbopuffer-search` example: nearest-neighbour search over documents
// indexed in Turbopuffer (see turbopuffer-index). The query's OpenAI embedding is cached in the
// function's cache under the query text (f32 little-endian bytes) so repeated queries skip OpenAI.
// Configuration: OPENAI_API_KEY, TURBOPUFFER_API_KEY, TURBOPUFFER_REGION, TURBOPUFFER_NAMESPACE;
// optional: TTL (seconds the embedding is cached, default 30), OPENAI_BASE_URL (default
// https://api.openai.com/v1), TURBOPUFFER_BASE_URL (default https://<region>.turbopuffer.com).
import { extract, rustDebugString } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { env, environment, WebError, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
import { embeddingsOf, requestEmbeddings } from '../shared/openai.js';
import { f32, rustJson } from '../shared/rust-json.js';
import {
  f32Bytes,
  f32sOf,
  namespaceUrl,
  post,
  sortedJson,
  toF32,
  utf8OrEmpty,
} from '../shared/turbopuffer.js';

const log = logger('example_turbopuffer_search');

const Request = z.object({
  query: z.string(),
  topk: z.number().int().nonnegative().nullish(),
  include_attributes: z.array(z.string()).nullish(),
});
const QueryResponse = z.object({
  rows: z.array(
    z
      .object({ dist: z.number().optional(), $dist: z.number().optional(), id: z.string() })
      .refine(
        (r) => (r.dist === undefined) !== (r.$dist === undefined),
        'expected exactly one of `dist`, `$dist`',
      ),
  ),
});

const DEFAULT_TTL_SECONDS = 30;
const MAX_QUERY_BYTES = 10_000;

/** Rust's `str::parse::<u64>()`, or `undefined`. */
const parseU64 = (text: string | undefined) => (text && /^\+?\d+$/.test(text) ? Number(text) : undefined);

/** The first `max` bytes of `text`'s UTF-8, cut back to a character boundary. */
function truncateUtf8(text: string, max: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

function cachedQueryEmbedding(query: string): number[] {
  log.debug(`Checking if embeddings are already cached for "${query}"`);
  const hit = cache.get(query, extract.bytes);
  if (hit !== undefined) {
    log.debug('cache hit');
    return f32sOf(hit);
  }
  log.debug('cache miss, querying embeddings from OpenAI');
  log.debug(`getting embeddings for document with content: ${rustDebugString(query)}`);
  const [first] = embeddingsOf(requestEmbeddings([truncateUtf8(query, MAX_QUERY_BYTES)]).body);
  if (!first) {
    log.error(`Failed to get embedding for query: ${query}`);
    throw WebError.message('Failed to get embedding for query');
  }
  const embedding = toF32(first.embedding);
  cache.set(query, f32Bytes(embedding), { seconds: parseU64(env('TTL')) ?? DEFAULT_TTL_SECONDS });
  return embedding;
}

export default web(extract.schema(Request), (request) => {
  configureLogging([LogDestination.topic(environment().functionName)]);

  const embedding = cachedQueryEmbedding(request.query);
  const response = post(
    namespaceUrl('/query'),
    sortedJson({
      rank_by: ['vector', 'ANN', embedding],
      top_k: request.topk ?? 5,
      include_attributes: request.include_attributes ?? [],
    }),
  );
  if (response.status !== 200) {
    const message = `Failed to search documents: ${utf8OrEmpty(response.body.bytes())}`;
    return new WebResponse({ status: response.status, body: JSON.stringify({ message }) });
  }
  const { rows } = extract.schema(QueryResponse).extract(response.body);
  return new WebResponse({ status: 200 })
    .header('Content-Type', 'application/json')
    .withBody(rustJson(rows.map((r) => ({ dist: f32(r.dist ?? r.$dist ?? 0), id: r.id }))));
});
