/**
 * URL routing for the server, as a pure function of the method and the path so that every
 * rule (methods, path depth, what each error says) is testable without a socket.
 */

/** Methods a synchronous invoke accepts (the product's invoke URL shape). */
export const INVOKE_METHODS: readonly string[] = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];

/** How many custom path levels may follow `/invoke` or `/async-invoke`. */
export const MAX_CUSTOM_PATH_LEVELS = 3;

/** The prefix of the server's own routes (health, function list, dead letters, spawn log). */
export const ADMIN_PREFIX = '/_momento';

/** Where a request goes. */
export type Route =
  | {
      /** `/functions/<cache>/<function>[/rest]`: a synchronous invoke, any method. */
      type: 'momento';
      /** The cache the function runs in (the URL's `<cache>`, decoded). */
      cache: string;
      /** The function's name (decoded). */
      function: string;
      /** The invocation path after the function, still percent-encoded; `/` when there is none. */
      path: string;
    }
  | {
      /** `/spaces/<space>/functions/<function>/invoke[/path]`: a synchronous invoke. */
      type: 'invoke';
      /** The space (cache) the function runs in (decoded). */
      cache: string;
      /** The function's name (decoded). */
      function: string;
      /** The custom path after `/invoke` (at most {@link MAX_CUSTOM_PATH_LEVELS} levels), still percent-encoded; `/` when there is none. */
      path: string;
    }
  | {
      /** `/spaces/<space>/functions/<function>/async-invoke[/path]`: an asynchronous invoke (POST, answered 202). */
      type: 'async-invoke';
      /** The space (cache) the function runs in (decoded). */
      cache: string;
      /** The function's name (decoded). */
      function: string;
      /** The custom path after `/async-invoke` (at most {@link MAX_CUSTOM_PATH_LEVELS} levels), still percent-encoded; `/` when there is none. */
      path: string;
    }
  | {
      /** `/spaces/<space>/functions/<function>/spawn`: spawn a spawn function (POST). */
      type: 'spawn';
      /** The space (cache) the function runs in (decoded). */
      cache: string;
      /** The spawn function's name (decoded). */
      function: string;
    }
  | {
      /** One of the server's own routes under {@link ADMIN_PREFIX}. */
      type: 'admin';
      /** Which admin route. */
      action: AdminAction;
      /** The dead letter's id (decoded), for `dead-letter-retry` and `dead-letter-delete`. */
      id?: string;
    }
  | {
      /** One of the root operations routes (`/healthz`, `/readyz`, `/metrics`). */
      type: 'ops';
      /** Which operations route. */
      action: OpsAction;
    }
  | {
      /** No route matches, or the method is not allowed on the one that does. */
      type: 'error';
      /** 404 (nothing is served there) or 405 (wrong method). */
      status: 404 | 405;
      /** What went wrong and which URL shapes or methods to use instead, for the response body. */
      message: string;
      /** For a 405, the methods the route accepts (the `allow` header). */
      allow?: string[];
    };

/**
 * The operations routes at the root: `/healthz` (alive), `/readyz` (ready to serve), `/metrics`
 * (Prometheus). GET or HEAD.
 */
export type OpsAction = 'healthz' | 'readyz' | 'metrics';

/** The paths of the {@link OpsAction | operations routes}. */
export const OPS_PATHS: Readonly<Record<string, OpsAction>> = {
  '/healthz': 'healthz',
  '/readyz': 'readyz',
  '/metrics': 'metrics',
};

/** The server's own routes. */
export type AdminAction =
  | 'health'
  | 'functions'
  | 'dead-letters'
  | 'dead-letter-retry'
  | 'dead-letter-delete'
  | 'spawns';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function joinPath(segments: string[]): string {
  return `/${segments.join('/')}`;
}

function methodNotAllowed(method: string, what: string, allow: string[]): Route {
  return {
    type: 'error',
    status: 405,
    message: `${method} is not allowed on ${what}; use ${allow.join(', ')}.`,
    allow,
  };
}

/**
 * Decides what a request is for.
 *
 * - `/functions/<cache>/<function>[/rest]`, any method: invoke, the rest is the invocation path.
 * - `/spaces/<space>/functions/<function>/invoke[/a[/b[/c]]]`: POST, GET, PUT, PATCH, DELETE.
 * - `/spaces/<space>/functions/<function>/async-invoke[/a[/b[/c]]]`: POST.
 * - `/spaces/<space>/functions/<function>/spawn`: POST (spawn a spawn function).
 * - `/_momento/...`: the server's own routes.
 * - `/healthz`, `/readyz`, `/metrics`: GET or HEAD, for probes and Prometheus.
 *
 * The invocation path keeps its percent-encoding (the guest sees what the client sent); names
 * are decoded. A path with no remainder is `/`.
 *
 * @example
 * ```ts
 * matchRoute('GET', '/spaces/demo/functions/quote/invoke/stock/market/today');
 * // { type: 'invoke', cache: 'demo', function: 'quote', path: '/stock/market/today' }
 * ```
 */
export function matchRoute(method: string, pathname: string): Route {
  const segments = pathname.split('/').slice(1);
  const [first] = segments;

  if (first === 'functions') {
    const [, cache, fn, ...rest] = segments;
    if (!cache || !fn) {
      return {
        type: 'error',
        status: 404,
        message: `No function in ${pathname}: invoke a function at /functions/<cache>/<function>[/path].`,
      };
    }
    return {
      type: 'momento',
      cache: decodeSegment(cache),
      function: decodeSegment(fn),
      path: joinPath(rest),
    };
  }

  if (first === 'spaces') {
    const [, space, functionsWord, fn, action, ...rest] = segments;
    if (!space || functionsWord !== 'functions' || !fn || !action) {
      return {
        type: 'error',
        status: 404,
        message:
          `Unknown route ${pathname}: use /spaces/<space>/functions/<function>/invoke[/path], ` +
          '/spaces/<space>/functions/<function>/async-invoke[/path] or /spaces/<space>/functions/<function>/spawn.',
      };
    }
    const cache = decodeSegment(space);
    const name = decodeSegment(fn);
    if (action === 'invoke' || action === 'async-invoke') {
      const custom = rest.length === 1 && rest[0] === '' ? [] : rest;
      if (custom.length > MAX_CUSTOM_PATH_LEVELS) {
        return {
          type: 'error',
          status: 404,
          message:
            `The custom path ${joinPath(custom)} has ${custom.length} levels; ${action} accepts at most ` +
            `${MAX_CUSTOM_PATH_LEVELS} (for example /${action}/stock/market/today). ` +
            'Pass deeper structure in the query string or the body.',
        };
      }
      const allow = action === 'invoke' ? [...INVOKE_METHODS] : ['POST'];
      if (!allow.includes(method)) {
        return methodNotAllowed(method, `/spaces/${space}/functions/${fn}/${action}`, allow);
      }
      return { type: action, cache, function: name, path: joinPath(custom) };
    }
    if (action === 'spawn' && (rest.length === 0 || (rest.length === 1 && rest[0] === ''))) {
      if (method !== 'POST')
        return methodNotAllowed(method, `/spaces/${space}/functions/${fn}/spawn`, ['POST']);
      return { type: 'spawn', cache, function: name };
    }
    return {
      type: 'error',
      status: 404,
      message:
        `Unknown action "${action}" in ${pathname}: a function's routes are .../invoke[/path], ` +
        '.../async-invoke[/path] and .../spawn.',
    };
  }

  if (pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`)) {
    return matchAdmin(method, segments.slice(1));
  }

  const ops = Object.hasOwn(OPS_PATHS, pathname) ? OPS_PATHS[pathname] : undefined;
  if (ops) {
    return method === 'GET' || method === 'HEAD'
      ? { type: 'ops', action: ops }
      : methodNotAllowed(method, pathname, ['GET', 'HEAD']);
  }

  return {
    type: 'error',
    status: 404,
    message:
      `Nothing is served at ${pathname}. Invoke a function at /functions/<cache>/<function>[/path] or ` +
      `/spaces/<space>/functions/<function>/invoke[/path]; GET ${ADMIN_PREFIX}/functions lists them ` +
      '(and /healthz, /readyz, /metrics are the operations routes).',
  };
}

function matchAdmin(method: string, segments: string[]): Route {
  const [what, id, verb, ...extra] = segments;
  const get = (action: AdminAction): Route =>
    method === 'GET'
      ? { type: 'admin', action }
      : methodNotAllowed(method, `${ADMIN_PREFIX}/${what}`, ['GET']);
  if (extra.length === 0) {
    if (what === 'health' && id === undefined) return get('health');
    if (what === 'functions' && id === undefined) return get('functions');
    if (what === 'spawns' && id === undefined) return get('spawns');
    if (what === 'dead-letters') {
      if (id === undefined) return get('dead-letters');
      if (verb === 'retry') {
        return method === 'POST'
          ? { type: 'admin', action: 'dead-letter-retry', id: decodeSegment(id) }
          : methodNotAllowed(method, `${ADMIN_PREFIX}/dead-letters/<id>/retry`, ['POST']);
      }
      if (verb === undefined) {
        return method === 'DELETE'
          ? { type: 'admin', action: 'dead-letter-delete', id: decodeSegment(id) }
          : methodNotAllowed(method, `${ADMIN_PREFIX}/dead-letters/<id>`, ['DELETE']);
      }
    }
  }
  return {
    type: 'error',
    status: 404,
    message:
      `Unknown admin route /${['_momento', ...segments].join('/')}: use ${ADMIN_PREFIX}/health, ` +
      `${ADMIN_PREFIX}/functions, ${ADMIN_PREFIX}/spawns, ${ADMIN_PREFIX}/dead-letters, ` +
      `POST ${ADMIN_PREFIX}/dead-letters/<id>/retry or DELETE ${ADMIN_PREFIX}/dead-letters/<id>.`,
  };
}
