// The s3-put port built into a real component and run in the real host against the local fake AWS
// (STS + S3, SigV4 verified): answers as the upstream example does.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleHost, startExample } from '../../packages/aws-auth/test/support/example-host.js';
import { ROLE_ARN } from '../../packages/aws-auth/test/support/fake-aws.js';

let example: ExampleHost;
beforeAll(async () => {
  example = await startExample(join(import.meta.dirname, 'index.ts'), 's3-put');
});
afterAll(async () => example?.close());

async function call(body: unknown) {
  const fn = await example.host.load(example.wasm, { name: 's3-put', cache: 'c' });
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, text: res.text() };
}

describe('s3-put (upstream example)', () => {
  it('writes {"a_number":42,"a_string":value} with the metadata and answers with etag/version/expiration', async () => {
    const res = await call({
      role_arn: ROLE_ARN,
      bucket: 'test-bucket',
      key: 'k',
      value: 'hello',
      metadata: [['owner', 'ada']],
    });
    expect(res.status).toBe(200);
    const stored = example.aws.s3.get('test-bucket')?.get('k');
    expect(stored?.body.toString()).toBe('{"a_number":42,"a_string":"hello"}');
    expect(stored?.metadata).toEqual([['owner', 'ada']]);
    expect(JSON.parse(res.text)).toEqual({
      message: 'Successfully put object',
      etag: stored?.etag,
      version_id: 'v1',
      expiration: 'expiry-date="Fri, 23 Dec 2033 00:00:00 GMT", rule-id="r"',
    });
  });

  it('answers 500 "Failed to put object <Debug>" when S3 refuses', async () => {
    const res = await call({ role_arn: ROLE_ARN, bucket: 'forbidden-bucket', key: 'k', value: 'v' });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text).message).toBe(
      `Failed to put object S3Error(S3Error::Unauthorized("S3 PutObject s3://forbidden-bucket/k failed: AccessDenied: Access Denied (HTTP 403, request id REQ123); check that the credentials' policy allows s3:PutObject on this object"))`,
    );
  });
});
