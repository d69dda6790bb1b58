/**
 * The request-path shortcuts of the host (docs/runtime.md "Performance"): spares whose glue is
 * warmed without entering the guest, idle workers woken through the shared control block, and
 * host calls answered without a reply message when they return nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host, type HostService } from '../src/index.js';
import { WARM_TAG, warmExport } from '../src/worker/warm.js';
import { watHello, watLogger, watSpawned } from './helpers/guests.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('warmExport', () => {
  it('accepts only the TypeError that names the warm-up tag', () => {
    expect(
      warmExport((arg) => {
        throw new TypeError(`invalid variant tag value \`${JSON.stringify(arg.tag)}\``);
      }),
    ).toBe(true);
  });

  it('refuses a call that returns (the guest could have run) or fails another way', () => {
    let seen: unknown;
    expect(
      warmExport((arg) => {
        seen = arg;
        return { status: 200 };
      }),
    ).toBe(false);
    expect(seen).toEqual({ tag: WARM_TAG });
    expect(
      warmExport(() => {
        throw new TypeError('Resource error: Not a valid "Buffer" resource.');
      }),
    ).toBe(false);
    expect(
      warmExport(() => {
        throw new Error(`RuntimeError: unreachable ${WARM_TAG}`);
      }),
    ).toBe(false);
  });
});

let calls: string[] = [];
let slowReplies = false;
const logService: HostService = {
  interface: 'momento:log/logging@1.0.0',
  functions: {
    log: ((ctx, message: string) => {
      calls.push(`${ctx.invocationId}:${message}`);
      // Async answers go through the reply port; synchronous void ones only through the SAB word.
      return slowReplies ? sleep(2) : undefined;
    }) as HostService['functions'][string],
    configureLogging: (() => undefined) as HostService['functions'][string],
  },
};

let host: Host;
beforeAll(async () => {
  host = await createHost({
    services: [logService],
    logger: () => undefined,
    spares: 3,
    limits: { concurrency: 1, timeoutMs: 5000 },
  });
});
afterAll(() => host.close());

describe('warmed spares', () => {
  it('never enter the guest: every guest call belongs to a real invocation', async () => {
    calls = [];
    const fn = await host.load(await watLogger(2), { name: 'logger' });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      await sleep(20); // let the worker refill and warm its spares
      const res = await fn.invoke({ invocationId: `inv-${i}` });
      expect(res.status).toBe(200);
      ids.push(`inv-${i}`);
    }
    expect(calls).toEqual(ids.flatMap((id) => [`${id}:hello from wat`, `${id}:hello from wat`]));
  });

  it('are still never used: a counting guest sees 1 after idle refills', async () => {
    const fn = await host.load(await watHello(), { name: 'hello' });
    for (let i = 0; i < 5; i++) {
      await sleep(20);
      expect((await fn.invoke()).text()).toBe('hello 1');
    }
  });

  it('work for spawn functions too', async () => {
    const fn = await host.load(await watSpawned(), { name: 'spawned' });
    await sleep(20);
    expect(await fn.spawn('payload')).toEqual({ tag: 'ok-note', val: 'spawned!' });
    await sleep(20);
    expect(await fn.spawn('again')).toEqual({ tag: 'ok-note', val: 'spawned!' });
  });
});

describe('idle workers and host calls', () => {
  it('wakes an idle worker for each request, many times in a row', async () => {
    const fn = await host.load(await watHello(), { name: 'hello-seq' });
    for (let i = 0; i < 50; i++) expect((await fn.invoke()).text()).toBe('hello 1');
  });

  it('answers void host calls synchronously and asynchronous ones through the reply port', async () => {
    const fn = await host.load(await watLogger(3), { name: 'logger3' });
    for (const slow of [false, true]) {
      slowReplies = slow;
      calls = [];
      const res = await fn.invoke({ invocationId: `slow-${slow}` });
      expect(res.status).toBe(200);
      expect(calls).toHaveLength(3);
    }
    slowReplies = false;
  });
});
