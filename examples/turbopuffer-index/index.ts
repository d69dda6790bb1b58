// Port of the upstream `turbopuffer-index` example: upserts the rows the fine-foods-embeddings
// example produces into a Turbopuffer namespace (cosine distance), 2000 rows per request.
// Configuration: TURBOPUFFER_API_KEY, TURBOPUFFER_REGION (e.g. gcp-us-central1),
// TURBOPUFFER_NAMESPACE; TURBOPUFFER_BASE_URL (optional, default https://<region>.turbopuffer.com).
import { extract } from '@momento-functions/bytes';
import { environment, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
import { namespaceUrl, post, sortedJson, toF32, utf8OrEmpty } from '../shared/turbopuffer.js';

const log = logger('example_turbopuffer_index');
const i32 = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);

/** A fine-foods-embeddings row; the vector may be called `vector` or `embedding` (not both). */
const Document = z
  .object({
    vector: z.array(z.number()).optional(),
    embedding: z.array(z.number()).optional(),
    id: z.string(),
    product_id: z.string(),
    user_id: z.string(),
    profile_name: z.string(),
    helpfulness_numerator: i32,
    helpfulness_denominator: i32,
    score: i32,
    time: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    summary: z.string(),
    text: z.string(),
  })
  .check((ctx) => {
    const { vector, embedding } = ctx.value;
    if ((vector === undefined) === (embedding === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: vector === undefined ? 'missing field `vector`' : 'duplicate field `vector`',
      });
    }
  })
  .transform(({ vector, embedding, ...row }) => ({ ...row, vector: toF32(vector ?? embedding ?? []) }));

const CHUNK = 2000;

export default web(extract.schema(z.array(Document)), (documents) => {
  configureLogging([LogDestination.topic(environment().functionName)]);

  const first = documents[0];
  if (!first) {
    log.warn('No documents provided for indexing.');
    return new WebResponse({ status: 400, body: 'No documents provided' });
  }
  log.debug(`indexing ${documents.length} documents with ${first.vector.length} dimensions`);

  const url = namespaceUrl();
  for (let start = 0; start < documents.length; start += CHUNK) {
    const rows = documents.slice(start, start + CHUNK);
    const response = post(url, sortedJson({ upsert_rows: rows, distance_metric: 'cosine_distance' }));
    if (response.status !== 200) {
      const message = `Failed to index documents: ${utf8OrEmpty(response.body.bytes())}`;
      return new WebResponse({ status: response.status, body: JSON.stringify({ message }) });
    }
  }
  return new WebResponse({
    status: 200,
    body: JSON.stringify({ message: 'Documents indexed successfully' }),
  });
});
