// A typed JSON call to an embeddings API (docs/patterns.md): `["a","b"]` → `POST
// $OPENAI_BASE_URL/embeddings` (default `https://api.openai.com/v1`), the answer checked against
// a zod schema, sorted by `index` and answered as JSON (the vectors written as Rust writes
// `f32`s). Same answers as the Rust build in tests/fixtures/rust-official/typed-embeddings.
import { extract } from '@momento-functions/bytes';
import { env, JSON_CONTENT_TYPE, WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { z } from 'zod';
import { f32s, rustJson } from '../shared/rust-json.js';

const Documents = z.array(z.string());
const EmbeddingResponse = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().nonnegative() })),
});

export default web(extract.schema(Documents), (documents) => {
  const baseUrl = env('OPENAI_BASE_URL') || 'https://api.openai.com/v1';
  const response = invoke(
    new Request(`${baseUrl}/embeddings`, 'POST')
      .withHeader('authorization', `Bearer ${env('OPENAI_API_KEY') ?? ''}`)
      .withHeader('content-type', 'application/json')
      // serde_json's json! macro writes the keys sorted; so does this literal.
      .withBody(
        JSON.stringify({ encoding_format: 'float', input: documents, model: 'text-embedding-3-small' }),
      ),
  );

  const { data } = extract.schema(EmbeddingResponse).extract(response.body);
  data.sort((a, b) => a.index - b.index);
  return new WebResponse()
    .header('content-type', JSON_CONTENT_TYPE)
    .withBody(rustJson(data.map(({ embedding, index }) => ({ embedding: f32s(embedding), index }))));
});
