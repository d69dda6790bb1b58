// Port of the upstream `turbopuffer-index-articles` example: indexes news articles into
// Turbopuffer. The articles' texts are embedded by OpenAI 100 at a time, each batch then upserted
// into the namespace (cosine distance) with the article's metadata as `metadata$…` attributes.
// OpenAI refuses empty inputs and inputs over 8192 tokens: an empty text is sent as `no_content`,
// a longer one cut to its first 8192 cl100k_base tokens (js-tiktoken, as tiktoken-rs upstream).
// Configuration: OPENAI_API_KEY, TURBOPUFFER_API_KEY, TURBOPUFFER_REGION, TURBOPUFFER_NAMESPACE;
// optional: OPENAI_BASE_URL (default https://api.openai.com/v1), TURBOPUFFER_BASE_URL (default
// https://<region>.turbopuffer.com).
import { extract } from '@momento-functions/bytes';
import { environment, WebError, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
import { embeddingsOf, requestEmbeddings } from '../shared/openai.js';
import { namespaceUrl, post, sortedJson, toF32, utf8OrEmpty } from '../shared/turbopuffer.js';
import { decode, encodeWithSpecialTokens } from './tokenizer.js';

const log = logger('example_turbopuffer_index_articles');

/** OpenAI's input limit for text-embedding-3-small, in tokens. */
const MAX_TOKENS = 8192;
/** Texts per embeddings request (and rows per upsert). */
const BATCH = 100;

const DocumentMetadata = z.object({
  title: z.string(),
  link: z.string(),
  authors: z.array(z.string()),
  language: z.string(),
  description: z.string(),
  feed: z.string(),
});

/** An article; its metadata is `document_metadata` or, as serde's alias, `metadata` (not both). */
const DocumentInput = z
  .object({
    id: z.string(),
    document_metadata: DocumentMetadata.optional(),
    metadata: DocumentMetadata.optional(),
    page_content: z.string(),
  })
  .check((ctx) => {
    const { document_metadata, metadata } = ctx.value;
    if ((document_metadata === undefined) === (metadata === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${metadata === undefined ? 'missing' : 'duplicate'} field \`document_metadata\``,
      });
    }
  })
  .transform(({ id, document_metadata, metadata, page_content }) => ({
    id,
    document_metadata: (document_metadata ?? metadata) as z.infer<typeof DocumentMetadata>,
    page_content,
  }));
type DocumentInput = z.infer<typeof DocumentInput>;

/** The texts as OpenAI accepts them: `no_content` for an empty text, long ones cut at 8192 tokens. */
function prepare(text: string): string {
  if (text === '') return 'no_content';
  const tokens = encodeWithSpecialTokens(text);
  if (tokens.length <= MAX_TOKENS) return text;
  log.debug(`token length was ${tokens.length}, truncating to ${MAX_TOKENS}`);
  const truncated = decode(tokens.slice(0, MAX_TOKENS));
  if (typeof truncated !== 'string') {
    throw WebError.message(
      `Failed to convert truncated tokens back to string for OpenAI input: ${truncated.error}`,
    );
  }
  return truncated;
}

function getEmbeddings(texts: readonly string[]): number[][] {
  log.debug('getting embeddings for input');
  const response = requestEmbeddings(texts.map(prepare));
  if (response.status !== 200) {
    // Rust's String::from_utf8_lossy: invalid sequences become U+FFFD.
    log.error(`OpenAI returned non-200: ${new TextDecoder().decode(response.body.bytes())}`);
    throw WebError.message('OpenAI failed to return embeddings');
  }
  return embeddingsOf(response.body).map((d) => toF32(d.embedding));
}

function indexInTurbopuffer(rows: readonly object[], url: string): void {
  const response = post(url, sortedJson({ upsert_rows: rows, distance_metric: 'cosine_distance' }));
  log.debug(`turbopuffer response status: ${response.status}`);
  if (response.status !== 200) {
    throw WebError.message(`Failed to index documents: ${utf8OrEmpty(response.body.bytes())}`);
  }
}

export default web(extract.schema(z.array(DocumentInput)), (documents) => {
  configureLogging([LogDestination.topic(environment().functionName)]);

  if (documents.length === 0) {
    log.warn('No documents provided for indexing.');
    return new WebResponse({ status: 400, body: 'No documents provided' });
  }

  const url = namespaceUrl();
  for (let start = 0; start < documents.length; start += BATCH) {
    const batch: DocumentInput[] = documents.slice(start, start + BATCH);
    const embeddings = getEmbeddings(batch.map((d) => d.page_content));
    // Like Rust's zip: as many rows as there are both documents and embeddings.
    const rows = batch.slice(0, embeddings.length).map(({ id, document_metadata: m, page_content }, i) => ({
      id,
      page_content,
      vector: embeddings[i],
      metadata$title: m.title,
      metadata$link: m.link,
      metadata$authors: m.authors,
      metadata$language: m.language,
      metadata$description: m.description,
      metadata$feed: m.feed,
    }));
    indexInTurbopuffer(rows, url);
  }

  return new WebResponse({
    status: 200,
    body: JSON.stringify({ message: 'Documents indexed successfully' }),
  });
});
