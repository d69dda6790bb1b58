// A local stand-in for OpenAI's embeddings API (node:http on 127.0.0.1, a free port) for the
// examples' tests. It checks requests as the real API does — `POST /v1/embeddings`,
// `Authorization: Bearer <key>`, a JSON body with `model: "text-embedding-3-small"` and a
// non-empty `input` of non-empty strings (at most 2048), `encoding_format` `float` when given —
// and answers the real shapes: `{object:"list",data:[{object:"embedding",index,embedding}],model,usage}`
// or `{"error":{message,type,param,code}}` with 400/401/404.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbeddingsCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The raw body text. */
  readonly body: string;
  /** `input` as sent (as an array). */
  readonly input: string[];
}

export interface OpenAiStandIn {
  /** The base URL to configure as `OPENAI_BASE_URL`: `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Every request, in order (also the refused ones). */
  readonly calls: EmbeddingsCall[];
  close(): Promise<void>;
}

export interface OpenAiStandInOptions {
  readonly apiKey: string;
  /** The vector for one input. Default: `[length, spaces, first code unit]`. */
  readonly embed?: (text: string) => number[];
  /** Send `data` in reverse index order (the API makes no ordering promise; clients sort). */
  readonly reverse?: boolean;
}

const error = (message: string, code: string | null, param: string | null = null) =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param, code } });

export async function startOpenAi(options: OpenAiStandInOptions): Promise<OpenAiStandIn> {
  const embed =
    options.embed ?? ((t: string) => [t.length, t.split(' ').length - 1, t.length ? t.charCodeAt(0) : 0]);
  const calls: EmbeddingsCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let parsed: { model?: unknown; input?: unknown; encoding_format?: unknown } | undefined;
    try {
      parsed = JSON.parse(body);
    } catch {}
    const input = Array.isArray(parsed?.input) ? (parsed.input as string[]) : [];
    calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, input });
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
      return send(404, error(`Invalid URL (${req.method} ${req.url})`, null));
    }
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      return send(
        401,
        error(
          `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_api_key',
        ),
      );
    }
    if (!req.headers['content-type']?.startsWith('application/json') || parsed === undefined) {
      return send(400, error('We could not parse the JSON body of your request.', null));
    }
    if (parsed.model !== 'text-embedding-3-small') {
      return send(404, error(`The model \`${String(parsed.model)}\` does not exist`, 'model_not_found'));
    }
    if (parsed.encoding_format !== undefined && parsed.encoding_format !== 'float') {
      return send(400, error("'encoding_format' must be 'float' or 'base64'", null, 'encoding_format'));
    }
    const valid =
      Array.isArray(parsed.input) &&
      parsed.input.length > 0 &&
      parsed.input.length <= 2048 &&
      parsed.input.every((s) => typeof s === 'string' && s.length > 0);
    if (!valid) return send(400, error("'$.input' is invalid.", null, 'input'));
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) }));
    if (options.reverse) data.reverse();
    const tokens = input.reduce((n, t) => n + t.split(/\s+/).length, 0);
    send(
      200,
      JSON.stringify({
        object: 'list',
        data,
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
