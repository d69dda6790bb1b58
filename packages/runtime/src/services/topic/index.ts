/**
 * Host service for `momento:topic/topic@1.0.0`: `publish` and `publish-bytes` deliver to the
 * topic of that name in the invoking function's cache.
 */
import {
  type BoundedOptions,
  dataBytes,
  runBounded,
  ServiceError,
  type ServiceErrorReporter,
} from '../cache/errors.js';
import type { HostService, InvocationContext, ServiceData } from '../types.js';
import { createTopicBus, type TopicBus, type TopicBusOptions } from './bus.js';

export {
  createTopicBus,
  MemoryTopicBus,
  RedisTopicBus,
  type TopicBus,
  type TopicBusOptions,
  type TopicMessage,
  type TopicSubscription,
  type TopicValue,
} from './bus.js';

/** The WIT interface name this service implements. */
export const TOPIC_INTERFACE = 'momento:topic/topic@1.0.0';

/** Options of {@link createTopicServices}. */
export interface TopicServiceOptions extends TopicBusOptions {
  /** The bus to publish on (share it with the log services and your tests). Not closed by the service. */
  readonly bus?: TopicBus;
  /** Longest time a publish may take before the guest gets `timeout` (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Largest message in bytes (default 5 MiB); larger ones get `limit-exceeded`. */
  readonly maxMessageBytes?: number;
  /** Told about failures that became `internal-error`/`timeout`. */
  readonly onError?: ServiceErrorReporter;
}

/**
 * Creates the topic host service.
 *
 * @example
 * ```ts
 * const bus = createTopicBus();
 * const host = await createHost({ services: createTopicServices({ bus }) });
 * // ... invoke a function that publishes, then:
 * bus.published({ topic: 'news' });
 * ```
 */
export function createTopicServices(options: TopicServiceOptions = {}): HostService[] {
  const bus = options.bus ?? createTopicBus(options);
  const owns = options.bus === undefined;
  const maxBytes = options.maxMessageBytes ?? 5 * 1024 * 1024;
  const bounded: BoundedOptions = {
    timeoutMs: options.timeoutMs ?? 5000,
    onError:
      options.onError ??
      ((error, operation, ctx) =>
        console.warn(
          `[momento-functions] ${ctx.functionName} (${ctx.invocationId}): topic ${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
        )),
  };
  const check = (topic: string, size: number) => {
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new ServiceError('invalid-argument', 'topic name must not be empty');
    }
    if (size > maxBytes) {
      throw new ServiceError(
        'limit-exceeded',
        `message of ${size} bytes exceeds the ${maxBytes}-byte topic message limit (createTopicServices({ maxMessageBytes })); publish less`,
      );
    }
  };
  return [
    {
      interface: TOPIC_INTERFACE,
      functions: {
        publish: (ctx: InvocationContext, topic: string, value: string) =>
          runBounded(ctx, 'publish', bounded, () => {
            check(topic, Buffer.byteLength(value));
            return bus.publish(ctx.cacheName, topic, { kind: 'text', text: value });
          }),
        publishBytes: (ctx: InvocationContext, topic: string, value: ServiceData) =>
          runBounded(ctx, 'publish-bytes', bounded, () => {
            const bytes = dataBytes(value, 'the message');
            check(topic, bytes.length);
            return bus.publish(ctx.cacheName, topic, { kind: 'binary', bytes: new Uint8Array(bytes) });
          }),
      },
      close: owns ? () => bus.close() : undefined,
    },
  ];
}
