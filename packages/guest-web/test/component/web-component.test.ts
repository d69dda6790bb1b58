// guest-web through real components: each fixture is built by @momento-functions/build
// (esbuild bundle of the package's dist + componentize-js), jco-transpiled, and invoked on a
// fresh instance per request by the recording host in ./harness.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildResult, build } from '@momento-functions/build';
import { beforeAll, describe, expect, it } from 'vitest';
import { invoke, type Request } from './harness.js';

const pkg = resolve(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
const out = join(pkg, 'node_modules/.cache/guest-web-components');

const TEXT = [{ name: 'content-type', value: 'text/plain; charset=utf-8' }];
const BYTES = [{ name: 'content-type', value: 'application/octet-stream' }];
const JSON_CT = [{ name: 'content-type', value: 'application/json; charset=utf-8' }];
const PREFIX = 'An error occurred during function invocation: ';

/** The build bundles the package's dist: rebuild it when any source file is newer. */
function ensureDist(name: string, dir: string): void {
  const dist = join(dir, 'dist/index.js');
  const src = join(dir, 'src');
  const newest = Math.max(
    ...readdirSync(src, { recursive: true }).map((f) => statSync(join(src, String(f))).mtimeMs),
  );
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest) {
    execFileSync('npm', ['run', 'build', '-w', name], { cwd: resolve(pkg, '../..'), stdio: 'ignore' });
  }
}

const built: Record<string, BuildResult> = {};

beforeAll(async () => {
  ensureDist('@momento-functions/bytes', resolve(pkg, '../bytes'));
  ensureDist('@momento-functions/guest-web', pkg);
  for (const name of ['ping', 'dispatch', 'greeter']) {
    built[name] = await build({
      entry: join(fixtures, `${name}.ts`),
      outFile: join(out, `${name}.wasm`),
      kind: 'web',
    });
  }
});

const run = (mode: string, request: Request = {}) =>
  invoke(built.dispatch!.wasmPath, {
    ...request,
    headers: [{ name: 'x-mode', value: mode }, ...(request.headers ?? [])],
  });

describe('imports follow use', () => {
  it('ping imports no streaming interface: only bytes and web-function-support (for the header type)', () => {
    const { momentoImports, exports } = built.ping!.report;
    expect(exports).toEqual(['momento:web-function/guest-function-web@1.0.0']);
    // wasi:cli/environment is part of the build's WASI set for every function, used or not.
    expect([...momentoImports].sort()).toEqual([
      'momento:bytes/bytes@1.0.0',
      'momento:web-function/web-function-support@1.0.0',
    ]);
  });

  it('a function that streams and reads its environment imports both', () => {
    const { momentoImports, wasiImports } = built.dispatch!.report;
    expect(momentoImports).toContain('momento:web-function/web-function-stream@1.0.0');
    expect(momentoImports).toContain('momento:web-function/web-function-support@1.0.0');
    expect(wasiImports.some((i) => i.startsWith('wasi:cli/environment'))).toBe(true);
  });
});

describe('ping (the upstream json-greeter example smoke test)', () => {
  it('answers 200 text "pong" for any body, without reading it or calling the host', async () => {
    const res = await invoke(built.ping!.wasmPath, { body: 'ignored' });
    expect([res.status, res.headers, res.text]).toEqual([200, TEXT, 'pong']);
    expect(res.requestBuffer?.reads).toBe(0);
    expect(res.calls).toEqual([]);
  });
});

describe('return values (the crate WebResponse conversions (docs/guest-web.md))', () => {
  it('string → 200 text/plain', async () => {
    const res = await run('text');
    expect([res.status, res.headers, res.text]).toEqual([200, TEXT, 'pong']);
  });

  it('Uint8Array → 200 octet-stream, exact bytes', async () => {
    const res = await run('bytes');
    expect([res.status, res.headers, [...res.body]]).toEqual([200, BYTES, [0, 1, 2, 255]]);
  });

  it('the request Data returned → the same host buffer, unread (zero-copy echo)', async () => {
    const res = await run('echo', { body: 'zero copy' });
    expect([res.status, res.headers, res.text]).toEqual([200, BYTES, 'zero copy']);
    expect(res.bodyBuffer).toBe(res.requestBuffer);
    expect(res.requestBuffer?.reads).toBe(0);
  });

  it('an inline request body echoes as bytes too', async () => {
    const res = await run('echo', { body: 'inline', bodyAs: 'value' });
    expect([res.status, res.headers, res.text]).toEqual([200, BYTES, 'inline']);
  });

  it('a plain object → 200 compact JSON, raw UTF-8 and escaped quote', async () => {
    const res = await run('json');
    expect([res.status, res.headers, res.text]).toEqual([
      200,
      JSON_CT,
      '{"message":"Hello, é\\"x!","list":[1,true,null,1.5]}',
    ]);
  });

  it('json("s") → a JSON string', async () => {
    const res = await run('json-string');
    expect([res.status, res.headers, res.text]).toEqual([200, JSON_CT, '"s"']);
  });

  it('undefined → 204, no headers, empty body', async () => {
    const res = await run('unit');
    expect([res.status, res.headers, res.body.length]).toEqual([204, [], 0]);
  });

  it('a WebResponse is sent as built (derived from a shared module-level base)', async () => {
    const res = await run('response');
    expect(res.status).toBe(201);
    expect(res.headers).toEqual([
      { name: 'cache-control', value: 'no-store' },
      { name: 'X-A', value: '1' },
      { name: 'x-a', value: '2' },
    ]);
    expect(res.text).toBe('made');
  });

  it('a WebResponse body may be the request buffer, passed through', async () => {
    const res = await run('response-echo', { body: 'through' });
    expect([res.status, res.headers, res.text]).toEqual([202, [], 'through']);
    expect(res.bodyBuffer).toBe(res.requestBuffer);
  });
});

describe('errors become responses, never traps', () => {
  it('WebError.message → 500, no headers, the message', async () => {
    const res = await run('web-error');
    expect([res.status, res.headers, res.text]).toEqual([500, [], 'Missing X-Amz-Target header']);
  });

  it('WebError.response → that response', async () => {
    const res = await run('web-error-404');
    expect([res.status, res.headers, res.text]).toEqual([404, [], 'no such user']);
  });

  it('a thrown Error → 500 with the crate prefix and Name("message", cause: ...)', async () => {
    const res = await run('throw-error');
    expect([res.status, res.headers, res.text]).toEqual([
      500,
      [],
      `${PREFIX}CacheError("denied", cause: TypeError("inner"))`,
    ]);
  });

  it('a thrown error with a `debug` text → 500 with exactly that text, like the crate', async () => {
    const res = await run('throw-debug');
    expect([res.status, res.headers, res.text]).toEqual([
      500,
      [],
      `${PREFIX}RequestError("connection refused")`,
    ]);
  });

  it('a thrown string → 500 with the string quoted', async () => {
    const res = await run('throw-string');
    expect([res.status, res.headers, res.text]).toEqual([500, [], `${PREFIX}"oops"`]);
  });

  it('a value JSON cannot encode → 500 text "Failed to encode response: …"', async () => {
    const res = await run('encode-fail');
    expect(res.status).toBe(500);
    expect(res.headers).toEqual(TEXT);
    expect(res.text).toMatch(/^Failed to encode response: .*BigInt/i);
  });

  it('a status outside u16 → 500 naming the problem', async () => {
    const res = await run('bad-status');
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/^An error occurred during function invocation: RangeError\(".*65535/);
  });
});

describe('environment()', () => {
  it('reads headers, query, token, method, path and identity, each take-once host call once', async () => {
    const res = await run('environment', {
      headers: [
        { name: 'X-Amz-Target', value: 'GetItem' },
        { name: 'accept', value: 'a' },
        { name: 'Accept', value: 'b' },
      ],
      query: [
        { name: 'q', value: '1' },
        { name: 'q', value: '2' },
      ],
      token: 'token-id',
      method: 'PUT',
      path: '/search/me',
      env: [
        ['__CACHE_NAME', 'cache-a'],
        ['__FUNCTION_NAME', 'fn-a'],
        ['__INVOCATION_ID', 'inv-a'],
        ['UPSTREAM', 'https://up'],
      ],
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      headerList: [
        { name: 'x-mode', value: 'environment' },
        { name: 'X-Amz-Target', value: 'GetItem' },
        { name: 'accept', value: 'a' },
        { name: 'Accept', value: 'b' },
      ],
      headers: [
        ['x-mode', 'environment'],
        ['x-amz-target', 'GetItem'],
        ['accept', 'b'],
      ],
      target: 'GetItem',
      query: [
        { name: 'q', value: '1' },
        { name: 'q', value: '2' },
      ],
      q: '2',
      token: 'token-id',
      method: 'PUT',
      path: '/search/me',
      segments: ['search', 'me'],
      invocationId: 'inv-a',
      cacheName: 'cache-a',
      functionName: 'fn-a',
      upstream: 'https://up',
      variables: 4,
      same: true,
    });
    expect(res.calls.map((c) => c[0])).toEqual([
      'headers',
      'query-parameters',
      'token-metadata',
      'http-method',
      'invocation-path',
    ]);
  });

  it('defaults: path "" when none, <not found> identity, no token', async () => {
    const res = await run('environment');
    const body = JSON.parse(res.text);
    expect([body.path, body.segments, body.token]).toEqual(['', [], null]);
    expect([body.invocationId, body.cacheName, body.functionName]).toEqual([
      '<not found>',
      '<not found>',
      '<not found>',
    ]);
  });
});

describe('streaming', () => {
  it('sse(): one send-sse per event, values passed through', async () => {
    const res = await run('sse');
    expect(res.status).toBe(204);
    expect(res.calls.slice(1)).toEqual([
      ['send-sse', 'greet', '1', 'hello\nworld'],
      ['send-sse', undefined, undefined, ''],
      ['send-sse', 'heartbeat', undefined, undefined],
    ]);
  });

  it("the host's err arrives as a StreamError with the host's message and a reason", async () => {
    const res = await run('sse-refused', {
      streamErrors: { 'send-sse': ['event or data must be provided'] },
    });
    expect(JSON.parse(res.text)).toEqual({
      isStreamError: true,
      name: 'StreamError',
      message: 'event or data must be provided',
      operation: 'send-sse',
      reason: 'missing-event-or-data',
    });
  });

  it('an uncaught StreamError → 500 with the crate prefix', async () => {
    const res = await run('sse-uncaught', { streamErrors: { 'send-sse': ['bad data: invalid utf-8'] } });
    expect([res.status, res.headers, res.text]).toEqual([
      500,
      [],
      `${PREFIX}StreamError("bad data: invalid utf-8")`,
    ]);
  });

  it('sseWithHeaders(): send-response-start first, then the events', async () => {
    const res = await run('sse-headers');
    expect(res.calls.slice(1)).toEqual([
      [
        'send-response-start',
        200,
        [
          { name: 'content-type', value: 'text/event-stream' },
          { name: 'x-stream', value: 'demo' },
        ],
      ],
      ['send-sse', undefined, undefined, 'hi'],
    ]);
  });

  it('rawStream(): send-response-start, then send-data verbatim', async () => {
    const res = await run('raw');
    expect(res.status).toBe(204);
    expect(res.calls.slice(1)).toEqual([
      ['send-response-start', 206, [{ name: 'content-type', value: 'application/x-ndjson' }]],
      ['send-data', new TextEncoder().encode('{"n":1}\n')],
      ['send-data', new Uint8Array([98])],
    ]);
  });
});

describe('greeter (the upstream json-greeter example)', () => {
  const greet = (body: string) => invoke(built.greeter!.wasmPath, { body });

  it('success paths, byte for byte', async () => {
    for (const [input, output] of [
      ['{"name":"kvc"}', '{"message":"Hello, kvc!"}'],
      ['{"name":"kvc","extra":1}', '{"message":"Hello, kvc!"}'],
      ['  {"name":"é\\"x"}  ', '{"message":"Hello, é\\"x!"}'],
    ]) {
      const res = await greet(input!);
      expect([res.status, res.headers, res.text]).toEqual([200, JSON_CT, output]);
      expect(res.calls).toEqual([]);
    }
  });

  it('error paths: 400, no headers, the prefix and a detail naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['', /EOF while parsing a value at line 1 column 0/],
      ['{}', /name/],
      ['{"name":1}', /name/],
      ['abc', /expected value at line 1 column 1/],
      ['{"name":"a"} x', /trailing characters at line 1 column 14/],
    ];
    for (const [input, detail] of cases) {
      const res = await greet(input);
      expect(res.status).toBe(400);
      expect(res.headers).toEqual([]);
      expect(res.text.startsWith('Failed to parse request body: ')).toBe(true);
      expect(res.text).toMatch(detail);
    }
  });
});
