// Local upstream servers on 127.0.0.1 (real sockets) and helpers to call the http host service
// with jco-shaped values.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostService, InvocationContext } from '@momento-functions/runtime';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export interface Upstream {
  readonly url: string;
  readonly port: number;
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function startUpstream(routes: Record<string, Handler>): Promise<Upstream> {
  let connections = 0;
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = routes[path];
    if (!handler) {
      res.writeHead(404).end(`no route ${path}`);
      return;
    }
    await handler(req, res, Buffer.concat(parts));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function context(signal: AbortSignal = new AbortController().signal): InvocationContext {
  return { functionName: 'http-test', cacheName: 'cache', invocationId: 'inv-1', signal };
}

export interface WitReq {
  url: string;
  verb: string;
  headers: [string, string][];
  body: { tag: 'value'; val: Uint8Array };
  authorization:
    | { tag: 'none' }
    | { tag: 'aws-sigv4-secret'; val: object }
    | { tag: 'federated'; val: object };
}

export function witRequest(
  url: string,
  verb = 'GET',
  init: Partial<Omit<WitReq, 'url' | 'verb'>> = {},
): WitReq {
  return {
    url,
    verb,
    headers: init.headers ?? [],
    body: init.body ?? { tag: 'value', val: new Uint8Array(0) },
    authorization: init.authorization ?? { tag: 'none' },
  };
}

export type WitResp = {
  status: number;
  headers: [string, string][];
  body: { tag: 'buffer'; val: AsyncIterable<Uint8Array> };
};
export type Outcome = { tag: 'ok'; val: WitResp } | { tag: 'err'; val: { tag: string; val?: unknown } };

export async function call(service: HostService, request: WitReq, ctx = context()): Promise<Outcome> {
  const fn = service.functions.invoke as unknown as (ctx: InvocationContext, r: WitReq) => Promise<Outcome>;
  return fn(ctx, request);
}

/** The text of an `err` outcome's case (the request-error string), for assertions. */
export function errText(outcome: Outcome): string {
  if (outcome.tag !== 'err') throw new Error(`expected an error, got status ${outcome.val.status}`);
  return String(outcome.val.val);
}

export async function ok(service: HostService, request: WitReq, ctx = context()): Promise<WitResp> {
  const outcome = await call(service, request, ctx);
  if (outcome.tag !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome.val)}`);
  return outcome.val;
}

export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

/**
 * An independent SigV4 verifier (AWS's documented algorithm, on node:crypto): recomputes the
 * signature of a received request from the secret key and compares it with the authorization
 * header. Handles the simple paths and queries the tests use.
 */
export function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  secretAccessKey: string,
): { ok: boolean; region: string; service: string; accessKeyId: string } {
  const auth = req.headers.authorization ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return { ok: false, region: '', service: '', accessKeyId: '' };
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = m;
  const url = new URL(req.url ?? '/', 'http://x');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalUri = service === 's3' ? url.pathname : url.pathname.split('/').map(enc).join('/');
  const query = [...url.searchParams]
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const canonicalQuery = query.map(([k, v]) => `${k}=${v}`).join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map((n) => {
      const values: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        if (req.rawHeaders[i]?.toLowerCase() === n) values.push(req.rawHeaders[i + 1] ?? '');
      return `${n}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
    })
    .join('');
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const canonical = [
    req.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const amzDate = String(req.headers['x-amz-date']);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return { ok: expected === signature, region, service, accessKeyId };
}
