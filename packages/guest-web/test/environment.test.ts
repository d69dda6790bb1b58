import { describe, expect, it } from 'vitest';
import { freshInstance, value } from './helpers.js';

describe('environment()', () => {
  it('makes no host call until a property is read (ping reads nothing)', async () => {
    const { gw, host } = await freshInstance();
    gw.environment();
    gw.web(() => 'pong').invoke(value('x'));
    expect(host.calls).toEqual([]);
  });

  it('headers: the list in host order, a lowercase map where the last value wins, case-insensitive lookup', async () => {
    const { gw, host } = await freshInstance();
    host.headers = [
      { name: 'X-Amz-Target', value: 'DynamoDB_20120810.GetItem' },
      { name: 'accept', value: 'a' },
      { name: 'Accept', value: 'b' },
    ];
    const env = gw.environment();
    expect(env.headerList).toEqual(host.headers);
    expect([...env.headers]).toEqual([
      ['x-amz-target', 'DynamoDB_20120810.GetItem'],
      ['accept', 'b'],
    ]);
    expect(env.header('x-amz-target')).toBe('DynamoDB_20120810.GetItem');
    expect(env.header('X-AMZ-TARGET')).toBe('DynamoDB_20120810.GetItem');
    expect(env.header('ACCEPT')).toBe('b');
    expect(env.header('missing')).toBeUndefined();
  });

  it('calls each take-once host function once per instance, however often it is read', async () => {
    const { gw, host } = await freshInstance();
    host.headers = [{ name: 'a', value: '1' }];
    host.query = [{ name: 'q', value: 'x' }];
    host.token = 'token-id';
    host.path = 'foo/bar';
    for (let i = 0; i < 3; i++) {
      const env = gw.environment();
      expect(env.headerList).toEqual([{ name: 'a', value: '1' }]);
      expect(env.header('A')).toBe('1');
      expect(env.queryParameter('q')).toBe('x');
      expect(env.queryParameterList).toEqual([{ name: 'q', value: 'x' }]);
      expect(env.tokenMetadata).toBe('token-id');
      expect(env.path).toBe('foo/bar');
      expect(env.method).toBe('POST');
    }
    const counts = Object.fromEntries(
      ['headers', 'query-parameters', 'token-metadata', 'invocation-path', 'http-method'].map((fn) => [
        fn,
        host.calls.filter((c) => c.fn === fn).length,
      ]),
    );
    expect(counts).toEqual({
      headers: 1,
      'query-parameters': 1,
      'token-metadata': 1,
      'invocation-path': 1,
      'http-method': 1,
    });
  });

  it('a fresh instance asks the host again', async () => {
    const first = await freshInstance();
    first.host.method = 'GET';
    expect(first.gw.environment().method).toBe('GET');
    const second = await freshInstance();
    second.host.method = 'PUT';
    expect(second.gw.environment().method).toBe('PUT');
    expect(second.host.calls).toEqual([{ fn: 'http-method' }]);
  });

  it('query parameters: list keeps repeats, map is case-sensitive and last wins', async () => {
    const { gw, host } = await freshInstance();
    host.query = [
      { name: 'tag', value: 'a' },
      { name: 'tag', value: 'b' },
      { name: 'Tag', value: 'C' },
    ];
    const env = gw.environment();
    expect(env.queryParameterList.map((p) => p.value)).toEqual(['a', 'b', 'C']);
    expect(env.queryParameter('tag')).toBe('b');
    expect(env.queryParameter('Tag')).toBe('C');
    expect(env.queryParameters.size).toBe(2);
  });

  it('token metadata is undefined when the host has none (and still asked only once)', async () => {
    const { gw, host } = await freshInstance();
    expect(gw.environment().tokenMetadata).toBeUndefined();
    expect(gw.environment().tokenMetadata).toBeUndefined();
    expect(host.calls).toEqual([{ fn: 'token-metadata' }]);
  });

  it('path: the host value unchanged, "" when the host returns none', async () => {
    for (const [given, seen] of [
      [undefined, ''],
      ['foo/bar', 'foo/bar'],
      ['/search/me', '/search/me'],
      ['', ''],
    ] as const) {
      const { gw, host } = await freshInstance();
      host.path = given;
      expect(gw.environment().path).toBe(seen);
    }
  });

  it('pathSegments ignores leading, trailing and doubled slashes', async () => {
    for (const [given, segments] of [
      [undefined, []],
      ['/', []],
      ['foo/bar', ['foo', 'bar']],
      ['/search/me/', ['search', 'me']],
      ['//a//b', ['a', 'b']],
    ] as const) {
      const { gw, host } = await freshInstance();
      host.path = given;
      expect(gw.environment().pathSegments).toEqual(segments);
      expect(gw.environment().pathSegments).toEqual(segments);
      expect(host.calls).toEqual([{ fn: 'invocation-path' }]);
    }
  });

  it('cache name, function name and invocation id come from the environment variables', async () => {
    const { gw, host } = await freshInstance();
    host.env = [
      ['__CACHE_NAME', 'my-cache'],
      ['__FUNCTION_NAME', 'greeter'],
      ['__INVOCATION_ID', 'inv-1'],
      ['UPSTREAM', 'https://example.com'],
    ];
    const env = gw.environment();
    expect([env.cacheName, env.functionName, env.invocationId]).toEqual(['my-cache', 'greeter', 'inv-1']);
    expect(gw.env('UPSTREAM')).toBe('https://example.com');
    expect(gw.env('upstream')).toBeUndefined();
    expect(gw.environmentVariables().get('__CACHE_NAME')).toBe('my-cache');
    expect(gw.environmentVariables().size).toBe(4);
    expect(host.calls).toEqual([{ fn: 'get-environment' }]);
    expect(host.calls.some((c) => c.fn === 'invocation-id')).toBe(false);
  });

  it('missing identity variables read as <not found>, like the crate', async () => {
    const { gw } = await freshInstance();
    const env = gw.environment();
    expect([env.cacheName, env.functionName, env.invocationId]).toEqual([
      '<not found>',
      '<not found>',
      '<not found>',
    ]);
    expect(gw.env('ANYTHING')).toBeUndefined();
  });
});
