/**
 * What a function may mint (its token grant) and how the server treats minted tokens: the
 * capping logic as units, with no guest (escalation.test.ts runs it end to end).
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminDecision, invokeDecision, isAdmin, withoutCredentials } from '../../src/server/auth.js';
import { validateConfig } from '../../src/server/config.js';
import {
  checkWithinGrant,
  createTokenServices,
  defaultFunctionGrant,
  invokeEntry,
  resolveFunctionGrant,
  TokenAuthority,
} from '../../src/services/token/index.js';

const doc = (...permissions: unknown[]) => ({ explicit: { permissions } });
const fnPerm = (entry: Record<string, unknown>) => ({ function_permissions: entry });
const cachePerm = (entry: Record<string, unknown>) => ({ cache_permissions: entry });
const topicPerm = (entry: Record<string, unknown>) => ({ topic_permissions: entry });
const invokeAll = doc(fnPerm({ role: 'FunctionInvoke', all_caches: null, all_functions: null }));
// As the crates write one function: null all_* flags next to the selectors (docs/decisions.md D15).
const invokeOne = (cache: string, name: string) =>
  doc(
    fnPerm({
      role: 'FunctionInvoke',
      all_caches: null,
      cache_selector: { cacheName: cache },
      all_functions: null,
      function_selector: { function_name: name },
    }),
  );
const bytes = (text: string) => [...Buffer.from(text)];

describe('checkWithinGrant (mint-time cap)', () => {
  const own = defaultFunctionGrant('demo');

  it('the default grant: its own cache read-write, items and topics, and nothing that invokes', () => {
    const ok = [
      cachePerm({ role: 'CacheReadWrite', cache_selector: { cacheName: 'demo' }, all_items: null }),
      cachePerm({
        role: 'CacheReadOnly',
        cache_selector: { cacheName: 'demo' },
        item_selector: { key: bytes('k') },
      }),
      cachePerm({
        role: 'CacheWriteOnly',
        cache_selector: { cacheName: 'demo' },
        item_selector: { key_prefix: bytes('p-') },
      }),
      topicPerm({
        role: 'TopicReadOnly',
        all_caches: null,
        cache_selector: { cacheName: 'demo' },
        all_topics: null,
        topic_selector: { topic_name_prefix: 'n-' },
      }),
      cachePerm({ role: 'CachePermitNone', all_caches: null, all_items: null }), // only takes away
    ];
    for (const entry of ok)
      expect(checkWithinGrant(doc(entry), own), JSON.stringify(entry)).toEqual({ allowed: true });
    const refused = [
      invokeAll,
      invokeOne('demo', 'ping'),
      doc(cachePerm({ role: 'CacheReadWrite', cache_selector: { cacheName: 'other' }, all_items: null })),
      doc(cachePerm({ role: 'CacheReadOnly', all_caches: null, all_items: null })), // all caches
      doc(topicPerm({ role: 'TopicReadWrite', all_caches: null, all_topics: null })),
      doc(cachePerm({ role: 'CacheReadWrite' })), // scopes left unset count as everything
    ];
    for (const request of refused) {
      const decision = checkWithinGrant(request, own);
      expect(decision.allowed, JSON.stringify(request)).toBe(false);
    }
    const why = checkWithinGrant(invokeAll, own);
    expect(!why.allowed && why.reason).toContain(
      'permission 0 (FunctionInvoke on all caches, all functions) is more than this function may grant',
    );
    expect(!why.allowed && why.reason).toContain('CacheReadWrite on cache demo, all items');
  });

  it('roles: read-write covers read-only and write-only, not the other way round', () => {
    const readOnly = doc(
      cachePerm({ role: 'CacheReadOnly', cache_selector: { cacheName: 'c' }, all_items: null }),
    );
    const want = (role: string) =>
      doc(cachePerm({ role, cache_selector: { cacheName: 'c' }, all_items: null }));
    expect(checkWithinGrant(want('CacheReadOnly'), readOnly).allowed).toBe(true);
    expect(checkWithinGrant(want('CacheWriteOnly'), readOnly).allowed).toBe(false);
    expect(checkWithinGrant(want('CacheReadWrite'), readOnly).allowed).toBe(false);
  });

  it('scopes: a prefix covers names and longer prefixes under it; a name covers only itself', () => {
    const grant = resolveFunctionGrant('demo', {
      maxPermissions: doc(),
      allowInvoke: ['report-*', 'jobs/run'],
    });
    expect(checkWithinGrant(invokeOne('demo', 'report-daily'), grant).allowed).toBe(true);
    expect(
      checkWithinGrant(
        doc(
          fnPerm({
            role: 'FunctionInvoke',
            cache_selector: { cacheName: 'demo' },
            function_selector: { function_name_prefix: 'report-d' },
          }),
        ),
        grant,
      ).allowed,
    ).toBe(true);
    expect(
      checkWithinGrant(
        doc(
          fnPerm({
            role: 'FunctionInvoke',
            cache_selector: { cacheName: 'demo' },
            function_selector: { function_name_prefix: 'rep' },
          }),
        ),
        grant,
      ).allowed,
    ).toBe(false);
    expect(checkWithinGrant(invokeOne('jobs', 'run'), grant).allowed).toBe(true);
    expect(checkWithinGrant(invokeOne('jobs', 'run2'), grant).allowed).toBe(false);
    expect(checkWithinGrant(invokeOne('other', 'report-daily'), grant).allowed).toBe(false);
    expect(checkWithinGrant(invokeAll, grant).allowed).toBe(false);
  });

  it('a PermitNone entry of the grant excludes what it names even under a wider grant', () => {
    const grant = doc(
      fnPerm({ role: 'FunctionInvoke', cache_selector: { cacheName: 'demo' }, all_functions: null }),
      fnPerm({
        role: 'FunctionPermitNone',
        cache_selector: { cacheName: 'demo' },
        function_selector: { function_name_prefix: 'admin-' },
      }),
    );
    expect(checkWithinGrant(invokeOne('demo', 'ping'), grant).allowed).toBe(true);
    const refused = checkWithinGrant(invokeOne('demo', 'admin-reset'), grant);
    expect(!refused.allowed && refused.reason).toContain('its grant excludes');
    expect(
      checkWithinGrant(
        doc(fnPerm({ role: 'FunctionInvoke', cache_selector: { cacheName: 'demo' }, all_functions: null })),
        grant,
      ).allowed,
    ).toBe(false);
  });

  it('allowInvoke patterns and bad grants', () => {
    expect(invokeEntry('ping', 'demo')).toEqual(
      fnPerm({
        role: 'FunctionInvoke',
        cache_selector: { cacheName: 'demo' },
        function_selector: { function_name: 'ping' },
      }),
    );
    expect(invokeEntry('*/*', 'demo')).toEqual(
      fnPerm({ role: 'FunctionInvoke', all_caches: null, all_functions: null }),
    );
    expect(invokeEntry('jobs/*', 'demo')).toEqual(
      fnPerm({ role: 'FunctionInvoke', cache_selector: { cacheName: 'jobs' }, all_functions: null }),
    );
    expect(() => invokeEntry('a/b/c', 'demo')).toThrow(/allowInvoke entry "a\/b\/c"/);
    expect(() => invokeEntry('a*b', 'demo')).toThrow(/allowInvoke/);
    expect(() => resolveFunctionGrant('demo', { maxPermissions: { nope: 1 } })).toThrow(/^maxPermissions: /);
    expect(resolveFunctionGrant('demo', { allowInvoke: ['ping'] }).explicit.permissions).toHaveLength(3);
  });

  it('the config file takes functions[].tokens and auth.forwardAuthorization, and says what is wrong', () => {
    const config = validateConfig(
      {
        functions: [{ name: 'mint', entry: 'm.wasm', tokens: { allowInvoke: ['ping'] } }],
        auth: { enabled: true, forwardAuthorization: false },
      },
      '/srv',
    );
    expect(config.functions[0]!.tokens).toEqual({ allowInvoke: ['ping'] });
    expect(() =>
      validateConfig(
        { functions: [{ name: 'm', entry: 'm.wasm', tokens: { allowInvoke: 'ping' } }] },
        '/srv',
      ),
    ).toThrow(/functions\[0\]\.tokens\.allowInvoke must be an array/);
    expect(() =>
      validateConfig({ functions: [{ name: 'm', entry: 'm.wasm', tokens: { maxPermission: {} } }] }, '/srv'),
    ).toThrow(/unknown field "maxPermission"/);
    expect(() =>
      validateConfig({ functions: [{ name: 'm', entry: 'm.wasm', tokens: { maxPermissions: [] } }] }, '/srv'),
    ).toThrow(/functions\[0\]\.tokens: maxPermissions: /);
    expect(() => validateConfig({ functions: [], auth: { forward: true } }, '/srv')).toThrow(
      /auth has unknown field "forward"/,
    );
  });
});

describe("TokenAuthority: minting on the function's authority", () => {
  const ctx = (cacheName: string, functionName: string) => ({
    functionName,
    cacheName,
    invocationId: 'i',
    signal: new AbortController().signal,
  });
  const mint = async (authority: TokenAuthority, cache: string, fn: string, permissions: unknown) =>
    (
      createTokenServices({ authority })[0]!.functions.generateDisposableToken as (
        ...a: unknown[]
      ) => Promise<{ tag: string; val: { tag?: string; val?: string; apiKey?: string } }>
    )(ctx(cache, fn), { validForSeconds: 60 }, JSON.stringify(permissions), undefined);

  it('refuses more than the grant with permission-denied, and marks what it mints', async () => {
    const authority = new TokenAuthority({ functionGrants: { 'demo/mint': { allowInvoke: ['ping'] } } });
    const refused = await mint(authority, 'demo', 'mint', invokeAll);
    expect(refused).toMatchObject({ tag: 'err', val: { tag: 'permission-denied' } });
    expect(refused.val.val).toContain('demo/mint may not mint this token');
    const ok = await mint(authority, 'demo', 'mint', invokeOne('demo', 'ping'));
    expect(ok.tag).toBe('ok');
    const verified = await authority.verify(ok.val.apiKey!);
    expect(verified.mintedBy).toEqual({ cacheName: 'demo', functionName: 'mint' });
    expect(verified.grant).toEqual(resolveFunctionGrant('demo', { allowInvoke: ['ping'] }));
    // Without configuration: the default grant, so no FunctionInvoke at all.
    expect(await mint(authority, 'demo', 'other', invokeOne('demo', 'ping'))).toMatchObject({
      tag: 'err',
      val: { tag: 'permission-denied' },
    });
    // An operator's token (issue) has no minted_by and no grant.
    const operator = await authority.issue({
      validForSeconds: 60,
      permissions: JSON.stringify(invokeAll),
      cacheName: '*',
      functionName: 'momento-functions token',
    });
    const op = await authority.verify(operator.apiKey);
    expect(op.mintedBy).toBeUndefined();
    expect(op.grant).toBeUndefined();
  });

  it('a grant changed later applies to tokens already minted (verify returns the grant now)', async () => {
    const authority = new TokenAuthority();
    authority.setFunctionGrant('demo', 'mint', { allowInvoke: ['*/*'] });
    const ok = await mint(authority, 'demo', 'mint', invokeAll);
    expect(ok.tag).toBe('ok');
    authority.setFunctionGrant('demo', 'mint', undefined);
    const verified = await authority.verify(ok.val.apiKey!);
    expect(invokeDecision(verified, 'demo', 'ping')).toMatchObject({ allowed: false });
  });

  it('refuses tokens from before the origin claim existed', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const old = await new SignJWT({ permissions: invokeAll, cache: 'demo', fn: 'mint' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('momento-functions-host')
      .setAudience('momento-functions')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    await expect(new TokenAuthority({ secret }).verify(old)).rejects.toThrow(
      /the token is not valid: it was issued by an older momento-functions host/,
    );
  });
});

describe('server decisions on verified tokens', () => {
  const minted = (permissions: unknown, grant: unknown) => ({
    permissions,
    mintedBy: { cacheName: 'demo', functionName: 'mint' },
    grant,
  });

  it("a minted token invokes only what both its permissions and its minter's grant allow", () => {
    const grant = resolveFunctionGrant('demo', { allowInvoke: ['ping'] });
    expect(invokeDecision(minted(invokeAll, grant), 'demo', 'ping')).toEqual({ allowed: true });
    const other = invokeDecision(minted(invokeAll, grant), 'demo', 'other');
    expect(!other.allowed && other.reason).toContain(
      'it was minted by function demo/mint, which may not delegate invoking demo/other',
    );
    expect(invokeDecision(minted(invokeAll, grant), 'other-cache', 'ping').allowed).toBe(false);
    expect(invokeDecision(minted(invokeOne('demo', 'other'), grant), 'demo', 'other').allowed).toBe(false);
    // No grant known: nothing.
    expect(
      invokeDecision({ permissions: invokeAll, mintedBy: { cacheName: 'x', functionName: 'y' } }, 'x', 'y')
        .allowed,
    ).toBe(false);
    // An operator's token: its permissions alone.
    expect(invokeDecision({ permissions: invokeAll }, 'any', 'thing')).toEqual({ allowed: true });
  });

  it('admin routes: never a minted token; an operator token with invoke on everything', () => {
    const wide = resolveFunctionGrant('demo', { allowInvoke: ['*/*'] });
    const refused = adminDecision(minted(invokeAll, wide));
    expect(!refused.allowed && refused.reason).toContain(
      'tokens minted by functions never open admin routes',
    );
    expect(adminDecision({ permissions: invokeAll })).toEqual({ allowed: true });
    expect(adminDecision({ permissions: invokeOne('demo', 'ping') }).allowed).toBe(false);
  });

  it('isAdmin: a selector next to a null all_* flag is one cache/function, not all (docs/decisions.md D15)', () => {
    expect(isAdmin(invokeAll)).toBe(true);
    expect(isAdmin(JSON.stringify(invokeAll))).toBe(true);
    expect(isAdmin(invokeOne('demo', 'ping'))).toBe(false);
    expect(
      isAdmin(
        doc(
          ...invokeAll.explicit.permissions,
          fnPerm({ role: 'FunctionPermitNone', all_caches: null, function_selector: { function_name: 'x' } }),
        ),
      ),
    ).toBe(false);
    expect(isAdmin('not json')).toBe(false);
  });

  it('withoutCredentials drops authorization and x-momento-authorization, whatever their case', () => {
    expect(
      withoutCredentials([
        ['Authorization', 'k'],
        ['x-momento-authorization', 'k2'],
        ['x-a', '1'],
      ]),
    ).toEqual([['x-a', '1']]);
  });
});
