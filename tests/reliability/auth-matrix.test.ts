/**
 * The auth matrix: `serve()` with auth on (a config file, as `momento-functions serve --auth`
 * reads it), every kind of token against every kind of route, each cell's status checked.
 * Operator tokens come from the real `momento-functions token` command (for function A, for
 * cache demo, for everything) and from the server's TokenAuthority (a PermitNone, an expired
 * one, one signed with another key); function-minted tokens come from a WAT guest calling
 * momento:token `generate-disposable-token` (docs/server.md, "Authorization model"): within the
 * minting function's grant they invoke what they carry, never the admin routes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenAuthority } from '@momento-functions/runtime';
import { type RunningServer, serve, silentLogger } from '@momento-functions/runtime/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watHello, watMinter } from '../../packages/runtime/test/helpers/guests.js';
import { ROOT, report } from './support.js';

const SIGNING_KEY = 'reliability-auth-matrix-signing-key-0123456789';

const doc = (...permissions: unknown[]) => JSON.stringify({ explicit: { permissions } });
const invokeFn = (role: string, cache: string | null, fn: string | null) => ({
  function_permissions: {
    role,
    ...(cache === null ? { all_caches: null } : { cache_selector: { cacheName: cache } }),
    ...(fn === null ? { all_functions: null } : { function_selector: { function_name: fn } }),
  },
});

let dir: string;
let running: RunningServer;
let url: string;
const tokens: Record<string, string | undefined> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mf-reliability-auth-'));
  await writeFile(join(dir, 'minter.wasm'), await watMinter());
  await writeFile(join(dir, 'hello.wasm'), await watHello());
  const config = join(dir, 'momento-functions.json');
  await writeFile(
    config,
    JSON.stringify({
      cache: 'demo',
      stateDir: join(dir, 'state'),
      auth: { enabled: true, signingKey: SIGNING_KEY },
      functions: [
        { name: 'a', entry: 'hello.wasm', kind: 'web' },
        { name: 'b', entry: 'hello.wasm', kind: 'web' },
        { name: 'a', entry: 'hello.wasm', kind: 'web', cache: 'other' },
        // May delegate invoking demo/a.
        { name: 'mint', entry: 'minter.wasm', kind: 'web', tokens: { allowInvoke: ['a'] } },
        // The default grant: its own cache's data, no FunctionInvoke.
        { name: 'plain-mint', entry: 'minter.wasm', kind: 'web' },
      ],
    }),
  );
  running = await serve({
    cwd: dir,
    port: 0,
    logger: silentLogger,
    waitForFunctions: true,
    hostOptions: { limits: { concurrency: 1 }, spares: 0, backends: { log: false } },
  });
  url = running.url;

  // Operator tokens from the real CLI, as a user makes them.
  const cli = (...args: string[]) =>
    execFileSync(
      process.execPath,
      [join(ROOT, 'packages/runtime/dist/cli.js'), 'token', '-c', config, ...args],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    ).trim();
  tokens['operator: function demo/a (cli)'] = cli(
    '--cache',
    'demo',
    '--function',
    'a',
    '--token-id',
    'caller-a',
  );
  tokens['operator: cache demo (cli)'] = cli('--cache', 'demo');
  tokens['operator: everything (cli)'] = cli();
  const authority = running.authority!;
  const issue = (permissions: string, now?: () => number, secret = SIGNING_KEY) =>
    new TokenAuthority({ secret, ...(now ? { now } : {}) })
      .issue({ validForSeconds: 60, permissions, cacheName: 'demo', functionName: 'reliability' })
      .then((t) => t.apiKey);
  tokens['operator: everything but demo/b (PermitNone)'] = (
    await authority.issue({
      validForSeconds: 60,
      permissions: doc(invokeFn('FunctionInvoke', null, null), invokeFn('FunctionPermitNone', 'demo', 'b')),
      cacheName: 'demo',
      functionName: 'reliability',
    })
  ).apiKey;
  const all = doc(invokeFn('FunctionInvoke', null, null));
  tokens['operator: everything, expired'] = await issue(all, () => Date.now() - 2 * 3600_000);
  tokens['operator: everything, another key'] = await issue(
    all,
    undefined,
    'another-signing-key-of-enough-length-0000',
  );
  const good = tokens['operator: everything (cli)']!;
  const [h, p, s] = good.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  tokens['operator: everything, payload altered'] =
    `${h}.${Buffer.from(JSON.stringify({ ...claims, cache: 'x' })).toString('base64url')}.${s}`;
  tokens['operator: everything, signature cut'] = `${h}.${p}.${s.slice(0, -4)}`;
  tokens['malformed: not a JWT'] = 'not-a-token';
  tokens['malformed: three dots'] = 'a.b.c';
  tokens['malformed: JSON'] = '{"permissions":"all"}';
  tokens['malformed: alg none'] = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
  tokens['no token'] = undefined;

  // Function-minted tokens, through the minting guests (the caller may invoke them).
  const mintVia = async (fn: string, permissions: string) => {
    const res = await fetch(`${url}/functions/demo/${fn}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${good}` },
      body: permissions,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`minting through ${fn}: ${res.status} ${text}`);
    return text;
  };
  tokens['minted by demo/mint: invoke demo/a'] = await mintVia(
    'mint',
    doc(invokeFn('FunctionInvoke', 'demo', 'a')),
  );
  tokens['minted by demo/plain-mint: cache demo data'] = await mintVia(
    'plain-mint',
    doc({
      cache_permissions: { role: 'CacheReadWrite', cache_selector: { cacheName: 'demo' }, all_items: null },
    }),
  );
}, 300_000);

afterAll(async () => {
  await running?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ROUTES: Record<string, { method: string; path: string; callback?: boolean }> = {
  'invoke demo/a': { method: 'GET', path: '/functions/demo/a' },
  'spaces invoke demo/a': { method: 'POST', path: '/spaces/demo/functions/a/invoke' },
  'async-invoke demo/a': { method: 'POST', path: '/spaces/demo/functions/a/async-invoke', callback: true },
  'invoke demo/b': { method: 'POST', path: '/functions/demo/b' },
  'invoke other/a': { method: 'POST', path: '/functions/other/a' },
  'admin functions': { method: 'GET', path: '/_momento/functions' },
  'admin spawns': { method: 'GET', path: '/_momento/spawns' },
  'admin dead-letters': { method: 'GET', path: '/_momento/dead-letters' },
  health: { method: 'GET', path: '/_momento/health' },
};

type Row = [number, number, number, number, number, number, number, number, number];
const NOT_VALID: Row = [401, 401, 401, 401, 401, 401, 401, 401, 200];
/** Expected status per token (rows) and route (columns, in ROUTES order). */
const EXPECTED: Record<string, Row> = {
  'operator: function demo/a (cli)': [200, 200, 202, 403, 403, 403, 403, 403, 200],
  'operator: cache demo (cli)': [200, 200, 202, 200, 403, 403, 403, 403, 200],
  'operator: everything (cli)': [200, 200, 202, 200, 200, 200, 200, 200, 200],
  'operator: everything but demo/b (PermitNone)': [200, 200, 202, 403, 200, 403, 403, 403, 200],
  'operator: everything, expired': NOT_VALID,
  'operator: everything, another key': NOT_VALID,
  'operator: everything, payload altered': NOT_VALID,
  'operator: everything, signature cut': NOT_VALID,
  'malformed: not a JWT': NOT_VALID,
  'malformed: three dots': NOT_VALID,
  'malformed: JSON': NOT_VALID,
  'malformed: alg none': NOT_VALID,
  'no token': NOT_VALID,
  'minted by demo/mint: invoke demo/a': [200, 200, 202, 403, 403, 403, 403, 403, 200],
  'minted by demo/plain-mint: cache demo data': [403, 403, 403, 403, 403, 403, 403, 403, 200],
};

const HEADER_FORMS = {
  'authorization: <key>': (k: string) => ({ authorization: k }),
  'authorization: Bearer <key>': (k: string) => ({ authorization: `Bearer ${k}` }),
  'x-momento-authorization: <key>': (k: string) => ({ 'x-momento-authorization': k }),
};

it('every token × route × header form gets the expected status', async () => {
  const mismatches: string[] = [];
  const table: string[] = [];
  let cells = 0;
  for (const [tokenName, row] of Object.entries(EXPECTED)) {
    const token = tokens[tokenName];
    const got: number[] = [];
    for (const [formName, form] of Object.entries(HEADER_FORMS)) {
      if (token === undefined && formName !== 'authorization: <key>') continue;
      for (const [i, [routeName, route]] of Object.entries(ROUTES).entries()) {
        const headers: Record<string, string> = token === undefined ? {} : form(token);
        if (route.callback) headers['x-callback-url'] = 'http://127.0.0.1:9/never';
        const res = await fetch(`${url}${route.path}`, {
          method: route.method,
          headers,
          ...(route.method === 'POST' ? { body: '' } : {}),
        });
        const text = await res.text();
        cells++;
        if (formName === 'authorization: Bearer <key>' || token === undefined) got.push(res.status);
        if (res.status !== row[i]) {
          mismatches.push(
            `${tokenName} | ${formName} | ${routeName}: ${res.status} (expected ${row[i]}) ${text.slice(0, 160)}`,
          );
        }
        // A refusal says why, in one sentence.
        const why =
          token === undefined
            ? /^(This server requires a token|Admin routes require a token)/
            : res.status === 401
              ? /^The token is not valid: /
              : /\w{3,}/;
        if (res.status >= 400 && !why.test(text))
          mismatches.push(`${tokenName} | ${formName} | ${routeName}: ${text.slice(0, 160)}`);
      }
    }
    table.push(`${tokenName.padEnd(46)} ${got.join(' ')}`);
  }
  report('auth-matrix', {
    tried: cells,
    held: cells - mismatches.length,
    tokens: Object.keys(EXPECTED).length,
    routes: Object.keys(ROUTES),
    headerForms: Object.keys(HEADER_FORMS),
    table,
    mismatches,
  });
  expect(mismatches).toEqual([]);
});
