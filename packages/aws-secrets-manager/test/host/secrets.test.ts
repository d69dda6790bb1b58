// momento:aws-secrets host service against the local fake Secrets Manager (JSON 1.1, SigV4 verified).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeAws, startFakeAws } from '../../../aws-auth/test/support/fake-aws.js';
import { clientOf, context, type Outcome, services } from '../../../aws-auth/test/support/host.js';

const req = (secretId: string, allowedStalenessSeconds = 0n, extra: Record<string, unknown> = {}) => ({
  secretId,
  versionId: undefined,
  versionStage: undefined,
  allowedStalenessSeconds,
  ...extra,
});

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
  aws.secrets.set('app/token', { SecretString: '{"token":"abc"}' });
  aws.secrets.set('app/both', {
    SecretString: 'text',
    SecretBinary: Buffer.from([1, 2, 3]).toString('base64'),
  });
});
afterAll(async () => aws.close());
const fetches = () => aws.calls.filter((c) => c.service === 'secretsmanager').length;

describe('get-secret-value', () => {
  it('returns the string secret and the version fields', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'secrets');
    expect(
      await s.call(
        'secrets',
        '[method]client.get-secret-value',
        context(),
        client,
        req('app/token', 0n, { versionStage: 'AWSPREVIOUS' }),
      ),
    ).toEqual({
      tag: 'ok',
      val: {
        arn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:app/token-AbCdEf',
        createdDateEpochSeconds: 1523477145n,
        name: 'app/token',
        secret: { tag: 'secret-string', val: '{"token":"abc"}' },
        versionId: 'version-1',
        versionStages: ['AWSPREVIOUS'],
      },
    });
    expect(JSON.parse(aws.calls.at(-1)?.body.toString() ?? '')).toEqual({
      SecretId: 'app/token',
      VersionStage: 'AWSPREVIOUS',
    });
    expect(aws.calls.at(-1)?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    await s.close();
  });

  it('prefers bytes when AWS returns both', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'secrets');
    const out = await s.call<Outcome<{ secret: unknown }>>(
      'secrets',
      '[method]client.get-secret-value',
      context(),
      client,
      req('app/both'),
    );
    expect((out.val as { secret: unknown }).secret).toEqual({
      tag: 'secret-bytes',
      val: new Uint8Array([1, 2, 3]),
    });
    await s.close();
  });

  it('serves from the per-function cache within the staleness, measured from the first fetch', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const s = services(aws.url);
      const client = await clientOf(s, 'secrets', undefined, context('fn-a'));
      const get = (fn: string, staleness: bigint) =>
        s.call<Outcome>(
          'secrets',
          '[method]client.get-secret-value',
          context(fn),
          client,
          req('app/token', staleness),
        );
      const start = fetches();
      await get('fn-a', 300n);
      expect(fetches() - start).toBe(1);
      vi.advanceTimersByTime(200_000);
      await get('fn-a', 300n); // cached 200 s ago: served
      expect(fetches() - start).toBe(1);
      await get('fn-b', 300n); // another function never sees fn-a's copy
      expect(fetches() - start).toBe(2);
      vi.advanceTimersByTime(100_001);
      await get('fn-a', 300n); // first cached 300.001 s ago: fetched again (serving did not refresh it)
      expect(fetches() - start).toBe(3);
      await get('fn-a', 0n); // 0: always fetch
      await get('fn-a', 0n);
      expect(fetches() - start).toBe(5);
      aws.secrets.set('app/token', { SecretString: '{"token":"rotated"}' });
      const after = await get('fn-a', 10n); // the last fetch (0 s ago) is fresh enough
      expect(after).toMatchObject({
        tag: 'ok',
        val: { secret: { tag: 'secret-string', val: '{"token":"abc"}' } },
      });
      expect(fetches() - start).toBe(5);
      await s.close();
    } finally {
      vi.useRealTimers();
      aws.secrets.set('app/token', { SecretString: '{"token":"abc"}' });
    }
  });

  it('maps ResourceNotFoundException to not-found, AccessDenied to unauthorized, InvalidParameter to malformed', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'secrets');
    expect(
      await s.call('secrets', '[method]client.get-secret-value', context(), client, req('missing')),
    ).toEqual({ tag: 'err', val: { tag: 'not-found' } });
    expect(
      await s.call('secrets', '[method]client.get-secret-value', context(), client, req('denied-secret')),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'unauthorized',
        val: "Secrets Manager GetSecretValue 'denied-secret' failed: AccessDeniedException: not allowed (HTTP 400, request id RID-1); check that the credentials' policy allows secretsmanager:GetSecretValue on this secret",
      },
    });
    expect(await s.call('secrets', '[method]client.get-secret-value', context(), client, req(''))).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: "Secrets Manager GetSecretValue '' failed: InvalidParameterException: You must provide a SecretId (HTTP 400, request id RID-1)",
      },
    });
    aws.failNext('secretsmanager', 500, '{"__type":"InternalServiceError","message":"boom"}', {
      'content-type': 'application/x-amz-json-1.1',
    });
    expect(
      await s.call('secrets', '[method]client.get-secret-value', context(), client, req('app/token')),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'other',
        val: "Secrets Manager GetSecretValue 'app/token' failed: InternalServiceError: boom (HTTP 500)",
      },
    });
    await s.close();
  });
});
