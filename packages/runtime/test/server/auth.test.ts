import { describe, expect, it } from 'vitest';
import { canInvoke, tokenFromHeaders } from '../../src/server/auth.js';

const perms = (...entries: Record<string, unknown>[]) => ({
  explicit: { permissions: entries.map((e) => ({ function_permissions: e })) },
});

describe('canInvoke', () => {
  it('grants FunctionInvoke on all caches and functions', () => {
    expect(
      canInvoke(perms({ role: 'FunctionInvoke', all_caches: null, all_functions: null }), 'c', 'f'),
    ).toEqual({
      allowed: true,
    });
  });

  it('lets a present selector win over a null all_* field, as the crates write them (docs/decisions.md D15)', () => {
    const p = perms({
      role: 'FunctionInvoke',
      all_caches: null,
      cache_selector: { cacheName: 'foo' },
      all_functions: null,
      function_selector: { function_name: 'f' },
    });
    expect(canInvoke(p, 'foo', 'f').allowed).toBe(true);
    expect(canInvoke(p, 'bar', 'f').allowed).toBe(false);
    expect(canInvoke(p, 'foo', 'g').allowed).toBe(false);
  });

  it('matches cache and function selectors and prefixes', () => {
    const p = perms({
      role: 'FunctionInvoke',
      cache_selector: { cacheName: 'c' },
      function_selector: { function_name_prefix: 'get-' },
    });
    expect(canInvoke(p, 'c', 'get-user').allowed).toBe(true);
    expect(canInvoke(p, 'c', 'put-user')).toMatchObject({ allowed: false });
    expect(canInvoke(p, 'other', 'get-user').allowed).toBe(false);
    const exact = perms({
      role: 'FunctionInvoke',
      all_caches: null,
      function_selector: { function_name: 'f' },
    });
    expect(canInvoke(JSON.stringify(exact), 'any', 'f').allowed).toBe(true);
    expect(canInvoke(JSON.stringify(exact), 'any', 'ff').allowed).toBe(false);
  });

  it('denies when only cache or topic permissions are present, or a PermitNone matches', () => {
    const cacheOnly = {
      explicit: { permissions: [{ cache_permissions: { role: 'CacheReadWrite', all_caches: null } }] },
    };
    const d = canInvoke(cacheOnly, 'c', 'f');
    expect(d).toMatchObject({ allowed: false });
    expect(!d.allowed && d.reason).toContain('no FunctionInvoke permission');
    const denied = perms(
      { role: 'FunctionInvoke', all_caches: null, all_functions: null },
      { role: 'FunctionPermitNone', all_caches: null, function_selector: { function_name: 'secret' } },
    );
    expect(canInvoke(denied, 'c', 'secret').allowed).toBe(false);
    expect(canInvoke(denied, 'c', 'public').allowed).toBe(true);
    expect(canInvoke('not json', 'c', 'f')).toMatchObject({ allowed: false });
  });
});

describe('tokenFromHeaders', () => {
  it('reads the raw key, a bearer token, or x-momento-authorization', () => {
    expect(tokenFromHeaders({ authorization: 'abc' })).toBe('abc');
    expect(tokenFromHeaders({ authorization: 'Bearer abc' })).toBe('abc');
    expect(tokenFromHeaders({ 'x-momento-authorization': 'xyz' })).toBe('xyz');
    expect(tokenFromHeaders({})).toBeUndefined();
  });
});
