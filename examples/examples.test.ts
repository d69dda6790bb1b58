// Builds every example (cached by content hash) and runs it in a real host: a jco-transpiled
// instance per invocation, as the platform gives each invocation a fresh instance.
import { join } from 'node:path';
import { createHost, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildReport, build } from '../packages/build/src/index.js';
import {
  dec,
  enc,
  type HostBuffer,
  instantiate,
  invokeWeb,
  runSpawn,
} from '../packages/build/test/harness.js';

const WASI = [
  'wasi:cli/environment@0.2.12',
  'wasi:cli/stderr@0.2.12',
  'wasi:clocks/monotonic-clock@0.2.12',
  'wasi:clocks/wall-clock@0.2.12',
  'wasi:io/error@0.2.12',
  'wasi:io/poll@0.2.12',
  'wasi:io/streams@0.2.12',
  'wasi:random/random@0.2.12',
];
const WEB_EXPORT = 'momento:web-function/guest-function-web@1.0.0';
const SPAWN_EXPORT = 'momento:spawn-function/guest-function-spawn@1.0.0';
// A web export always brings these two: its signature uses bytes' `data` and web-function-support's `header`.
const WEB_BASE = ['momento:bytes/bytes@1.0.0', 'momento:web-function/web-function-support@1.0.0'];

const reports: Record<string, BuildReport> = {};
const wasm = (name: string) => reports[name]!.wasmPath;

beforeAll(async () => {
  // One at a time: componentize is CPU-heavy and the machine is shared.
  for (const name of ['ping', 'echo', 'json-greeter', 'spawn-json']) {
    const { report } = await build({ entry: join(import.meta.dirname, name, 'index.ts') });
    reports[name] = report;
  }
});

// zod's bundle references Math.random (a random-string helper); the report lists it (served by
// wasi:random/random, fresh per invocation, so there is nothing to warn about).
describe.each([
  ['ping', 'web', WEB_BASE, []],
  ['echo', 'web', WEB_BASE, []],
  ['json-greeter', 'web', WEB_BASE, ['Math.random']],
  ['spawn-json', 'spawn', ['momento:bytes/bytes@1.0.0'], ['Math.random']],
] as const)('%s component', (name, kind, momento, randomness) => {
  it('imports exactly what its code uses plus the engine WASI, and exports the Momento name', () => {
    const r = reports[name]!;
    expect(r.kind).toBe(kind);
    expect([...r.momentoImports].sort()).toEqual([...momento].sort());
    expect([...r.wasiImports].sort()).toEqual(WASI);
    expect(r.exports).toEqual([kind === 'web' ? WEB_EXPORT : SPAWN_EXPORT]);
    expect(r.consoleToLog).toBe(false);
    expect(r.randomness).toEqual(randomness);
    expect(r.wasmPath).toBe(join(import.meta.dirname, name, 'dist', `${name}.wasm`));
  });
});

describe('ping (upstream web-function smoke test)', () => {
  it('answers any body with 200 text/plain "pong" without reading it', async () => {
    for (const body of ['', 'anything', '{"x":1}']) {
      const r = await invokeWeb(wasm('ping'), body);
      expect([r.status, r.headers, r.text]).toEqual([
        200,
        [{ name: 'content-type', value: 'text/plain; charset=utf-8' }],
        'pong',
      ]);
      expect((r.request.val as HostBuffer).reads).toBe(0);
    }
  });
});

describe('echo', () => {
  it('hands the request host buffer straight back (zero-copy), as application/octet-stream', async () => {
    const r = await invokeWeb(wasm('echo'), 'some bytes \u0000\u00ff');
    expect(r.status).toBe(200);
    expect(r.headers).toEqual([{ name: 'content-type', value: 'application/octet-stream' }]);
    expect(r.body.tag).toBe('buffer');
    expect(r.body.val).toBe(r.request.val);
    expect(r.text).toBe('some bytes \u0000\u00ff');
  });

  it('returns inline bytes unchanged', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    const { instance } = await instantiate(wasm('echo'));
    const res = instance.guestFunctionWeb!.invoke({ tag: 'value', val: bytes });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tag: 'value', val: bytes });
  });
});

describe('json-greeter (upstream web-function-json-greeter)', () => {
  const JSON_CT = [{ name: 'content-type', value: 'application/json; charset=utf-8' }];

  it.each([
    ['{"name":"kvc"}', '{"message":"Hello, kvc!"}'],
    ['{"name":"kvc","extra":1}', '{"message":"Hello, kvc!"}'],
    ['  {"name":"é\\"x"}  ', '{"message":"Hello, é\\"x!"}'],
  ])('%s → 200 %s (byte for byte)', async (input, output) => {
    for (const asValue of [false, true]) {
      const r = await invokeWeb(wasm('json-greeter'), input, { asValue });
      expect(r.status).toBe(200);
      expect(r.headers).toEqual(JSON_CT);
      expect(Buffer.from(enc.encode(r.text)).equals(Buffer.from(enc.encode(output)))).toBe(true);
    }
  });

  // The upstream json-greeter's texts (serde_json; docs/build.md) and what each detail must name.
  it.each([
    ['', 'EOF while parsing a value at line 1 column 0', /EOF|end of (input|data)/i],
    ['{}', 'missing field `name` at line 1 column 2', /name/],
    ['{"name":1}', 'invalid type: integer `1`, expected a string at line 1 column 9', /name|string/],
    ['abc', 'expected value at line 1 column 1', /line 1 column 1|position 0/],
    ['{"name":"a"} x', 'trailing characters at line 1 column 14', /trailing|column 14/],
  ])('%j → 400, no headers, "Failed to parse request body: …"', async (input, serde, detail) => {
    const r = await invokeWeb(wasm('json-greeter'), input);
    expect(r.status).toBe(400);
    expect(r.headers).toEqual([]);
    expect(r.text.startsWith('Failed to parse request body: ')).toBe(true);
    const got = r.text.slice('Failed to parse request body: '.length);
    expect(got).toMatch(detail);
    // Record where the wording differs from the Rust crate (docs/build.md lists them).
    if (got !== serde)
      console.info(`json-greeter ${JSON.stringify(input)}: "${got}" (serde_json: "${serde}")`);
  });
});

describe('spawn-json (upstream spawn-function-json)', () => {
  it('{"_name":"x"} → ok', async () => {
    const { state, ...r } = await runSpawn(wasm('spawn-json'), '{"_name":"x"}');
    expect(r).toEqual({ ok: { tag: 'ok' } });
    expect(state.logs).toEqual([]);
  });

  it.each([
    ['{"name":"x"}', 'missing field `_name` at line 1 column 12', /_name/],
    ['', 'EOF while parsing a value at line 1 column 0', /EOF|end of (input|data)/i],
  ])('%j → failed-note("Failed to extract spawn payload: …")', async (input, serde, detail) => {
    const { state, ...r } = await runSpawn(wasm('spawn-json'), input);
    const err = (r as { err: { tag: string; val: string } }).err;
    expect(err.tag).toBe('failed-note');
    expect(err.val.startsWith('Failed to extract spawn payload: ')).toBe(true);
    const got = err.val.slice('Failed to extract spawn payload: '.length);
    expect(got).toMatch(detail);
    if (got !== serde) console.info(`spawn-json ${JSON.stringify(input)}: "${got}" (serde_json: "${serde}")`);
  });
});

// The same contract cases through the reference host (@momento-functions/runtime): sandbox
// workers, a fresh instance per invocation, real host services.
describe('in the reference host', () => {
  let host: Host;
  beforeAll(async () => {
    host = await createHost({ spares: 0, limits: { concurrency: 1 }, logger: () => {} });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('ping, echo and json-greeter answer as the upstream examples do', async () => {
    const ping = await host.load(wasm('ping'), { name: 'ping' });
    const pong = await ping.invoke({ body: 'anything' });
    expect([pong.status, pong.headers, pong.text()]).toEqual([
      200,
      [['content-type', 'text/plain; charset=utf-8']],
      'pong',
    ]);

    const echo = await host.load(wasm('echo'), { name: 'echo' });
    const echoed = await echo.invoke({ body: Uint8Array.from([0, 1, 255]) });
    expect([echoed.status, echoed.headers, [...echoed.body]]).toEqual([
      200,
      [['content-type', 'application/octet-stream']],
      [0, 1, 255],
    ]);

    const greeter = await host.load(wasm('json-greeter'), { name: 'json-greeter' });
    const ok = await greeter.invoke({ body: '  {"name":"é\\"x"}  ' });
    expect([ok.status, ok.headers, ok.text()]).toEqual([
      200,
      [['content-type', 'application/json; charset=utf-8']],
      '{"message":"Hello, é\\"x!"}',
    ]);
    const bad = await greeter.invoke({ body: '{}' });
    expect([bad.status, bad.headers]).toEqual([400, []]);
    expect(bad.text()).toMatch(/^Failed to parse request body: .*name/);
  });

  it('spawn-json answers as the upstream spawn-function-json does', async () => {
    const fn = await host.load(wasm('spawn-json'), { name: 'spawn-json' });
    expect(await fn.spawn('{"_name":"x"}')).toEqual({ tag: 'ok' });
    const failed = await fn.spawn('{"name":"x"}');
    expect(failed.tag).toBe('failed-note');
    expect((failed as { val: string }).val).toMatch(/^Failed to extract spawn payload: .*_name/);
  });
});

describe('rebuilding', () => {
  it('is served from the cache when nothing changed', async () => {
    const { report } = await build({ entry: join(import.meta.dirname, 'ping', 'index.ts') });
    expect(report.cached).toBe(true);
    expect(dec.decode(enc.encode('x'))).toBe('x');
  });
});
