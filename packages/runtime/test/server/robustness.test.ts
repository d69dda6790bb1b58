/**
 * Server robustness over real loopback connections: client time limits (raw sockets trickling
 * headers or a body), the component size cap and header check on load, responses HTTP cannot
 * carry (502 with its reason phrase, sync and async alike), one invocation id end to end with an
 * idempotency key on callbacks, spawns started by guests in /_momento/spawns, a cache directory
 * under a CommonJS package, and the 401 wording.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../src/index.js';
import { validateConfig } from '../../src/server/config.js';
import { servableFromHandle } from '../../src/server/host-adapter.js';
import { createServer } from '../../src/server/serve.js';
import { createFunctionServer, type FunctionServer } from '../../src/server/server.js';
import type { ServableFunction } from '../../src/server/types.js';
import { TokenAuthority } from '../../src/services/token/index.js';
import type { Host } from '../../src/types.js';
import { watComponent } from '../helpers/components.js';
import { watSpawned, watSpawner } from '../helpers/guests.js';
import { repoRoot } from './e2e-setup.js';
import { echo, fakeWeb } from './fake-functions.js';
import { CallbackServer } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked by value with expect()
type Json = any;

const fixture = (group: string, name: string) => join(repoRoot, 'tests', 'fixtures', group, `${name}.wasm`);

const servers: FunctionServer[] = [];
const callbacks: CallbackServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(callbacks.splice(0).map((c) => c.stop()));
});

async function listen(server: FunctionServer): Promise<string> {
  servers.push(server);
  return server.listen(0, '127.0.0.1');
}

async function callbackServer() {
  const cb = new CallbackServer();
  callbacks.push(cb);
  return { cb, url: await cb.start() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw connection: everything the server sends, and when it closed the connection. */
async function rawSocket(url: string) {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  return { socket, closed, received: () => received };
}

/** Writes `text` a few bytes at a time until the socket closes or `text` ends. */
async function trickle(socket: Socket, text: string, bytes: number, everyMs: number): Promise<void> {
  for (let i = 0; i < text.length && !socket.destroyed && socket.writable; i += bytes) {
    socket.write(text.slice(i, i + bytes));
    await sleep(everyMs);
  }
}

/** The status line of one raw HTTP/1.1 request. */
async function rawStatusLine(url: string, path: string, method = 'GET'): Promise<string> {
  const { socket, closed, received } = await rawSocket(url);
  socket.write(`${method} ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  await closed;
  return received().split('\r\n')[0]!;
}

const TIMEOUTS = {
  headersMs: 600,
  requestMs: 2_000,
  keepAliveMs: 400,
  bodyIdleMs: 500,
  minBodyBytesPerSecond: 1000,
};

describe('client time limits', () => {
  it('has defaults suited to functions, and takes them from the config file', () => {
    const server = createFunctionServer({ functions: [echo] });
    servers.push(server);
    expect(server.http.headersTimeout).toBe(10_000);
    expect(server.http.requestTimeout).toBe(40_000);
    expect(server.http.keepAliveTimeout).toBe(5_000);
    const config = validateConfig({ functions: [], timeouts: { headersMs: 2000, bodyIdleMs: 100 } }, '/srv');
    expect(config.timeouts).toEqual({ headersMs: 2000, bodyIdleMs: 100 });
    expect(() => validateConfig({ functions: [], timeouts: { headerMs: 1 } }, '/srv')).toThrow(
      /timeouts has unknown field "headerMs"/,
    );
    expect(() => validateConfig({ functions: [], timeouts: { requestMs: -1 } }, '/srv')).toThrow(
      /timeouts.requestMs must be a positive number/,
    );
  });

  it('closes a connection whose headers trickle in, within the headers limit', async () => {
    const url = await listen(createFunctionServer({ functions: [echo], timeouts: TIMEOUTS }));
    const { socket, closed, received } = await rawSocket(url);
    const started = Date.now();
    void trickle(
      socket,
      `GET /functions/default/echo HTTP/1.1\r\nhost: x\r\nx-slow: ${'a'.repeat(200)}\r\n\r\n`,
      1,
      50,
    );
    const at = await closed;
    expect(at - started).toBeLessThan(TIMEOUTS.headersMs + 1_500);
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('closes a connection that sends nothing at all', async () => {
    const url = await listen(createFunctionServer({ functions: [echo], timeouts: TIMEOUTS }));
    const { closed } = await rawSocket(url);
    const started = Date.now();
    expect((await closed) - started).toBeLessThan(TIMEOUTS.headersMs + 1_500);
  });

  it('cuts a body that trickles slower than the minimum rate (408, connection closed)', async () => {
    const url = await listen(createFunctionServer({ functions: [echo], timeouts: TIMEOUTS }));
    const { socket, closed, received } = await rawSocket(url);
    const started = Date.now();
    socket.write('POST /functions/default/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n');
    // 20 bytes every 100 ms: 200 bytes/s, never idle long, but far under 1000 bytes/s.
    void trickle(socket, 'b'.repeat(100_000), 20, 100);
    const at = await closed;
    expect(at - started).toBeLessThan(TIMEOUTS.bodyIdleMs + 1_500);
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(received()).toMatch(/The request body came too slowly \(it arrived at \d+ bytes\/s/);
  });

  it('cuts a body that stalls', async () => {
    const url = await listen(createFunctionServer({ functions: [echo], timeouts: TIMEOUTS }));
    const stalled = await rawSocket(url);
    const started = Date.now();
    stalled.socket.write('POST /functions/default/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nab');
    const at = await stalled.closed;
    expect(at - started).toBeLessThan(TIMEOUTS.bodyIdleMs + 1_500);
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout[\s\S]*no body data arrived/);
  });

  it('cuts a request, headers and body, that takes longer than the request limit', async () => {
    const timeouts = { headersMs: 300, requestMs: 900, bodyIdleMs: 10_000, minBodyBytesPerSecond: 1 };
    const url = await listen(createFunctionServer({ functions: [echo], timeouts }));
    const { socket, closed, received } = await rawSocket(url);
    const started = Date.now();
    socket.write('POST /functions/default/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n');
    void trickle(socket, 'c'.repeat(1000), 1, 50);
    const at = await closed;
    expect(at - started).toBeLessThan(timeouts.requestMs + 1_500);
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('closes an idle keep-alive connection after the keep-alive limit, and still serves quick clients', async () => {
    const url = await listen(createFunctionServer({ functions: [echo], timeouts: TIMEOUTS }));
    const { socket, closed, received } = await rawSocket(url);
    socket.write('POST /functions/default/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nhi');
    while (!received().includes('"body": "hi"') && !received().includes('"body":"hi"')) await sleep(10);
    const answered = Date.now();
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect((await closed) - answered).toBeLessThan(TIMEOUTS.keepAliveMs + 1_500);
  });
});

/** A web guest answering `status` with the given headers and the body "body". */
function watRespond(name: string, status: number, headers: [string, string][]) {
  const data: string[] = [];
  const records: string[] = [];
  let at = 1024;
  const place = (text: string) => {
    const ptr = at;
    data.push(
      `(data (i32.const ${ptr}) "${[...Buffer.from(text)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")`,
    );
    at += text.length + 8;
    return [ptr, Buffer.byteLength(text)] as const;
  };
  const [bodyPtr, bodyLen] = place('body');
  headers.forEach(([n, v], i) => {
    const [np, nl] = place(n);
    const [vp, vl] = place(v);
    const base = 512 + i * 16;
    records.push(
      `(i32.store (i32.const ${base}) (i32.const ${np})) (i32.store (i32.const ${base + 4}) (i32.const ${nl}))`,
      `(i32.store (i32.const ${base + 8}) (i32.const ${vp})) (i32.store (i32.const ${base + 12}) (i32.const ${vl}))`,
    );
  });
  return watComponent(
    `package test:${name};\nworld guest {\n  import momento:web-function/web-function-support@1.0.0;\n  export momento:web-function/guest-function-web@1.0.0;\n}\n`,
    `(module
  (import "momento:bytes/bytes@1.0.0" "[resource-drop]buffer" (func $drop (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "cabi_post_momento:web-function/guest-function-web@1.0.0#invoke") (param i32))
  ${data.join('\n  ')}
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (call $drop (local.get 1))))
    ${records.join('\n    ')}
    (i32.store16 (i32.const 256) (i32.const ${status}))
    (i32.store (i32.const 260) (i32.const 512))
    (i32.store (i32.const 264) (i32.const ${headers.length}))
    (i32.store8 (i32.const 268) (i32.const 1))
    (i32.store (i32.const 272) (i32.const ${bodyPtr}))
    (i32.store (i32.const 276) (i32.const ${bodyLen}))
    (i32.const 256)))`,
  );
}

describe('with real components in the real host', () => {
  let host: Host;
  let functions: ServableFunction[];

  beforeAll(async () => {
    host = await createHost({ limits: { concurrency: 1 }, logger: () => undefined });
    const load = async (bytes: Promise<Uint8Array> | Uint8Array, name: string) =>
      servableFromHandle(await host.load(await bytes, { name }));
    functions = [
      await load(
        readFile(fixture('rust-glue', 'env-report')).then((b) => new Uint8Array(b)),
        'env-report',
      ),
      await load(watRespond('bad-status', 1000, []), 'bad-status'),
      await load(
        watRespond('bad-header', 200, [
          ['x-ok', 'fine'],
          ['x-bad', 'a\u0001b'],
        ]),
        'bad-header',
      ),
      await load(watSpawner(), 'spawner'),
      await load(watSpawned(), 'worker'),
    ];
  }, 120_000);

  afterAll(async () => {
    await host?.close();
  });

  async function start() {
    const server = await createServer({ host, functions });
    return { server, url: await listen(server) };
  }

  it('uses one invocation id end to end for an async invoke: 202, callback headers and the guest', async () => {
    const { url } = await start();
    const { cb, url: cbUrl } = await callbackServer();
    const res = await fetch(`${url}/spaces/default/functions/env-report/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': `${cbUrl}/done` },
      body: 'hi',
    });
    expect(res.status).toBe(202);
    const { invocationId } = (await res.json()) as Json;
    expect(res.headers.get('x-invocation-id')).toBe(invocationId);
    await cb.waitFor(1);
    const got = cb.received[0]!;
    expect(got.headers['x-invocation-id']).toBe(invocationId);
    expect(got.headers['idempotency-key']).toBe(invocationId);
    expect(got.body).toContain(`Invocation ID: ${invocationId},`);
  });

  it('answers a guest status outside 100-999 with 502 Bad Gateway, sync and async', async () => {
    const { url } = await start();
    expect(await rawStatusLine(url, '/functions/default/bad-status')).toBe('HTTP/1.1 502 Bad Gateway');
    const res = await fetch(`${url}/functions/default/bad-status`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('invalid HTTP status 1000');
    const { cb, url: cbUrl } = await callbackServer();
    await fetch(`${url}/spaces/default/functions/bad-status/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': cbUrl },
    });
    await cb.waitFor(1);
    expect(cb.received[0]!.body).toContain('invalid HTTP status 1000');
    expect(cb.received[0]!.headers['x-function-status']).toBe('502');
  });

  it('answers a guest header HTTP cannot carry with 502 Bad Gateway, and the async callback gets the same 502', async () => {
    const { url } = await start();
    expect(await rawStatusLine(url, '/functions/default/bad-header')).toBe('HTTP/1.1 502 Bad Gateway');
    const sync = await fetch(`${url}/functions/default/bad-header`);
    expect(sync.status).toBe(502);
    const syncText = await sync.text();
    expect(syncText).toContain('a header HTTP cannot carry');
    const { cb, url: cbUrl } = await callbackServer();
    await fetch(`${url}/spaces/default/functions/bad-header/async-invoke`, {
      method: 'POST',
      headers: { 'x-callback-url': cbUrl },
    });
    await cb.waitFor(1);
    expect(cb.received[0]!.headers['x-function-status']).toBe('502');
    expect(cb.received[0]!.headers['x-ok']).toBeUndefined();
    expect(cb.received[0]!.body).toBe(syncText);
  });

  it('lists spawns a guest started with spawn-function in /_momento/spawns', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/functions/default/spawner`, { method: 'POST' });
    expect(res.status).toBe(200);
    let spawns: Json[] = [];
    for (let i = 0; i < 100; i++) {
      spawns = (await (await fetch(`${url}/_momento/spawns`)).json()) as Json[];
      if (spawns.some((s) => s.outcome)) break;
      await sleep(50);
    }
    expect(spawns).toContainEqual(
      expect.objectContaining({
        function: 'worker',
        cache: 'default',
        spawnedBy: expect.objectContaining({ function: 'spawner' }),
        outcome: { tag: 'ok-note', val: 'spawned!' },
      }),
    );
  });

  it('refuses /dev/zero, a FIFO, an oversized file and a file that is not wasm, quickly and saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-load-cap-'));
    try {
      await symlink('/dev/zero', join(dir, 'zero.wasm'));
      execFileSync('mkfifo', [join(dir, 'fifo.wasm')]);
      const big = await open(join(dir, 'big.wasm'), 'w');
      await big.truncate(256 * 1024 * 1024); // sparse: 256 MiB of zeros on no disk
      await big.close();
      await writeFile(join(dir, 'zeros.wasm'), Buffer.alloc(4096));
      const rssBefore = process.memoryUsage().rss;
      const started = Date.now();
      const server = await createServer({
        host,
        background: true,
        config: {
          functions: ['zero', 'fifo', 'big', 'zeros'].map((name) => ({
            name,
            entry: join(dir, `${name}.wasm`),
          })),
        },
      });
      const url = await listen(server);
      const report = await server.ready;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
      const errors = Object.fromEntries(report.failed.map((f) => [f.name, f.error]));
      expect(errors.zero).toMatch(
        /cannot read component .*zero\.wasm: it is a device, not a regular \.wasm file/,
      );
      expect(errors.fifo).toMatch(/cannot read component .*fifo\.wasm: it is a FIFO/);
      expect(errors.big).toMatch(/it is 256\.0 MiB, over this host's component size limit of 64\.0 MiB/);
      expect(errors.zeros).toMatch(
        /not a valid WebAssembly component \(it does not start with the WebAssembly magic/,
      );
      const res = await fetch(`${url}/functions/default/zero`);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('it is a device');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes the size cap from the host limits, for files and bytes', async () => {
    const small = await createHost({
      limits: { concurrency: 1, componentBytes: 1000 },
      logger: () => undefined,
    });
    try {
      const path = fixture('rust-glue', 'ping');
      await expect(small.load(path)).rejects.toThrow(/over this host's component size limit of 1000 bytes/);
      await expect(small.load(new Uint8Array(await readFile(path)), { name: 'p' })).rejects.toThrow(
        /Function 'p': the component is .* over this host's component size limit of 1000 bytes/,
      );
    } finally {
      await small.close();
    }
  });
});

describe('a cache directory under a CommonJS package', () => {
  it('loads and serves (the transpiled glue is marked as ES modules)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-cjs-'));
    await writeFile(join(dir, 'package.json'), '{ "name": "cjs-app", "type": "commonjs" }\n');
    await mkdir(join(dir, 'cache'));
    const host = await createHost({
      cacheDir: join(dir, 'cache'),
      limits: { concurrency: 1 },
      logger: () => undefined,
    });
    try {
      const ping = await host.load(fixture('rust-glue', 'ping'));
      const url = await listen(createFunctionServer({ functions: [servableFromHandle(ping)] }));
      const res = await fetch(`${url}/functions/default/ping`);
      expect(res.status).toBe(200);
    } finally {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('auth', () => {
  it('says "The token is not valid" once for a bad token', async () => {
    const authority = new TokenAuthority({ secret: 'one-key-'.repeat(5) });
    const other = new TokenAuthority({ secret: 'another-key-'.repeat(4) });
    const { apiKey } = await other.issue({
      validForSeconds: 60,
      permissions: '{"explicit":{"permissions":[]}}',
      cacheName: 'default',
      functionName: 'x',
    });
    const url = await listen(
      createFunctionServer({ functions: [echo], auth: { verify: authority.verifier } }),
    );
    for (const path of ['/functions/default/echo', '/_momento/functions']) {
      const res = await fetch(`${url}${path}`, { headers: { authorization: apiKey } });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).toMatch(/^The token is not valid: /);
      expect(text.toLowerCase().split('token is not valid').length).toBe(2);
    }
  });
});

describe('502 reason phrase with a stand-in function', () => {
  it('writes "502 Bad Gateway", not the guest status\'s phrase', async () => {
    const bad = fakeWeb('bad', () => ({
      status: 200,
      headers: [['x-bad', 'line\nbreak']],
      body: (async function* () {})(),
      complete: new Uint8Array(0),
    }));
    const url = await listen(createFunctionServer({ functions: [bad] }));
    expect(await rawStatusLine(url, '/functions/default/bad')).toBe('HTTP/1.1 502 Bad Gateway');
  });
});
