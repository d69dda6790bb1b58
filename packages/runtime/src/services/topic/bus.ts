/**
 * Topics: where `publish`/`publish-bytes` (and log destinations) deliver messages, and where
 * tests and subscribers read them. In memory by default; Valkey/Redis pub/sub to span hosts.
 */
import type { Redis } from 'ioredis';
import { connectRedis } from '../cache/redis.js';

/** One published message: text (`publish`) or binary (`publish-bytes`). */
export type TopicValue =
  | {
      /** `'text'`: published with `publish`. */
      readonly kind: 'text';
      /** The message text. */
      readonly text: string;
    }
  | {
      /** `'binary'`: published with `publish-bytes`. */
      readonly kind: 'binary';
      /** The message bytes. */
      readonly bytes: Uint8Array;
    };

/** A message as subscribers and the record see it. */
export interface TopicMessage {
  /** Cache (namespace) the topic belongs to. */
  readonly cache: string;
  /** Topic name. */
  readonly topic: string;
  /** The payload. */
  readonly value: TopicValue;
  /** When it was published (epoch ms). */
  readonly publishedAt: number;
}

/** A live subscription: iterate it with `for await`, stop it with `close()` (or `break`). */
export interface TopicSubscription extends AsyncIterableIterator<TopicMessage> {
  /** Stops delivery and ends the iteration. */
  close(): Promise<void>;
}

/** Where topic messages go. */
export interface TopicBus {
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis';
  /** Delivers a message to every current subscriber of `cache`/`topic` (and records it). */
  publish(cache: string, topic: string, value: TopicValue): void | Promise<void>;
  /**
   * Subscribes to `cache`/`topic`; resolves once the subscription is active, so messages
   * published afterwards are never missed.
   */
  subscribe(cache: string, topic: string): Promise<TopicSubscription>;
  /** Messages published through this bus, oldest first (the last `recordLimit`), optionally filtered. */
  published(filter?: { cache?: string; topic?: string }): TopicMessage[];
  /** Forgets the record of published messages. */
  clearPublished(): void;
  /** Ends every subscription and releases connections. */
  close(): Promise<void>;
}

/** Options shared by both buses. */
export interface TopicBusOptions {
  /** `redis://…`/`valkey://…` to publish through Valkey/Redis pub/sub; omitted: in memory. */
  readonly url?: string;
  /** Use this ioredis client for publishing (a duplicate is opened for subscribing). */
  readonly redis?: Redis;
  /** Channel prefix on Redis (default `mf:topic:`). */
  readonly channelPrefix?: string;
  /** How many published messages the bus remembers for {@link TopicBus.published} (default 1000). */
  readonly recordLimit?: number;
  /**
   * How many payload bytes those remembered messages may hold in all (default 64 MiB); the
   * oldest are forgotten first. Bounds what guests publishing 5 MiB messages keep in the host.
   */
  readonly recordBytesLimit?: number;
}

function payloadBytes(value: TopicValue): number {
  return value.kind === 'text' ? Buffer.byteLength(value.text) : value.bytes.byteLength;
}

class Subscription implements TopicSubscription {
  readonly #queue: TopicMessage[] = [];
  readonly #waiting: ((result: IteratorResult<TopicMessage>) => void)[] = [];
  #closed = false;
  constructor(readonly onClose: () => Promise<void> | void) {}

  deliver(message: TopicMessage): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter({ value: message, done: false });
    else this.#queue.push(message);
  }

  next(): Promise<IteratorResult<TopicMessage>> {
    const message = this.#queue.shift();
    if (message) return Promise.resolve({ value: message, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async return(): Promise<IteratorResult<TopicMessage>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
    await this.onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

function topicId(cache: string, topic: string): string {
  return `${Buffer.byteLength(cache)}:${cache}:${topic}`;
}

abstract class RecordingBus {
  readonly #record: TopicMessage[] = [];
  readonly #sizes: number[] = [];
  #recordBytes = 0;
  readonly #limit: number;
  readonly #bytesLimit: number;
  /** @internal */
  protected readonly subscribers = new Map<string, Set<Subscription>>();

  constructor(limit: number, bytesLimit = 64 * 1024 * 1024) {
    this.#limit = limit;
    this.#bytesLimit = bytesLimit;
  }

  /**
   * Adds a message to the record {@link TopicBus.published} reads, dropping the oldest ones
   * while more than the message limit, or more payload bytes than the byte limit, are kept.
   */
  protected remember(message: TopicMessage): void {
    const size = payloadBytes(message.value);
    this.#record.push(message);
    this.#sizes.push(size);
    this.#recordBytes += size;
    let drop = 0;
    while (
      drop < this.#record.length &&
      (this.#record.length - drop > this.#limit || this.#recordBytes > this.#bytesLimit)
    ) {
      this.#recordBytes -= this.#sizes[drop]!;
      drop++;
    }
    if (drop > 0) {
      this.#record.splice(0, drop);
      this.#sizes.splice(0, drop);
    }
  }

  /** @internal */
  protected deliverLocal(id: string, message: TopicMessage): void {
    for (const subscription of this.subscribers.get(id) ?? []) subscription.deliver(message);
  }

  /** @internal */
  protected addSubscriber(id: string, onEmpty: () => Promise<void> | void): Subscription {
    const subscription: Subscription = new Subscription(() => {
      const set = this.subscribers.get(id);
      set?.delete(subscription);
      if (set && set.size === 0) {
        this.subscribers.delete(id);
        return onEmpty();
      }
    });
    let set = this.subscribers.get(id);
    if (!set) {
      set = new Set();
      this.subscribers.set(id, set);
    }
    set.add(subscription);
    return subscription;
  }

  published(filter: { cache?: string; topic?: string } = {}): TopicMessage[] {
    return this.#record.filter(
      (m) =>
        (filter.cache === undefined || m.cache === filter.cache) &&
        (filter.topic === undefined || m.topic === filter.topic),
    );
  }

  clearPublished(): void {
    this.#record.length = 0;
    this.#sizes.length = 0;
    this.#recordBytes = 0;
  }

  /** Ends every open subscription of this bus and waits until each has closed. */
  protected async closeSubscribers(): Promise<void> {
    const all = [...this.subscribers.values()].flatMap((set) => [...set]);
    await Promise.all(all.map((s) => s.close()));
  }
}

/**
 * Topics inside one host process.
 *
 * @example
 * ```ts
 * const bus = new MemoryTopicBus();
 * const sub = await bus.subscribe('demo', 'news');
 * bus.publish('demo', 'news', { kind: 'text', text: 'hi' });
 * (await sub.next()).value; // { cache: 'demo', topic: 'news', value: { kind: 'text', text: 'hi' }, ... }
 * ```
 */
export class MemoryTopicBus extends RecordingBus implements TopicBus {
  readonly kind = 'memory' as const;

  /**
   * Creates an in-process bus that remembers the last `recordLimit` messages (default 1000).
   *
   * @param options - how many messages to remember.
   * @example
   * ```ts
   * new MemoryTopicBus({ recordLimit: 10 });
   * ```
   */
  constructor(options: Pick<TopicBusOptions, 'recordLimit' | 'recordBytesLimit'> = {}) {
    super(options.recordLimit ?? 1000, options.recordBytesLimit);
  }

  publish(cache: string, topic: string, value: TopicValue): void {
    const message: TopicMessage = { cache, topic, value, publishedAt: Date.now() };
    this.remember(message);
    this.deliverLocal(topicId(cache, topic), message);
  }

  async subscribe(cache: string, topic: string): Promise<TopicSubscription> {
    return this.addSubscriber(topicId(cache, topic), () => {});
  }

  async close(): Promise<void> {
    await this.closeSubscribers();
  }
}

const TEXT = 0x74; // 't'
const BINARY = 0x62; // 'b'

/**
 * Topics over Valkey/Redis pub/sub: a message published on one host reaches subscribers on
 * every host connected to the same server. The payload is one kind byte (`t` text, `b`
 * binary) followed by the message bytes.
 *
 * @example
 * ```ts
 * const bus = new RedisTopicBus({ url: 'redis://127.0.0.1:6379' });
 * ```
 */
export class RedisTopicBus extends RecordingBus implements TopicBus {
  readonly kind = 'redis' as const;
  readonly #publisher: Redis;
  readonly #ownsPublisher: boolean;
  readonly #prefix: string;
  #subscriber: Redis | undefined;

  /**
   * Creates a bus on a Valkey/Redis server, from a URL or an ioredis client (a duplicate of it
   * subscribes); channels are prefixed with `mf:topic:` unless `channelPrefix` says otherwise, and
   * it remembers the last `recordLimit` messages (default 1000).
   *
   * @param options - the server URL or client, channel prefix and record size.
   * @example
   * ```ts
   * new RedisTopicBus({ url: 'redis://127.0.0.1:6379', channelPrefix: 'test:' });
   * ```
   */
  constructor(options: TopicBusOptions) {
    super(options.recordLimit ?? 1000, options.recordBytesLimit);
    if (options.redis) {
      this.#publisher = options.redis;
      this.#ownsPublisher = false;
    } else if (options.url) {
      this.#publisher = connectRedis({ url: options.url.replace(/^valkey(s?):\/\//, 'redis$1://') });
      this.#ownsPublisher = true;
    } else {
      throw new Error(
        'RedisTopicBus needs a url or a redis client; use MemoryTopicBus for in-process topics',
      );
    }
    this.#prefix = options.channelPrefix ?? 'mf:topic:';
  }

  #channel(id: string): string {
    return `${this.#prefix}${id}`;
  }

  async publish(cache: string, topic: string, value: TopicValue): Promise<void> {
    const payload =
      value.kind === 'text'
        ? Buffer.concat([Buffer.of(TEXT), Buffer.from(value.text, 'utf8')])
        : Buffer.concat([Buffer.of(BINARY), Buffer.from(value.bytes)]);
    await this.#publisher.publish(this.#channel(topicId(cache, topic)), payload);
    this.remember({ cache, topic, value, publishedAt: Date.now() });
  }

  #ensureSubscriber(): Redis {
    if (this.#subscriber) return this.#subscriber;
    const subscriber = this.#publisher.duplicate();
    subscriber.on('error', () => {});
    subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      const name = channel.toString('utf8');
      if (!name.startsWith(this.#prefix)) return;
      const id = name.slice(this.#prefix.length);
      const match = /^(\d+):/.exec(id);
      if (!match) return;
      const length = Number(match[1]);
      const rest = Buffer.from(id.slice(match[0].length), 'utf8');
      const cache = rest.subarray(0, length).toString('utf8');
      const topic = rest.subarray(length + 1).toString('utf8');
      const body = payload.subarray(1);
      const value: TopicValue =
        payload[0] === TEXT
          ? { kind: 'text', text: body.toString('utf8') }
          : { kind: 'binary', bytes: new Uint8Array(body) };
      this.deliverLocal(id, { cache, topic, value, publishedAt: Date.now() });
    });
    this.#subscriber = subscriber;
    return subscriber;
  }

  async subscribe(cache: string, topic: string): Promise<TopicSubscription> {
    const id = topicId(cache, topic);
    const first = !this.subscribers.has(id);
    const subscriber = this.#ensureSubscriber();
    const subscription = this.addSubscriber(id, async () => {
      await subscriber.unsubscribe(this.#channel(id)).catch(() => {});
    });
    if (first) await subscriber.subscribe(this.#channel(id));
    return subscription;
  }

  async close(): Promise<void> {
    await this.closeSubscribers();
    this.#subscriber?.disconnect();
    if (this.#ownsPublisher) this.#publisher.disconnect();
  }
}

/**
 * Opens the bus the options ask for: memory by default, Valkey/Redis with `url` or `redis`.
 *
 * @example
 * ```ts
 * const bus = createTopicBus({ url: process.env.VALKEY_URL });
 * ```
 */
export function createTopicBus(options: TopicBusOptions = {}): TopicBus {
  return options.url || options.redis ? new RedisTopicBus(options) : new MemoryTopicBus(options);
}
