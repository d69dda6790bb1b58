// Port of the upstream `fine-foods-embeddings` example: adds an OpenAI embedding to each review
// row of the Amazon fine-foods dataset (https://www.kaggle.com/datasets/snap/amazon-fine-food-reviews),
// converted from CSV to JSON. Rows may use the CSV's PascalCase column names (`Id`, `ProductId`, …)
// or snake_case; the numeric columns arrive as strings and are parsed. Texts are embedded in
// chunks of 2000 (newlines replaced by spaces), and the answer is the rows in snake_case with
// their `embedding`, ready for the turbopuffer-index example.
// Configuration: OPENAI_API_KEY; OPENAI_BASE_URL (optional, default https://api.openai.com/v1).
import { extract, rustDebugString } from '@momento-functions/bytes';
import { environment, WebResponse, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';
import { embeddingsOf, requestEmbeddings } from '../shared/openai.js';
import { f32s, rustJson } from '../shared/rust-json.js';

const log = logger('example_fine_foods_embeddings');

/** A decimal integer in a string, as Rust's `str::parse` reads it (optional sign, digits only). */
const integerText = (min: number, max: number) =>
  z
    .string()
    .regex(/^[+-]?\d+$/, 'invalid digit found in string')
    .transform(Number)
    .refine((n) => n >= min && n <= max, 'number too large or too small to fit in target type');

const FIELDS = {
  id: ['Id', z.string()],
  product_id: ['ProductId', z.string()],
  user_id: ['UserId', z.string()],
  profile_name: ['ProfileName', z.string()],
  helpfulness_numerator: ['HelpfulnessNumerator', integerText(-(2 ** 31), 2 ** 31 - 1)],
  helpfulness_denominator: ['HelpfulnessDenominator', integerText(-(2 ** 31), 2 ** 31 - 1)],
  score: ['Score', integerText(-(2 ** 31), 2 ** 31 - 1)],
  time: ['Time', integerText(0, 2 ** 32 - 1)],
  summary: ['Summary', z.string()],
  text: ['Text', z.string()],
} as const;

/** A row's fields under their snake_case names (each also accepted under its CSV alias, not both). */
const Row = z.preprocess(
  (row, ctx) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
    const out: Record<string, unknown> = { ...row };
    for (const [name, [alias]] of Object.entries(FIELDS)) {
      if (!(alias in out)) continue;
      if (name in out) {
        ctx.addIssue({ code: 'custom', message: `duplicate field \`${name}\`` });
        continue;
      }
      out[name] = out[alias];
      delete out[alias];
    }
    return out;
  },
  z.object(
    Object.fromEntries(Object.entries(FIELDS).map(([name, [, schema]]) => [name, schema])) as {
      [K in keyof typeof FIELDS]: (typeof FIELDS)[K][1];
    },
  ),
);
type Row = z.infer<typeof Row>;

const CHUNK = 2000;

function getEmbeddings(documents: string[]): number[][] {
  log.debug(`getting embeddings for document with content: [${documents.map(rustDebugString).join(', ')}]`);
  const response = requestEmbeddings(documents.map((d) => d.replaceAll('\n', ' ')));
  log.debug(`OpenAI response status: ${response.status}`);
  return embeddingsOf(response.body).map((d) => d.embedding);
}

export default web(extract.schema(z.array(Row)), (documents) => {
  configureLogging([LogDestination.topic(environment().functionName)]);

  log.debug(`getting embeddings for ${documents.length} documents`);
  const rows: unknown[] = [];
  for (let start = 0; start < documents.length; start += CHUNK) {
    const chunk: Row[] = documents.slice(start, start + CHUNK);
    const embeddings = getEmbeddings(chunk.map((d) => d.text));
    // Like Rust's zip: as many rows as there are both documents and embeddings.
    chunk.slice(0, embeddings.length).forEach((d, i) => {
      rows.push({ embedding: f32s(embeddings[i] ?? []), ...d });
    });
  }
  return new WebResponse({ status: 200, body: rustJson(rows) });
});
