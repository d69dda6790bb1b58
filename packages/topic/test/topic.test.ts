import { Data } from '@momento-functions/bytes';
import {
  createTopicBus,
  createTopicServices,
  MemoryTopicBus,
  RedisTopicBus,
  type TopicBus,
} from '@momento-functions/runtime/services/topic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, type RedisServer, startRedis } from '../../cache/test/support/redis.js';
import { publish, publishBytes, TopicError } from '../src/index.js';
import { bus, injected } from './fake-topic.js';

describe('guest publish / publishBytes', () => {
  beforeEach(() => bus.clearPublished());

  it('publishes text and bytes to the function cache', async () => {
    const sub = await bus.subscribe('guest-cache', 'news');
    publish('news', 'hello');
    publishBytes('news', Uint8Array.of(0, 1, 255));
    publishBytes('news', Data.from('as data'));
    expect((await sub.next()).value?.value).toEqual({ kind: 'text', text: 'hello' });
    expect((await sub.next()).value?.value).toEqual({ kind: 'binary', bytes: Uint8Array.of(0, 1, 255) });
    expect(bus.published({ topic: 'news' }).map((m) => m.value.kind)).toEqual(['text', 'binary', 'binary']);
    await sub.close();
  });

  it('throws TopicError with the crate Display and Debug texts', () => {
    expect(() => publish('', 'x')).toThrow(
      new TopicError('invalid-argument', 'topic name must not be empty'),
    );
    injected.next = { tag: 'timeout' };
    let caught: unknown;
    try {
      publish('t', 'x');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TopicError);
    expect((caught as TopicError).message).toBe('timeout');
    expect(new TopicError('not-found', 'x').message).toBe('not found: x');
    expect(new TopicError('not-found', 'x').debug).toBe('NotFound("x")');
    expect(new TopicError('internal-error').debug).toBe('InternalError');
  });
});

function busSuite(label: string, open: () => Promise<{ bus: TopicBus; close(): Promise<void> }>) {
  describe(`topic service on ${label}`, () => {
    let under: { bus: TopicBus; close(): Promise<void> };
    beforeAll(async () => {
      under = await open();
    });
    afterAll(async () => under.close());
    const ctx = (cacheName: string) => ({
      functionName: 'f',
      cacheName,
      invocationId: 'i',
      signal: new AbortController().signal,
    });

    it('delivers to subscribers of the same cache and topic only, in order, and records', async () => {
      const [service] = createTopicServices({ bus: under.bus });
      const mine = await under.bus.subscribe('c1', 'news');
      const other = await under.bus.subscribe('c2', 'news');
      await (service!.functions.publish as (...a: unknown[]) => unknown)(ctx('c1'), 'news', 'one');
      await (service!.functions.publishBytes as (...a: unknown[]) => unknown)(ctx('c1'), 'news', {
        tag: 'value',
        val: Uint8Array.of(7),
      });
      expect((await mine.next()).value).toMatchObject({
        cache: 'c1',
        topic: 'news',
        value: { kind: 'text', text: 'one' },
      });
      expect((await mine.next()).value?.value).toEqual({ kind: 'binary', bytes: Uint8Array.of(7) });
      expect(under.bus.published({ cache: 'c1' })).toHaveLength(2);
      await (service!.functions.publish as (...a: unknown[]) => unknown)(ctx('c2'), 'news', 'two');
      expect((await other.next()).value?.value).toEqual({ kind: 'text', text: 'two' });
      await mine.close();
      await other.close();
      expect((await mine.next()).done).toBe(true);
    });
  });
}

busSuite('memory', async () => {
  const bus = new MemoryTopicBus();
  return { bus, close: () => bus.close() };
});

let server: RedisServer;
busSuite('Valkey/Redis pub/sub', async () => {
  server = await startRedis();
  const bus = createTopicBus({ url: server.url });
  expect(bus).toBeInstanceOf(RedisTopicBus);
  return {
    bus,
    close: async () => {
      await bus.close();
      await server.stop();
    },
  };
});

describe('topic service with Valkey/Redis down', () => {
  it('answers timeout or internal-error within the time limit', async () => {
    const port = await freePort();
    const bus = new RedisTopicBus({ url: `redis://127.0.0.1:${port}` });
    const [service] = createTopicServices({ bus, timeoutMs: 800, onError: () => {} });
    const started = Date.now();
    const result = (await (service!.functions.publish as (...a: unknown[]) => unknown)(
      { functionName: 'f', cacheName: 'c', invocationId: 'i', signal: new AbortController().signal },
      't',
      'x',
    )) as { tag: string; val: { tag: string } };
    expect(result.tag).toBe('err');
    expect(['timeout', 'internal-error']).toContain(result.val.tag);
    expect(Date.now() - started).toBeLessThan(3000);
    await bus.close();
  });
});
