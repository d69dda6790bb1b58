// The pass-through proxy (docs/patterns.md), built from TypeScript (index.ts) and from Rust with
// the official crates (tests/fixtures/rust-official/pass-through-proxy), run in the reference host
// against a loopback upstream that echoes what it receives, with a 1 MiB binary body. Shown on
// the host side, as tests/data-matrix does, never trusted from the guest:
// - the upstream receives exactly the caller's bytes, and the http service got them as a view of
//   the very buffer the test invoked with (bytes copied through the guest would arrive in a new
//   buffer posted back from the worker);
// - the upstream's answer, a host stream, is never read by the guest: the `HostStream` calls a
//   guest read costs (`remaining`, `advance`, `read` outside the host's own pass-through) are
//   counted and stay 0, while the host's pass-through (`chunks()`) relays it.
// Needs `npm run build` (the example imports the packages by name).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostStream } from '../../packages/runtime/src/host-stream.js';
import {
  builtinServices,
  createHost,
  type FunctionHandle,
  type Host,
  type HostService,
} from '../../packages/runtime/src/index.js';
import { builds, startUpstream, type Upstream } from '../shared/patterns-support.js';

const counts = { guestOps: 0, passThroughs: 0 };
{
  const hostSide = new WeakMap<object, number>();
  const proto = HostStream.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const { remaining, read, advance } = proto as Record<string, (...args: unknown[]) => unknown>;
  const chunks = proto.chunks as (this: object) => AsyncGenerator<Uint8Array>;
  proto.remaining = function (this: object, ...args: unknown[]) {
    counts.guestOps++;
    return remaining?.apply(this, args);
  };
  proto.advance = function (this: object, ...args: unknown[]) {
    counts.guestOps++;
    return advance?.apply(this, args);
  };
  proto.read = function (this: object, ...args: unknown[]) {
    if (!hostSide.get(this)) counts.guestOps++;
    return read?.apply(this, args);
  };
  proto.chunks = async function* (this: object) {
    counts.passThroughs++;
    hostSide.set(this, (hostSide.get(this) ?? 0) + 1);
    try {
      yield* chunks.call(this);
    } finally {
      hostSide.set(this, (hostSide.get(this) ?? 1) - 1);
    }
  } as unknown as (...args: unknown[]) => unknown;
}

/** Every Uint8Array the http service was handed. */
const httpArgs: Uint8Array[] = [];
function bytesIn(value: unknown): void {
  if (value instanceof Uint8Array) httpArgs.push(value);
  else if (Array.isArray(value)) for (const v of value) bytesIn(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) bytesIn(v);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const PAYLOAD = new Uint8Array(randomBytes(1024 * 1024));
let upstream: Upstream;
let host: Host;
let closeBuiltin = async () => {};
const answers: Record<string, unknown> = {};

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    res.writeHead(201, { 'content-type': 'application/octet-stream' }).end(req.body);
  });
  const builtin = builtinServices({ log: false });
  closeBuiltin = () => builtin.close();
  const http = builtin.services.find((s) => s.interface.startsWith('momento:http/http'));
  if (!http) throw new Error('no momento:http service among the built-in services');
  const recording: HostService = {
    ...http,
    functions: Object.fromEntries(
      Object.entries(http.functions).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          bytesIn(args);
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ),
  } as HostService;
  host = await createHost({ backends: { log: false }, services: [recording] });
});
afterAll(async () => {
  await host?.close();
  await closeBuiltin();
  await upstream?.close();
});

describe.each(builds('pass-through-proxy'))('pass-through-proxy (%s)', (language, entry) => {
  let fn: FunctionHandle;
  beforeAll(async () => {
    upstream.requests.length = 0;
    httpArgs.length = 0;
    fn = await host.load(entry, {
      name: `proxy-${language}`,
      cache: 'patterns',
      env: { UPSTREAM_URL: upstream.url },
    });
  });

  it('relays 1 MiB both ways with the upstream status; neither body passes through the guest', async () => {
    const before = { ...counts };
    const res = await fn.invoke({ method: 'POST', body: PAYLOAD });
    answers[language] = [res.status, res.headers, sha(res.body)];

    expect(res.status).toBe(201);
    expect(res.headers).toEqual([]); // the guide's proxy relays the status and body only
    expect(res.body.byteLength).toBe(PAYLOAD.byteLength);
    expect(sha(res.body)).toBe(sha(PAYLOAD));

    // The upstream received exactly the caller's bytes.
    expect(upstream.requests.map((r) => [r.method, r.url, r.body.byteLength])).toEqual([
      ['POST', '/echo', PAYLOAD.byteLength],
    ]);
    expect(sha(upstream.requests[0]!.body)).toBe(sha(PAYLOAD));

    // The request body reached the http service as a view of the caller's own buffer.
    const sent = httpArgs.filter((b) => b.byteLength === PAYLOAD.byteLength);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.buffer).toBe(PAYLOAD.buffer);

    // The upstream's answer was relayed by the host, never read by the guest.
    expect(counts.guestOps - before.guestOps).toBe(0);
    expect(counts.passThroughs - before.passThroughs).toBeGreaterThan(0);
  });
});

it('the TypeScript and Rust builds answered identically', () => {
  expect(answers.TypeScript).toBeDefined();
  expect(answers.TypeScript).toEqual(answers.Rust);
});
