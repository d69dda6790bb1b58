/**
 * The high-level server API: load functions from a configuration through a host, serve them,
 * reload them on change, and shut down cleanly on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, type FSWatcher, mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createHost } from '../index.js';
import { createTokenServices, TokenAuthority } from '../services/token/index.js';
import type { Host, HostOptions } from '../types.js';
import {
  DEFAULT_CACHE,
  defaultFunctions,
  type FunctionConfig,
  findConfigFile,
  loadConfigFile,
  type ServeConfig,
} from './config.js';
import {
  type EntryBuilder,
  isComponentPath,
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
  type ShutdownReport,
} from './server.js';
import type { ServableFunction, ServerLogger } from './types.js';

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
  /** Progress lines while building and loading. */
  onProgress?: LoadProgress;
  /** Log and skip a function that fails to build or load, instead of failing (default false). */
  skipFailed?: boolean;
}

/** What a reload did. */
export interface ReloadReport {
  reloaded: string[];
  /** Functions whose new version failed to build or load; their old version keeps serving. */
  failed: { name: string; error: string }[];
}

/** A server whose functions come from a configuration. */
export interface ConfiguredServer extends FunctionServer {
  /** The functions loaded from the configuration, by `cache/name`. */
  readonly loaded: ReadonlyMap<string, LoadedFunction>;
  /**
   * Rebuilds and reloads functions (all, or those named). Each new version replaces the old one
   * only once it is built and loaded; until then (and if it fails) the old one keeps serving.
   */
  reload(names?: readonly string[]): Promise<ReloadReport>;
}

const keyOf = (config: FunctionConfig) => `${config.cache ?? DEFAULT_CACHE}/${config.name}`;

/**
 * Loads the configured functions through `host` and builds the HTTP server over them (not yet
 * listening: call `listen()`).
 *
 * @example
 * ```ts
 * const host = await createHost();
 * const server = await createServer({ host, config: { functions: [{ name: 'ping', entry: 'examples/ping/index.ts' }] } });
 * const url = await server.listen(8080);
 * ```
 */
export async function createServer(options: CreateServerOptions): Promise<ConfiguredServer> {
  const { host, config, functions, builder, onProgress, skipFailed, ...serverOptions } = options;
  const loaded = new Map<string, LoadedFunction>();
  const loadOptions = { ...(builder ? { builder } : {}), ...(onProgress ? { onProgress } : {}) };
  for (const fn of config?.functions ?? []) {
    let result: LoadedFunction;
    try {
      result = await loadConfiguredFunction(host, fn, loadOptions);
    } catch (error) {
      if (skipFailed) {
        serverOptions.logger?.warn(`Skipping ${fn.name} (${fn.entry}): ${(error as Error).message}`);
        continue;
      }
      for (const done of loaded.values()) done.handle.unload();
      throw new Error(`Could not load function ${fn.name} (${fn.entry}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    loaded.set(keyOf(fn), result);
  }
  const registry = new FunctionRegistry([
    ...[...loaded.values()].map((l) => l.servable),
    ...(functions ?? []),
  ]);
  const server = createFunctionServer({
    ...serverOptions,
    functions: registry,
    maxBodyBytes: serverOptions.maxBodyBytes ?? host.limits.requestBodyBytes,
  });
  const logger = serverOptions.logger;
  let reloading: Promise<unknown> = Promise.resolve();

  async function reloadOne(previous: LoadedFunction): Promise<void> {
    // host.load replaces the function of the same cache/name only once the new one is loaded, so
    // the old version answers until this resolves; a failed build or load leaves it in place.
    const next = await loadConfiguredFunction(host, previous.config, loadOptions);
    loaded.set(keyOf(previous.config), next);
    registry.set(next.servable);
  }

  async function reload(names?: readonly string[]): Promise<ReloadReport> {
    const run = async (): Promise<ReloadReport> => {
      const report: ReloadReport = { reloaded: [], failed: [] };
      for (const previous of [...loaded.values()]) {
        if (names && !names.includes(previous.config.name)) continue;
        try {
          await reloadOne(previous);
          report.reloaded.push(previous.config.name);
          logger?.info(`Reloaded ${keyOf(previous.config)}`);
        } catch (error) {
          const message = (error as Error).message;
          report.failed.push({ name: previous.config.name, error: message });
          logger?.error(`Reload of ${keyOf(previous.config)} failed; still serving the previous version`, {
            error: message,
          });
        }
      }
      return report;
    };
    const next = reloading.then(run, run);
    reloading = next.catch(() => {});
    return next;
  }

  const close = server.close.bind(server);
  return Object.assign(server, {
    loaded,
    reload,
    async close() {
      await reloading;
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
  logger?: ServerLogger;
  onProgress?: LoadProgress;
  builder?: EntryBuilder;
  /** Shut down gracefully on SIGINT/SIGTERM (default false; the CLI turns it on). */
  handleSignals?: boolean;
}

/** A server started by {@link serve}. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly server: ConfiguredServer;
  readonly host: Host;
  /** The configuration in force. */
  readonly config: ServeConfig;
  /** Signs and verifies tokens when auth is on. */
  readonly authority?: TokenAuthority;
  /** Stops watching, shuts the server down gracefully, and closes the host if `serve` created it. */
  close(): Promise<ShutdownReport>;
}

/**
 * The token signing key: `auth.signingKey` in the config, else `MOMENTO_FUNCTIONS_TOKEN_SECRET`,
 * else a random key kept in `<stateDir>/token-secret` (created on first use, mode 0600) so that
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
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(stateDir, { recursive: true });
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
  config: ServeConfig;
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

function watchFunctions(server: ConfiguredServer, config: ServeConfig, logger: ServerLogger): () => void {
  const watchers: FSWatcher[] = [];
  const targets = config.functions.map((fn) => ({
    name: fn.name,
    // A component is watched as a file; a source entry by its folder (where its modules live).
    path: isComponentPath(fn.entry) ? fn.entry : dirname(fn.entry),
    file: isComponentPath(fn.entry),
  }));
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (name: string) => {
    pending.add(name);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const names = [...pending];
      pending = new Set();
      logger.info(`Change detected; rebuilding ${names.join(', ')}`);
      void server.reload(names);
    }, 150);
  };
  const ignored = (file: string) =>
    file.split(/[\\/]/).some((part) => part === 'node_modules' || part === 'dist' || part.startsWith('.')) ||
    /\.(wasm|map)$/.test(file);
  for (const dir of new Set(targets.filter((t) => !t.file).map((t) => t.path))) {
    try {
      const watcher = watch(dir, { recursive: true }, (_event, file) => {
        if (!file || ignored(file.toString())) return;
        const changed = join(dir, file.toString());
        for (const target of targets) {
          if (!target.file && (changed + sep).startsWith(target.path + sep)) schedule(target.name);
        }
      });
      watchers.push(watcher);
    } catch (error) {
      logger.warn(`Cannot watch ${dir}: ${(error as Error).message}`);
    }
  }
  for (const target of targets.filter((t) => t.file)) {
    try {
      watchers.push(watch(target.path, () => schedule(target.name)));
    } catch (error) {
      logger.warn(`Cannot watch ${target.path}: ${(error as Error).message}`);
    }
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

/**
 * Loads the functions (config file, `functions`, or the defaults), starts the server and
 * resolves once it listens.
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
    ? new TokenAuthority({ secret: tokenSecret(stateDir, config.auth?.signingKey) })
    : undefined;
  const ownHost = !options.host;
  const host =
    options.host ??
    (await createHost({
      ...options.hostOptions,
      services: [
        ...(authority ? createTokenServices({ authority }) : []),
        ...(options.hostOptions?.services ?? []),
      ],
    }));
  let server: ConfiguredServer;
  try {
    server = await createServer({
      host,
      config,
      logger,
      async: { ...config.async, stateDir },
      ...(authority ? { auth: { verify: authority.verifier } } : {}),
      ...(config.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: config.shutdownTimeoutMs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.builder ? { builder: options.builder } : {}),
      // The defaults (every example) serve what loads; a config or --function fails fast.
      skipFailed: source === 'defaults',
    });
    if (server.registry.list().length === 0) {
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
  const stopWatching = options.watch ? watchFunctions(server, config, logger) : () => {};
  let closing: Promise<ShutdownReport> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    logger.info(`${signal}: shutting down (in-flight work finishes first; ${signal} again to force)`);
    void running.close().then(() => process.exit(0));
  };
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const running: RunningServer = {
    url,
    server,
    host,
    config,
    ...(authority ? { authority } : {}),
    close() {
      closing ??= (async () => {
        stopWatching();
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
