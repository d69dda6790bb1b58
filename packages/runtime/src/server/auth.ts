/**
 * Auth for the server: where the token comes from, and whether its permissions allow invoking
 * a function (the permissions JSON of reference §2.9).
 */

/** What a token verifier learned from a valid token. */
export interface VerifiedToken {
  /** The token's `token_id`, handed to the guest as its token metadata. */
  tokenId?: string;
  /** The permissions the token was issued with, as a JSON string or the parsed object. */
  permissions: string | unknown;
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
}

/** Result of a permission check. */
export type PermissionDecision = { allowed: true } | { allowed: false; reason: string };

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

// Reference §8.15: the crates write `"all_caches":null` both for "all" and for "not set", so a
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
 * Decides whether permissions (reference §2.9 JSON) allow invoking `cache`/`fn`. An entry
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
