/**
 * A caller that goes away (request.signal aborted): the invocation fails with 499 at once, its
 * guest gets a short grace to end on its own (host calls refused meanwhile), and a guest that
 * does not end is still stopped, its worker replaced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type HostService, InvocationError } from '../src/index.js';
import type { Host } from '../src/types.js';
import { watHello, watLogger, watLoop } from './helpers/guests.js';

let host: Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('a caller that goes away', () => {
  it('refuses the host calls of the abandoned guest, then the worker serves the next invocation', async () => {
    const controller = new AbortController();
    const logged: string[] = [];
    const log: HostService = {
      interface: 'momento:log/logging@1.0.0',
      functions: {
        log: ((_ctx: unknown, message: string) => {
          logged.push(message);
          controller.abort(); // the caller goes away during the first host call
          return undefined;
        }) as HostService['functions'][string],
        configureLogging: (() => undefined) as HostService['functions'][string],
      },
    };
    host = await createHost({ services: [log], limits: { concurrency: 1 }, logger: () => undefined });
    const fn = await host.load(await watLogger(100), { name: 'logger' });
    const error = await fn.invokeStreaming({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvocationError);
    expect((error as InvocationError).status).toBe(499);
    // The first call was served; every later one was refused, so the guest trapped and ended.
    expect(logged).toEqual(['hello from wat']);
    logged.length = 0;
    const next = await fn.invoke();
    expect(next.status).toBe(200);
    expect(next.text()).toBe('ok');
    expect(logged).toHaveLength(100);
  });

  it('still stops a guest that does not end, and the replacement worker serves the next invocation', async () => {
    host = await createHost({ limits: { concurrency: 1 }, logger: () => undefined });
    const loop = await host.load(await watLoop(), { name: 'loop' });
    const hello = await host.load(await watHello(), { name: 'hello' });
    const controller = new AbortController();
    const running = loop.invokeStreaming({ signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const error = await running;
    expect((error as InvocationError).status).toBe(499);
    const res = await hello.invoke();
    expect(res.status).toBe(200);
  });
});
