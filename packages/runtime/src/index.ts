/**
 * `@momento-functions/runtime`: the reference host for Momento Functions. Runs components built
 * from TypeScript, Rust or C the way the platform does — a never-used instance per invocation,
 * synchronous host calls served by async services, limits with clear errors.
 *
 * @example
 * import { createHost } from '@momento-functions/runtime';
 * const host = await createHost();
 * const fn = await host.load('greeter.wasm', { name: 'greeter' });
 * console.log((await fn.invoke({ body: 'Ada' })).text());
 * await host.close();
 *
 * @packageDocumentation
 */
export { createCacheView, DEFAULT_SEED_TTL_MS } from './cache-view.js';
export { defaultFunctionName, isSourceEntry, SOURCE_EXTENSIONS } from './entry.js';
export { createHost, InvocationError, LoadError } from './host.js';
export {
  checkImports,
  type ImportCheck,
  type ImportProblem,
  type ImportResolution,
  isSemverCompatible,
  MOMENTO_INTERFACES,
  WASI_POLICY,
} from './interfaces.js';
export { MockAgent } from './mock-agent.js';
export {
  type BuiltinServiceOptions,
  type BuiltinServices,
  builtinServices,
} from './services/builtin.js';
export {
  type CacheBackend,
  type CacheServiceOptions,
  type CacheStats,
  createCacheBackend,
  createCacheServices,
  DEFAULT_MEMORY_CACHE_BYTES,
  MemoryCacheBackend,
  type MemoryCacheOptions,
} from './services/cache/index.js';
export {
  createHttpService,
  type HttpRequestFailure,
  type HttpServiceOptions,
} from './services/http/index.js';
export { DEFAULT_GUEST_MEMORY_BYTES, guestMemoryBytes } from './services/limits.js';
export {
  type ConsoleLogOptions,
  createLogServices,
  type LogRecord,
  LogRouter,
  type LogServiceOptions,
} from './services/log/index.js';
export {
  checkWithinGrant,
  createTokenServices,
  defaultFunctionGrant,
  type FunctionTokenGrant,
  PermissionDenied,
  resolveFunctionGrant,
  TokenAuthority,
  type TokenAuthorityOptions,
  type VerifiedDisposableToken,
  verifyToken,
} from './services/token/index.js';
export {
  createTopicBus,
  createTopicServices,
  type TopicBus,
  type TopicMessage,
  type TopicServiceOptions,
} from './services/topic/index.js';
export type {
  GuestLimits,
  HostBody,
  HostService,
  InvocationContext,
  ServiceData,
  ServiceFunction,
  WitResult,
} from './services/types.js';
export { HostResource } from './services/types.js';
export { formatSseEvent, httpErrorEvent, SSE_HEADERS } from './sse.js';
export type {
  BackendCheck,
  BodyInput,
  CacheListPushOptions,
  CacheListView,
  CacheSeedValue,
  CacheSetOptions,
  CacheView,
  FunctionHandle,
  Host,
  HostLimits,
  HostLogEntry,
  HostOptions,
  HostUsage,
  InvocationLogRecord,
  InvokeRequest,
  InvokeResponse,
  LoadBuildOptions,
  LoadOptions,
  SpawnOutcome,
  SpawnRecord,
  StreamingResponse,
} from './types.js';
