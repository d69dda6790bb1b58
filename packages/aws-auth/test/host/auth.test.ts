// momento:aws-auth host service against the local fake STS (real sockets, SigV4 verified).
import { AwsCredentialsProvider } from '@momento-functions/runtime/services/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIED_ROLE_ARN, type FakeAws, ROLE_ARN, startFakeAws } from '../support/fake-aws.js';
import { context, hardcoded, type Outcome, services } from '../support/host.js';

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(async () => aws.close());

describe('provider', () => {
  it('returns a credentials-provider resource holding hard-coded keys and the region', async () => {
    const s = services(aws.url);
    const out = await s.call<Outcome<AwsCredentialsProvider>>(
      'auth',
      'provider',
      context(),
      hardcoded,
      'eu-west-1',
    );
    expect(out.tag).toBe('ok');
    const provider = out.val as AwsCredentialsProvider;
    expect(provider).toBeInstanceOf(AwsCredentialsProvider);
    expect(provider.resource).toBe('credentials-provider');
    expect(provider.region).toBe('eu-west-1');
    expect(await provider.credentials()).toEqual({
      accessKeyId: 'AKIDGUEST',
      secretAccessKey: 'guest-secret',
    });
    expect(aws.calls).toHaveLength(0); // no STS call for hard-coded keys
    await s.close();
  });

  it('assumes a federated role through STS with the host credentials (signed, session cached)', async () => {
    aws.calls.length = 0;
    const s = services(aws.url);
    const first = await s.call<Outcome<AwsCredentialsProvider>>(
      'auth',
      'provider',
      context('fn-a'),
      { tag: 'federated', val: { roleArn: ROLE_ARN } },
      'us-west-2',
    );
    expect(first.tag).toBe('ok');
    const provider = first.val as AwsCredentialsProvider;
    expect(await provider.credentials()).toMatchObject({
      accessKeyId: 'ASIASESSION',
      sessionToken: 'session-token',
    });
    await s.call(
      'auth',
      'provider',
      context('fn-a'),
      { tag: 'federated', val: { roleArn: ROLE_ARN } },
      'us-west-2',
    );
    const sts = aws.calls.filter((c) => c.service === 'sts');
    expect(sts).toHaveLength(1);
    expect(sts[0]?.accessKeyId).toBe('AKIDHOST');
    const form = new URLSearchParams(sts[0]?.body.toString());
    expect(form.get('RoleArn')).toBe(ROLE_ARN);
    expect(form.get('RoleSessionName')).toBe('momento-fn-a');
    await s.close();
  });

  it('answers unauthorized with the STS refusal when the role cannot be assumed', async () => {
    const s = services(aws.url);
    const out = await s.call<Outcome>(
      'auth',
      'provider',
      context(),
      { tag: 'federated', val: { roleArn: DENIED_ROLE_ARN } },
      'us-west-2',
    );
    expect(out).toEqual({
      tag: 'err',
      val: {
        tag: 'unauthorized',
        val: `federated authorization: STS refused to let the host's credentials assume role '${DENIED_ROLE_ARN}': AccessDenied: User: host is not authorized to perform: sts:AssumeRole (check the role's trust policy names the host's principal)`,
      },
    });
    await s.close();
  });

  it('says what to do when the host has no credentials to federate with', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const s = services(aws.url, { credentials: undefined });
      const out = await s.call<Outcome>(
        'auth',
        'provider',
        context(),
        { tag: 'federated', val: { roleArn: ROLE_ARN } },
        'us-west-2',
      );
      expect(out.tag).toBe('err');
      expect(out.val).toMatchObject({ tag: 'unauthorized' });
      expect((out.val as { val: string }).val).toBe(
        `federated authorization needs AWS credentials on the host to assume role '${ROLE_ARN}': pass createAwsServices({ credentials }) (or backends.aws.credentials) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the host; on Momento the platform assumes the role for you`,
      );
      await s.close();
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('reads the host credentials from the environment by default', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDHOST';
    process.env.AWS_SECRET_ACCESS_KEY = 'host-secret';
    try {
      const s = services(aws.url, { credentials: undefined });
      const out = await s.call<Outcome>(
        'auth',
        'provider',
        context('env-fn'),
        { tag: 'federated', val: { roleArn: ROLE_ARN } },
        'us-west-2',
      );
      expect(out.tag).toBe('ok');
      await s.close();
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it.each([
    [
      { tag: 'hardcoded', val: { accessKeyId: '', secretAccessKey: 'x' } },
      'us-west-2',
      'hardcoded credentials need both an access key id and a secret access key (got an empty access key id)',
    ],
    [
      { tag: 'hardcoded', val: { accessKeyId: 'A', secretAccessKey: '' } },
      'us-west-2',
      'hardcoded credentials need both an access key id and a secret access key (got an empty secret access key)',
    ],
    [
      hardcoded,
      'evil.example.com/',
      `invalid AWS region "evil.example.com/": pass a region name such as 'us-west-2'`,
    ],
    [hardcoded, '', `invalid AWS region "": pass a region name such as 'us-west-2'`],
    [
      { tag: 'federated', val: { roleArn: '<name of your role ARN>' } },
      'us-west-2',
      'invalid IAM role ARN "<name of your role ARN>": expected arn:aws:iam::<12-digit account>:role/<name>',
    ],
  ])('refuses bad input with unauthorized and a reason (%#)', async (authorization, region, message) => {
    const s = services(aws.url);
    expect(await s.call('auth', 'provider', context(), authorization, region)).toEqual({
      tag: 'err',
      val: { tag: 'unauthorized', val: message },
    });
    await s.close();
  });
});
