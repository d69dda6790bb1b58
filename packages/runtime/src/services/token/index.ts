/**
 * Host service for `momento:token/token@1.0.0`: disposable tokens that are real JWTs (HS256,
 * signed with the host's key by jose), expire, and carry the guest's `token_id` and
 * permissions, so the host's server can verify them and authorize invocations.
 *
 * Authority never grows through a function: a function mints on its **own** authority, its
 * token grant (by default its own cache's data, nothing that invokes functions; configured per
 * function with {@link TokenAuthority.setFunctionGrant}). A request for more is refused with
 * `permission-denied`, and every minted token carries a `minted_by` claim so that the server
 * can cap it again when it is used and never let it open admin routes.
 */
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { HostService, InvocationContext, WitResult } from '../types.js';
import { checkWithinGrant, defaultFunctionGrant, invokeEntry, type PermissionsDocument } from './grants.js';

export {
  checkWithinGrant,
  defaultFunctionGrant,
  type GrantDecision,
  invokeEntry,
  type PermissionsDocument,
} from './grants.js';

/** jco's value of the WIT `token-error` variant. */
export type TokenErrorWit =
  | {
      /** `'internal-error'`: the host failed to sign; no message. */
      tag: 'internal-error';
    }
  | {
      /** `'invalid-argument'`: the validity or the permissions document was refused. */
      tag: 'invalid-argument';
      /** What was wrong with the request. */
      val: string;
    }
  | {
      /** `'permission-denied'`: the token would grant more than the function's own grant. */
      tag: 'permission-denied';
      /** What the function may not grant. */
      val: string;
    }
  | {
      /** `'limit-exceeded'`: a limit of the token service was crossed. */
      tag: 'limit-exceeded';
      /** Which limit. */
      val: string;
    };

/** What {@link TokenAuthority.verify} learned from a valid token. */
export interface VerifiedDisposableToken {
  /** The `token_id` the token was generated with (the invoked function's token metadata). */
  readonly tokenId?: string;
  /** The permissions object the token grants, shaped `{"explicit":{"permissions":[…]}}`. */
  readonly permissions: unknown;
  /** Expiry, epoch seconds. */
  readonly validUntil: number;
  /** Cache and function that generated it (for an operator token, what its issuer wrote there). */
  readonly issuedBy: {
    /** The cache named in the token's `cache` claim. */
    readonly cacheName: string;
    /** The function named in the token's `fn` claim. */
    readonly functionName: string;
  };
  /** Set when a function minted the token (its `minted_by` claim): that function. */
  readonly mintedBy?: {
    /** The minting function's cache. */
    readonly cacheName: string;
    /** The minting function's name. */
    readonly functionName: string;
  };
  /**
   * For a function-minted token: the minting function's token grant now (a permissions document).
   * The server lets the token do only what both its own permissions and this grant allow.
   */
  readonly grant?: unknown;
}

/**
 * What a function may put in the tokens it mints (its authority), as configured in the server
 * config's `functions[].tokens` or with {@link TokenAuthority.setFunctionGrant}.
 */
export interface FunctionTokenGrant {
  /**
   * The most a minted token may grant, as a permissions document
   * (`{"explicit":{"permissions":[…]}}`, an object or a JSON string).
   * Default: {@link defaultFunctionGrant} — read-write on the function's own cache's items and
   * topics, nothing else.
   */
  readonly maxPermissions?: unknown;
  /**
   * Functions a minted token may invoke, added to `maxPermissions` as `FunctionInvoke` entries:
   * `"name"` (in the function's own cache), `"cache/name"`, a trailing `*` for a name prefix
   * (`"report-*"`, `"jobs/*"`), `"*"` for every cache. Default: none.
   */
  readonly allowInvoke?: readonly string[];
}

/** Options of {@link TokenAuthority}. */
export interface TokenAuthorityOptions {
  /**
   * The HMAC key (≥ 32 bytes, or a string of ≥ 32 characters). Default: 32 random bytes per
   * authority, so tokens do not survive a restart; pass a key to share tokens across hosts.
   */
  readonly secret?: Uint8Array | string;
  /** The `endpoint` returned with each token (default `localhost`). */
  readonly endpoint?: string;
  /** Longest `valid-for-seconds` accepted (default 3600, Momento's one hour). */
  readonly maxValidForSeconds?: number;
  /** Clock in epoch ms (tests). */
  readonly now?: () => number;
  /** Token grants by `"<cache>/<function>"` (see {@link TokenAuthority.setFunctionGrant}). */
  readonly functionGrants?: Readonly<Record<string, FunctionTokenGrant>>;
}

const ISSUER = 'momento-functions-host';
/** `origin` claim: who signed the token's permissions. Tokens without it predate function grants. */
const ORIGIN_FUNCTION = 'function';
const ORIGIN_OPERATOR = 'operator';
const AUDIENCE = 'momento-functions';
const ROLES: Record<string, readonly string[]> = {
  cache_permissions: ['CachePermitNone', 'CacheReadWrite', 'CacheReadOnly', 'CacheWriteOnly'],
  topic_permissions: ['TopicPermitNone', 'TopicReadWrite', 'TopicReadOnly', 'TopicWriteOnly'],
  function_permissions: ['FunctionPermitNone', 'FunctionInvoke'],
};

/** Scopes given either as "all" (`all_*: {}`) or by a selector (`*_selector`). */
const SCOPE_PAIRS = [
  ['all_caches', 'cache_selector'],
  ['all_items', 'item_selector'],
  ['all_topics', 'topic_selector'],
  ['all_functions', 'function_selector'],
] as const;

class InvalidArgument extends Error {}
/** A function asked to mint a token granting more than its own token grant. */
export class PermissionDenied extends Error {
  /** Always `'PermissionDenied'`, so logs and `instanceof`-free checks can tell it apart. */
  override name = 'PermissionDenied';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks a permissions JSON string: `{"explicit":{"permissions":[…]}}`
 * whose entries each hold one of `cache_permissions`, `topic_permissions`,
 * `function_permissions` with a known `role`. Throws with the reason otherwise.
 *
 * @example
 * ```ts
 * parsePermissions('{"explicit":{"permissions":[]}}'); // { explicit: { permissions: [] } }
 * ```
 */
export function parsePermissions(json: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new InvalidArgument(`permissions are not valid JSON: ${(error as Error).message}`);
  }
  const list = isObject(parsed) && isObject(parsed.explicit) ? parsed.explicit.permissions : undefined;
  if (!Array.isArray(list)) {
    throw new InvalidArgument('permissions must look like {"explicit":{"permissions":[...]}}');
  }
  list.forEach((entry, index) => {
    const kinds = isObject(entry) ? Object.keys(entry) : [];
    const kind = kinds[0];
    if (kinds.length !== 1 || kind === undefined || !(kind in ROLES)) {
      throw new InvalidArgument(
        `permission ${index} must have exactly one of cache_permissions, topic_permissions, function_permissions`,
      );
    }
    const body = (entry as Record<string, unknown>)[kind];
    const role = isObject(body) ? body.role : undefined;
    if (typeof role !== 'string' || !ROLES[kind]?.includes(role)) {
      throw new InvalidArgument(
        `permission ${index} (${kind}) has role ${JSON.stringify(role)}; expected one of ${ROLES[kind]?.join(', ')}`,
      );
    }
    // A scope set both to "all" and to a selector is ambiguous; refuse it.
    for (const [all, selector] of SCOPE_PAIRS) {
      const scope = body as Record<string, unknown>;
      if (scope[all] != null && scope[selector] != null) {
        throw new InvalidArgument(
          `permission ${index} (${kind}) sets both ${all} and ${selector}; set one and leave the other null`,
        );
      }
    }
  });
  return parsed;
}

/**
 * Issues and verifies disposable tokens. Share one authority between the token service and
 * the server so that tokens generated by functions authorize invocations.
 *
 * @example
 * ```ts
 * const authority = new TokenAuthority({ secret: process.env.TOKEN_SECRET });
 * const host = await createHost({ services: createTokenServices({ authority }) });
 * const server = serve(host, { auth: { verify: authority.verifier } });
 * ```
 */
export class TokenAuthority {
  readonly #key: Uint8Array;
  readonly #endpoint: string;
  readonly #now: () => number;
  readonly #grants = new Map<string, PermissionsDocument>();
  /** Longest validity accepted, in seconds. */
  readonly maxValidForSeconds: number;

  /**
   * Creates an authority; without `options.secret` it signs with a random 32-byte key (tokens then
   * stop verifying after a restart), the endpoint defaults to `localhost` and the longest
   * validity to 3600 seconds.
   *
   * @param options - key, endpoint, limits and clock.
   * @example
   * ```ts
   * new TokenAuthority({ secret: 'a-secret-of-at-least-thirty-two-chars!!', endpoint: 'localhost:8080' });
   * ```
   */
  constructor(options: TokenAuthorityOptions = {}) {
    const secret = options.secret ?? new Uint8Array(randomBytes(32));
    this.#key = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
    if (this.#key.length < 32) {
      throw new Error(
        `the token secret has ${this.#key.length} bytes; HS256 needs at least 32 (e.g. openssl rand -hex 32)`,
      );
    }
    this.#endpoint = options.endpoint ?? 'localhost';
    this.maxValidForSeconds = options.maxValidForSeconds ?? 3600;
    this.#now = options.now ?? Date.now;
    for (const [key, grant] of Object.entries(options.functionGrants ?? {})) {
      const slash = key.indexOf('/');
      if (slash <= 0)
        throw new Error(`functionGrants key ${JSON.stringify(key)} must be "<cache>/<function>"`);
      this.setFunctionGrant(key.slice(0, slash), key.slice(slash + 1), grant);
    }
  }

  /**
   * Sets what function `cache`/`name` may put in the tokens it mints (its authority); `undefined`
   * restores the default (its own cache's items and topics, read-write). Throws with the reason
   * for a grant that is not valid.
   *
   * @example
   * ```ts
   * host.tokens.setFunctionGrant('demo', 'mint', { allowInvoke: ['report', 'jobs/*'] });
   * ```
   */
  setFunctionGrant(cache: string, name: string, grant: FunctionTokenGrant | undefined): void {
    const key = `${cache}/${name}`;
    if (grant === undefined) {
      this.#grants.delete(key);
      return;
    }
    this.#grants.set(key, resolveFunctionGrant(cache, grant));
  }

  /**
   * The token grant of function `cache`/`name`: the most a token it mints may hold.
   *
   * @example
   * ```ts
   * authority.grantFor('demo', 'mint'); // { explicit: { permissions: [...] } }
   * ```
   */
  grantFor(cache: string, name: string): PermissionsDocument {
    return this.#grants.get(`${cache}/${name}`) ?? defaultFunctionGrant(cache);
  }

  /**
   * Mints a token for a function, on its authority: like {@link issue}, but refused with
   * {@link PermissionDenied} when the permissions ask for more than the function's grant, and
   * marked with a `minted_by` claim (so the server never takes it for an operator's token).
   *
   * @example
   * ```ts
   * await authority.mint({ validForSeconds: 60, permissions, cacheName: 'demo', functionName: 'mint' });
   * ```
   */
  async mint(request: {
    /** How long the token is valid, in seconds: 1 to {@link TokenAuthority.maxValidForSeconds}. */
    validForSeconds: number;
    /** The permissions document the token grants, as JSON text. */
    permissions: string;
    /** The `token_id` claim to embed, if any. */
    tokenId?: string | undefined;
    /** The cache of the function the token is for (its `cache` claim). */
    cacheName: string;
    /** The function the token is for (its `fn` claim). */
    functionName: string;
  }): Promise<{
    /** The signed token (an HS256 JWT), what the guest uses as its API key. */
    apiKey: string;
    /** The endpoint the token is for (the authority's `endpoint`). */
    endpoint: string;
    /** When the token expires, in epoch seconds. */
    validUntil: number;
  }> {
    this.#checkValidity(request.validForSeconds);
    const permissions = parsePermissions(request.permissions);
    const decision = checkWithinGrant(permissions, this.grantFor(request.cacheName, request.functionName));
    if (!decision.allowed) {
      throw new PermissionDenied(
        `${request.cacheName}/${request.functionName} may not mint this token: ${decision.reason} ` +
          '(a function mints on its own authority; the host configures it with functions[].tokens)',
      );
    }
    return this.#sign(request, permissions, {
      origin: ORIGIN_FUNCTION,
      minted_by: { cache: request.cacheName, function: request.functionName },
    });
  }

  /**
   * Signs a token on the operator's authority (the `momento-functions token` command, tests):
   * no grant applies. Functions mint through {@link mint}. Throws an `Error` with the reason for
   * invalid input.
   *
   * @example
   * ```ts
   * const { apiKey, validUntil } = await authority.issue({ validForSeconds: 60, permissions: '{"explicit":{"permissions":[]}}', cacheName: 'c', functionName: 'f' });
   * ```
   */
  async issue(request: {
    /** How long the token is valid, in seconds: 1 to {@link TokenAuthority.maxValidForSeconds}. */
    validForSeconds: number;
    /** The permissions document the token grants, as JSON text. */
    permissions: string;
    /** The `token_id` claim to embed, if any. */
    tokenId?: string | undefined;
    /** The cache of the function the token is for (its `cache` claim). */
    cacheName: string;
    /** The function the token is for (its `fn` claim). */
    functionName: string;
  }): Promise<{
    /** The signed token (an HS256 JWT), what the guest uses as its API key. */
    apiKey: string;
    /** The endpoint the token is for (the authority's `endpoint`). */
    endpoint: string;
    /** When the token expires, in epoch seconds. */
    validUntil: number;
  }> {
    return this.#sign(request, parsePermissions(request.permissions), { origin: ORIGIN_OPERATOR });
  }

  #checkValidity(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds <= 0 || seconds > this.maxValidForSeconds) {
      throw new InvalidArgument(
        `valid-for-seconds must be between 1 and ${this.maxValidForSeconds} (disposable tokens live at most ${this.maxValidForSeconds / 60} minutes); got ${seconds}`,
      );
    }
  }

  async #sign(
    request: {
      validForSeconds: number;
      tokenId?: string | undefined;
      cacheName: string;
      functionName: string;
    },
    permissions: unknown,
    marks: Record<string, unknown>,
  ): Promise<{ apiKey: string; endpoint: string; validUntil: number }> {
    const seconds = request.validForSeconds;
    this.#checkValidity(seconds);
    const issuedAt = Math.floor(this.#now() / 1000);
    const validUntil = issuedAt + seconds;
    const claims: Record<string, unknown> = {
      permissions,
      cache: request.cacheName,
      fn: request.functionName,
      ...marks,
    };
    if (request.tokenId !== undefined) claims.token_id = request.tokenId;
    const apiKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(validUntil)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.#key);
    return { apiKey, endpoint: this.#endpoint, validUntil };
  }

  /**
   * Verifies a token issued by this authority (or one sharing its secret). Throws an error
   * saying why it is not valid: expired, bad signature, malformed.
   *
   * @example
   * ```ts
   * const { tokenId, permissions } = await authority.verify(apiKey);
   * ```
   */
  async verify(token: string): Promise<VerifiedDisposableToken> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.#now()),
      });
      const minted = payload.minted_by as { cache?: unknown; function?: unknown } | undefined;
      let mintedBy: { cacheName: string; functionName: string } | undefined;
      if (payload.origin === ORIGIN_FUNCTION) {
        if (typeof minted?.cache !== 'string' || typeof minted.function !== 'string') {
          throw new Error('a function-minted token without a valid minted_by claim');
        }
        mintedBy = { cacheName: minted.cache, functionName: minted.function };
      } else if (payload.origin !== ORIGIN_OPERATOR) {
        throw new Error(
          'it was issued by an older momento-functions host, before tokens said whether a function minted them; issue a new one',
        );
      }
      return {
        ...(typeof payload.token_id === 'string' ? { tokenId: payload.token_id } : {}),
        permissions: payload.permissions,
        validUntil: payload.exp ?? 0,
        issuedBy: { cacheName: String(payload.cache ?? ''), functionName: String(payload.fn ?? '') },
        ...(mintedBy ? { mintedBy, grant: this.grantFor(mintedBy.cacheName, mintedBy.functionName) } : {}),
      };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new Error('the token has expired; generate a new one');
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
        throw new Error('the token signature is not valid (it was not issued by this host, or was altered)');
      }
      throw new Error(`the token is not valid: ${(error as Error).message}`);
    }
  }

  /** {@link verify} as a standalone function (for the server's `auth.verify`). */
  readonly verifier = (token: string): Promise<VerifiedDisposableToken> => this.verify(token);
}

/**
 * Verifies a disposable token against an authority or its secret.
 *
 * @example
 * ```ts
 * const verified = await verifyToken(apiKey, authority);
 * verified.tokenId; // 'my very secret value'
 * ```
 */
export function verifyToken(
  token: string,
  authority: TokenAuthority | Uint8Array | string,
): Promise<VerifiedDisposableToken> {
  const issuer = authority instanceof TokenAuthority ? authority : new TokenAuthority({ secret: authority });
  return issuer.verify(token);
}

/** The WIT interface name this service implements. */
export const TOKEN_INTERFACE = 'momento:token/token@1.0.0';

/** Options of {@link createTokenServices}. */
export interface TokenServiceOptions extends TokenAuthorityOptions {
  /** The authority that signs tokens (share it with the server); created from the options otherwise. */
  readonly authority?: TokenAuthority;
}

/**
 * Creates the token host service.
 *
 * @example
 * ```ts
 * const authority = new TokenAuthority();
 * const host = await createHost({ services: createTokenServices({ authority }) });
 * ```
 */
export function createTokenServices(options: TokenServiceOptions = {}): HostService[] {
  const authority = options.authority ?? new TokenAuthority(options);
  return [
    {
      interface: TOKEN_INTERFACE,
      functions: {
        generateDisposableToken: async (
          ctx: InvocationContext,
          expires: { validForSeconds: number },
          permissions: string,
          tokenId: string | undefined,
        ): Promise<WitResult<{ apiKey: string; endpoint: string; validUntil: bigint }, TokenErrorWit>> => {
          try {
            const issued = await authority.mint({
              validForSeconds: expires.validForSeconds,
              permissions,
              tokenId: tokenId ?? undefined,
              cacheName: ctx.cacheName,
              functionName: ctx.functionName,
            });
            return { tag: 'ok', val: { ...issued, validUntil: BigInt(issued.validUntil) } };
          } catch (error) {
            if (error instanceof InvalidArgument)
              return { tag: 'err', val: { tag: 'invalid-argument', val: error.message } };
            if (error instanceof PermissionDenied)
              return { tag: 'err', val: { tag: 'permission-denied', val: error.message } };
            console.warn(`[momento-functions] token generation failed: ${String(error)}`);
            return { tag: 'err', val: { tag: 'internal-error' } };
          }
        },
      },
    },
  ];
}

/**
 * The permissions document a {@link FunctionTokenGrant} gives function(s) of `cache`: its
 * `maxPermissions` (default {@link defaultFunctionGrant}) plus a `FunctionInvoke` entry per
 * `allowInvoke` pattern. Throws with the reason for a grant that is not valid.
 *
 * @example
 * ```ts
 * resolveFunctionGrant('demo', { allowInvoke: ['report'] }).explicit.permissions.length; // 3
 * ```
 */
export function resolveFunctionGrant(cache: string, grant: FunctionTokenGrant): PermissionsDocument {
  let base: PermissionsDocument;
  if (grant.maxPermissions === undefined) base = defaultFunctionGrant(cache);
  else {
    const json =
      typeof grant.maxPermissions === 'string' ? grant.maxPermissions : JSON.stringify(grant.maxPermissions);
    try {
      base = parsePermissions(json) as PermissionsDocument;
    } catch (error) {
      throw new Error(`maxPermissions: ${(error as Error).message}`);
    }
  }
  const extra = (grant.allowInvoke ?? []).map((pattern) => invokeEntry(pattern, cache));
  return { explicit: { permissions: [...base.explicit.permissions, ...extra] } };
}
