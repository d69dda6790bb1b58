/**
 * The high-level server API: load functions from a configuration through a host, serve them,
 * reload them on change, and shut down cleanly on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createHost } from '../index.js';
import { createTokenServices, TokenAuthority } from '../services/token/index.js';
import type { Host, HostOptions } from '../types.js';
import { createTaskLimiter, defaultBuildConcurrency } from './build-queue.js';
import {
  DEFAULT_CACHE,
  defaultFunctions,
  type FunctionConfig,
  findConfigFile,
  loadConfigFile,
  type ServeConfig,
} from './config.js';
import {
  type BuiltEntry,
  buildEntry,
  type EntryBuilder,
  type LoadedFunction,
  type LoadProgress,
  loadConfiguredFunction,
} from './host-adapter.js';
import { createConsoleLogger } from './log.js';
import { FunctionRegistry } from './registry.js';
import {
  createFunctionServer,
  type FunctionServer,
  type FunctionServerOptions,
  type ServerTimeouts,
  type ShutdownReport,
} from './server.js';
import { type ErrorMapper, mapLogLine } from './source-map.js';
import type { FunctionKind, ServableFunction, ServerLogger } from './types.js';
import { localSources, watchFunctionFiles } from './watch.js';

/** Options of {@link createServer}. */
export interface CreateServerOptions extends Omit<FunctionServerOptions, 'functions'> {
  /** The host that runs the functions. */
  host: Host;
  /** Functions to build (when source) and load through the host. */
  config?: Pick<ServeConfig, 'functions'>;
  /** Functions already loaded, served as they are. */
  functions?: Iterable<ServableFunction>;
  /** Builds TypeScript entries (default: `@momento-functions/build`). */
  builder?: EntryBuilder;
  /** Progress lines while building and loading (a build's own lines are prefixed with the function's name). */
  onProgress?: LoadProgress;
  /** Log and skip a function that fails to build or load, instead of failing (default false; ignored with `background`). */
  skipFailed?: boolean;
  /**
   * Resolve at once, with every configured function registered as building: its routes answer 503
   * `building… (<entry>)` with a `retry-after` until it is loaded, and 500 with the error if its
   * build or load fails; the other functions are not affected. {@link ConfiguredServer.ready}
   * settles when all are done. Default false: resolve once all are loaded.
   */
  background?: boolean;
  /** How many builds run at once (default `os.availableParallelism()`). */
  buildConcurrency?: number;
  /** Called when each configured function is first ready, or fails to build or load. */
  onFunction?: (event: FunctionEvent) => void;
  /** The folder entries are shown relative to, in 503/500 bodies and events (default `process.cwd()`). */
  cwd?: string;
}

/** A configured function became ready, or failed to build or load (see {@link CreateServerOptions.onFunction}). */
export type FunctionEvent =
  | {
      /** The function was built (when source) and loaded, and now serves. */
      type: 'ready';
      /** The cache the function runs in. */
      cache: string;
      /** The function's name. */
      name: string;
      /** Whether it is a web or a spawn function (detected from the component when not configured). */
      kind: FunctionKind;
      /** The entry, relative to {@link CreateServerOptions.cwd}. */
      entry: string;
      /** Whether the build reused a cached component (absent for `.wasm` entries). */
      cached?: boolean;
      /** Time spent in the build itself, in ms (absent for `.wasm` entries). */
      buildMs?: number;
      /** Time from the server's start to ready, in ms, including the wait for a build slot and the load. */
      totalMs: number;
    }
  | {
      /** The function could not be built or loaded; its routes answer 500 with the error until a reload fixes it. */
      type: 'failed';
      /** The cache the function runs in. */
      cache: string;
      /** The function's name. */
      name: string;
      /** The entry, relative to {@link CreateServerOptions.cwd}. */
      entry: string;
      /** Why it failed: the build or load error. */
      error: string;
      /** Time from the server's start until it failed, in ms, including the wait for a build slot. */
      totalMs: number;
    };

/** How the first load of the configured functions went (see {@link ConfiguredServer.ready}). */
export interface LoadReport {
  /** `cache/name` of every function that loaded. */
  ready: string[];
  /** Functions that failed to build or load, with the error. */
  failed: {
    /** The function's name. */
    name: string;
    /** The cache it was to run in. */
    cache: string;
    /** The build or load error. */
    error: string;
  }[];
  /** From the server's creation until the last function was loaded or failed, in ms. */
  elapsedMs: number;
}

/** What a reload did. */
export interface ReloadReport {
  /** Names of the functions whose new version was built, loaded and now serves. */
  reloaded: string[];
  /** Functions whose new version failed to build or load; their old version keeps serving. */
  failed: {
    /** The function's name. */
    name: string;
    /** The build or load error. */
    error: string;
  }[];
}

/** A server whose functions come from a configuration. */
export interface ConfiguredServer extends FunctionServer {
  /** The functions loaded from the configuration, by `cache/name`. */
  readonly loaded: ReadonlyMap<string, LoadedFunction>;
  /**
   * Settles once every configured function has been loaded or has failed (never rejects). Already
   * settled when the server was created without `background`.
   */
  readonly ready: Promise<LoadReport>;
  /**
   * Rebuilds and reloads functions (all, or those named). Each new version replaces the old one
   * only once it is built and loaded; until then (and if it fails) the old one keeps serving.
   */
  reload(names?: readonly string[]): Promise<ReloadReport>;
}

/** The fields of an options object that are set (so `{ a: undefined }` does not override a default). */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What the default drain adds to the function time limit (see {@link CreateServerOptions}). */
const SHUTDOWN_MARGIN_MS = 5_000;

const keyOf = (config: FunctionConfig) => `${config.cache ?? DEFAULT_CACHE}/${config.name}`;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Loads the configured functions through `host` and builds the HTTP server over them (not yet
 * listening: call `listen()`). Builds run in parallel, at most `buildConcurrency` at once; with
 * `background` the server is returned before they finish.
 *
 * @example
 * ```ts
 * const host = await createHost();
 * const server = await createServer({ host, config: { functions: [{ name: 'ping', entry: 'examples/ping/index.ts' }] } });
 * const url = await server.listen(8080);
 * ```
 */
export async function createServer(options: CreateServerOptions): Promise<ConfiguredServer> {
  const {
    host,
    config,
    functions,
    builder,
    onProgress,
    skipFailed,
    background,
    buildConcurrency,
    onFunction,
    cwd,
    ...serverOptions
  } = options;
  const created = Date.now();
  const base = resolve(cwd ?? process.cwd());
  const label = (entry: string) => relative(base, entry) || entry;
  const logger = serverOptions.logger;
  const limiter = createTaskLimiter(buildConcurrency ?? defaultBuildConcurrency());
  const buildOne = builder ?? buildEntry;
  const configs = config?.functions ?? [];
  const loaded = new Map<string, LoadedFunction>();
  // Loads of one function run one after the other, so the newest always wins.
  const chains = new Map<string, Promise<unknown>>();
  let closed = false;

  const inOrder = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    chains.set(
      key,
      next.catch(() => {}),
    );
    return next;
  };

  /** Builds (in a queue slot) and loads one function; says whether the build was cached and how long it took. */
  async function loadOne(fn: FunctionConfig) {
    // What the function may mint (functions[].tokens): set on the host's token authority.
    if (fn.tokens) host.tokens?.setFunctionGrant(fn.cache ?? DEFAULT_CACHE, fn.name, fn.tokens);
    let built: BuiltEntry | undefined;
    let buildMs: number | undefined;
    const queued: EntryBuilder = (entry, buildOptions) =>
      limiter.run(async () => {
        const started = Date.now();
        const progress = buildOptions.onProgress;
        built = await buildOne(entry, {
          ...buildOptions,
          ...(progress ? { onProgress: (message: string) => progress(`${fn.name}: ${message}`) } : {}),
        });
        buildMs = Date.now() - started;
        return built;
      });
    const result = await loadConfiguredFunction(host, fn, {
      builder: queued,
      ...(onProgress ? { onProgress } : {}),
    });
    return { result, cached: built?.cached, buildMs };
  }

  const registry = new FunctionRegistry(functions ?? []);
  let ready: Promise<LoadReport>;
  if (background) {
    for (const fn of configs) {
      registry.setPending({
        cache: fn.cache ?? DEFAULT_CACHE,
        name: fn.name,
        entry: label(fn.entry),
        ...(fn.kind ? { kind: fn.kind } : {}),
        status: 'building',
        since: created,
      });
    }
    ready = Promise.all(configs.map((fn) => inOrder(keyOf(fn), () => firstLoad(fn)))).then((outcomes) =>
      report(outcomes),
    );
  } else {
    const outcomes = await Promise.all(
      configs.map((fn) =>
        loadOne(fn).then(
          (done) => ({ fn, ...done }),
          (error: unknown) => ({ fn, error }),
        ),
      ),
    );
    const failures = outcomes.filter((o) => 'error' in o);
    if (failures.length > 0 && !skipFailed) {
      for (const o of outcomes) if ('result' in o) o.result.handle.unload();
      const { fn, error } = failures[0] as { fn: FunctionConfig; error: unknown };
      throw new Error(`Could not load function ${fn.name} (${fn.entry}): ${messageOf(error)}`, {
        cause: error,
      });
    }
    for (const o of outcomes) {
      if ('error' in o) {
        logger?.warn(`Skipping ${o.fn.name} (${o.fn.entry}): ${messageOf(o.error)}`);
        continue;
      }
      loaded.set(keyOf(o.fn), o.result);
      registry.set(o.result.servable);
    }
    ready = Promise.resolve(
      report(outcomes.map((o) => ('error' in o ? { fn: o.fn, error: messageOf(o.error) } : { fn: o.fn }))),
    );
  }

  function report(outcomes: { fn: FunctionConfig; error?: string }[]): LoadReport {
    return {
      ready: outcomes.filter((o) => o.error === undefined).map((o) => keyOf(o.fn)),
      failed: outcomes.flatMap((o) =>
        o.error === undefined
          ? []
          : [{ name: o.fn.name, cache: o.fn.cache ?? DEFAULT_CACHE, error: o.error }],
      ),
      elapsedMs: Date.now() - created,
    };
  }

  async function firstLoad(fn: FunctionConfig): Promise<{ fn: FunctionConfig; error?: string }> {
    const cache = fn.cache ?? DEFAULT_CACHE;
    try {
      const { result, cached, buildMs } = await loadOne(fn);
      if (closed) {
        result.handle.unload();
        return { fn, error: 'the server closed before the function was loaded' };
      }
      loaded.set(keyOf(fn), result);
      registry.set(result.servable);
      onFunction?.({
        type: 'ready',
        cache,
        name: fn.name,
        kind: result.servable.kind,
        entry: label(fn.entry),
        ...(cached !== undefined ? { cached } : {}),
        ...(buildMs !== undefined ? { buildMs } : {}),
        totalMs: Date.now() - created,
      });
      return { fn };
    } catch (error) {
      const message = messageOf(error);
      if (closed) return { fn, error: message };
      registry.setPending({
        cache,
        name: fn.name,
        entry: label(fn.entry),
        ...(fn.kind ? { kind: fn.kind } : {}),
        status: 'failed',
        since: Date.now(),
        error: message,
      });
      logger?.error(
        `${cache}/${fn.name} (${label(fn.entry)}) could not be built or loaded; it answers 500 with this error until it is fixed:\n${message}`,
      );
      onFunction?.({
        type: 'failed',
        cache,
        name: fn.name,
        entry: label(fn.entry),
        error: message,
        totalMs: Date.now() - created,
      });
      return { fn, error: message };
    }
  }

  const server = createFunctionServer({
    ...serverOptions,
    functions: registry,
    maxBodyBytes: serverOptions.maxBodyBytes ?? host.limits.requestBodyBytes,
    // A drain lets a running invocation finish: the function time limit, + a margin to write its answer.
    shutdownTimeoutMs: serverOptions.shutdownTimeoutMs ?? host.limits.timeoutMs + SHUTDOWN_MARGIN_MS,
    host,
    // A request must arrive within the function time limit + a margin, unless configured.
    timeouts: { requestMs: host.limits.timeoutMs + 10_000, ...definedOnly(serverOptions.timeouts) },
    guestSpawns: serverOptions.guestSpawns ?? (() => host.spawns),
  });

  async function reloadOne(fn: FunctionConfig): Promise<void> {
    const key = keyOf(fn);
    const cache = fn.cache ?? DEFAULT_CACHE;
    // A function with no working version (still failing) shows as building again meanwhile; one
    // that works keeps answering: host.load replaces it only once the new one is loaded.
    if (!registry.get(cache, fn.name)) {
      registry.setPending({
        cache,
        name: fn.name,
        entry: label(fn.entry),
        ...(fn.kind ? { kind: fn.kind } : {}),
        status: 'building',
        since: Date.now(),
      });
    }
    try {
      const { result } = await loadOne(fn);
      if (closed) {
        result.handle.unload();
        return;
      }
      loaded.set(key, result);
      registry.set(result.servable);
    } catch (error) {
      if (!registry.get(cache, fn.name)) {
        registry.setPending({
          cache,
          name: fn.name,
          entry: label(fn.entry),
          ...(fn.kind ? { kind: fn.kind } : {}),
          status: 'failed',
          since: Date.now(),
          error: messageOf(error),
        });
      }
      throw error;
    }
  }

  async function reload(names?: readonly string[]): Promise<ReloadReport> {
    const targets = configs.filter((fn) => !names || names.includes(fn.name));
    const report: ReloadReport = { reloaded: [], failed: [] };
    await Promise.all(
      targets.map((fn) =>
        inOrder(keyOf(fn), async () => {
          if (closed) return;
          try {
            await reloadOne(fn);
            report.reloaded.push(fn.name);
            logger?.info(`Reloaded ${keyOf(fn)}`);
          } catch (error) {
            if (closed) return;
            const message = messageOf(error);
            report.failed.push({ name: fn.name, error: message });
            logger?.error(
              registry.get(fn.cache ?? DEFAULT_CACHE, fn.name)
                ? `Reload of ${keyOf(fn)} failed; still serving the previous version`
                : `Reload of ${keyOf(fn)} failed; it answers 500 with this error until it is fixed`,
              { error: message },
            );
          }
        }),
      ),
    );
    return report;
  }

  const close = server.close.bind(server);
  return Object.assign(server, {
    loaded,
    ready,
    reload,
    close() {
      // Builds still running are not waited for (a componentize can take 40 s): what they load
      // after this point is dropped.
      closed = true;
      return close();
    },
  });
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Directory the config file and default functions are looked up in (default `process.cwd()`). */
  cwd?: string;
  /** Config file path (default: `momento-functions.json` in `cwd`, if present). */
  configPath?: string;
  /** A configuration object, instead of a file. */
  config?: ServeConfig;
  /** Functions to serve instead of the config's (the CLI's `--function name=path`). */
  functions?: FunctionConfig[];
  /** Port (default: config, else 8080; 0 picks a free port). */
  port?: number;
  /** Address (default: config, else 127.0.0.1). */
  hostname?: string;
  /** Rebuild and reload functions when their sources change. */
  watch?: boolean;
  /** Require tokens (default: the config's `auth.enabled`, else off). */
  auth?: boolean;
  /** Where async jobs, dead letters and the token key live (default: config, else `.momento-functions`). */
  stateDir?: string;
  /** Use this host instead of creating one (the caller closes it). */
  host?: Host;
  /** Options of the host created when `host` is not given. */
  hostOptions?: HostOptions;
  /** Where the server logs what happens (default: a console logger, {@link createConsoleLogger}). */
  logger?: ServerLogger;
  /** Progress lines while building and loading functions (default: none). */
  onProgress?: LoadProgress;
  /** Builds TypeScript entries (default: `@momento-functions/build`, {@link buildEntry}). */
  builder?: EntryBuilder;
  /** Shut down gracefully on SIGINT/SIGTERM (default false; the CLI turns it on). */
  handleSignals?: boolean;
  /**
   * Load every function before listening, and refuse to start when one fails (with the defaults,
   * skip it with a warning instead). Default false: listen at once, each function answering 503
   * `building…` until it is ready (or 500 with its build error); see {@link RunningServer.ready}.
   */
  waitForFunctions?: boolean;
  /** How many builds run at once (default `os.availableParallelism()`). */
  buildConcurrency?: number;
  /** Called when each function is first ready, or fails to build or load. */
  onFunction?: (event: FunctionEvent) => void;
  /** Client time limits; each field set here overrides the config's `timeouts`. */
  timeouts?: ServerTimeouts;
  /** Serve Prometheus metrics at `/metrics` (default: the config's `metrics`, else true). */
  metrics?: boolean;
}

/** A server started by {@link serve}. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The HTTP server and its functions (reload them, read its metrics or readiness). */
  readonly server: ConfiguredServer;
  /** The host running the functions: the one passed as {@link ServeOptions.host}, else the one `serve` created. */
  readonly host: Host;
  /** The configuration in force. */
  readonly config: ServeConfig;
  /** Settles once every function is loaded or has failed (see {@link ConfiguredServer.ready}). */
  readonly ready: Promise<LoadReport>;
  /** Signs and verifies tokens when auth is on. */
  readonly authority?: TokenAuthority;
  /** Stops watching, shuts the server down gracefully, and closes the host if `serve` created it. */
  close(): Promise<ShutdownReport>;
}

/**
 * The token signing key: `auth.signingKey` in the config, else `MOMENTO_FUNCTIONS_TOKEN_SECRET`,
 * else a random key kept in `<stateDir>/token-secret` (created on first use, mode 0600 in a 0700
 * state folder) so that
 * `momento-functions token` and the server agree across restarts.
 *
 * @example
 * ```ts
 * const authority = new TokenAuthority({ secret: tokenSecret('.momento-functions') });
 * ```
 */
export function tokenSecret(stateDir: string, configured?: string): string {
  if (configured) return configured;
  const fromEnv = process.env.MOMENTO_FUNCTIONS_TOKEN_SECRET;
  if (fromEnv) return fromEnv;
  const file = join(stateDir, 'token-secret');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * Resolves the configuration `serve` would use: an explicit object, else the config file, else
 * `functions`, else the defaults (every `examples/<name>/` entry, or the project in `cwd`).
 *
 * @example
 * ```ts
 * const { config, source } = resolveServeConfig({ cwd: process.cwd() });
 * ```
 */
export function resolveServeConfig(
  options: Pick<ServeOptions, 'cwd' | 'configPath' | 'config' | 'functions'>,
): {
  /** The configuration in force. */
  config: ServeConfig;
  /** Where it came from: `options`, the config file's path relative to `cwd`, `--function` or `defaults`. */
  source: string;
} {
  const cwd = resolve(options.cwd ?? process.cwd());
  let config: ServeConfig;
  let source: string;
  if (options.config) {
    config = options.config;
    source = 'options';
  } else {
    const file = options.configPath ? resolve(cwd, options.configPath) : findConfigFile(cwd);
    if (file) {
      config = loadConfigFile(file);
      source = relative(cwd, file) || file;
    } else {
      config = { functions: [], stateDir: join(cwd, '.momento-functions') };
      source = 'defaults';
    }
  }
  if (options.functions && options.functions.length > 0) {
    config = { ...config, functions: options.functions };
    source = '--function';
  } else if (config.functions.length === 0 && source === 'defaults') {
    config = { ...config, functions: defaultFunctions(cwd, config.cache) };
  }
  return { config, source };
}

function watchFunctions(
  server: ConfiguredServer,
  config: ServeConfig,
  logger: ServerLogger,
): { ready: Promise<void>; close: () => Promise<void> } {
  // Each function's local modules outside its entry's folder, from the source map of its build.
  const addLocalSources = (names?: readonly string[]) => {
    for (const loaded of server.loaded.values()) {
      if (names && !names.includes(loaded.config.name)) continue;
      if (loaded.sourceMapPath) watcher.addFiles(loaded.config.name, localSources(loaded.sourceMapPath));
    }
  };
  const watcher = watchFunctionFiles(
    config.functions.map((fn) => ({ name: fn.name, entry: fn.entry })),
    {
      onChange: (names) => {
        logger.info(`Change detected; rebuilding ${names.join(', ')}`);
        void server.reload(names).then((report) => addLocalSources(report.reloaded));
      },
      onError: (error) => logger.warn(`Watching for changes: ${error.message}`),
    },
  );
  void server.ready.then(() => addLocalSources());
  return { ready: watcher.ready, close: () => watcher.close() };
}

/**
 * Starts the server for the functions of the config file, `functions`, or the defaults, and
 * resolves once it listens: at once, with the functions building in parallel (each answers 503
 * until it is ready), or, with `waitForFunctions`, after all are loaded.
 *
 * @example
 * ```ts
 * const running = await serve({ port: 8080, watch: true, handleSignals: true });
 * console.log(`listening on ${running.url}`);
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { config, source } = resolveServeConfig(options);
  if (config.functions.length === 0) {
    throw new Error(
      `No function to serve in ${cwd}: add a momento-functions.json ({"functions":[{"name":"hello","entry":"src/index.ts"}]}), ` +
        'pass --function name=path, or run `momento-functions new hello` to create one.',
    );
  }
  const logger = options.logger ?? createConsoleLogger();
  const stateDir = resolve(cwd, options.stateDir ?? config.stateDir ?? '.momento-functions');
  const authOn = options.auth ?? config.auth?.enabled ?? false;
  const authority = authOn
    ? new TokenAuthority({
        secret: tokenSecret(stateDir, config.auth?.signingKey),
        // What each function may mint (functions[].tokens); the rest get the default grant.
        functionGrants: Object.fromEntries(
          config.functions.flatMap((fn) => (fn.tokens ? [[keyOf(fn), fn.tokens] as const] : [])),
        ),
      })
    : undefined;
  const ownHost = !options.host;
  // The functions' own log lines (console.*, momento:log) name bundle positions: map them to the
  // sources with the source map of the function the line names.
  let server: ConfiguredServer | undefined;
  const mapperFor = (name: string | undefined): ErrorMapper | undefined => {
    if (!name || !server) return undefined;
    for (const loaded of server.loaded.values()) {
      if (loaded.config.name === name && loaded.servable.mapError) return loaded.servable.mapError;
    }
    return undefined;
  };
  const logOptions = options.hostOptions?.backends?.log;
  const writeLog =
    (logOptions ? logOptions.write : undefined) ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host =
    options.host ??
    (await createHost({
      ...options.hostOptions,
      ...(logOptions === false
        ? {}
        : {
            backends: {
              ...options.hostOptions?.backends,
              log: { ...logOptions, write: (line: string) => writeLog(mapLogLine(line, mapperFor)) },
            },
          }),
      services: [
        ...(authority ? createTokenServices({ authority }) : []),
        ...(options.hostOptions?.services ?? []),
      ],
    }));
  const wait = options.waitForFunctions ?? false;
  try {
    server = await createServer({
      host,
      config,
      logger,
      cwd,
      async: { ...config.async, stateDir },
      ...(authority
        ? {
            auth: {
              verify: authority.verifier,
              forwardAuthorization: config.auth?.forwardAuthorization === true,
            },
          }
        : {}),
      ...(config.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: config.shutdownTimeoutMs } : {}),
      metrics: options.metrics ?? config.metrics ?? true,
      timeouts: { ...definedOnly(config.timeouts), ...definedOnly(options.timeouts) },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.builder ? { builder: options.builder } : {}),
      ...(options.buildConcurrency !== undefined ? { buildConcurrency: options.buildConcurrency } : {}),
      ...(options.onFunction ? { onFunction: options.onFunction } : {}),
      background: !wait,
      // When waiting, the defaults (every example) serve what loads; a config or --function fails fast.
      skipFailed: source === 'defaults',
    });
    if (wait && server.registry.list().length === 0) {
      throw new Error('None of the functions could be loaded; the warnings above say why.');
    }
  } catch (error) {
    if (ownHost) await host.close();
    throw error;
  }
  const url = await server.listen(
    options.port ?? config.port ?? 8080,
    options.hostname ?? config.hostname ?? '127.0.0.1',
  );
  const watching = options.watch ? watchFunctions(server, config, logger) : undefined;
  let closing: Promise<ShutdownReport> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting now, without waiting for in-flight work`);
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    logger.info(
      `${signal}: draining (no new connections; in-flight invocations finish, up to ${server?.shutdownTimeoutMs ?? 0} ms; queued async invocations stay in the journal). ${signal} again to force.`,
    );
    running.close().then(
      (report) => {
        const kept = report.async.pending.length;
        logger.info(
          `Drained${report.cancelledRequests > 0 ? `; ${report.cancelledRequests} invocation(s) cancelled at the deadline` : ''}${
            kept > 0 ? `; ${kept} async invocation(s) kept for the next start` : ''
          }. Exiting.`,
        );
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('Shutdown failed', { error: messageOf(error) });
        process.exit(1);
      },
    );
  };
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const ready = server.ready.then((report) => {
    if (report.ready.length === 0 && report.failed.length > 0 && !closing) {
      logger.error(
        `None of the ${report.failed.length} function(s) could be built or loaded (errors above); the server stays up${options.watch ? ' and rebuilds them when their files change' : ''}.`,
      );
    }
    return report;
  });
  const running: RunningServer = {
    url,
    server,
    host,
    config,
    ready,
    ...(authority ? { authority } : {}),
    close() {
      closing ??= (async () => {
        await watching?.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        const report = await server.close();
        if (ownHost) await host.close();
        return report;
      })();
      return closing;
    },
  };
  return running;
}
