/**
 * `@momento-functions/runtime` server: serve functions over HTTP with Momento's URL shapes.
 *
 * @module
 */
export {
  AsyncInvoker,
  type AsyncInvokerEvents,
  type AsyncInvokerOptions,
  type AsyncJob,
  type AsyncQueueStats,
  type AsyncShutdownReport,
  type CallbackRetryOptions,
  type DeadLetter,
  deliverCallback,
} from './async-invoker.js';
export {
  type AuthOptions,
  canInvoke,
  type PermissionDecision,
  type TokenVerifier,
  tokenFromHeaders,
  type VerifiedToken,
} from './auth.js';
export { createTaskLimiter, defaultBuildConcurrency, type TaskLimiter } from './build-queue.js';
export {
  CONFIG_FILE_NAMES,
  ConfigError,
  DEFAULT_CACHE,
  defaultFunctions,
  type FunctionConfig,
  findConfigFile,
  loadConfigFile,
  parseFunctionFlag,
  type ServeConfig,
  TIMEOUT_FIELDS,
  validateConfig,
} from './config.js';
export {
  type BuiltEntry,
  buildEntry,
  type EntryBuilder,
  isComponentPath,
  type LoadedFunction,
  type LoadProgress,
  loadConfiguredFunction,
  servableFromHandle,
} from './host-adapter.js';
export { type ConsoleLoggerOptions, createConsoleLogger, shouldColor, silentLogger } from './log.js';
export {
  DURATION_BUCKETS,
  type InvocationMode,
  type RequestRoute,
  ServerMetrics,
  type ServerMetricsSources,
} from './metrics.js';
export { type FunctionListing, FunctionRegistry, type PendingFunction } from './registry.js';
export {
  ADMIN_PREFIX,
  type AdminAction,
  INVOKE_METHODS,
  MAX_CUSTOM_PATH_LEVELS,
  matchRoute,
  OPS_PATHS,
  type OpsAction,
  type Route,
} from './routes.js';
export {
  type ConfiguredServer,
  type CreateServerOptions,
  createServer,
  type FunctionEvent,
  type LoadReport,
  type ReloadReport,
  type RunningServer,
  resolveServeConfig,
  type ServeOptions,
  serve,
  tokenSecret,
} from './serve.js';
export {
  createFunctionServer,
  DEFAULT_SERVER_TIMEOUTS,
  type FunctionServer,
  type FunctionServerOptions,
  type GuestSpawnRecord,
  invalidGuestResponse,
  type Readiness,
  type ServerHostProbe,
  type ServerTimeouts,
  type ShutdownReport,
  type SpawnRecord,
} from './server.js';
export { createErrorMapper, type ErrorMapper, errorMapperForWasm } from './source-map.js';
export type {
  FunctionKind,
  Pair,
  ServableFunction,
  ServerInvokeRequest,
  ServerInvokeResponse,
  ServerLogger,
  ServerStreamingResponse,
  SpawnOutcome,
} from './types.js';
