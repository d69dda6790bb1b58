// Port of the upstream `valkey-cluster-vector-search` example: KNN search over the documents
// valkey-cluster-vector-index wrote to a Momento-managed Valkey cluster. The query's OpenAI
// embedding is cached in the cluster itself, under the raw 32-byte SHA-256 of the query.
// Configuration: CLUSTER_NAME, OPENAI_API_KEY; OPENAI_BASE_URL (optional, default
// https://api.openai.com/v1).
import { type Data, extract, rustDebugString } from '@momento-functions/bytes';
import {
  env,
  environment,
  INVOCATION_ERROR_PREFIX,
  WebError,
  WebResponse,
  web,
} from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import {
  type Bulk,
  type ClusterClient,
  Command,
  clusterClient,
  ValkeyError,
  type ValkeyValue,
} from '@momento-functions/valkey';
import { z } from 'zod';
import { embeddingsOf, requestEmbeddings } from '../shared/openai.js';
import { f32, rustJson } from '../shared/rust-json.js';
import { f32Bytes, toF32 } from '../shared/turbopuffer.js';
import { sha256 } from './sha256.js';

const log = logger('example_valkey_cluster_vector_search');
const Request = z.object({ query: z.string(), topk: z.number().int().nonnegative().nullish() });

function embed(query: string): number[] {
  const [first] = embeddingsOf(requestEmbeddings([query.replaceAll('\n', ' ')]).body);
  if (!first) throw WebError.message('Failed to get embedding for query');
  return toF32(first.embedding);
}

function cachedQueryEmbedding(query: string, client: ClusterClient): Uint8Array {
  const key = sha256(new TextEncoder().encode(query));
  const cached = client.command(Command.get(key));
  if (cached.kind === 'data') {
    log.debug('cache hit for query embedding');
    return cached.value.bytes();
  }
  if (cached.kind === 'nil') {
    log.debug('cache miss, querying embeddings from OpenAI');
    const bytes = f32Bytes(embed(query));
    client.command(Command.set(key, bytes));
    return bytes;
  }
  log.warn('unexpected valkey GET response, treating as miss');
  return f32Bytes(embed(query));
}

function valkeyError(value: ValkeyValue): never {
  if (value.kind === 'simple-error') {
    log.error(`Valkey error: ${value.value}`);
    throw WebError.message(`Valkey error: ${value.value}`);
  }
  throw WebError.message('Unexpected Valkey response');
}

function utf8(data: Data, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data.bytes());
  } catch (error) {
    throw WebError.message(`Failed to parse ${what}: ${String(error)}`);
  }
}

function expectData(value: ValkeyValue, what: string): Data {
  if (value.kind !== 'data') throw WebError.message(`Expected Data type for ${what}`);
  return value.value;
}

/** Rust's `str::parse::<f32>()`: decimal or exponent notation, `inf`, `infinity`, `nan`. */
function parseF32(raw: string): number {
  const match = /^([+-]?)(?:(inf|infinity)|(nan)|((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))$/i.exec(raw);
  if (!match) throw WebError.message('Failed to parse vector score: ParseFloatError { kind: Invalid }');
  const sign = match[1] === '-' ? -1 : 1;
  if (match[2]) return sign * Number.POSITIVE_INFINITY;
  if (match[3]) return Number.NaN;
  return Math.fround(sign * Number(match[4]));
}

/** One `FT.SEARCH` hit: `[__vector_score, <score>, field, value, …]`; the `vector` field is skipped. */
function readDocument(id: string, items: Bulk): Record<string, unknown> {
  let score: number | undefined;
  const fields: [string, string][] = [];
  let name: string | undefined;
  let skip = false;
  for (const item of items) {
    if (skip) {
      skip = false;
      continue;
    }
    if (score === undefined) {
      const raw = utf8(expectData(item, 'vector score'), 'vector score as utf8');
      if (raw === '__vector_score') continue;
      score = parseF32(raw);
    } else if (name === undefined) {
      name = utf8(expectData(item, 'field name'), 'field name');
      if (name === 'vector') {
        name = undefined;
        skip = true;
      }
    } else {
      fields.push([name, utf8(expectData(item, 'field value'), 'field value')]);
      name = undefined;
    }
  }
  if (score === undefined || name !== undefined) throw WebError.message('Unexpected parser terminal state');
  return { id, __vector_score: f32(score), ...Object.fromEntries(fields) };
}

export default web(extract.schema(Request), ({ query, topk }) => {
  try {
    configureLogging([LogDestination.topic(environment().functionName)]);
    const k = topk ?? 5;
    log.debug(`getting top ${k} documents for search: ${rustDebugString(query)}`);

    const client = clusterClient(env('CLUSTER_NAME') ?? '');
    const embedding = cachedQueryEmbedding(query, client);

    const reply = client.command(
      Command.builder('FT.SEARCH')
        .argument('document_index')
        .argument(`*=>[KNN ${k} @vector $query_vector]`)
        .argument('PARAMS')
        .argument('2')
        .argument('query_vector')
        .argument(embedding),
    );
    if (reply.kind !== 'bulk') return valkeyError(reply);
    const results = reply.value;
    const count = results.next();
    if (count.done) throw WebError.message('No results returned from Valkey');
    if (count.value.kind !== 'int') throw WebError.message('Expected an integer for the number of results');

    const documents: Record<string, unknown>[] = [];
    for (;;) {
      log.debug('reading next document');
      const next = results.next();
      if (next.done) break;
      if (next.value.kind !== 'data') return valkeyError(next.value);
      const id = utf8(next.value.value, 'document ID');
      const fields = results.next();
      if (fields.done) throw WebError.message('Unexpected end of response after document ID');
      if (fields.value.kind !== 'bulk') return valkeyError(fields.value);
      documents.push(readDocument(id, fields.value.value));
    }
    return new WebResponse({
      status: 200,
      headers: [['content-type', 'application/json']],
      body: rustJson(documents),
    });
  } catch (error) {
    // Like the crate's `?` on a ValkeyError: 500 with its Debug text.
    if (error instanceof ValkeyError) throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
    throw error;
  }
});
