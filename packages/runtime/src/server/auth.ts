/**
 * Auth for the server: where the token comes from, and whether its permissions allow invoking
 * a function (the `momento-functions-token` crate's permissions JSON,
 * `{"explicit":{"permissions":[…]}}`: docs/topics-logs-tokens.md).
 *
 * Authority never grows through a function: a token that a function minted (`mintedBy`) may
 * invoke only what both its own permissions and the minting function's token grant allow, and
 * never opens the admin routes, whatever permissions it carries.
 */

/** What a token verifier learned from a valid token. */
export interface VerifiedToken {
  /** The token's `token_id`, handed to the guest as its token metadata. */
  tokenId?: string;
  /** The permissions the token was issued with, as a JSON string or the parsed object. */
  permissions: string | unknown;
  /**
   * Set when a function minted the token: which one. Such a token is capped by `grant` and
   * refused on admin routes.
   */
  mintedBy?: {
    /** The cache the minting function runs in. */
    cacheName: string;
    /** The minting function's name. */
    functionName: string;
  };
  /**
   * The minting function's token grant (a permissions document) when `mintedBy` is set; absent, the
   * token may invoke nothing.
   */
  grant?: unknown;
}

/**
 * Checks a token: resolves to what it grants, or throws an error whose message says why the
 * token is not valid (expired, bad signature, malformed).
 */
export type TokenVerifier = (token: string) => VerifiedToken | Promise<VerifiedToken>;

/** Auth settings of the server. Auth is off unless `verify` is given. */
export interface AuthOptions {
  /** Verifies a token (the token service's verifier). */
  verify: TokenVerifier;
  /**
   * Let the caller's `authorization` and `x-momento-authorization` headers reach the guest
   * (the platform passes request headers to the guest unchanged, authentication headers included;
   * the upstream examples filter them out themselves). Default `false`: the server consumed the
   * token, the guest gets its `token_id` as token metadata, and a function never holds its
   * callers' keys (it could replay them with their authority, or leak them in logs and upstream
   * requests). Async invocations never keep them in the journal either way.
   */
  forwardAuthorization?: boolean;
}

/** Result of a permission check. */
export type PermissionDecision =
  | {
      /** The permissions allow it. */
      allowed: true;
    }
  | {
      /** The permissions do not allow it. */
      allowed: false;
      /** Why not, as a lower-case clause without a final period, for the 403 message (e.g. `the token explicitly denies function ping in cache demo`). */
      reason: string;
    };

/**
 * Reads the token from a request's headers: `authorization` (the Momento way: the API key
 * itself, or `Bearer <key>`), else `x-momento-authorization`.
 *
 * @example
 * ```ts
 * tokenFromHeaders({ authorization: 'Bearer abc' }); // 'abc'
 * ```
 */
export function tokenFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  for (const name of ['authorization', 'x-momento-authorization']) {
    const raw = headers[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value) return value.replace(/^bearer\s+/i, '');
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// docs/decisions.md D15: the crates write `"all_caches":null` both for "all" and for "not set", so a
// selector that is present wins; only without one does an `all_*` field grant everything.
function matchesCache(entry: Record<string, unknown>, cache: string): boolean {
  const selector = entry.cache_selector;
  if (isObject(selector)) return selector.cacheName === cache;
  return 'all_caches' in entry;
}

function matchesFunction(entry: Record<string, unknown>, name: string): boolean {
  const selector = entry.function_selector;
  if (!isObject(selector)) return 'all_functions' in entry;
  if (typeof selector.function_name === 'string') return selector.function_name === name;
  if (typeof selector.function_name_prefix === 'string')
    return name.startsWith(selector.function_name_prefix);
  return false;
}

/**
 * Decides whether permissions (the token crate's permissions JSON) allow invoking `cache`/`fn`. An entry
 * `{"function_permissions":{"role":"FunctionInvoke", ...}}` whose cache and function selectors
 * both match grants it; a matching `FunctionPermitNone` entry denies it even when another entry
 * grants it. `all_caches` next to a `cache_selector` means all caches (the "all" flag wins).
 *
 * @example
 * ```ts
 * const perms = { explicit: { permissions: [{ function_permissions: { role: 'FunctionInvoke', all_caches: null, all_functions: null } }] } };
 * canInvoke(perms, 'demo', 'ping'); // { allowed: true }
 * ```
 */
export function canInvoke(permissions: unknown, cache: string, fn: string): PermissionDecision {
  let parsed = permissions;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return { allowed: false, reason: 'the token carries permissions that are not valid JSON' };
    }
  }
  const list = isObject(parsed) && isObject(parsed.explicit) ? parsed.explicit.permissions : undefined;
  if (!Array.isArray(list)) {
    return { allowed: false, reason: 'the token carries no explicit permissions list' };
  }
  let granted = false;
  for (const item of list) {
    if (!isObject(item) || !isObject(item.function_permissions)) continue;
    const entry = item.function_permissions;
    if (!matchesCache(entry, cache) || !matchesFunction(entry, fn)) continue;
    if (entry.role === 'FunctionPermitNone') {
      return { allowed: false, reason: `the token explicitly denies function ${fn} in cache ${cache}` };
    }
    if (entry.role === 'FunctionInvoke') granted = true;
  }
  return granted
    ? { allowed: true }
    : {
        allowed: false,
        reason: `the token has no FunctionInvoke permission for function ${fn} in cache ${cache}`,
      };
}

function parsed(permissions: unknown): unknown {
  if (typeof permissions !== 'string') return permissions;
  try {
    return JSON.parse(permissions);
  } catch {
    return undefined;
  }
}

/**
 * Whether permissions hold FunctionInvoke on all caches and all functions (what admin routes
 * ask of an operator's token).
 */
export function isAdmin(permissions: unknown): boolean {
  const list = (parsed(permissions) as { explicit?: { permissions?: unknown } } | null)?.explicit
    ?.permissions;
  if (!Array.isArray(list)) return false;
  // A selector that is present wins over a null all_* field (docs/decisions.md D15), as in canInvoke.
  const hasSelector = (entry: Record<string, unknown>) =>
    isObject(entry.cache_selector) || isObject(entry.function_selector);
  const grants = list.some((item) => {
    const entry = (item as { function_permissions?: Record<string, unknown> } | null)?.function_permissions;
    return (
      isObject(entry) &&
      entry.role === 'FunctionInvoke' &&
      'all_caches' in entry &&
      'all_functions' in entry &&
      !hasSelector(entry)
    );
  });
  const denies = list.some((item) => {
    const entry = (item as { function_permissions?: Record<string, unknown> } | null)?.function_permissions;
    return isObject(entry) && entry.role === 'FunctionPermitNone';
  });
  return grants && !denies;
}

/**
 * Decides whether a verified token may invoke `cache`/`fn`: its permissions must allow it
 * ({@link canInvoke}) and, for a token a function minted, so must the minting function's grant.
 *
 * @example
 * ```ts
 * invokeDecision({ permissions: all, mintedBy: { cacheName: 'demo', functionName: 'mint' }, grant: ownCacheOnly }, 'demo', 'ping');
 * // { allowed: false, reason: 'it was minted by function demo/mint, whose token grant has no FunctionInvoke ...' }
 * ```
 */
export function invokeDecision(token: VerifiedToken, cache: string, fn: string): PermissionDecision {
  const own = canInvoke(token.permissions, cache, fn);
  if (!own.allowed || !token.mintedBy) return own;
  const by = `${token.mintedBy.cacheName}/${token.mintedBy.functionName}`;
  const capped = canInvoke(token.grant ?? { explicit: { permissions: [] } }, cache, fn);
  if (capped.allowed) return capped;
  return {
    allowed: false,
    reason:
      `it was minted by function ${by}, which may not delegate invoking ${cache}/${fn} ` +
      `(its token grant has no FunctionInvoke for it; the server config's functions[].tokens.allowInvoke sets what it may delegate)`,
  };
}

/**
 * Decides whether a verified token opens the admin routes: an operator's token with
 * FunctionInvoke on all caches and all functions; never a token a function minted.
 */
export function adminDecision(token: VerifiedToken): PermissionDecision {
  if (token.mintedBy) {
    return {
      allowed: false,
      reason: `the token was minted by function ${token.mintedBy.cacheName}/${token.mintedBy.functionName}, and tokens minted by functions never open admin routes; use an operator token (momento-functions token)`,
    };
  }
  if (!isAdmin(token.permissions)) {
    return {
      allowed: false,
      reason: 'admin routes require a token with FunctionInvoke permission on all caches and all functions',
    };
  }
  return { allowed: true };
}

/** Request headers that carry the caller's credentials (the token the server checks). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-momento-authorization']);

/**
 * Drops the caller's credential headers ({@link CREDENTIAL_HEADERS}) from header pairs.
 *
 * @example
 * ```ts
 * withoutCredentials([['authorization', 'k'], ['x-a', '1']]); // [['x-a', '1']]
 * ```
 */
export function withoutCredentials<T extends readonly [string, string]>(headers: readonly T[]): T[] {
  return headers.filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()));
}
