/**
 * The server's configuration file (`momento-functions.json`) and the defaults used without one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type FunctionTokenGrant, resolveFunctionGrant } from '../services/token/index.js';
import type { CallbackRetryOptions } from './async-invoker.js';
import type { ServerTimeouts } from './server.js';
import type { FunctionKind } from './types.js';

/** The config file names looked for, in order. */
export const CONFIG_FILE_NAMES = ['momento-functions.json'];

/** The cache (namespace) functions run in when the config names none. */
export const DEFAULT_CACHE = 'default';

/** One function to serve. */
export interface FunctionConfig {
  /** The function's name in its URLs (`/functions/<cache>/<name>`). */
  name: string;
  /** A `.wasm` component, or a TypeScript/JavaScript entry built with `@momento-functions/build`. */
  entry: string;
  /** `web` or `spawn`; detected from the component when absent. */
  kind?: FunctionKind;
  /** The cache (namespace, space) it runs in; the config's `cache`, else `default`. */
  cache?: string;
  /** Environment variables the function sees (its configuration). */
  env?: Record<string, string>;
  /**
   * What the function may put in the tokens it mints with `momento:token` (its authority).
   * Default: read-write on its own cache's items and topics, no FunctionInvoke.
   */
  tokens?: FunctionTokenGrant;
}

/** The whole configuration file. */
export interface ServeConfig {
  /** The functions to serve (names unique per cache); entry paths are resolved against the config file's folder. */
  functions: FunctionConfig[];
  /** Port to listen on (default 8080; 0 picks a free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  hostname?: string;
  /** Default cache for functions that name none. */
  cache?: string;
  /** Require tokens (signed by the token service). Off by default. */
  auth?: {
    /** Require a token on every invocation and admin route (default false). */
    enabled?: boolean;
    /**
     * The key tokens are signed and verified with (default: `MOMENTO_FUNCTIONS_TOKEN_SECRET`, else
     * a random key kept in the state directory's `token-secret`).
     */
    signingKey?: string;
    /** Let the caller's authorization headers reach the guest (default false; docs/server.md, "Secrets"). */
    forwardAuthorization?: boolean;
  };
  /** Async invocation settings. */
  async?: {
    /** How callback delivery is retried before a result becomes a dead letter (defaults: {@link CallbackRetryOptions}). */
    retry?: CallbackRetryOptions;
    /** How many async invocations run at once (default 4). */
    concurrency?: number;
  };
  /** Where async jobs and dead letters are kept (default `.momento-functions` beside the config). */
  stateDir?: string;
  /** How long a graceful shutdown waits for in-flight work, in ms (default: the function time limit + 5000). */
  shutdownTimeoutMs?: number;
  /** Client time limits (headers, body, keep-alive, whole request); see docs/server.md. */
  timeouts?: ServerTimeouts;
  /** Serve Prometheus metrics at `/metrics` (default true); see docs/server.md. */
  metrics?: boolean;
}

/** The fields of `timeouts` in the config file. */
export const TIMEOUT_FIELDS = [
  'headersMs',
  'requestMs',
  'keepAliveMs',
  'bodyIdleMs',
  'minBodyBytesPerSecond',
] as const;

/** A configuration problem, with the file and field it is about. */
export class ConfigError extends Error {
  /** Always `'ConfigError'`, so the error can be told apart once serialized or logged. */
  override name = 'ConfigError';
}

function fail(file: string, message: string): never {
  throw new ConfigError(`${file}: ${message}`);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Checks a parsed configuration and resolves entry paths against `baseDir`. Throws a
 * {@link ConfigError} naming the field that is wrong and what it should be.
 *
 * @example
 * ```ts
 * const config = validateConfig({ functions: [{ name: 'ping', entry: 'ping.wasm' }] }, '/srv', 'momento-functions.json');
 * ```
 */
export function validateConfig(raw: unknown, baseDir: string, file = 'config'): ServeConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(file, 'expected a JSON object like {"functions": [{"name": "ping", "entry": "src/index.ts"}]}');
  }
  const input = raw as Record<string, unknown>;
  const known = [
    '$schema',
    'functions',
    'port',
    'hostname',
    'cache',
    'auth',
    'async',
    'stateDir',
    'shutdownTimeoutMs',
    'timeouts',
    'metrics',
  ];
  for (const key of Object.keys(input)) {
    if (!known.includes(key))
      fail(file, `unknown field "${key}"; the fields are ${known.slice(1).join(', ')}`);
  }
  if (!Array.isArray(input.functions))
    fail(file, '"functions" must be an array of {name, entry, kind?, cache?, env?}');
  if (input.port !== undefined && (!Number.isInteger(input.port) || (input.port as number) < 0)) {
    fail(file, '"port" must be a non-negative integer');
  }
  if (input.metrics !== undefined && typeof input.metrics !== 'boolean') {
    fail(file, '"metrics" must be true or false');
  }
  for (const key of ['hostname', 'cache', 'stateDir'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'string') fail(file, `"${key}" must be a string`);
  }
  if (input.timeouts !== undefined) {
    const timeouts = input.timeouts;
    if (typeof timeouts !== 'object' || timeouts === null || Array.isArray(timeouts)) {
      fail(file, `"timeouts" must be an object with any of ${TIMEOUT_FIELDS.join(', ')}`);
    }
    for (const [key, value] of Object.entries(timeouts)) {
      if (!(TIMEOUT_FIELDS as readonly string[]).includes(key)) {
        fail(file, `timeouts has unknown field "${key}"; use ${TIMEOUT_FIELDS.join(', ')}`);
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        fail(file, `timeouts.${key} must be a positive number (got ${JSON.stringify(value)})`);
      }
    }
  }
  if (input.auth !== undefined) {
    const auth = input.auth;
    if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
      fail(file, '"auth" must be an object like {"enabled": true}');
    }
    for (const [key, value] of Object.entries(auth)) {
      const type = { enabled: 'boolean', signingKey: 'string', forwardAuthorization: 'boolean' }[key];
      if (!type) fail(file, `auth has unknown field "${key}"; use enabled, signingKey, forwardAuthorization`);
      if (typeof value !== type) fail(file, `auth.${key} must be a ${type}`);
    }
  }
  const cache = (input.cache as string | undefined) ?? DEFAULT_CACHE;
  const seen = new Set<string>();
  const functions = input.functions.map((item: unknown, index: number): FunctionConfig => {
    const at = `functions[${index}]`;
    if (typeof item !== 'object' || item === null) fail(file, `${at} must be an object`);
    const fn = item as Record<string, unknown>;
    for (const key of Object.keys(fn)) {
      if (!['name', 'entry', 'kind', 'cache', 'env', 'tokens'].includes(key)) {
        fail(file, `${at} has unknown field "${key}"; use name, entry, kind, cache, env, tokens`);
      }
    }
    if (typeof fn.name !== 'string' || !NAME.test(fn.name)) {
      fail(
        file,
        `${at}.name must be a name of letters, digits, "-", "_" or "." (got ${JSON.stringify(fn.name)})`,
      );
    }
    if (typeof fn.entry !== 'string' || fn.entry === '') {
      fail(file, `${at}.entry must be the path of a .wasm component or a .ts/.js entry`);
    }
    if (fn.kind !== undefined && fn.kind !== 'web' && fn.kind !== 'spawn') {
      fail(file, `${at}.kind must be "web" or "spawn"`);
    }
    if (fn.cache !== undefined && (typeof fn.cache !== 'string' || !NAME.test(fn.cache))) {
      fail(file, `${at}.cache must be a cache name`);
    }
    if (fn.env !== undefined) {
      if (typeof fn.env !== 'object' || fn.env === null || Array.isArray(fn.env)) {
        fail(file, `${at}.env must be an object of string values`);
      }
      for (const [k, v] of Object.entries(fn.env)) {
        if (typeof v !== 'string') fail(file, `${at}.env.${k} must be a string (got ${typeof v})`);
      }
    }
    if (fn.tokens !== undefined) {
      const tokens = fn.tokens;
      if (typeof tokens !== 'object' || tokens === null || Array.isArray(tokens)) {
        fail(file, `${at}.tokens must be an object like {"allowInvoke": ["report"]}`);
      }
      for (const key of Object.keys(tokens)) {
        if (key !== 'maxPermissions' && key !== 'allowInvoke') {
          fail(file, `${at}.tokens has unknown field "${key}"; use maxPermissions, allowInvoke`);
        }
      }
      const allow = (tokens as Record<string, unknown>).allowInvoke;
      if (allow !== undefined && (!Array.isArray(allow) || allow.some((a) => typeof a !== 'string'))) {
        fail(
          file,
          `${at}.tokens.allowInvoke must be an array of function names ("name", "cache/name", "prefix*")`,
        );
      }
      try {
        resolveFunctionGrant((fn.cache as string | undefined) ?? cache, tokens as FunctionTokenGrant);
      } catch (error) {
        fail(file, `${at}.tokens: ${(error as Error).message}`);
      }
    }
    const entry = resolve(baseDir, fn.entry);
    const result: FunctionConfig = { name: fn.name, entry, cache: (fn.cache as string | undefined) ?? cache };
    if (fn.kind) result.kind = fn.kind as FunctionKind;
    if (fn.env) result.env = fn.env as Record<string, string>;
    if (fn.tokens) result.tokens = fn.tokens as FunctionTokenGrant;
    const key = `${result.cache}/${result.name}`;
    if (seen.has(key)) fail(file, `${at}: ${key} is configured twice`);
    seen.add(key);
    return result;
  });
  const config: ServeConfig = { ...(input as Omit<ServeConfig, 'functions'>), functions, cache };
  config.stateDir = resolve(baseDir, (input.stateDir as string | undefined) ?? '.momento-functions');
  return config;
}

/** Reads and validates a config file. */
export function loadConfigFile(path: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return validateConfig(raw, dirname(resolve(path)), path);
}

/** The config file in `dir`, if there is one. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Parses a `--function` flag: `name=path` or `cache/name=path`.
 *
 * @example
 * ```ts
 * parseFunctionFlag('demo/ping=dist/ping.wasm', '/srv'); // { name: 'ping', cache: 'demo', entry: '/srv/dist/ping.wasm' }
 * ```
 */
export function parseFunctionFlag(flag: string, cwd: string): FunctionConfig {
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1) {
    throw new ConfigError(
      `--function ${flag}: expected name=path or cache/name=path (e.g. --function ping=src/index.ts)`,
    );
  }
  const target = flag.slice(0, eq);
  const entry = resolve(cwd, flag.slice(eq + 1));
  const slash = target.indexOf('/');
  const name = slash >= 0 ? target.slice(slash + 1) : target;
  const cache = slash >= 0 ? target.slice(0, slash) : DEFAULT_CACHE;
  if (!NAME.test(name) || !NAME.test(cache)) {
    throw new ConfigError(`--function ${flag}: names are letters, digits, "-", "_" or "."`);
  }
  return { name, cache, entry };
}

const ENTRY_CANDIDATES = ['src/index.ts', 'index.ts', 'src/index.js', 'index.js'];

function projectEntry(dir: string): string | undefined {
  for (const candidate of ENTRY_CANDIDATES) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * The functions served when there is no config file and no `--function` flag: every
 * `examples/<name>/` with an entry (`src/index.ts`, `index.ts`, ...) under `dir`, else the project
 * in `dir` itself, named after its package.json (or its folder).
 */
export function defaultFunctions(dir: string, cache = DEFAULT_CACHE): FunctionConfig[] {
  const examples = join(dir, 'examples');
  if (existsSync(examples) && statSync(examples).isDirectory()) {
    const found = readdirSync(examples)
      .sort()
      .flatMap((name) => {
        const folder = join(examples, name);
        const entry = statSync(folder).isDirectory() ? projectEntry(folder) : undefined;
        return entry && NAME.test(name) ? [{ name, entry, cache }] : [];
      });
    if (found.length > 0) return found;
  }
  const entry = projectEntry(dir);
  if (!entry) return [];
  let name = basename(resolve(dir));
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
    if (pkg.name) name = pkg.name.replace(/^@[^/]+\//, '');
  } catch {
    // no package.json: the folder name it is
  }
  return [{ name: NAME.test(name) ? name : 'function', entry, cache }];
}
