/**
 * How the server frames bodies on the wire, with real Rust components in the real host: a guest
 * that returns its response is written with a content-length (no chunked encoding); request
 * bodies arrive whole however the client sends them; a stream stays chunked.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../src/index.js';
import { servableFromHandle } from '../../src/server/host-adapter.js';
import { createFunctionServer, type FunctionServer } from '../../src/server/server.js';
import type { Host } from '../../src/types.js';
import { repoRoot } from './e2e-setup.js';
import { ticker } from './fake-functions.js';

const fixture = (name: string) => join(repoRoot, 'tests', 'fixtures', 'rust-glue', `${name}.wasm`);

let host: Host;
let server: FunctionServer;
let url: string;
let servables: ReturnType<typeof servableFromHandle>[];

beforeAll(async () => {
  host = await createHost({ limits: { concurrency: 1 }, logger: () => undefined });
  const ping = await host.load(new Uint8Array(await readFile(fixture('ping'))), { name: 'ping' });
  const echo = await host.load(new Uint8Array(await readFile(fixture('echo'))), { name: 'echo' });
  servables = [servableFromHandle(ping), servableFromHandle(echo)];
  server = createFunctionServer({ functions: [...servables, ticker] });
  url = await server.listen(0, '127.0.0.1');
}, 60_000);

afterAll(async () => {
  await server?.close();
  await host?.close();
});

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request; `chunks` are written one by one (chunked transfer encoding unless a content-length is given). */
function send(
  method: string,
  path: string,
  chunks: string[] = [],
  headers: Record<string, string> = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('response framing', () => {
  it('a returned response goes out with a content-length, not chunked', async () => {
    const res = await send('GET', '/functions/default/ping');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('4');
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.toString()).toBe('pong');
  });

  it('an empty returned body has content-length 0', async () => {
    const res = await send('GET', '/functions/default/echo');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.body.length).toBe(0);
  });

  it('a streamed response stays chunked and arrives whole', async () => {
    const res = await send('GET', '/functions/default/ticker');
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body.toString()).toContain('data: 2');
  });
});

describe('request bodies', () => {
  it('a chunked request body reaches the guest whole, in order', async () => {
    const res = await send('POST', '/functions/default/echo', ['abc', 'def', 'ü'.repeat(3000)]);
    expect(res.status).toBe(200);
    const expected = `abcdef${'ü'.repeat(3000)}`;
    expect(res.body.toString()).toBe(expected);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
  });

  it('a body with a content-length reaches the guest whole', async () => {
    const res = await send('PUT', '/functions/default/echo', ['hello ', 'there'], {
      'content-length': '11',
    });
    expect(res.body.toString()).toBe('hello there');
  });

  it('a declared body larger than the limit is refused with 413 before the guest runs', async () => {
    const small = createFunctionServer({ functions: servables, maxBodyBytes: 4 });
    const smallUrl = await small.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${smallUrl}/functions/default/echo`, { method: 'POST', body: 'too long' });
      expect(res.status).toBe(413);
      expect(await res.text()).toContain('at most 4');
    } finally {
      await small.close();
    }
  });
});

describe('the servable adapter', () => {
  it('still yields a complete body to whoever iterates it (the CLI does)', async () => {
    const res = await servables[0]!.invokeStreaming({
      method: 'GET',
      path: '/',
      query: [],
      headers: [],
      body: new Uint8Array(0),
    });
    expect(res.complete && Buffer.from(res.complete).toString()).toBe('pong');
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('pong');
  });
});
