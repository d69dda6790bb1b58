/**
 * Secrets at rest and in logs: plants a token (authorization) and callback credentials
 * (user:password@ and ?sig=...) in async invocations whose callback receiver answers 500, then
 * reads every log line and every file under the state directory for them. Only the callback URL
 * may be kept, in the 0600 journal and dead letters; folders are 0700.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncInvoker, redactUrl } from '../../src/server/async-invoker.js';
import type { AuthOptions } from '../../src/server/auth.js';
import { createConsoleLogger } from '../../src/server/log.js';
import { tokenSecret } from '../../src/server/serve.js';
import { createFunctionServer, type FunctionServer } from '../../src/server/server.js';
import type { Pair } from '../../src/server/types.js';
import { echo, fakeWeb } from './fake-functions.js';
import { CallbackServer, until } from './helpers.js';

const TOKEN = 'tok-PLANTED-SECRET-7f3a9c';
const PASSWORD = 'cbPASSWORD-4d2e';
const SIG = 'SIG-PLANTED-91b0';
const SECRETS = [TOKEN, PASSWORD, SIG];

const auth = (forwardAuthorization: boolean): AuthOptions => ({
  verify(token) {
    if (token !== TOKEN) throw new Error('unknown token');
    return {
      tokenId: 'caller-1',
      permissions: {
        explicit: {
          permissions: [
            { function_permissions: { role: 'FunctionInvoke', all_caches: null, all_functions: null } },
          ],
        },
      },
    };
  },
  forwardAuthorization,
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(forwardAuthorization: boolean) {
  const stateDir = join(await mkdtemp(join(tmpdir(), 'mf-secrets-')), 'state');
  cleanups.push(() => rm(join(stateDir, '..'), { recursive: true, force: true }));
  const logStream = new PassThrough();
  let logs = '';
  logStream.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  const receiver = new CallbackServer();
  receiver.status = 500;
  const receiverUrl = await receiver.start();
  cleanups.push(() => receiver.stop());
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const seen: Pair[][] = [];
  const hold = fakeWeb('hold', async (request) => {
    seen.push(request.headers);
    await released;
    return {
      status: 200,
      headers: [['content-type', 'text/plain']],
      body: (async function* () {
        yield new TextEncoder().encode('done');
      })(),
    };
  });
  const server: FunctionServer = createFunctionServer({
    functions: [echo, hold],
    auth: auth(forwardAuthorization),
    logger: createConsoleLogger({ stream: logStream, color: false }),
    async: { stateDir, retry: { initialDelayMs: 20, maxAttempts: 3 } },
  });
  const url = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close());
  const callbackUrl = `${receiverUrl.replace('http://', `http://cbuser:${PASSWORD}@`)}/cb?sig=${SIG}&expires=1`;
  const asyncInvoke = (fn: string) =>
    fetch(`${url}/spaces/default/functions/${fn}/async-invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-callback-url': callbackUrl, 'x-other': 'kept' },
      body: 'payload',
    });
  return { stateDir, server, url, receiver, asyncInvoke, release, seen, logs: () => logs, callbackUrl };
}

/** Every file under `dir` with its mode and text, and every folder with its mode. */
async function walk(dir: string): Promise<{
  files: { path: string; mode: number; text: string }[];
  dirs: { path: string; mode: number }[];
}> {
  const files: { path: string; mode: number; text: string }[] = [];
  const dirs: { path: string; mode: number }[] = [{ path: dir, mode: (await stat(dir)).mode & 0o777 }];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await walk(path);
      files.push(...inner.files);
      dirs.push(...inner.dirs);
    } else {
      files.push({ path, mode: (await stat(path)).mode & 0o777, text: await readFile(path, 'utf8') });
    }
  }
  return { files, dirs };
}

/** A journal or dead-letter file: JSON whose only place for the callback's secrets is `callbackUrl`. */
function checkStateFile(file: { path: string; mode: number; text: string }) {
  expect(file.mode, `${file.path} mode`).toBe(0o600);
  expect(file.text, file.path).not.toContain(TOKEN);
  const value = JSON.parse(file.text) as Record<string, unknown>;
  // The bodies are base64: the function's result may not hold the caller's token either.
  for (const body of [
    (value.result as { bodyBase64?: string } | undefined)?.bodyBase64,
    (value.request as { bodyBase64?: string } | undefined)?.bodyBase64,
    value.bodyBase64 as string | undefined,
  ]) {
    if (body) expect(Buffer.from(body, 'base64').toString(), `${file.path} body`).not.toContain(TOKEN);
  }
  const { callbackUrl, ...rest } = value;
  expect(String(callbackUrl)).toContain(PASSWORD);
  const elsewhere = JSON.stringify(rest);
  for (const secret of SECRETS) expect(elsewhere, `${file.path} outside callbackUrl`).not.toContain(secret);
}

function checkFolders(dirs: { path: string; mode: number }[]) {
  for (const dir of dirs) expect(dir.mode, `${dir.path} mode`).toBe(0o700);
}

function checkLogs(logs: string) {
  expect(logs).toContain('Callback for async invocation'); // the failures were logged ...
  expect(logs).toContain('Gave up delivering');
  for (const secret of SECRETS) expect(logs, `logs hold ${secret}`).not.toContain(secret); // ... without secrets
  expect(logs).toContain('***@127.0.0.1');
  expect(logs).toContain('sig=***&expires=***');
}

describe('secrets at rest and in logs', () => {
  it('default: the guest never sees the token; journal and dead letters keep only the callback URL, 0600 in 0700', async () => {
    const t = await setup(false);
    // Sync: the guest does not get the caller's credential headers.
    const sync = await fetch(`${t.url}/functions/default/echo`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-momento-authorization': TOKEN, 'x-other': 'kept' },
    });
    expect(sync.status).toBe(200);
    const got = (await sync.json()) as { headers: Pair[]; tokenMetadata: string };
    expect(got.tokenMetadata).toBe('caller-1');
    expect(got.headers).toContainEqual(['x-other', 'kept']);
    expect(JSON.stringify(got.headers)).not.toContain(TOKEN);
    // Async: while the function runs, the journal holds the request without credentials.
    expect((await t.asyncInvoke('hold')).status).toBe(202);
    await until(() => t.seen.length === 1);
    expect(JSON.stringify(t.seen[0])).not.toContain(TOKEN);
    expect(t.seen[0]).toContainEqual(['x-callback-url', t.callbackUrl]);
    const running = await walk(t.stateDir);
    expect(running.files.filter((f) => f.path.includes('async-jobs'))).toHaveLength(1);
    for (const file of running.files) checkStateFile(file);
    checkFolders(running.dirs);
    t.release();
    expect((await t.asyncInvoke('echo')).status).toBe(202);
    await until(() => t.server.asyncInvoker.deadLetters().length === 2);
    expect(t.receiver.received.length).toBe(6); // 3 attempts each, all answered 500
    const after = await walk(t.stateDir);
    expect(after.files.filter((f) => f.path.includes('dead-letters'))).toHaveLength(2);
    for (const file of after.files) checkStateFile(file);
    checkFolders(after.dirs);
    checkLogs(t.logs());
    // The 502 of a retry that fails again is redacted too.
    const id = t.server.asyncInvoker.deadLetters()[0]!.id;
    const retry = await fetch(`${t.url}/_momento/dead-letters/${id}/retry`, {
      method: 'POST',
      headers: { authorization: TOKEN },
    });
    expect(retry.status).toBe(502);
    const retryText = await retry.text();
    for (const secret of SECRETS) expect(retryText).not.toContain(secret);
  });

  it('forwardAuthorization: the guest sees the token, the journal still does not keep it', async () => {
    const t = await setup(true);
    expect((await t.asyncInvoke('hold')).status).toBe(202);
    await until(() => t.seen.length === 1);
    expect(t.seen[0]).toContainEqual(['authorization', `Bearer ${TOKEN}`]);
    const journal = await walk(t.stateDir);
    for (const file of journal.files) checkStateFile(file);
    expect(journal.files[0]!.text).toContain('"dropped":["authorization","x-callback-url"]');
    t.release();
    await until(() => t.server.asyncInvoker.deadLetters().length === 1);
    const after = await walk(t.stateDir);
    for (const file of after.files) checkStateFile(file);
    checkFolders(after.dirs);
    checkLogs(t.logs());
  });

  it('an older journal (0644, with the authorization header) is narrowed and rewritten at start', async () => {
    const stateDir = join(await mkdtemp(join(tmpdir(), 'mf-secrets-old-')), 'state');
    cleanups.push(() => rm(join(stateDir, '..'), { recursive: true, force: true }));
    await mkdir(join(stateDir, 'async-jobs'), { recursive: true, mode: 0o755 });
    await chmod(stateDir, 0o755);
    const file = join(stateDir, 'async-jobs', 'old.json');
    const old = {
      id: 'old',
      cache: 'default',
      function: 'echo',
      callbackUrl: `http://u:${PASSWORD}@127.0.0.1:1/cb?sig=${SIG}`,
      acceptedAt: new Date().toISOString(),
      attempts: 0,
      request: {
        method: 'POST',
        path: '/',
        query: [],
        headers: [
          ['authorization', TOKEN],
          ['x-callback-url', `http://u:${PASSWORD}@127.0.0.1:1/cb?sig=${SIG}`],
        ],
        bodyBase64: '',
      },
    };
    await writeFile(file, JSON.stringify(old), { mode: 0o644 });
    const invoker = new AsyncInvoker({
      resolve: () => undefined,
      logger: { info() {}, warn() {}, error() {} },
      stateDir,
      retry: { maxAttempts: 1 },
      concurrency: 1,
    });
    await invoker.start();
    await until(() => invoker.deadLetters().length === 1);
    await invoker.close(1000);
    const state = await walk(stateDir);
    checkFolders(state.dirs);
    for (const f of state.files) checkStateFile(f);
  });

  it('redactUrl hides userinfo, query values, fragments and key-like path segments', () => {
    expect(redactUrl(`https://user:${PASSWORD}@example.com/hook?sig=${SIG}&v=1#frag`)).toBe(
      'https://***@example.com/hook?sig=***&v=***#***',
    );
    expect(redactUrl('https://hooks.example.com/services/T000/B000/XXXXXXXXxxxxxxxx12345678')).toBe(
      'https://hooks.example.com/services/T000/B000/***',
    );
    expect(redactUrl('http://127.0.0.1:8080/done')).toBe('http://127.0.0.1:8080/done');
    expect(redactUrl('not a url')).toBe('<a URL that cannot be parsed>');
  });

  it('token-secret: 0600 in a 0700 state folder, narrowed when it was looser', async () => {
    const base = await mkdtemp(join(tmpdir(), 'mf-secrets-key-'));
    cleanups.push(() => rm(base, { recursive: true, force: true }));
    const fresh = join(base, 'fresh');
    const key = tokenSecret(fresh);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
    expect((await stat(join(fresh, 'token-secret'))).mode & 0o777).toBe(0o600);
    const loose = join(base, 'loose');
    await mkdir(loose, { mode: 0o755 });
    await chmod(loose, 0o755);
    await writeFile(join(loose, 'token-secret'), `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    await chmod(join(loose, 'token-secret'), 0o644);
    expect(tokenSecret(loose)).toBe('ab'.repeat(32));
    expect((await stat(join(loose, 'token-secret'))).mode & 0o777).toBe(0o600);
  });
});
