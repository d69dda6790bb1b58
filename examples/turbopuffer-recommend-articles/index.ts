// Port of the upstream `turbopuffer-recommend-articles` example: recommends articles similar to
// the ones a reader liked. Each liked article's embedding is read from the function's cache
// (f32 little-endian bytes under the article id); the misses are fetched from Turbopuffer in one
// query and cached. The embeddings are averaged (a 1536-dimension zero vector when there are
// none), and an ANN query excluding the liked articles finds the rest; results farther than a
// cosine distance of 0.6 are dropped.
// Configuration: TURBOPUFFER_API_KEY, TURBOPUFFER_REGION, TURBOPUFFER_NAMESPACE; optional:
// TTL_SECONDS (default 300), TURBOPUFFER_BASE_URL (default https://<region>.turbopuffer.com).
import { extract } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { env, environment, WebError, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
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

const log = logger('example_turbopuffer_recommend_articles');

const Request = z.object({
  article_ids: z.array(z.string()),
  topk: z.number().int().nonnegative().nullish(),
});
const QueryRow = z
  .object({
    dist: z.number().nullish(),
    $dist: z.number().nullish(),
    id: z.string(),
    vector: z.array(z.number()).nullish(),
    metadata$title: z.string().nullish(),
    metadata$link: z.string().nullish(),
  })
  .refine((r) => r.dist === undefined || r.$dist === undefined, 'duplicate field `dist`')
  .transform((r) => ({
    dist: r.dist ?? r.$dist ?? undefined,
    id: r.id,
    vector: r.vector ? toF32(r.vector) : undefined,
    metadata$title: r.metadata$title ?? undefined,
    metadata$link: r.metadata$link ?? undefined,
  }));
type QueryRow = z.infer<typeof QueryRow>;
const QueryResponse = z.object({ rows: z.array(QueryRow) });

const DEFAULT_TTL_SECONDS = 300;
const MAXIMUM_COSINE_DISTANCE = Math.fround(0.6);
const DIMENSIONS = 1536;

/** Rust's `str::parse::<u64>()`, or `undefined`. */
const parseU64 = (text: string | undefined) => (text && /^\+?\d+$/.test(text) ? Number(text) : undefined);

function query(body: Record<string, unknown>, failure: string): QueryRow[] {
  const response = post(namespaceUrl('/query'), sortedJson(body));
  if (response.status !== 200) {
    throw WebError.message(`${failure}: ${utf8OrEmpty(response.body.bytes())}`);
  }
  return extract.schema(QueryResponse).extract(response.body).rows;
}

function articleEmbeddings(articleIds: string[], ttlSeconds: number): (number[] | undefined)[] {
  log.debug('Getting article embeddings from cache (if available)');
  const embeddings = new Map<string, number[] | undefined>();
  for (const id of articleIds) {
    const hit = cache.get(id, extract.bytes);
    log.debug(`cache ${hit === undefined ? 'miss' : 'hit'} for key '${id}'`);
    embeddings.set(id, hit && f32sOf(hit));
  }
  const misses = [...embeddings].filter(([, e]) => e === undefined).map(([id]) => id);
  if (misses.length > 0) {
    const rows = query(
      { top_k: misses.length, include_attributes: ['id', 'vector'], filters: ['id', 'In', misses] },
      'Failed to get indexed embeddings',
    );
    for (const row of rows) {
      if (row.vector) {
        log.debug(`setting in cache for ${row.id} with ttl ${ttlSeconds}s`);
        cache.set(row.id, f32Bytes(row.vector), { seconds: ttlSeconds });
      }
      embeddings.set(row.id, row.vector);
    }
  }
  return articleIds.map((id) => embeddings.get(id));
}

/** The element-wise mean in f32 arithmetic, or `undefined` when empty or of mixed dimensions. */
function meanVector(vectors: number[][]): number[] | undefined {
  const dimensions = vectors[0]?.length;
  if (dimensions === undefined) return undefined;
  const sum = new Float32Array(dimensions);
  for (const v of vectors) {
    if (v.length !== dimensions) {
      log.error(`Failed to calculate mean vector! Expected dimension ${dimensions} but got ${v.length}`);
      return undefined;
    }
    v.forEach((x, i) => {
      sum[i] = (sum[i] ?? 0) + x;
    });
  }
  const inverse = Math.fround(1 / vectors.length);
  return Array.from(sum, (x) => Math.fround(x * inverse));
}

export default web(extract.schema(Request), ({ article_ids, topk }) => {
  configureLogging([LogDestination.topic(environment().functionName)]);
  const ttlSeconds = parseU64(env('TTL_SECONDS')) ?? DEFAULT_TTL_SECONDS;

  const embeddings = articleEmbeddings(article_ids, ttlSeconds).filter((e, i): e is number[] => {
    if (e === undefined) log.debug(`no embeddings found for ${article_ids[i]}`);
    return e !== undefined;
  });
  const mean = meanVector(embeddings) ?? new Array<number>(DIMENSIONS).fill(0);

  const rows = query(
    {
      rank_by: ['vector', 'ANN', mean],
      top_k: topk ?? 10,
      include_attributes: ['metadata$title', 'metadata$link'],
      filters: ['id', 'NotIn', article_ids],
    },
    'Failed to search documents',
  ).filter((row) => Math.fround(row.dist ?? 0) <= MAXIMUM_COSINE_DISTANCE);

  const body = rows.map((r) => ({
    dist: r.dist === undefined ? undefined : f32(r.dist),
    id: r.id,
    vector: r.vector ? f32s(r.vector) : undefined,
    metadata$title: r.metadata$title,
    metadata$link: r.metadata$link,
  }));
  return new WebResponse({ status: 200 }).header('Content-Type', 'application/json').withBody(rustJson(body));
});
