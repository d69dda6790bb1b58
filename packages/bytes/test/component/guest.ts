// A probe component: the request header `x-op` picks what to do with the body, so one build
// exercises @momento-functions/bytes inside StarlingMonkey (componentize-js) for real.
import { headers } from 'momento:web-function/web-function-support@1.0.0';
import SuperJSON from 'superjson';
import { z } from 'zod';
import { Data, ExtractError, encodeJson, extract, superjson, type WitData } from '../../src/index.js';

const Greeting = extract.schema(z.object({ name: z.string() }));
const codec = superjson(SuperJSON);

type Response = { status: number; headers: { name: string; value: string }[]; body: WitData };
const reply = (status: number, body: Data | string): Response => ({
  status,
  headers: [],
  body: Data.from(body).toWit(),
});

function run(op: string, body: Data): Response {
  switch (op) {
    case 'echo':
      return { status: 200, headers: [], body: body.toWit() };
    case 'text':
      return reply(200, `text:${body.text()}`);
    case 'chunks': {
      const sizes: number[] = [];
      for (const chunk of body.chunks()) sizes.push(chunk.length);
      return reply(200, sizes.join(','));
    }
    case 'read-then-echo':
      body.read(2);
      return { status: 200, headers: [], body: body.toWit() };
    case 'json':
      return { status: 200, headers: [], body: encodeJson(extract.json().extract(body)).toWit() };
    case 'json-bytes':
      // Byte arrays inside a JSON value: the body's bytes (made by the component's glue) and one
      // made here. Both must be written as arrays of numbers, never as {"0":…}.
      return {
        status: 200,
        headers: [],
        body: encodeJson({ body: body.bytes(), inline: new Uint8Array([1, 2]) }).toWit(),
      };
    case 'greet': {
      const { name } = Greeting.extract(body);
      return { status: 200, headers: [], body: encodeJson({ message: `Hello, ${name}!` }).toWit() };
    }
    case 'superjson': {
      const value = codec.extractor<{ at: Date; tags: Set<string> }>().extract(body);
      const out = {
        ok: value.at instanceof Date && value.tags instanceof Set,
        year: value.at.getUTCFullYear(),
        tags: [...value.tags],
      };
      return { status: 200, headers: [], body: codec.encoder.encode(out).toWit() };
    }
    default:
      return reply(404, `unknown op ${op}`);
  }
}

export const guestFunctionWeb = {
  invoke(request: WitData): Response {
    const op = headers().find((h) => h.name === 'x-op')?.value ?? '';
    try {
      return run(op, Data.fromWit(request));
    } catch (e) {
      if (e instanceof ExtractError) return reply(400, `Failed to parse request body: ${e.message}`);
      return reply(500, `error: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
