// guest-web components in the project's reference host (@momento-functions/runtime): the same
// built fixtures as web-component.test.ts, now through real host services, fresh sandboxes and
// the host's SSE/raw streaming.
import { join, resolve } from 'node:path';
import { build } from '@momento-functions/build';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkg = resolve(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
const out = join(pkg, 'node_modules/.cache/guest-web-components');

let host: Host;
let dispatch: FunctionHandle;
let greeter: FunctionHandle;

async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  // web-component.test.ts keeps dist fresh; the build cache makes these instant when it ran first.
  const [d, g] = await Promise.all(
    ['dispatch', 'greeter'].map((name) =>
      build({ entry: join(fixtures, `${name}.ts`), outFile: join(out, `${name}.wasm`), kind: 'web' }),
    ),
  );
  host = await createHost({});
  dispatch = await host.load(d!.wasmPath, {
    name: 'dispatch',
    cache: 'cache-a',
    env: { UPSTREAM: 'https://up' },
  });
  greeter = await host.load(g!.wasmPath, { name: 'greeter', cache: 'cache-a' });
});
afterAll(() => host?.close());

describe('in the reference host', () => {
  it('greeter answers the upstream json-greeter example byte for byte', async () => {
    const ok = await greeter.invoke({ body: '{"name":"kvc"}' });
    expect([ok.status, ok.headers, ok.text()]).toEqual([
      200,
      [['content-type', 'application/json; charset=utf-8']],
      '{"message":"Hello, kvc!"}',
    ]);
    const bad = await greeter.invoke({ body: '' });
    expect([bad.status, bad.headers, bad.text()]).toEqual([
      400,
      [],
      'Failed to parse request body: EOF while parsing a value at line 1 column 0',
    ]);
  });

  it('environment(): what the reference host hands over (path, identity, headers)', async () => {
    const res = await dispatch.invoke({
      method: 'GET',
      path: 'search/me',
      query: [['q', '1']],
      headers: { 'x-mode': 'environment', 'X-Amz-Target': 'GetItem' },
      tokenMetadata: 'token-id',
      invocationId: 'inv-1',
    });
    expect(res.status).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      target: 'GetItem',
      q: '1',
      token: 'token-id',
      method: 'GET',
      segments: ['search', 'me'],
      invocationId: 'inv-1',
      cacheName: 'cache-a',
      functionName: 'dispatch',
      upstream: 'https://up',
      same: true,
    });
    // The invocation path's leading slash (docs/decisions.md D1) is the host's decision: fn.invoke() hands the path over as given.
    expect(body.path).toBe('search/me');
  });

  it('errors never trap: a thrown Error is a 500 with the crate prefix', async () => {
    const res = await dispatch.invoke({ headers: { 'x-mode': 'throw-error' } });
    expect([res.status, res.headers, res.text()]).toEqual([
      500,
      [],
      'An error occurred during function invocation: CacheError("denied", cause: TypeError("inner"))',
    ]);
  });

  it('sse(): the host commits the SSE headers and frames each event', async () => {
    const res = await dispatch.invokeStreaming({ headers: { 'x-mode': 'sse' } });
    expect(res.mode).toBe('sse');
    expect(res.status).toBe(200);
    expect(res.headers).toEqual(
      expect.arrayContaining([
        ['content-type', 'text/event-stream'],
        ['cache-control', 'no-cache'],
      ]),
    );
    const text = await collect(res.body);
    expect(text).toMatch(/event: ?greet\r?\n/);
    expect(text).toMatch(/data: ?hello\r?\ndata: ?world\r?\n/);
    expect(text).toMatch(/event: ?heartbeat\r?\n/);
    expect(text).not.toContain('http-error');
  });

  it('a refused send-sse arrives as a StreamError carrying the host message', async () => {
    const res = await dispatch.invoke({ headers: { 'x-mode': 'sse-refused' } });
    expect(res.json()).toEqual({
      isStreamError: true,
      name: 'StreamError',
      message: expect.stringMatching(/^event or data must be provided/),
      operation: 'send-sse',
      reason: 'missing-event-or-data',
    });
  });

  it('rawStream(): status, headers and bytes verbatim', async () => {
    const res = await dispatch.invokeStreaming({ headers: { 'x-mode': 'raw' } });
    expect(res.mode).toBe('raw');
    expect(res.status).toBe(206);
    expect(res.headers).toEqual([['content-type', 'application/x-ndjson']]);
    expect(await collect(res.body)).toBe('{"n":1}\nb');
  });
});
