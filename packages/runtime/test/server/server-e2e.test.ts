/**
 * The server over real HTTP with real components running in the real host: the inspect guest
 * (TypeScript, built by @momento-functions/build) and the repository's examples.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../src/index.js';
import { type ConfiguredServer, createServer } from '../../src/server/serve.js';
import { createFunctionServer, type FunctionServer } from '../../src/server/server.js';
import { createLogServices } from '../../src/services/log/index.js';
import { createTokenServices, TokenAuthority } from '../../src/services/token/index.js';
import type { Host } from '../../src/types.js';
import { assertGuestPackagesBuilt, exampleEntry, inspectEntry } from './e2e-setup.js';
import { CallbackServer, freePort, until } from './helpers.js';

// Response bodies are checked by value with expect(); a loose type keeps the tests readable.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

let host: Host;
let server: ConfiguredServer;
let url: string;
let authServer: FunctionServer;
let authUrl: string;
const authority = new TokenAuthority();
const hostLog: string[] = [];
const callbacks: CallbackServer[] = [];

beforeAll(async () => {
  assertGuestPackagesBuilt();
  host = await createHost({
    // Built-in services are added explicitly until createHost wires them itself.
    services: [...createTokenServices({ authority }), ...createLogServices()],
    limits: { concurrency: 2 },
    logger: (e) => hostLog.push(`${e.level} ${e.message}`),
  });
  server = await createServer({
    host,
    config: {
      functions: [
        { name: 'inspect', entry: inspectEntry, cache: 'demo' },
        { name: 'ping', entry: exampleEntry('ping'), cache: 'demo' },
        { name: 'spawn-json', entry: exampleEntry('spawn-json'), cache: 'demo' },
      ],
    },
    async: { retry: { initialDelayMs: 50, maxAttempts: 3 } },
    shutdownTimeoutMs: 5_000,
  });
  url = await server.listen(0, '127.0.0.1');
  authServer = createFunctionServer({
    functions: server.registry.list(),
    auth: { verify: authority.verifier },
  });
  authUrl = await authServer.listen(0, '127.0.0.1');
}, 300_000);

afterAll(async () => {
  await Promise.all(callbacks.map((c) => c.stop()));
  await authServer?.close();
  await server?.close();
  await host?.close();
});

async function callbackServer(port = 0) {
  const cb = new CallbackServer();
  callbacks.push(cb);
  return { cb, url: await cb.start(port) };
}

describe('routes with a real component', () => {
  it('gives the guest method, path, query, headers, body and its names on /functions/<cache>/<fn>/...', async () => {
    const res = await fetch(`${url}/functions/demo/inspect/a/b/c/d?x=1&x=2&company=Google`, {
      method: 'PUT',
      headers: { 'X-Custom': 'Value' },
      body: 'the body',
    });
    expect(res.status).toBe(200);
    const got: Json = await res.json();
    expect(got).toMatchObject({
      method: 'PUT',
      // The host hands the guest the remainder without its leading slash (docs/runtime.md).
      path: 'a/b/c/d',
      query: [
        ['x', '1'],
        ['x', '2'],
        ['company', 'Google'],
      ],
      functionName: 'inspect',
      cacheName: 'demo',
      body: 'the body',
      tokenMetadata: null,
    });
    expect(got.headers).toContainEqual(['x-custom', 'Value']);
  });

  it('invoke: five methods, up to three custom levels, the query passed through; 405 and 404 otherwise', async () => {
    for (const method of ['POST', 'GET', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(
        `${url}/spaces/demo/functions/inspect/invoke/stock/market/today?company=Google`,
        {
          method,
        },
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        method,
        path: 'stock/market/today',
        query: [['company', 'Google']],
      });
    }
    const root: Json = await (await fetch(`${url}/spaces/demo/functions/inspect/invoke`)).json();
    expect(root.path).toBe('');
    const head = await fetch(`${url}/spaces/demo/functions/inspect/invoke`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toContain('PATCH');
    const deep = await fetch(`${url}/spaces/demo/functions/inspect/invoke/a/b/c/d`);
    expect(deep.status).toBe(404);
    expect(await deep.text()).toContain('at most 3');
    const ping = await fetch(`${url}/spaces/demo/functions/ping/invoke`, { method: 'POST' });
    expect(await ping.text()).toBe('pong');
  });

  it('passes the guest status and every header, duplicates kept', async () => {
    const raw = await new Promise<{ status: number; rawHeaders: string[]; body: string }>(
      (resolve, reject) => {
        httpRequest(`${url}/functions/demo/inspect/status/418`, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body }));
        })
          .on('error', reject)
          .end();
      },
    );
    expect(raw.status).toBe(418);
    expect(raw.body).toBe('status 418');
    const multi = raw.rawHeaders.filter((_, i) => i % 2 === 1 && raw.rawHeaders[i - 1] === 'x-multi');
    expect(multi).toEqual(['a', 'b']);
  });
});

describe('streaming with a real component', () => {
  it('flushes SSE events as the guest sends them', async () => {
    const t0 = Date.now();
    const res = await fetch(`${url}/spaces/demo/functions/inspect/invoke/sse`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const arrivals: { at: number; text: string }[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: Date.now() - t0, text: new TextDecoder().decode(value) });
    }
    const all = arrivals.map((a) => a.text).join('');
    expect(all).toMatch(
      /event: ?tick\ndata: ?0\n\n.*event: ?tick\ndata: ?1\n\n.*event: ?tick\ndata: ?2\n\n/s,
    );
    const first = arrivals.find((a) => a.text.includes('0'))!;
    const last = arrivals.at(-1)!;
    // The first event was on the wire ~300 ms before the guest finished.
    expect(last.at - first.at).toBeGreaterThan(200);
  });

  it('cancels the invocation when the client goes away (the sandbox is freed at once)', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${url}/functions/demo/inspect/slow?ms=4000`);
      req.on('error', () => {});
      req.end();
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    // With concurrency 2, two more slow calls only finish quickly if the abandoned one was stopped.
    const t0 = Date.now();
    const both = await Promise.all([
      fetch(`${url}/functions/demo/inspect/slow?ms=300`).then((r) => r.text()),
      fetch(`${url}/functions/demo/inspect/slow?ms=300`).then((r) => r.text()),
    ]);
    expect(both).toEqual(['slow done', 'slow done']);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

describe('async invoke with a real component', () => {
  it('posts the guest body, its headers and X-Function-Status to the callback', async () => {
    const { cb, url: cbUrl } = await callbackServer();
    const res = await fetch(`${url}/spaces/demo/functions/inspect/async-invoke/status/201`, {
      method: 'POST',
      headers: { 'x-callback-url': `${cbUrl}/hook` },
    });
    expect(res.status).toBe(202);
    await cb.waitFor(1);
    const got = cb.received[0]!;
    expect(got.headers['x-function-status']).toBe('201');
    expect(got.headers['x-from-guest']).toBe('yes');
    expect(got.body).toBe('status 201');
  });

  it('retries until the callback comes up', async () => {
    const port = await freePort();
    const res = await fetch(`${url}/spaces/demo/functions/ping/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': `http://127.0.0.1:${port}/` },
    });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 80));
    const { cb } = await callbackServer(port);
    await cb.waitFor(1);
    expect(cb.received[0]!.body).toBe('pong');
  });

  it('keeps a result whose callback never comes up as a dead letter', async () => {
    const port = await freePort();
    const res = await fetch(`${url}/spaces/demo/functions/ping/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': `http://127.0.0.1:${port}/never` },
    });
    const { invocationId }: Json = await res.json();
    await until(() => server.asyncInvoker.deadLetters().some((l) => l.id === invocationId));
    const letters: Json = await (await fetch(`${url}/_momento/dead-letters`)).json();
    const letter = letters.find((l: { id: string }) => l.id === invocationId);
    expect(letter).toMatchObject({ function: 'ping', status: 200, attempts: 3 });
    expect(Buffer.from(letter.bodyBase64, 'base64').toString()).toBe('pong');
  });
});

describe('spawn with a real component', () => {
  it('spawns over HTTP and records ok and failed-note outcomes', async () => {
    const ok: Json = await (
      await fetch(`${url}/spaces/demo/functions/spawn-json/spawn`, {
        method: 'POST',
        body: '{"_name":"Ada"}',
      })
    ).json();
    const bad: Json = await (
      await fetch(`${url}/spaces/demo/functions/spawn-json/spawn`, { method: 'POST', body: 'nope' })
    ).json();
    await until(() => server.spawns().filter((s) => s.outcome).length >= 2);
    const records = server.spawns();
    expect(records.find((s) => s.id === ok.spawnId)?.outcome).toEqual({ tag: 'ok' });
    const failed = records.find((s) => s.id === bad.spawnId)?.outcome;
    expect(failed?.tag).toBe('failed-note');
    expect(failed && 'val' in failed ? failed.val : '').toContain('Failed to extract spawn payload');
  });
});

describe('auth with real tokens', () => {
  it('401 without a token, 403 without permission, token_id becomes the token metadata', async () => {
    const none = await fetch(`${authUrl}/functions/demo/inspect`);
    expect(none.status).toBe(401);
    const pingOnly = await authority.issue({
      validForSeconds: 60,
      permissions: JSON.stringify({
        explicit: {
          permissions: [
            {
              function_permissions: {
                role: 'FunctionInvoke',
                cache_selector: { cacheName: 'demo' },
                function_selector: { function_name: 'ping' },
              },
            },
          ],
        },
      }),
      cacheName: 'demo',
      functionName: 'test',
    });
    const forbidden = await fetch(`${authUrl}/functions/demo/inspect`, {
      headers: { authorization: pingOnly.apiKey },
    });
    expect(forbidden.status).toBe(403);
    expect(
      (await fetch(`${authUrl}/functions/demo/ping`, { headers: { authorization: pingOnly.apiKey } })).status,
    ).toBe(200);
    const all = await authority.issue({
      validForSeconds: 60,
      permissions: JSON.stringify({
        explicit: {
          permissions: [
            { function_permissions: { role: 'FunctionInvoke', all_caches: null, all_functions: null } },
          ],
        },
      }),
      tokenId: 'caller-7',
      cacheName: 'demo',
      functionName: 'test',
    });
    const ok = await fetch(`${authUrl}/functions/demo/inspect`, {
      headers: { authorization: `Bearer ${all.apiKey}` },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).tokenMetadata).toBe('caller-7');
    const forged = await fetch(`${authUrl}/functions/demo/inspect`, {
      headers: { authorization: `${all.apiKey}x` },
    });
    expect(forged.status).toBe(401);
    expect(await forged.text()).toContain('signature');
  });
});

describe('uncaught guest errors', () => {
  it('answer 500 with the error text', async () => {
    const res = await fetch(`${url}/functions/demo/inspect/throw`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('kaboom from the inspect guest');
  });
});

describe('reload', () => {
  it('swaps in a rebuilt function while serving', async () => {
    const report = await server.reload(['ping']);
    expect(report).toEqual({ reloaded: ['ping'], failed: [] });
    expect(await (await fetch(`${url}/functions/demo/ping`)).text()).toBe('pong');
  });
});

describe('shutdown with work in flight (last)', () => {
  it('finishes the in-flight invocation, then refuses', async () => {
    const inFlight = fetch(`${url}/functions/demo/inspect/slow?ms=600`);
    await new Promise((r) => setTimeout(r, 150));
    const closing = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('slow done');
    expect((await closing).cancelledRequests).toBe(0);
    await expect(fetch(`${url}/functions/demo/ping`)).rejects.toThrow();
  });
});
