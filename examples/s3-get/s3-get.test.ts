// The s3-get port built into a real component and run in the real host with the real aws-* and
// log services, against the local fake AWS (STS + S3, SigV4 verified): answers as the upstream example does.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleHost, startExample } from '../../packages/aws-auth/test/support/example-host.js';
import { DENIED_ROLE_ARN, ROLE_ARN } from '../../packages/aws-auth/test/support/fake-aws.js';

let example: ExampleHost;
beforeAll(async () => {
  example = await startExample(join(import.meta.dirname, 'index.ts'), 's3-get');
});
afterAll(async () => example?.close());

const objects = () => example.aws.s3.get('test-bucket') ?? new Map();
async function call(body: unknown) {
  const fn = await example.host.load(example.wasm, { name: 's3-get', cache: 'c' });
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: res.text() };
}

describe('s3-get (upstream example)', () => {
  it('answers 200 with the Debug of the object and its metadata, no content-type', async () => {
    objects().set('item', {
      body: Buffer.from('{"a_number":7,"a_string":"say \\"hi\\""}'),
      metadata: [['owner', 'ada']],
      etag: '"e"',
    });
    const res = await call({ role_arn: ROLE_ARN, bucket: 'test-bucket', key: 'item' });
    expect(res).toMatchObject({ status: 200, headers: [] });
    expect(res.text).toBe(
      '{"message":"Found: MyStructure { a_number: 7, a_string: \\"say \\\\\\"hi\\\\\\"\\" }","metadata":[["owner","ada"]]}',
    );
    // Federated: the object was read with the assumed role's session, in us-west-2.
    expect(example.aws.calls.at(-1)).toMatchObject({
      service: 's3',
      region: 'us-west-2',
      accessKeyId: 'ASIASESSION',
    });
  });

  it('omits empty metadata', async () => {
    objects().set('plain', { body: Buffer.from('{"a_number":1,"a_string":"x"}'), metadata: [], etag: '"e"' });
    expect((await call({ role_arn: ROLE_ARN, bucket: 'test-bucket', key: 'plain' })).text).toBe(
      '{"message":"Found: MyStructure { a_number: 1, a_string: \\"x\\" }"}',
    );
  });

  it('answers 404 Not found for a missing key', async () => {
    expect(await call({ role_arn: ROLE_ARN, bucket: 'test-bucket', key: 'missing' })).toMatchObject({
      status: 404,
      text: '{"message":"Not found"}',
    });
  });

  it('answers 500 with the Debug of S3 errors and of extraction errors', async () => {
    const denied = await call({ role_arn: ROLE_ARN, bucket: 'forbidden-bucket', key: 'k' });
    expect(denied.status).toBe(500);
    expect(JSON.parse(denied.text)).toEqual({
      message: `Failed to get object from S3: S3Error(S3Error::Unauthorized("S3 GetObject s3://forbidden-bucket/k failed: AccessDenied: Access Denied (HTTP 403, request id REQ123); check that the credentials' policy allows s3:GetObject on this object"))`,
    });
    objects().set('bad', { body: Buffer.from('{"a_number":1}'), metadata: [], etag: '"e"' });
    const bad = await call({ role_arn: ROLE_ARN, bucket: 'test-bucket', key: 'bad' });
    expect(JSON.parse(bad.text)).toEqual({
      message:
        'Failed to get object from S3: ExtractFailed { cause: Error("missing field `a_string`", line: 1, column: 14) }',
    });
  });

  it('answers 500 with the AuthError when the role cannot be assumed', async () => {
    const res = await call({ role_arn: DENIED_ROLE_ARN, bucket: 'test-bucket', key: 'item' });
    expect(res.status).toBe(500);
    expect(res.text).toBe(
      `An error occurred during function invocation: AuthError::Unauthorized("federated authorization: STS refused to let the host's credentials assume role '${DENIED_ROLE_ARN}': AccessDenied: User: host is not authorized to perform: sts:AssumeRole (check the role's trust policy names the host's principal)")`,
    );
  });

  it('answers 400 for a request without the fields', async () => {
    const res = await call({ bucket: 'b' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('missing field `role_arn`');
  });
});
