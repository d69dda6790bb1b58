/**
 * The server over real HTTP with functions written in TypeScript (fake-functions.ts). These pin
 * routing, the async queue, auth and shutdown independently of the wasm host; server-e2e.test.ts
 * runs the same routes against real components.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthOptions } from '../../src/server/auth.js';
import { createFunctionServer, type FunctionServer } from '../../src/server/server.js';
import { cancelled, echo, slow, spawned, ticker, worker } from './fake-functions.js';
import { CallbackServer, freePort, until } from './helpers.js';

// Response bodies are checked by value with expect(); a loose type keeps the tests readable.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

const servers: FunctionServer[] = [];
const callbacks: CallbackServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(callbacks.splice(0).map((c) => c.stop()));
});

async function start(options: Partial<Parameters<typeof createFunctionServer>[0]> = {}) {
  const server = createFunctionServer({ functions: [echo, slow, ticker, worker], ...options });
  servers.push(server);
  return { server, url: await server.listen(0, '127.0.0.1') };
}

async function callbackServer(port = 0) {
  const cb = new CallbackServer();
  callbacks.push(cb);
  return { cb, url: await cb.start(port) };
}

describe('sync routes', () => {
  it('passes method, path, query, headers and body to the function on /functions/<cache>/<fn>/...', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/functions/default/echo/a/b/c/d?x=1&x=2&y=z%20w`, {
      method: 'PROPFIND',
      headers: { 'X-Custom': 'Value', authorization: 'passed-through' },
      body: 'hello',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-echo')).toBe('one, two');
    const got: Json = await res.json();
    expect(got).toMatchObject({
      method: 'PROPFIND',
      path: '/a/b/c/d',
      query: [
        ['x', '1'],
        ['x', '2'],
        ['y', 'z w'],
      ],
      body: 'hello',
    });
    expect(got.headers).toContainEqual(['x-custom', 'Value']);
    expect(got.headers).toContainEqual(['authorization', 'passed-through']);
  });

  it('serves every invoke method with up to three custom levels and the query', async () => {
    const { url } = await start();
    for (const method of ['POST', 'GET', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(
        `${url}/spaces/default/functions/echo/invoke/stock/market/today?company=Google`,
        {
          method,
        },
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        method,
        path: '/stock/market/today',
        query: [['company', 'Google']],
      });
    }
  });

  it('answers 405 with Allow, 404 for deep paths and unknown functions, each saying why', async () => {
    const { url } = await start();
    const head = await fetch(`${url}/spaces/default/functions/echo/invoke`, { method: 'OPTIONS' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST, GET, PUT, PATCH, DELETE');
    expect(await head.text()).toContain('OPTIONS is not allowed');
    const deep = await fetch(`${url}/spaces/default/functions/echo/invoke/a/b/c/d`);
    expect(deep.status).toBe(404);
    expect(await deep.text()).toContain('at most 3');
    const missing = await fetch(`${url}/spaces/default/functions/nope/invoke`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No function named nope in cache default');
    const wrongCache = await fetch(`${url}/functions/other/echo`);
    expect(await wrongCache.text()).toContain('exists in cache(s) default');
  });

  it('answers 413 for a body over the limit', async () => {
    const { url } = await start({ maxBodyBytes: 10 });
    const res = await fetch(`${url}/functions/default/echo`, { method: 'POST', body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('at most 10');
  });
});

describe('streaming', () => {
  it('flushes SSE events as they are produced', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/spaces/default/functions/ticker/invoke`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const arrivals: [number, string][] = [];
    const t0 = Date.now();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push([Date.now() - t0, new TextDecoder().decode(value)]);
    }
    expect(arrivals.map(([, text]) => text).join('')).toBe(
      'event: tick\ndata: 0\n\nevent: tick\ndata: 1\n\nevent: tick\ndata: 2\n\n',
    );
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect(arrivals[0]![0]).toBeLessThan(90);
  });

  it('cancels the invocation when the client goes away', async () => {
    const { url } = await start();
    cancelled.length = 0;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${url}/spaces/default/functions/ticker/invoke`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) =>
        e.message.includes('aborted') || e.message.includes('socket hang up') ? 0 : reject(e),
      );
      req.end();
    });
    await until(() => cancelled.includes('ticker'));
  });
});

describe('async invoke', () => {
  it('needs X-Callback-Url and only POST', async () => {
    const { url } = await start();
    const missing = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, { method: 'POST' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('X-Callback-Url');
    const bad = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': 'ftp://x' },
    });
    expect(bad.status).toBe(400);
    const get = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, { method: 'GET' });
    expect(get.status).toBe(405);
  });

  it('answers 202 at once and POSTs body, headers and X-Function-Status to the callback', async () => {
    const { url: cbUrl, cb } = await callbackServer();
    const { url } = await start();
    const res = await fetch(`${url}/spaces/default/functions/echo/async-invoke/a/b?q=1`, {
      method: 'POST',
      headers: { 'x-callback-url': `${cbUrl}/done` },
      body: 'payload',
    });
    expect(res.status).toBe(202);
    const { invocationId }: Json = await res.json();
    await cb.waitFor(1);
    const got = cb.received[0]!;
    expect(got.url).toBe('/done');
    expect(got.headers['x-function-status']).toBe('200');
    expect(got.headers['x-invocation-id']).toBe(invocationId);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.rawHeaders.filter((h, i) => i % 2 === 1 && (h === 'one' || h === 'two'))).toEqual([
      'one',
      'two',
    ]);
    expect(JSON.parse(got.body)).toMatchObject({
      method: 'POST',
      path: '/a/b',
      query: [['q', '1']],
      body: 'payload',
    });
  });

  it('retries while the callback is down and delivers once it is up', async () => {
    const port = await freePort();
    const { url } = await start({ async: { retry: { initialDelayMs: 100, maxAttempts: 8 } } });
    const res = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': `http://127.0.0.1:${port}/cb` },
      body: 'later',
    });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 250));
    const { cb } = await callbackServer(port);
    await cb.waitFor(1);
    expect(JSON.parse(cb.received[0]!.body).body).toBe('later');
  });

  it('keeps a result the callback never takes as a dead letter, listable and retryable', async () => {
    const port = await freePort();
    const stateDir = await mkdtemp(join(tmpdir(), 'mf-state-'));
    const { url, server } = await start({
      async: { stateDir, retry: { initialDelayMs: 20, maxAttempts: 3 } },
    });
    await fetch(`${url}/spaces/default/functions/echo/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': `http://127.0.0.1:${port}/cb` },
      body: 'lost?',
    });
    await until(() => server.asyncInvoker.deadLetters().length === 1);
    const list: Json = await (await fetch(`${url}/_momento/dead-letters`)).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ function: 'echo', attempts: 3, status: 200 });
    expect(list[0].error).toContain(`127.0.0.1:${port}`);
    expect(JSON.parse(Buffer.from(list[0].bodyBase64, 'base64').toString()).body).toBe('lost?');
    expect(await readdir(join(stateDir, 'dead-letters'))).toEqual([`${list[0].id}.json`]);

    const failedRetry = await fetch(`${url}/_momento/dead-letters/${list[0].id}/retry`, { method: 'POST' });
    expect(failedRetry.status).toBe(502);
    const { cb } = await callbackServer(port);
    const retried = await fetch(`${url}/_momento/dead-letters/${list[0].id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    expect(cb.received).toHaveLength(1);
    expect(await (await fetch(`${url}/_momento/dead-letters`)).json()).toEqual([]);
    expect(await readdir(join(stateDir, 'dead-letters'))).toEqual([]);
  });
});

describe('spawn', () => {
  it('spawns a spawn function over HTTP and records its outcome', async () => {
    const { url, server } = await start();
    spawned.length = 0;
    const res = await fetch(`${url}/spaces/default/functions/worker/spawn`, { method: 'POST', body: 'fail' });
    expect(res.status).toBe(202);
    const { spawnId }: Json = await res.json();
    await until(() => server.spawns().some((s) => s.id === spawnId && s.outcome));
    const spawns: Json = await (await fetch(`${url}/_momento/spawns`)).json();
    expect(spawns.find((s: { id: string }) => s.id === spawnId).outcome).toEqual({
      tag: 'failed-note',
      val: 'asked to fail',
    });
    expect(spawned).toEqual(['fail']);
    const web = await fetch(`${url}/spaces/default/functions/echo/spawn`, { method: 'POST' });
    expect(web.status).toBe(400);
    const invokeSpawn = await fetch(`${url}/functions/default/worker`);
    expect(invokeSpawn.status).toBe(400);
    expect(await invokeSpawn.text()).toContain('spawn it with POST');
  });
});

describe('auth', () => {
  const tokens: Record<string, { tokenId?: string; permissions: unknown }> = {
    all: {
      tokenId: 'user-42',
      permissions: {
        explicit: {
          permissions: [
            { function_permissions: { role: 'FunctionInvoke', all_caches: null, all_functions: null } },
          ],
        },
      },
    },
    slowOnly: {
      permissions: {
        explicit: {
          permissions: [
            {
              function_permissions: {
                role: 'FunctionInvoke',
                all_caches: null,
                function_selector: { function_name: 'slow' },
              },
            },
          ],
        },
      },
    },
  };
  const auth: AuthOptions = {
    verify(token) {
      const found = tokens[token];
      if (!found) throw new Error('signature does not match');
      return found;
    },
  };

  it('is off by default: no token needed, no token metadata', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/functions/default/echo`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).tokenMetadata).toBeNull();
  });

  it('when on: 401 without or with a bad token, 403 without permission, token_id as metadata', async () => {
    const { url } = await start({ auth });
    const none = await fetch(`${url}/functions/default/echo`);
    expect(none.status).toBe(401);
    expect(await none.text()).toContain('requires a token');
    const bad = await fetch(`${url}/functions/default/echo`, { headers: { authorization: 'forged' } });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('signature does not match');
    const forbidden = await fetch(`${url}/functions/default/echo`, {
      headers: { authorization: 'slowOnly' },
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain('no FunctionInvoke permission for function echo');
    const ok = await fetch(`${url}/spaces/default/functions/echo/invoke`, {
      headers: { authorization: 'Bearer all' },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).tokenMetadata).toBe('user-42');
    const asyncNoToken = await fetch(`${url}/spaces/default/functions/echo/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': 'http://127.0.0.1:1/' },
    });
    expect(asyncNoToken.status).toBe(401);
    expect(
      (await fetch(`${url}/_momento/dead-letters`, { headers: { authorization: 'slowOnly' } })).status,
    ).toBe(403);
    expect((await fetch(`${url}/_momento/dead-letters`, { headers: { authorization: 'all' } })).status).toBe(
      200,
    );
  });
});

describe('shutdown', () => {
  it('lets in-flight invocations finish and refuses new ones', async () => {
    const { url, server } = await start({ shutdownTimeoutMs: 5_000 });
    const inFlight = fetch(`${url}/functions/default/slow?ms=300`);
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('slow done');
    expect((await closed).cancelledRequests).toBe(0);
  });

  it('cancels work past the deadline', async () => {
    const { url, server } = await start({ shutdownTimeoutMs: 100 });
    cancelled.length = 0;
    const inFlight = fetch(`${url}/functions/default/slow?ms=5000`).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const report = await server.close();
    expect(report.cancelledRequests).toBe(1);
    expect(cancelled).toContain('slow');
    await inFlight;
  });

  it('keeps accepted async invocations across a restart', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'mf-state-'));
    const port = await freePort();
    const first = await start({
      async: { stateDir, retry: { initialDelayMs: 60_000 } },
      shutdownTimeoutMs: 200,
    });
    for (const ms of [10, 5000]) {
      const res = await fetch(`${first.url}/spaces/default/functions/slow/async-invoke?ms=${ms}`, {
        method: 'POST',
        headers: { 'x-callback-url': `http://127.0.0.1:${port}/cb` },
      });
      expect(res.status).toBe(202);
    }
    await new Promise((r) => setTimeout(r, 100));
    const report = await first.server.close();
    expect(report.async.pending).toHaveLength(2);
    expect(report.async.persisted).toBe(true);
    expect(await readdir(join(stateDir, 'async-jobs'))).toHaveLength(2);

    const { cb } = await callbackServer(port);
    const second = await start({ async: { stateDir } });
    await cb.waitFor(2);
    expect(cb.received.map((r) => r.body).sort()).toEqual(['slow done', 'slow done']);
    await until(() => second.server.asyncInvoker.pendingCount === 0);
    expect(await readdir(join(stateDir, 'async-jobs'))).toEqual([]);
  });
});
