import {
  createTokenServices,
  parsePermissions,
  TokenAuthority,
  verifyToken,
} from '@momento-functions/runtime/services/token';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CacheItemSelector,
  CachePermissions,
  type CacheSelector,
  type ExplicitPermissions,
  FunctionPermissions,
  type FunctionSelector,
  generateDisposableToken,
  Permissions,
  type PermissionsType,
  TokenError,
  TopicPermissions,
  type TopicSelector,
} from '../src/index.js';
import { answerNext, calls } from './fake-token.js';

const TVM_JSON =
  '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadWrite","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_items":null}},{"topic_permissions":{"role":"TopicReadOnly","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_topics":null,"topic_selector":{"topic_name_prefix":"notification-"}}}]}}';

const tvmPermissions = () =>
  new Permissions()
    .withCache(CachePermissions.readWrite().withCache('foo'))
    .withTopic(TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-'));

describe('permissions JSON (the crates permissions JSON (docs/topics-logs-tokens.md))', () => {
  it('is byte-identical to the token-vending-machine permissions (§4 E)', () => {
    expect(tvmPermissions().toJson()).toBe(TVM_JSON);
  });

  it('keeps serde field order whatever order the builders run in, and omits unset fields', () => {
    expect(
      new Permissions()
        .withCache(new CachePermissions().withKey('k').withCache('c').withRole('CacheReadOnly'))
        .toJson(),
    ).toBe(
      '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadOnly","cache_selector":{"cacheName":"c"},"item_selector":{"key":[107]}}}]}}',
    );
    expect(
      new Permissions().withCache(CachePermissions.writeOnly().withKeyPrefix(Uint8Array.of(0, 255))).toJson(),
    ).toBe(
      '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheWriteOnly","all_caches":null,"all_items":null,"item_selector":{"key_prefix":[0,255]}}}]}}',
    );
    expect(
      new Permissions()
        .withFunction(FunctionPermissions.invoke().withFunctionPrefix('pub-'))
        .withTopic(new TopicPermissions().withTopic('t'))
        .toJson(),
    ).toBe(
      '{"explicit":{"permissions":[{"function_permissions":{"role":"FunctionInvoke","all_caches":null,"all_functions":null,"function_selector":{"function_name_prefix":"pub-"}}},{"topic_permissions":{"role":"TopicPermitNone","topic_selector":{"topic_name":"t"}}}]}}',
    );
    expect(new Permissions().withFunction(new FunctionPermissions().withFunction('f')).toJson()).toContain(
      '{"role":"FunctionPermitNone","function_selector":{"function_name":"f"}}',
    );
    expect(TopicPermissions.readWrite().withCache('x').withAllTopics()).toEqual(
      TopicPermissions.readWrite().withCache('x'),
    );
    expect(() => parsePermissions(tvmPermissions().toJson())).not.toThrow();
  });
});

describe('ExplicitPermissions, PermissionsType and the selectors (crate types)', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);

  it('selectors write the crate JSON byte for byte, like the name-taking builders', () => {
    const cache: CacheSelector = { cacheName: 'foo' };
    const key: CacheItemSelector = { key: utf8('k') };
    const prefix: CacheItemSelector = { keyPrefix: Uint8Array.of(0, 255) };
    const topic: TopicSelector = { topicName: 't' };
    const topicPrefix: TopicSelector = { topicNamePrefix: 'notification-' };
    const fn: FunctionSelector = { functionName: 'f' };
    const fnPrefix: FunctionSelector = { functionNamePrefix: 'pub-' };
    const viaSelectors = new Permissions()
      .withCache(CachePermissions.readWrite().withCacheSelector(cache))
      .withTopic(TopicPermissions.readOnly().withCacheSelector(cache).withTopicSelector(topicPrefix));
    expect(viaSelectors.toJson()).toBe(TVM_JSON);
    expect(new CachePermissions().withItemSelector(key).toJsonFields()).toBe(
      new CachePermissions().withKey('k').toJsonFields(),
    );
    expect(new CachePermissions().withItemSelector(prefix).toJsonFields()).toBe(
      '{"role":"CachePermitNone","item_selector":{"key_prefix":[0,255]}}',
    );
    expect(new TopicPermissions().withTopicSelector(topic).toJsonFields()).toBe(
      '{"role":"TopicPermitNone","topic_selector":{"topic_name":"t"}}',
    );
    expect(new FunctionPermissions().withFunctionSelector(fn).toJsonFields()).toBe(
      '{"role":"FunctionPermitNone","function_selector":{"function_name":"f"}}',
    );
    expect(
      FunctionPermissions.invoke().withCacheSelector(cache).withFunctionSelector(fnPrefix).toJsonFields(),
    ).toBe(
      '{"role":"FunctionInvoke","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_functions":null,"function_selector":{"function_name_prefix":"pub-"}}',
    );
    // Escapes as serde_json does (non-ASCII raw, quotes escaped).
    expect(new TopicPermissions().withTopicSelector({ topicName: 'é"\n' }).toJsonFields()).toBe(
      '{"role":"TopicPermitNone","topic_selector":{"topic_name":"é\\"\\n"}}',
    );
  });

  it('reads back what the builders set', () => {
    const c = CachePermissions.readOnly().withCache('foo').withKeyPrefix('user:');
    expect([c.role, c.allCaches, c.cacheSelector, c.allItems, c.itemSelector]).toEqual([
      'CacheReadOnly',
      true,
      { cacheName: 'foo' },
      true,
      { keyPrefix: utf8('user:') },
    ]);
    expect(new CachePermissions().withKey(Uint8Array.of(7)).itemSelector).toEqual({ key: Uint8Array.of(7) });
    const empty = new CachePermissions();
    expect([empty.role, empty.allCaches, empty.cacheSelector, empty.allItems, empty.itemSelector]).toEqual([
      'CachePermitNone',
      false,
      undefined,
      false,
      undefined,
    ]);
    const t = new TopicPermissions().withRole('TopicWriteOnly').withTopic('news');
    expect([t.role, t.allCaches, t.allTopics, t.topicSelector]).toEqual([
      'TopicWriteOnly',
      false,
      false,
      { topicName: 'news' },
    ]);
    expect(TopicPermissions.readWrite().withTopicPrefix('n-').topicSelector).toEqual({
      topicNamePrefix: 'n-',
    });
    const f = FunctionPermissions.invoke().withFunctionPrefix('p');
    expect([f.role, f.allCaches, f.allFunctions, f.functionSelector]).toEqual([
      'FunctionInvoke',
      true,
      true,
      { functionNamePrefix: 'p' },
    ]);
    expect(new FunctionPermissions().withFunction('x').functionSelector).toEqual({ functionName: 'x' });
  });

  it('builds Permissions from ExplicitPermissions and exposes its entries in order', () => {
    const entries: PermissionsType[] = [
      { cachePermissions: CachePermissions.readWrite().withCache('foo') },
      { topicPermissions: TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-') },
    ];
    const explicit: ExplicitPermissions = { permissions: entries };
    const permissions = new Permissions(explicit);
    expect(permissions.toJson()).toBe(TVM_JSON);
    expect(permissions.explicit.permissions).toEqual(entries);
    expect(tvmPermissions().explicit.permissions.map((e) => Object.keys(e)[0])).toEqual([
      'cachePermissions',
      'topicPermissions',
    ]);
    // Adding returns a new value; the old one is unchanged.
    const more = permissions.withFunction(FunctionPermissions.invoke());
    expect(permissions.explicit.permissions).toHaveLength(2);
    expect(more.explicit.permissions).toHaveLength(3);
    expect(new Permissions().explicit).toEqual({ permissions: [] });
  });

  it('refuses malformed selectors and entries with a TypeError that shows the shape', () => {
    expect(() => new CachePermissions().withCacheSelector({ name: 'x' } as never)).toThrow(
      'a CacheSelector is { cacheName: string }, got {"name":"x"}',
    );
    expect(() => new CachePermissions().withItemSelector({ key: [1] } as never)).toThrow(TypeError);
    expect(() => new TopicPermissions().withTopicSelector({} as never)).toThrow(/TopicSelector is/);
    expect(() => new FunctionPermissions().withFunctionSelector({ functionName: 1 } as never)).toThrow(
      /FunctionSelector is/,
    );
    expect(() => new Permissions({ permissions: [{ cachePermissions: {} } as never] })).toThrow(
      /a permissions entry is/,
    );
    expect(() => new Permissions([] as never)).toThrow(/takes \{ permissions/);
  });

  it('fromJson reads the crate JSON back byte for byte, "all" flags included', () => {
    const all = new Permissions()
      .withCache(
        CachePermissions.writeOnly()
          .withCache('c')
          .withKey(Uint8Array.of(0, 1, 255)),
      )
      .withTopic(new TopicPermissions().withTopic('t'))
      .withFunction(FunctionPermissions.invoke().withCache('c').withFunctionPrefix('pub-'))
      .withCache(new CachePermissions())
      .withTopic(TopicPermissions.readWrite().withTopicPrefix('p'))
      .withFunction(new FunctionPermissions().withFunction('f'));
    for (const json of [TVM_JSON, all.toJson(), '{"explicit":{"permissions":[]}}']) {
      expect(Permissions.fromJson(json).toJson()).toBe(json);
    }
    // Field order in the input does not matter; explicit nulls for selectors mean "not set".
    expect(
      Permissions.fromJson(
        '{"explicit":{"permissions":[{"cache_permissions":{"item_selector":null,"cache_selector":{"cacheName":"x"},"role":"CacheReadOnly"}}]},"extra":1}',
      ).toJson(),
    ).toBe(
      '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadOnly","cache_selector":{"cacheName":"x"}}}]}}',
    );
  });

  it('fromJson names what is wrong, serde style', () => {
    expect(() => Permissions.fromJson('{')).toThrow(/^permissions are not valid JSON/);
    expect(() => Permissions.fromJson('{}')).toThrow('<root>: missing field `explicit`');
    expect(() => Permissions.fromJson('{"explicit":{"permissions":[{"cache_permissions":{}}]}}')).toThrow(
      'explicit.permissions[0].cache_permissions: missing field `role`',
    );
    expect(() =>
      Permissions.fromJson('{"explicit":{"permissions":[{"cache_permissions":{"role":"Admin"}}]}}'),
    ).toThrow(
      'explicit.permissions[0].cache_permissions.role: unknown variant `Admin`, expected one of `CachePermitNone`, `CacheReadWrite`, `CacheReadOnly`, `CacheWriteOnly`',
    );
    expect(() => Permissions.fromJson('{"explicit":{"permissions":[{"admin_permissions":{}}]}}')).toThrow(
      'explicit.permissions[0]: unknown variant `admin_permissions`, expected one of `cache_permissions`, `topic_permissions`, `function_permissions`',
    );
    expect(() =>
      Permissions.fromJson(
        '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadOnly","item_selector":{"key":[256]}}}]}}',
      ),
    ).toThrow(/item_selector.key: invalid type, expected an array of bytes/);
    expect(() =>
      Permissions.fromJson(
        '{"explicit":{"permissions":[{"topic_permissions":{"role":"TopicReadOnly","topic_selector":{"topic":"x"}}}]}}',
      ),
    ).toThrow(/unknown variant `topic`, expected one of `topic_name`, `topic_name_prefix`/);
  });

  it('the host token service signs selector-built permissions exactly as written', async () => {
    // The function may mint invoke rights for its cache's `pub-*` functions.
    const authority = new TokenAuthority({ functionGrants: { 'foo/tvm': { allowInvoke: ['pub-*'] } } });
    const permissions = new Permissions({
      permissions: [
        {
          cachePermissions: new CachePermissions()
            .withRole('CacheReadOnly')
            .withCacheSelector({ cacheName: 'foo' })
            .withItemSelector({ keyPrefix: utf8('u:') }),
        },
        {
          topicPermissions: new TopicPermissions()
            .withRole('TopicWriteOnly')
            .withCacheSelector({ cacheName: 'foo' })
            .withTopicSelector({ topicName: 'news' }),
        },
        {
          functionPermissions: new FunctionPermissions()
            .withRole('FunctionInvoke')
            .withCacheSelector({ cacheName: 'foo' })
            .withFunctionSelector({ functionNamePrefix: 'pub-' }),
        },
      ],
    });
    expect(() => parsePermissions(permissions.toJson())).not.toThrow();
    const [service] = createTokenServices({ authority });
    const result = (await (
      service!.functions.generateDisposableToken as (
        ...a: unknown[]
      ) => Promise<{ tag: string; val: { apiKey: string } }>
    )(
      { functionName: 'tvm', cacheName: 'foo', invocationId: 'i', signal: new AbortController().signal },
      { validForSeconds: 60 },
      permissions.toJson(),
      undefined,
    )) as { tag: string; val: { apiKey: string } };
    expect(result).toMatchObject({ tag: 'ok' });
    const verified = await verifyToken(result.val.apiKey, authority);
    expect(verified.permissions).toEqual(JSON.parse(permissions.toJson()));
    expect(Permissions.fromJson(JSON.stringify(verified.permissions)).toJson()).toBe(permissions.toJson());
  });
});

describe('generateDisposableToken (guest)', () => {
  afterEach(() => {
    calls.length = 0;
  });

  it('sends the crate arguments and answers the token with a bigint expiry', () => {
    answerNext({ tag: 'ok', val: { apiKey: 'K', endpoint: 'E', validUntil: 1234n } });
    expect(generateDisposableToken(3600, tvmPermissions(), 'my very secret value')).toEqual({
      apiKey: 'K',
      endpoint: 'E',
      validUntil: 1234n,
    });
    expect(calls[0]).toEqual([{ validForSeconds: 3600 }, TVM_JSON, 'my very secret value']);
  });

  it('throws TokenError with the crate Display and Debug texts', () => {
    answerNext({ tag: 'err', val: { tag: 'permission-denied', val: 'x' } });
    let caught: unknown;
    try {
      generateDisposableToken(60, new Permissions());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TokenError);
    expect((caught as Error).message).toBe('TokenError::PermissionDenied("x")');
    expect((caught as TokenError).debug).toBe('TokenError(TokenError::PermissionDenied("x"))');
    expect(new TokenError('internal-error').message).toBe('TokenError::InternalError');
    expect(() => generateDisposableToken(-1, new Permissions())).toThrow(RangeError);
  });
});

describe('token host service', () => {
  const ctx = {
    functionName: 'tvm',
    cacheName: 'foo',
    invocationId: 'i',
    signal: new AbortController().signal,
  };
  const generate = (services: ReturnType<typeof createTokenServices>, ...args: unknown[]) =>
    (
      services[0]!.functions.generateDisposableToken as (
        ...a: unknown[]
      ) => Promise<{ tag: string; val: { apiKey: string; endpoint: string; validUntil: bigint } }>
    )(ctx, ...args);

  it('issues signed JWTs that carry token_id and permissions and verify', async () => {
    const authority = new TokenAuthority({ endpoint: 'localhost:8080' });
    const before = Math.floor(Date.now() / 1000);
    const result = await generate(
      createTokenServices({ authority }),
      { validForSeconds: 3600 },
      TVM_JSON,
      'my very secret value',
    );
    expect(result.tag).toBe('ok');
    expect(result.val.endpoint).toBe('localhost:8080');
    expect(typeof result.val.validUntil).toBe('bigint');
    expect(Number(result.val.validUntil) - before).toBeGreaterThanOrEqual(3599);
    expect(result.val.apiKey.split('.')).toHaveLength(3);
    const verified = await verifyToken(result.val.apiKey, authority);
    expect(verified.tokenId).toBe('my very secret value');
    expect(verified.permissions).toEqual(JSON.parse(TVM_JSON));
    expect(verified.issuedBy).toEqual({ cacheName: 'foo', functionName: 'tvm' });
    await expect(verifyToken(result.val.apiKey, new TokenAuthority())).rejects.toThrow(
      /signature is not valid/,
    );
    await expect(verifyToken(`${result.val.apiKey}x`, authority)).rejects.toThrow(/not valid/);
  });

  it('shares tokens between authorities with the same secret, and expires them', async () => {
    let now = Date.now();
    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const issuer = new TokenAuthority({ secret, now: () => now });
    const result = await generate(
      createTokenServices({ authority: issuer }),
      { validForSeconds: 60 },
      '{"explicit":{"permissions":[]}}',
      undefined,
    );
    expect((await verifyToken(result.val.apiKey, secret)).tokenId).toBeUndefined();
    now += 61_000;
    await expect(issuer.verify(result.val.apiKey)).rejects.toThrow(
      'the token has expired; generate a new one',
    );
  });

  it('refuses bad validity and permissions with invalid-argument', async () => {
    const services = createTokenServices();
    expect(await generate(services, { validForSeconds: 0 }, TVM_JSON, undefined)).toMatchObject({
      tag: 'err',
      val: { tag: 'invalid-argument' },
    });
    expect(await generate(services, { validForSeconds: 3601 }, TVM_JSON, undefined)).toMatchObject({
      tag: 'err',
      val: { tag: 'invalid-argument' },
    });
    expect(await generate(services, { validForSeconds: 60 }, '{', undefined)).toMatchObject({
      tag: 'err',
      val: { tag: 'invalid-argument', val: expect.stringMatching(/^permissions are not valid JSON/) },
    });
    expect(
      await generate(
        services,
        { validForSeconds: 60 },
        '{"explicit":{"permissions":[{"cache_permissions":{"role":"Admin"}}]}}',
        undefined,
      ),
    ).toMatchObject({
      tag: 'err',
      val: { tag: 'invalid-argument', val: expect.stringContaining('has role "Admin"') },
    });
    expect(() => new TokenAuthority({ secret: 'short' })).toThrow(/at least 32/);
  });

  it('refuses a scope that is both "all" and a selector (docs/decisions.md D15)', async () => {
    const both =
      '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadOnly","all_caches":{},"cache_selector":{"cacheName":"foo"},"all_items":{},"item_selector":null}}]}}';
    expect(await generate(createTokenServices(), { validForSeconds: 60 }, both, undefined)).toMatchObject({
      tag: 'err',
      val: {
        tag: 'invalid-argument',
        val: 'permission 0 (cache_permissions) sets both all_caches and cache_selector; set one and leave the other null',
      },
    });
    expect(() => parsePermissions(both.replace('"all_caches":{}', '"all_caches":null'))).not.toThrow();
  });
});
