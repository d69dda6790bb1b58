/**
 * Authority never grows through a function, end to end: `serve()` with auth on and a config file,
 * a guest that mints tokens with momento:token (a WAT component: hand-written canonical ABI, no
 * componentize build), and the minted tokens tried on other functions, another cache's function
 * and the admin routes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/log.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import { watHello, watMinter } from '../helpers/guests.js';

const doc = (...permissions: unknown[]) => JSON.stringify({ explicit: { permissions } });
const invokeAll = doc({
  function_permissions: { role: 'FunctionInvoke', all_caches: null, all_functions: null },
});
const invokeOne = (cache: string, name: string) =>
  doc({
    function_permissions: {
      role: 'FunctionInvoke',
      all_caches: null,
      cache_selector: { cacheName: cache },
      all_functions: null,
      function_selector: { function_name: name },
    },
  });
const ownCacheData = doc({
  cache_permissions: {
    role: 'CacheReadWrite',
    all_caches: null,
    cache_selector: { cacheName: 'demo' },
    all_items: null,
  },
});

let dir: string;
let running: RunningServer;
let url: string;
let caller: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mf-escalation-'));
  await writeFile(join(dir, 'minter.wasm'), await watMinter());
  await writeFile(join(dir, 'hello.wasm'), await watHello());
  await writeFile(
    join(dir, 'momento-functions.json'),
    JSON.stringify({
      cache: 'demo',
      auth: { enabled: true, signingKey: 'escalation-test-signing-key-of-32-bytes!' },
      functions: [
        // May delegate invoking demo/ping, nothing else.
        { name: 'mint', entry: 'minter.wasm', kind: 'web', tokens: { allowInvoke: ['ping'] } },
        // The default grant: its own cache's data only.
        { name: 'plain-mint', entry: 'minter.wasm', kind: 'web' },
        // Configured to delegate invoking everything (the admin routes still refuse its tokens).
        { name: 'wide-mint', entry: 'minter.wasm', kind: 'web', tokens: { allowInvoke: ['*/*'] } },
        { name: 'ping', entry: 'hello.wasm', kind: 'web' },
        { name: 'other', entry: 'hello.wasm', kind: 'web' },
        { name: 'ping', entry: 'hello.wasm', kind: 'web', cache: 'other-cache' },
      ],
    }),
  );
  running = await serve({
    cwd: dir,
    port: 0,
    logger: silentLogger,
    waitForFunctions: true,
    hostOptions: { limits: { concurrency: 1 }, spares: 0 },
  });
  url = running.url;
  // The caller may invoke the three minting functions and nothing else.
  caller = (
    await running.authority!.issue({
      validForSeconds: 300,
      permissions: doc(
        ...['mint', 'plain-mint', 'wide-mint'].map((name) => ({
          function_permissions: {
            role: 'FunctionInvoke',
            cache_selector: { cacheName: 'demo' },
            function_selector: { function_name: name },
          },
        })),
      ),
      cacheName: 'demo',
      functionName: 'test caller',
    })
  ).apiKey;
}, 300_000);

afterAll(async () => {
  await running?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const call = (path: string, token: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });

async function mintVia(fn: string, permissions: string): Promise<Response> {
  return call(`/functions/demo/${fn}`, caller, { method: 'POST', body: permissions });
}

const ADMIN = ['/_momento/functions', '/_momento/dead-letters', '/_momento/spawns'];

describe('a function mints on its own authority (mint-time cap)', () => {
  it('the reported escalation: asking for FunctionInvoke on everything is refused with permission-denied', async () => {
    for (const fn of ['mint', 'plain-mint']) {
      const res = await mintVia(fn, invokeAll);
      expect(res.status, fn).toBe(403);
      const text = await res.text();
      expect(text).toContain(`demo/${fn} may not mint this token`);
      expect(text).toContain('FunctionInvoke on all caches, all functions');
    }
  });

  it("the default grant: its own cache's data yes, FunctionInvoke no", async () => {
    expect((await mintVia('plain-mint', ownCacheData)).status).toBe(200);
    expect((await mintVia('plain-mint', invokeOne('demo', 'ping'))).status).toBe(403);
  });
});

describe('a minted token at the server', () => {
  it("within its grant: 200; another function, another cache's function, admin routes: 403", async () => {
    const res = await mintVia('mint', invokeOne('demo', 'ping'));
    expect(res.status).toBe(200);
    const minted = await res.text();
    expect((await call('/functions/demo/ping', minted)).status).toBe(200);
    const other = await call('/functions/demo/other', minted);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('no FunctionInvoke permission for function other in cache demo');
    expect((await call('/functions/other-cache/ping', minted)).status).toBe(403);
    for (const path of ADMIN) {
      const admin = await call(path, minted);
      expect(admin.status, path).toBe(403);
      expect(await admin.text()).toContain(
        'minted by function demo/mint, and tokens minted by functions never open admin routes',
      );
    }
  });

  it('a token for everything from a function allowed to delegate it: every function, never an admin route', async () => {
    const res = await mintVia('wide-mint', invokeAll);
    expect(res.status).toBe(200);
    const minted = await res.text();
    expect((await call('/functions/demo/other', minted)).status).toBe(200);
    expect((await call('/functions/other-cache/ping', minted)).status).toBe(200);
    for (const path of ADMIN) expect((await call(path, minted)).status, path).toBe(403);
    // The grant is read when the token is used: withdrawing it stops tokens already minted.
    running.authority!.setFunctionGrant('demo', 'wide-mint', undefined);
    try {
      const after = await call('/functions/demo/other', minted);
      expect(after.status).toBe(403);
      expect(await after.text()).toContain(
        'it was minted by function demo/wide-mint, which may not delegate invoking demo/other',
      );
    } finally {
      running.authority!.setFunctionGrant('demo', 'wide-mint', { allowInvoke: ['*/*'] });
    }
  });

  it("the caller's own token still gets 403 on other functions and the admin routes", async () => {
    expect((await call('/functions/demo/ping', caller)).status).toBe(403);
    for (const path of ADMIN) {
      const res = await call(path, caller);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain(
        'Admin routes require a token with FunctionInvoke permission on all caches',
      );
    }
  });
});
