// OpenAI embeddings as the Rust examples request them: `POST <base>/embeddings` with
// `authorization: Bearer $OPENAI_API_KEY` and the body
// `{"encoding_format":"float","input":[…],"model":"text-embedding-3-small"}` (serde_json's
// sorted keys). The base URL is `https://api.openai.com/v1` unless the function's configuration
// sets `OPENAI_BASE_URL` (a proxy, or a local stand-in in tests).
import { type Data, extract } from '@momento-functions/bytes';
import { env } from '@momento-functions/guest-web';
import { invoke, Request, type Response } from '@momento-functions/http';
import { z } from 'zod';

export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The embeddings endpoint: `OPENAI_BASE_URL` (default `https://api.openai.com/v1`) + `/embeddings`. */
export function embeddingsUrl(): string {
  return `${(env('OPENAI_BASE_URL') || DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '')}/embeddings`;
}

/** Sends one embeddings request for `input`; the status is not checked here. */
export function requestEmbeddings(input: readonly string[], apiKey = env('OPENAI_API_KEY') ?? ''): Response {
  return invoke(
    new Request(embeddingsUrl(), 'POST')
      .withHeader('authorization', `Bearer ${apiKey}`)
      .withHeader('content-type', 'application/json')
      .withBody(JSON.stringify({ encoding_format: 'float', input, model: EMBEDDING_MODEL })),
  );
}

const EmbeddingResponse = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().nonnegative() })),
});
export type EmbeddingData = z.infer<typeof EmbeddingResponse>['data'][number];

/** The `data` of an embeddings response, sorted by `index`. Throws an ExtractError otherwise. */
export function embeddingsOf(body: Data): EmbeddingData[] {
  return extract
    .schema(EmbeddingResponse)
    .extract(body)
    .data.sort((a, b) => a.index - b.index);
}
