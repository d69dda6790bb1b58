import { afterEach, describe, expect, it } from 'vitest';
import {
  createTokenServices,
  parsePermissions,
  TokenAuthority,
  verifyToken,
} from '../../runtime/src/services/token/index.js';
import {
  CachePermissions,
  FunctionPermissions,
  generateDisposableToken,
  Permissions,
  TokenError,
  TopicPermissions,
} from '../src/index.js';
import { answerNext, calls } from './fake-token.js';

const TVM_JSON =
  '{"explicit":{"permissions":[{"cache_permissions":{"role":"CacheReadWrite","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_items":null}},{"topic_permissions":{"role":"TopicReadOnly","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_topics":null,"topic_selector":{"topic_name_prefix":"notification-"}}}]}}';

const tvmPermissions = () =>
  new Permissions()
    .withCache(CachePermissions.readWrite().withCache('foo'))
    .withTopic(TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-'));

describe('permissions JSON (reference §2.9)', () => {
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

  it('refuses a scope that is both "all" and a selector (reference §8.15)', async () => {
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
