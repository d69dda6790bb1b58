// Port of the upstream `valkey-vector-embeddings` example: asks OpenAI for the embeddings of a
// batch of documents (newlines replaced by spaces, as OpenAI's guide recommends) and answers
// them sorted by index — the producer the other valkey-vector examples use.
// Configuration: OPENAI_API_KEY; OPENAI_BASE_URL (optional, default https://api.openai.com/v1).
import { extract, rustDebugString } from '@momento-functions/bytes';
import { environment, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
import { embeddingsOf, requestEmbeddings } from '../shared/openai.js';
import { f32s, rustJson } from '../shared/rust-json.js';

const Request = z.object({ documents: z.array(z.string()) });
const log = logger('example_valkey_vector_embeddings');

export default web(extract.schema(Request), ({ documents }) => {
  configureLogging([LogDestination.topic(environment().functionName)]);

  log.debug(`getting embeddings for document with content: [${documents.map(rustDebugString).join(', ')}]`);
  const response = requestEmbeddings(documents.map((d) => d.replaceAll('\n', ' ')));
  log.debug(`OpenAI response status: ${response.status}`);
  const data = embeddingsOf(response.body);

  // No content-type, like the Rust example's WebResponse; f32 values as serde writes them.
  return new WebResponse({
    status: 200,
    body: rustJson(data.map((d) => ({ embedding: f32s(d.embedding), index: d.index }))),
  });
});
