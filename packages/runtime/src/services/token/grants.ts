/**
 * What a function may mint: its token grant, and the check that a requested token stays inside
 * it (see docs/topics-logs-tokens.md, "What a function may mint"). A function mints on its own
 * authority, never more.
 */

/** A permissions document, as tokens carry it: `{"explicit":{"permissions":[...]}}`. */
export interface PermissionsDocument {
  /** The explicit permissions: the only form of document tokens use. */
  explicit: {
    /** The entries, each one `cache_permissions`, `topic_permissions` or `function_permissions` with a role and scopes. */
    permissions: unknown[];
  };
}

type Kind = 'cache_permissions' | 'topic_permissions' | 'function_permissions';

/** A scope: everything, one name, names with a prefix, or nothing. */
type Scope = { all: true } | { exact: string } | { prefix: string } | { none: true };

interface Entry {
  kind: Kind;
  role: string;
  cache: Scope;
  inner: Scope;
}

const INNER: Record<Kind, { all: string; selector: string; exact: string; prefix: string; what: string }> = {
  cache_permissions: {
    all: 'all_items',
    selector: 'item_selector',
    exact: 'key',
    prefix: 'key_prefix',
    what: 'items',
  },
  topic_permissions: {
    all: 'all_topics',
    selector: 'topic_selector',
    exact: 'topic_name',
    prefix: 'topic_name_prefix',
    what: 'topics',
  },
  function_permissions: {
    all: 'all_functions',
    selector: 'function_selector',
    exact: 'function_name',
    prefix: 'function_name_prefix',
    what: 'functions',
  },
};

const DENY_ROLES = new Set(['CachePermitNone', 'TopicPermitNone', 'FunctionPermitNone']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key given as the crates write it (an array of byte values) or as a string. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Buffer.from(value as number[]).toString('latin1');
  }
  return undefined;
}

/**
 * Reads a scope the way the server matches them: a selector that is present
 * wins, else an `all_*` field means all, else nothing. `unknownAs` is what a selector of an
 * unknown shape counts as: everything for a requested token (so it can only be refused),
 * nothing for a grant.
 */
function scope(
  body: Record<string, unknown>,
  all: string,
  selector: string,
  exact: string,
  prefix: string,
  unknownAs: Scope,
): Scope {
  const sel = body[selector];
  if (isObject(sel)) {
    const name = text(sel[exact]);
    if (name !== undefined) return { exact: name };
    const start = text(sel[prefix]);
    if (start !== undefined) return { prefix: start };
    return unknownAs;
  }
  if (all in body) return { all: true };
  return { none: true };
}

function entries(document: unknown, forRequest: boolean): Entry[] {
  const list = isObject(document) && isObject(document.explicit) ? document.explicit.permissions : undefined;
  if (!Array.isArray(list)) return [];
  const unknownAs: Scope = forRequest ? { all: true } : { none: true };
  const out: Entry[] = [];
  for (const item of list) {
    if (!isObject(item)) continue;
    for (const kind of Object.keys(INNER) as Kind[]) {
      const body = item[kind];
      if (!isObject(body) || typeof body.role !== 'string') continue;
      const k = INNER[kind];
      let cache = scope(body, 'all_caches', 'cache_selector', 'cacheName', '\0', unknownAs);
      let inner = scope(body, k.all, k.selector, k.exact, k.prefix, unknownAs);
      // A requested scope left unset is counted as everything: it can only make a request fail.
      if (forRequest && 'none' in cache) cache = { all: true };
      if (forRequest && 'none' in inner) inner = { all: true };
      out.push({ kind, role: body.role, cache, inner });
    }
  }
  return out;
}

function covers(grant: Scope, wanted: Scope): boolean {
  if ('all' in grant) return true;
  if ('none' in grant || 'all' in wanted || 'none' in wanted) return false;
  if ('exact' in grant) return 'exact' in wanted && wanted.exact === grant.exact;
  return 'exact' in wanted ? wanted.exact.startsWith(grant.prefix) : wanted.prefix.startsWith(grant.prefix);
}

function overlaps(a: Scope, b: Scope): boolean {
  if ('none' in a || 'none' in b) return false;
  if ('all' in a || 'all' in b) return true;
  if ('exact' in a && 'exact' in b) return a.exact === b.exact;
  if ('exact' in a) return 'prefix' in b && a.exact.startsWith(b.prefix);
  if ('exact' in b) return b.exact.startsWith(a.prefix);
  return (
    a.prefix.startsWith((b as { prefix: string }).prefix) ||
    (b as { prefix: string }).prefix.startsWith(a.prefix)
  );
}

function roleCovers(grant: string, wanted: string): boolean {
  if (grant === wanted) return true;
  if (grant === 'CacheReadWrite') return wanted === 'CacheReadOnly' || wanted === 'CacheWriteOnly';
  if (grant === 'TopicReadWrite') return wanted === 'TopicReadOnly' || wanted === 'TopicWriteOnly';
  return false;
}

function describeScope(s: Scope, what: string): string {
  if ('all' in s) return `all ${what}`;
  if ('none' in s) return `no ${what}`;
  if ('exact' in s) return JSON.stringify(s.exact);
  return `${what} starting with ${JSON.stringify(s.prefix)}`;
}

function describeEntry(e: Entry): string {
  const cache = 'exact' in e.cache ? `cache ${e.cache.exact}` : describeScope(e.cache, 'caches');
  return `${e.role} on ${cache}, ${describeScope(e.inner, INNER[e.kind].what)}`;
}

/** Result of {@link checkWithinGrant}. */
export type GrantDecision =
  | {
      /** `true`: the request stays inside the grant. */
      allowed: true;
    }
  | {
      /** `false`: the request asks for more than the grant holds. */
      allowed: false;
      /** What the request asks for that the grant does not cover. */
      reason: string;
    };

/**
 * Whether a requested token (a permissions document) asks for nothing more than `grant` holds: every
 * entry with a granting role must be covered by a grant entry of the same kind (role, cache and
 * item/topic/function scope), and must not touch what a `*PermitNone` entry of the grant
 * excludes. `*PermitNone` entries of the request only take away and are always allowed.
 *
 * @example
 * ```ts
 * const grant = defaultFunctionGrant('demo');
 * checkWithinGrant({ explicit: { permissions: [{ cache_permissions: { role: 'CacheReadOnly', cache_selector: { cacheName: 'demo' }, all_items: null } }] } }, grant); // { allowed: true }
 * ```
 */
export function checkWithinGrant(requested: unknown, grant: unknown): GrantDecision {
  const granted = entries(grant, false);
  const allowing = granted.filter((g) => !DENY_ROLES.has(g.role));
  const denying = granted.filter((g) => DENY_ROLES.has(g.role));
  const wanted = entries(requested, true);
  for (const [index, want] of wanted.entries()) {
    if (DENY_ROLES.has(want.role)) continue;
    const covered = allowing.some(
      (g) =>
        g.kind === want.kind &&
        roleCovers(g.role, want.role) &&
        covers(g.cache, want.cache) &&
        covers(g.inner, want.inner),
    );
    const excluded = denying.find(
      (g) => g.kind === want.kind && overlaps(g.cache, want.cache) && overlaps(g.inner, want.inner),
    );
    if (!covered || excluded) {
      const held = allowing.map(describeEntry);
      return {
        allowed: false,
        reason:
          `permission ${index} (${describeEntry(want)}) is more than this function may grant` +
          (excluded ? ` (its grant excludes ${describeEntry(excluded)})` : '') +
          `; its token grant holds ${held.length > 0 ? held.join('; ') : 'nothing'}`,
      };
    }
  }
  return { allowed: true };
}

/**
 * The grant of a function nobody configured: read-write on its own cache's items and topics.
 * Nothing that invokes functions, nothing in another cache.
 *
 * @example
 * ```ts
 * defaultFunctionGrant('demo').explicit.permissions.length; // 2
 * ```
 */
export function defaultFunctionGrant(cache: string): PermissionsDocument {
  return {
    explicit: {
      permissions: [
        {
          cache_permissions: {
            role: 'CacheReadWrite',
            cache_selector: { cacheName: cache },
            all_items: null,
          },
        },
        {
          topic_permissions: {
            role: 'TopicReadWrite',
            cache_selector: { cacheName: cache },
            all_topics: null,
          },
        },
      ],
    },
  };
}

const CACHE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Turns an `allowInvoke` pattern into a `FunctionInvoke` entry: `name` (own cache), `cache/name`,
 * a trailing `*` for a prefix (`*` alone: every function), `*` as the cache for every cache.
 * Throws with the reason for a pattern it cannot read.
 *
 * @example
 * ```ts
 * invokeEntry('jobs/report-*', 'demo'); // { function_permissions: { role: 'FunctionInvoke', cache_selector: { cacheName: 'jobs' }, function_selector: { function_name_prefix: 'report-' } } }
 * ```
 */
export function invokeEntry(pattern: string, ownCache: string): Record<string, unknown> {
  const slash = pattern.indexOf('/');
  const cache = slash >= 0 ? pattern.slice(0, slash) : ownCache;
  const name = slash >= 0 ? pattern.slice(slash + 1) : pattern;
  const stem = name.endsWith('*') ? name.slice(0, -1) : name;
  if ((cache !== '*' && !CACHE_NAME.test(cache)) || name === '' || !/^[A-Za-z0-9_.-]*$/.test(stem)) {
    throw new Error(
      `allowInvoke entry ${JSON.stringify(pattern)} is not "name", "cache/name", "prefix*" or "cache/*" ("*" as the cache means every cache)`,
    );
  }
  const entry: Record<string, unknown> = { role: 'FunctionInvoke' };
  if (cache === '*') entry.all_caches = null;
  else entry.cache_selector = { cacheName: cache };
  if (name === '*') entry.all_functions = null;
  else if (name.endsWith('*')) entry.function_selector = { function_name_prefix: name.slice(0, -1) };
  else entry.function_selector = { function_name: name };
  return { function_permissions: entry };
}
