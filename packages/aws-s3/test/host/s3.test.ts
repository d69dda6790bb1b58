// momento:aws-s3 host service against the local fake S3 (real sockets, SigV4 verified).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../../../aws-auth/test/support/fake-aws.js';
import {
  bytes,
  clientOf,
  context,
  federated,
  type Outcome,
  readAll,
  services,
} from '../../../aws-auth/test/support/host.js';

interface GetOut {
  body: { tag: 'buffer'; val: AsyncIterable<Uint8Array> } | undefined;
  etag: string | undefined;
  versionId: string | undefined;
  expiration: string | undefined;
  metadata: [string, string][];
}

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(async () => aws.close());

const put = (key: string, body: string, metadata: [string, string][] = [], bucket = 'test-bucket') => ({
  bucket,
  key,
  body: bytes(body),
  metadata,
});

describe('S3 put and get', () => {
  it('puts an object with x-amz-meta-* metadata and gets it back as a streamed host body', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3');
    const ctx = context();
    const stored = await s.call<Outcome>(
      's3',
      '[method]client.put',
      ctx,
      client,
      put('dir/a b+c.json', '{"a_number":1}', [
        ['Owner', 'ada'],
        ['x', 'y'],
      ]),
    );
    expect(stored).toEqual({
      tag: 'ok',
      val: {
        etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
        versionId: 'v1',
        expiration: 'expiry-date="Fri, 23 Dec 2033 00:00:00 GMT", rule-id="r"',
      },
    });
    const putCall = aws.calls.at(-1);
    expect(putCall).toMatchObject({
      service: 's3',
      region: 'us-west-2',
      method: 'PUT',
      path: '/test-bucket/dir/a%20b%2Bc.json',
    });
    expect(putCall?.headers['x-amz-meta-owner']).toBe('ada');
    expect(aws.s3.get('test-bucket')?.get('dir/a b+c.json')?.body.toString()).toBe('{"a_number":1}');

    const got = await s.call<Outcome<GetOut>>('s3', '[method]client.get', ctx, client, {
      bucket: 'test-bucket',
      key: 'dir/a b+c.json',
    });
    expect(got.tag).toBe('ok');
    const out = got.val as GetOut;
    expect(out.body?.tag).toBe('buffer');
    expect((await readAll(out.body?.val ?? [])).toString()).toBe('{"a_number":1}');
    expect(out.metadata).toEqual([
      ['owner', 'ada'],
      ['x', 'y'],
    ]);
    expect(out.etag).toBe((stored.val as { etag: string }).etag);
    await s.close();
  });

  it('streams the body: the first bytes are readable before S3 has sent the rest', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3');
    await s.call('s3', '[method]client.put', context(), client, put('big', 'first-second'));
    const hold = aws.holdS3Body(6);
    const got = await s.call<Outcome<GetOut>>('s3', '[method]client.get', context(), client, {
      bucket: 'test-bucket',
      key: 'big',
    });
    const iterator = (got.val as GetOut).body?.val[Symbol.asyncIterator]();
    const first = await iterator?.next();
    expect(Buffer.from(first?.value ?? []).toString()).toBe('first-');
    hold.release();
    let rest = '';
    for (let r = await iterator?.next(); r && !r.done; r = await iterator?.next())
      rest += Buffer.from(r.value).toString();
    expect(rest).toBe('second');
    await s.close();
  });

  it('answers a missing key with body none (not an error)', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3');
    expect(
      await s.call('s3', '[method]client.get', context(), client, { bucket: 'test-bucket', key: 'nope' }),
    ).toEqual({
      tag: 'ok',
      val: { body: undefined, etag: undefined, versionId: undefined, expiration: undefined, metadata: [] },
    });
    await s.close();
  });

  it('maps a missing bucket to other, naming the code', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3');
    expect(
      await s.call('s3', '[method]client.get', context(), client, { bucket: 'no-such-bucket', key: 'k' }),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'other',
        val: 'S3 GetObject s3://no-such-bucket/k failed: NoSuchBucket: The specified bucket does not exist (HTTP 404, request id REQ123)',
      },
    });
    await s.close();
  });

  it('maps 403 AccessDenied to unauthorized, saying which permission to check', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3');
    expect(
      await s.call('s3', '[method]client.get', context(), client, { bucket: 'forbidden-bucket', key: 'k' }),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'unauthorized',
        val: "S3 GetObject s3://forbidden-bucket/k failed: AccessDenied: Access Denied (HTTP 403, request id REQ123); check that the credentials' policy allows s3:GetObject on this object",
      },
    });
    const denied = await clientOf(s, 's3', {
      tag: 'hardcoded',
      val: { accessKeyId: 'AKIDDENIED', secretAccessKey: 'denied-secret' },
    });
    const out = await s.call<Outcome>('s3', '[method]client.put', context(), denied, put('k', 'v'));
    expect(out).toMatchObject({ tag: 'err', val: { tag: 'unauthorized' } });
    expect((out.val as { val: string }).val).toContain('s3:PutObject');
    await s.close();
  });

  it('maps a wrong secret (SignatureDoesNotMatch) to unauthorized', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3', {
      tag: 'hardcoded',
      val: { accessKeyId: 'AKIDGUEST', secretAccessKey: 'wrong' },
    });
    const out = await s.call<Outcome>('s3', '[method]client.get', context(), client, {
      bucket: 'test-bucket',
      key: 'k',
    });
    expect(out).toMatchObject({ tag: 'err', val: { tag: 'unauthorized' } });
    expect((out.val as { val: string }).val).toContain('SignatureDoesNotMatch');
    await s.close();
  });

  it('maps 400 answers to malformed and refuses bad input before calling S3', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3');
    const big = await s.call<Outcome>(
      's3',
      '[method]client.put',
      context(),
      client,
      put('k', 'v', [['big', 'x'.repeat(3000)]]),
    );
    expect(big).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: 'S3 PutObject s3://test-bucket/k failed: MetadataTooLarge: Your metadata headers exceed the maximum allowed metadata size. (HTTP 400, request id REQ123)',
      },
    });
    const calls = aws.calls.length;
    expect(
      await s.call('s3', '[method]client.put', context(), client, put('k', 'v', [['bad key', 'v']])),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: 'S3 PutObject s3://test-bucket/k: invalid metadata key "bad key": use letters, digits and - _ . (it is sent as the header x-amz-meta-bad key)',
      },
    });
    expect(
      await s.call<Outcome>(
        's3',
        '[method]client.put',
        context(),
        client,
        put('k', 'v', [['k', 'line\nbreak']]),
      ),
    ).toMatchObject({
      tag: 'err',
      val: { tag: 'malformed' },
    });
    expect(await s.call('s3', '[method]client.get', context(), client, { bucket: 'x', key: 'k' })).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: 'S3 GetObject s3://x/k: invalid bucket name "x": S3 bucket names are 3–63 lowercase letters, digits, dots and hyphens',
      },
    });
    expect(aws.calls.length).toBe(calls);
    await s.close();
  });

  it('signs with the assumed role session for federated providers', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 's3', federated);
    await s.call('s3', '[method]client.put', context(), client, put('fed', 'v'));
    expect(aws.calls.at(-1)).toMatchObject({ service: 's3', accessKeyId: 'ASIASESSION' });
    expect(aws.calls.at(-1)?.headers['x-amz-security-token']).toBe('session-token');
    await s.close();
  });

  it('reports an unreachable endpoint as other, and keeps one warm connection across calls', async () => {
    const s = services('http://127.0.0.1:9');
    const client = await clientOf(s, 's3');
    expect(
      await s.call('s3', '[method]client.get', context(), client, { bucket: 'test-bucket', key: 'k' }),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'other',
        val: 'S3 GetObject s3://test-bucket/k failed: could not reach http://127.0.0.1:9: connection refused (is the endpoint right?)',
      },
    });
    await s.close();

    const warm = services(aws.url);
    const c = await clientOf(warm, 's3');
    const before = aws.connections();
    // undici may open a second socket while the first answer's end is being processed; after that
    // every call reuses the pool.
    for (let i = 0; i < 2; i++) await warm.call('s3', '[method]client.put', context(), c, put(`w${i}`, 'v'));
    const warmed = aws.connections();
    expect(warmed - before).toBeLessThanOrEqual(2);
    for (let i = 0; i < 8; i++) {
      const got = await warm.call<{ val: GetOut }>('s3', '[method]client.get', context(), c, {
        bucket: 'test-bucket',
        key: `w${i % 2}`,
      });
      expect((await readAll(got.val.body?.val ?? [])).toString()).toBe('v');
    }
    expect(aws.connections()).toBe(warmed);
    await warm.close();
  });

  it('uses virtual-hosted URLs on AWS and path-style on a custom endpoint', async () => {
    // A dispatcher that records the origin instead of sending (the public endpoint is not reachable here).
    const seen: string[] = [];
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://my-bucket.s3.eu-west-1.amazonaws.com')
      .intercept({ path: '/a/b', method: 'GET' })
      .reply((req) => {
        seen.push(`${req.origin}${req.path}`);
        return { statusCode: 200, data: 'hi' };
      });
    const s = services(aws.url, { endpoints: {}, dispatcher: agent });
    const client = await clientOf(s, 's3', undefined, context(), 'eu-west-1');
    const out = await s.call<Outcome<GetOut>>('s3', '[method]client.get', context(), client, {
      bucket: 'my-bucket',
      key: 'a/b',
    });
    expect((await readAll((out.val as GetOut).body?.val ?? [])).toString()).toBe('hi');
    expect(seen).toEqual(['https://my-bucket.s3.eu-west-1.amazonaws.com/a/b']);
    await s.close();
    await agent.close();
  });
});
