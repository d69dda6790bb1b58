import * as support from 'momento:web-function/web-function-support@1.0.0';
import { getEnvironment } from 'wasi:cli/environment@0.2.3';
import type { Header } from './headers.js';

/**
 * What a missing `__CACHE_NAME` / `__FUNCTION_NAME` / `__INVOCATION_ID` reads as (the crate's text).
 * @example
 * ```ts
 * import { environment, NOT_FOUND } from '@momento-functions/guest-web';
 * const deployed = environment().functionName !== NOT_FOUND;
 * ```
 */
export const NOT_FOUND = '<not found>';

/**
 * One query parameter of the request (the WIT `query-parameter` record).
 *
 * @example
 * ```ts
 * import { environment, type QueryParameter } from '@momento-functions/guest-web';
 * const all: readonly QueryParameter[] = environment().queryParameterList;
 * ```
 */
export interface QueryParameter {
  /** Parameter name, as sent. */
  readonly name: string;
  /** Parameter value, as sent. */
  readonly value: string;
}

// One component instance serves one invocation, so module state is per request. Each host
// function is called at most once, on first use, and kept: `headers`, `query-parameters`,
// `token-metadata` and `invocation-path` hand their value over only once.
let headerList: readonly Header[] | undefined;
let headerMap: ReadonlyMap<string, string> | undefined;
let queryList: readonly QueryParameter[] | undefined;
let queryMap: ReadonlyMap<string, string> | undefined;
let token: { value: string | undefined } | undefined;
let method: string | undefined;
let path: string | undefined;
let variables: ReadonlyMap<string, string> | undefined;

function loadVariables(): ReadonlyMap<string, string> {
  if (variables === undefined) variables = new Map(getEnvironment());
  return variables;
}

function loadHeaders(): readonly Header[] {
  if (headerList === undefined) {
    headerList = Object.freeze(support.headers().map(({ name, value }) => Object.freeze({ name, value })));
  }
  return headerList;
}

function loadQuery(): readonly QueryParameter[] {
  if (queryList === undefined) {
    queryList = Object.freeze(
      support.queryParameters().map(({ name, value }) => Object.freeze({ name, value })),
    );
  }
  return queryList;
}

/**
 * The request's metadata and the function's identity, read from the host on first use and
 * kept for the rest of the invocation, so any property may be read any number of times.
 * Get it with {@link environment}.
 *
 * @example
 * ```ts
 * import { web, environment } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const env = environment();
 *   return { method: env.method, path: env.path, function: env.functionName };
 * });
 * ```
 */
export class WebEnvironment {
  /**
   * The request headers in the order the host gave them, duplicates included.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const cookies = environment().headerList.filter((h) => h.name.toLowerCase() === 'cookie');
   * ```
   */
  get headerList(): readonly Header[] {
    return loadHeaders();
  }

  /**
   * The request headers by lowercased name; for a repeated name the last value wins (like the
   * crate's `headers()` map). Use {@link header} for a case-insensitive lookup.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * for (const [name, value] of environment().headers) console.log(name, value);
   * ```
   */
  get headers(): ReadonlyMap<string, string> {
    if (headerMap === undefined) {
      headerMap = new Map(loadHeaders().map((h) => [h.name.toLowerCase(), h.value] as const));
    }
    return headerMap;
  }

  /**
   * One header's value, whatever the case of `name`; the last one when it repeats.
   * @param name - header name, any case.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const target = environment().header('X-Amz-Target');
   * ```
   */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }

  /**
   * The query parameters in the order the host gave them, repeats included.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const tags = environment().queryParameterList.filter((p) => p.name === 'tag').map((p) => p.value);
   * ```
   */
  get queryParameterList(): readonly QueryParameter[] {
    return loadQuery();
  }

  /**
   * The query parameters by name (names are case-sensitive); for a repeated name the last value
   * wins, like the crate's `query_parameters()` map.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const page = Number(environment().queryParameters.get('page') ?? '1');
   * ```
   */
  get queryParameters(): ReadonlyMap<string, string> {
    if (queryMap === undefined) queryMap = new Map(loadQuery().map((p) => [p.name, p.value] as const));
    return queryMap;
  }

  /**
   * One query parameter's value (the last one when it repeats).
   * @param name - parameter name (case-sensitive).
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const q = environment().queryParameter('q') ?? '';
   * ```
   */
  queryParameter(name: string): string | undefined {
    return this.queryParameters.get(name);
  }

  /**
   * The caller token's metadata (its token id), or `undefined` when the host has none.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const tokenId = environment().tokenMetadata ?? 'anonymous';
   * ```
   */
  get tokenMetadata(): string | undefined {
    if (token === undefined) token = { value: support.tokenMetadata() };
    return token.value;
  }

  /**
   * The HTTP method of the request, as the host gives it (e.g. `POST`).
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * if (environment().method !== 'POST') console.log('not a POST');
   * ```
   */
  get method(): string {
    if (method === undefined) method = support.httpMethod();
    return method;
  }

  /**
   * The invocation path: what the host's `invocation-path` returns, unchanged, or `""` when it
   * returns none (the crate's `http_path`). Whether it starts with `/` is the host's decision
   * (the WIT example says `foo/bar`, the crate's doc `/search/me`; the reference host follows
   * the WIT: `search/me`, and `""` when nothing follows the function's URL). To route without caring,
   * use {@link pathSegments}. See docs/guest-web.md.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const segments = environment().path.split('/').filter(Boolean);
   * ```
   */
  get path(): string {
    if (path === undefined) path = support.invocationPath() ?? '';
    return path;
  }

  /**
   * The invocation path split on `/`, without empty segments: `['search', 'me']` for both
   * `/search/me` and `search/me`, `[]` for `""` or `/`. Use it to route without caring whether
   * the host puts a leading slash (docs/decisions.md D1). Segments keep their percent-encoding.
   * @example
   * ```ts
   * import { web, environment } from '@momento-functions/guest-web';
   * export default web(() => {
   *   const [resource, id] = environment().pathSegments;
   *   return { resource, id };
   * });
   * ```
   */
  get pathSegments(): readonly string[] {
    return Object.freeze(this.path.split('/').filter((segment) => segment !== ''));
  }

  /**
   * This invocation's id, from the `__INVOCATION_ID` environment variable (`<not found>` when
   * unset), like the crate.
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * console.log(`handling ${environment().invocationId}`);
   * ```
   */
  get invocationId(): string {
    return loadVariables().get('__INVOCATION_ID') ?? NOT_FOUND;
  }

  /**
   * The cache (namespace) the function runs in, from `__CACHE_NAME` (`<not found>` when unset).
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const cache = environment().cacheName;
   * ```
   */
  get cacheName(): string {
    return loadVariables().get('__CACHE_NAME') ?? NOT_FOUND;
  }

  /**
   * The function's name, from `__FUNCTION_NAME` (`<not found>` when unset).
   * @example
   * ```ts
   * import { environment } from '@momento-functions/guest-web';
   * const topic = environment().functionName;
   * ```
   */
  get functionName(): string {
    return loadVariables().get('__FUNCTION_NAME') ?? NOT_FOUND;
  }
}

const singleton = new WebEnvironment();

/**
 * The current invocation's environment. Cheap to call any number of times: each host function
 * is called once per invocation, on first use, and its answer kept. Call it inside the handler,
 * never at module top level (the top level runs at build time, where there is no request).
 *
 * @example
 * ```ts
 * import { web, environment } from '@momento-functions/guest-web';
 * export default web(() => `Hello from ${environment().functionName} via ${environment().method}`);
 * ```
 */
export function environment(): WebEnvironment {
  return singleton;
}

/**
 * One environment variable of the function's configuration (`wasi:cli/environment`), or
 * `undefined` when it is not set. Read once per invocation and kept.
 *
 * @param name - variable name (case-sensitive).
 * @example
 * ```ts
 * import { web, env, WebError } from '@momento-functions/guest-web';
 * export default web(() => {
 *   const upstream = env('UPSTREAM_URL');
 *   if (!upstream) throw WebError.message('UPSTREAM_URL is not configured');
 *   return upstream;
 * });
 * ```
 */
export function env(name: string): string | undefined {
  return loadVariables().get(name);
}

/**
 * All environment variables of the function's configuration, including `__CACHE_NAME`,
 * `__FUNCTION_NAME` and `__INVOCATION_ID`. Read once per invocation and kept.
 *
 * @example
 * ```ts
 * import { environmentVariables } from '@momento-functions/guest-web';
 * const featureFlags = [...environmentVariables()].filter(([k]) => k.startsWith('FLAG_'));
 * ```
 */
export function environmentVariables(): ReadonlyMap<string, string> {
  return loadVariables();
}
