// Port of the upstream `turbopuffer-search-articles` example: searches the articles indexed by
// turbopuffer-index-articles by text. The query's OpenAI embedding is cached in the function's
// cache under the query text (f32 little-endian bytes); an optional Turbopuffer `filters`
// expression is checked for shape and passed through.
// Configuration: OPENAI_API_KEY, TURBOPUFFER_API_KEY, TURBOPUFFER_REGION, TURBOPUFFER_NAMESPACE;
// optional: TTL_SECONDS (default 30), OPENAI_BASE_URL (default https://api.openai.com/v1),
// TURBOPUFFER_BASE_URL (default https://<region>.turbopuffer.com).
import { extract, rustDebugString } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { env, environment, WebError, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
import { embeddingsOf, requestEmbeddings } from '../shared/openai.js';
import { f32, f32s, rustJson } from '../shared/rust-json.js';
import {
  f32Bytes,
  f32sOf,
  namespaceUrl,
  post,
  sortedJson,
  toF32,
  utf8OrEmpty,
} from '../shared/turbopuffer.js';

const log = logger('example_turbopuffer_search_articles');

/**
 * A Turbopuffer filter, as the Rust example accepts it (Turbopuffer itself validates the rest):
 * `[logical, [filter, …]]`, `[not, filter]` or `[attribute, operator, value]`.
 */
type Filter = [string, Filter[]] | [string, Filter] | [string, string, unknown];
const Operator = z.enum(['Eq', 'Neq', 'In', 'NotIn', 'Lt', 'Lte', 'Gt', 'Gte', 'Glob', 'NotGlob']);
const Filter: z.ZodType<Filter> = z.lazy(() =>
  z.union([
    z.tuple([z.string(), z.array(Filter)]),
    z.tuple([z.string(), Filter]),
    z.tuple([z.string(), Operator, z.unknown()]),
  ]),
);

const Request = z.object({
  query: z.string(),
  topk: z.number().int().nonnegative().nullish(),
  include_attributes: z.array(z.string()).nullish(),
  filters: Filter.nullish(),
});

const QueryRow = z
  .object({
    dist: z.number().optional(),
    $dist: z.number().optional(),
    id: z.string(),
    vector: z.array(z.number()).nullish(),
    page_content: z.string().nullish(),
    metadata$title: z.string().nullish(),
    metadata$link: z.string().nullish(),
    metadata$authors: z.array(z.string()).nullish(),
    metadata$language: z.string().nullish(),
    metadata$description: z.string().nullish(),
    metadata$feed: z.string().nullish(),
  })
  .refine(
    (r) => (r.dist === undefined) !== (r.$dist === undefined),
    'expected exactly one of `dist`, `$dist`',
  );
const QueryResponse = z.object({ rows: z.array(QueryRow) });

const DEFAULT_TTL_SECONDS = 30;

/** Rust's `str::parse::<u64>()`, or `undefined`. */
const parseU64 = (text: string | undefined) => (text && /^\+?\d+$/.test(text) ? Number(text) : undefined);
/** `None` fields are left out, as with serde's `skip_serializing_if = "Option::is_none"`. */
const some = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

function cachedQueryEmbedding(query: string): number[] {
  log.debug(`Checking if embeddings are already cached for "${query}"`);
  const hit = cache.get(query, extract.bytes);
  if (hit !== undefined) {
    log.debug('cache hit');
    return f32sOf(hit);
  }
  log.debug('cache miss, querying embeddings from OpenAI');
  log.debug(`getting embeddings for content: ${rustDebugString(query)}`);
  const [first] = embeddingsOf(requestEmbeddings([query.replaceAll('\n', ' ')]).body);
  if (!first) {
    log.error(`Failed to get embedding for query: ${query}`);
    throw WebError.message('Failed to get embedding for query');
  }
  const embedding = toF32(first.embedding);
  cache.set(query, f32Bytes(embedding), { seconds: parseU64(env('TTL_SECONDS')) ?? DEFAULT_TTL_SECONDS });
  return embedding;
}

export default web(extract.schema(Request), (request) => {
  configureLogging([LogDestination.topic(environment().functionName)]);

  const embedding = cachedQueryEmbedding(request.query);
  const topk = request.topk ?? 5;
  const includeAttributes = request.include_attributes ?? [];
  log.debug(
    `querying turbopuffer with topk=${topk}, include_attributes=[${includeAttributes.map(rustDebugString).join(', ')}]`,
  );
  const response = post(
    namespaceUrl('/query'),
    sortedJson({
      rank_by: ['vector', 'ANN', embedding],
      top_k: topk,
      include_attributes: includeAttributes,
      filters: request.filters ?? null,
    }),
  );
  if (response.status !== 200) {
    const message = `Failed to search documents: ${utf8OrEmpty(response.body.bytes())}`;
    return new WebResponse({ status: response.status, body: JSON.stringify({ message }) });
  }
  const { rows } = extract.schema(QueryResponse).extract(response.body);
  const body = rows.map((r) => ({
    dist: f32(r.dist ?? r.$dist ?? 0),
    id: r.id,
    vector: r.vector ? f32s(r.vector) : undefined,
    page_content: some(r.page_content),
    metadata$title: some(r.metadata$title),
    metadata$link: some(r.metadata$link),
    metadata$authors: some(r.metadata$authors),
    metadata$language: some(r.metadata$language),
    metadata$description: some(r.metadata$description),
    metadata$feed: some(r.metadata$feed),
  }));
  return new WebResponse({ status: 200 }).header('Content-Type', 'application/json').withBody(rustJson(body));
});
