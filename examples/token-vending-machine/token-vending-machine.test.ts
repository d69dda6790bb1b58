// The token-vending-machine port in the real host with the real log, topic and token services:
// host calls and responses as the upstream example's (docs/topics-logs-tokens.md), and the vended token verifies.
import { join } from 'node:path';
import { build } from '@momento-functions/build';
import type { HostService } from '@momento-functions/runtime';
import { createHost, type Host } from '@momento-functions/runtime';
import { createLogServices, LogRouter } from '@momento-functions/runtime/services/log';
import { createTokenServices, TokenAuthority, verifyToken } from '@momento-functions/runtime/services/token';
import { MemoryTopicBus } from '@momento-functions/runtime/services/topic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TracedCall, traced } from '../cache-scalar/trace.js';

const PERMISSIONS =
  '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadWrite","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_items":null}},{"topic_permissions":{"role":"TopicReadOnly","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_topics":null,"topic_selector":{"topic_name_prefix":"notification-"}}}]}}';

let host: Host;
let wasm = '';
const trace: TracedCall[] = [];
const bus = new MemoryTopicBus();
const authority = new TokenAuthority({ endpoint: 'localhost:4000' });
const override: { token?: unknown; logAuth?: string } = {};

beforeAll(async () => {
  wasm = (await build({ entry: join(import.meta.dirname, 'index.ts') })).report.wasmPath;
  const router = new LogRouter({ topics: bus, console: false });
  const services: HostService[] = [
    ...createLogServices({ router }),
    ...createTokenServices({ authority }),
  ].map((s) => ({
    ...s,
    functions: Object.fromEntries(
      Object.entries(s.functions).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          if (name === 'generateDisposableToken' && override.token)
            return { tag: 'err', val: override.token };
          if (name === 'configureLogging' && override.logAuth)
            return { tag: 'err', val: { tag: 'auth', val: override.logAuth } };
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ),
  }));
  host = await createHost({ services: traced(services, trace) });
});
afterAll(async () => {
  await host?.close();
});

describe('token-vending-machine (upstream example)', () => {
  it('configures logging, logs at debug, vends a verifiable one-hour token', async () => {
    trace.length = 0;
    bus.clearPublished();
    const fn = await host.load(wasm, { name: 'tvm', cache: 'foo' });
    const before = Math.floor(Date.now() / 1000);
    const res = await fn.invoke({ method: 'POST' });
    expect(trace.map((c) => c.fn)).toEqual(['configureLogging', 'log', 'generateDisposableToken']);
    expect(trace[0]?.args).toEqual([
      [
        {
          logLevel: 'info',
          systemLogsLevel: 'info',
          destination: { tag: 'topic', val: { topicName: 'tvm' } },
        },
      ],
    ]);
    expect(trace[1]?.args[1]).toBe('debug');
    expect(trace[1]?.args[0]).toMatch(
      /^DEBUG \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z example_token_vending_machine \S+:\d+ received request to generate a disposable token$/,
    );
    expect(trace[2]?.args).toEqual([{ validForSeconds: 3600 }, PERMISSIONS, 'my very secret value']);
    expect(res.status).toBe(200);
    expect(res.headers).toEqual([['Content-Type', 'application/json']]);
    const body = JSON.parse(Buffer.from(res.body).toString()) as {
      api_key: string;
      endpoint: string;
      valid_until: number;
    };
    expect(Object.keys(body)).toEqual(['api_key', 'endpoint', 'valid_until']);
    expect(body.endpoint).toBe('localhost:4000');
    expect(body.valid_until - before).toBeGreaterThanOrEqual(3599);
    const verified = await verifyToken(body.api_key, authority);
    expect(verified.tokenId).toBe('my very secret value');
    expect(JSON.stringify(verified.permissions)).toBe(PERMISSIONS);
    // The debug record is below the topic destination's info level: nothing published.
    expect(bus.published({ cache: 'foo', topic: 'tvm' })).toEqual([]);
  });

  it.each([
    [
      { tag: 'permission-denied', val: 'x' },
      'TokenError::PermissionDenied(\\"x\\")',
      'TokenError::PermissionDenied("x")',
    ],
    [{ tag: 'internal-error' }, 'TokenError::InternalError', 'TokenError::InternalError'],
  ])(
    'a token error %j logs it at error and answers 500 {"message": …}',
    async (error, bodyMessage, display) => {
      trace.length = 0;
      bus.clearPublished();
      override.token = error;
      try {
        const fn = await host.load(wasm, { name: 'tvm', cache: 'foo' });
        const res = await fn.invoke({ method: 'POST' });
        expect([res.status, res.headers, Buffer.from(res.body).toString()]).toEqual([
          500,
          [],
          `{"message":"${bodyMessage}"}`,
        ]);
        expect(trace.map((c) => c.fn)).toEqual(['configureLogging', 'log', 'generateDisposableToken', 'log']);
        expect(trace[3]?.args[1]).toBe('error');
        expect(trace[3]?.args[0]).toMatch(
          new RegExp(
            `^ERROR \\S+ example_token_vending_machine \\S+:\\d+ Failed to generate token: TokenError\\(${display.replace(/[()]/g, '\\$&')}\\)$`,
          ),
        );
        await new Promise((r) => setTimeout(r, 20));
        expect(
          bus.published({ cache: 'foo', topic: 'tvm' }).map((m) => m.value.kind === 'text' && m.value.text),
        ).toEqual([trace[3]?.args[0]]);
      } finally {
        override.token = undefined;
      }
    },
  );

  it('a logging auth error answers the crate 500 and makes no token call', async () => {
    trace.length = 0;
    override.logAuth = 's';
    try {
      const fn = await host.load(wasm, { name: 'tvm', cache: 'foo' });
      const res = await fn.invoke({ method: 'POST' });
      expect([res.status, res.headers, Buffer.from(res.body).toString()]).toEqual([
        500,
        [],
        'An error occurred during function invocation: Auth { message: "s" }',
      ]);
      expect(trace.map((c) => c.fn)).toEqual(['configureLogging']);
    } finally {
      override.logAuth = undefined;
    }
  });
});
