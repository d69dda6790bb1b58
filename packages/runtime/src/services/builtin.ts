import { type AwsServiceOptions, createAwsServices } from './aws/index.js';
import {
  type CacheBackend,
  type CacheServiceOptions,
  createCacheBackend,
  createCacheServices,
} from './cache/index.js';
import { createHttpService, type HttpServiceOptions } from './http/index.js';
import { type ConsoleLogOptions, createLogServices, LogRouter } from './log/index.js';
import { createTokenServices, TokenAuthority, type TokenAuthorityOptions } from './token/index.js';
import { createTopicBus, createTopicServices, type TopicBus } from './topic/index.js';
import type { HostService } from './types.js';
import { createValkeyServices, type ValkeyServiceOptions } from './valkey/index.js';

/**
 * Options of the host services every host starts with: the embedded defaults need none, and
 * one `valkeyUrl` moves cache, lists and topics to Valkey/Redis so several hosts share them.
 *
 * @example
 * const host = await createHost({ backends: { valkeyUrl: 'redis://127.0.0.1:6379', log: { format: 'json' } } });
 */
export interface BuiltinServiceOptions {
  /** `redis://…` or `valkey://…` for cache, lists and topics. Default: the embedded in-memory store. */
  readonly valkeyUrl?: string;
  /** Cache options (timeouts, limits, a shared backend). */
  readonly cache?: Omit<CacheServiceOptions, 'url'>;
  /** The topic bus to publish on (share one with tests to read what functions publish). */
  readonly topics?: TopicBus;
  /** Console output of function and system logs, or `false` for none. Default: readable lines on stderr. */
  readonly log?: ConsoleLogOptions | false;
  /** Longest function log line kept, in UTF-8 bytes (longer ones are cut, with a note). Default 256 KiB. */
  readonly maxLogLineBytes?: number;
  /** The authority that signs disposable tokens (share it with the server to verify them), or its options. */
  readonly tokens?: TokenAuthority | TokenAuthorityOptions;
  /** Outbound HTTP options: timeouts, size limit, allow/deny lists, AWS credentials. */
  readonly http?: HttpServiceOptions;
  /** Valkey clusters for `momento:valkey`, by name. Default: none (commands answer an error naming the cluster). */
  readonly valkey?: ValkeyServiceOptions;
  /** How the AWS interfaces reach AWS: the host's own credentials (for federated roles), region, endpoints. */
  readonly aws?: AwsServiceOptions;
}

/** The built-in services and the shared state behind them. */
export interface BuiltinServices {
  /** One service per WIT interface. */
  readonly services: HostService[];
  /** The store behind the cache-scalar and cache-list services (`host.cache(name)` reads and seeds it). */
  readonly cache: CacheBackend;
  /** Where `momento:topic` publishes and topic log destinations go. */
  readonly topics: TopicBus;
  /** Function and system logs. */
  readonly logs: LogRouter;
  /** Signs and verifies disposable tokens. */
  readonly tokens: TokenAuthority;
  /** Closes the shared state (log router, and the topic bus and cache store unless they were given). */
  close(): Promise<void>;
}

/**
 * Creates the host services every host starts with (before `createHost({ services })` adds to or
 * overrides them by interface name): cache scalar and lists, topics, logging, tokens, HTTP, Valkey and the AWS interfaces.
 *
 * @example
 * const { services, topics } = builtinServices({ valkeyUrl: process.env.VALKEY_URL });
 */
export function builtinServices(options: BuiltinServiceOptions = {}): BuiltinServices {
  const ownsTopics = options.topics === undefined;
  const topics = options.topics ?? createTopicBus({ url: options.valkeyUrl });
  const logs = new LogRouter({ topics, console: options.log, maxLineBytes: options.maxLogLineBytes });
  const tokens =
    options.tokens instanceof TokenAuthority ? options.tokens : new TokenAuthority(options.tokens);
  const ownsCache = options.cache?.backend === undefined;
  const cache = options.cache?.backend ?? createCacheBackend({ ...options.cache, url: options.valkeyUrl });
  const services: HostService[] = [
    ...createCacheServices({ ...options.cache, backend: cache }),
    ...createTopicServices({ bus: topics }),
    ...createLogServices({ router: logs }),
    ...createTokenServices({ authority: tokens }),
    createHttpService({
      ...options.http,
      // A request no MockAgent interceptor matched fails loudly: an error line in the invocation's logs.
      onRequestFailed: (ctx, failure) => {
        if (failure.unmatchedMock) logs.system(ctx, 'error', `outbound HTTP: ${failure.message}`);
        options.http?.onRequestFailed?.(ctx, failure);
      },
    }),
    ...createValkeyServices(options.valkey),
    ...createAwsServices(options.aws),
  ];
  const close = async () => {
    await logs.close();
    if (ownsTopics) await topics.close();
    if (ownsCache) await cache.close();
  };
  return { services, cache, topics, logs, tokens, close };
}
