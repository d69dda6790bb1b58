// The AWS guest packages end to end: test/e2e/guest.ts (aws-auth, aws-s3, aws-ddb,
// aws-secrets-manager, aws-lambda) built into a real component (componentize-js), run in the
// reference host (createHost, jco) with the real aws-* services against the local fake AWS (every
// request's SigV4 signature verified). The credentials-provider and clients cross the bridge as
// WIT resources. Needs the packages built (`npm run build`): the guest imports them by name.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '@momento-functions/build';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { createAwsServices } from '@momento-functions/runtime/services/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIED_ROLE_ARN, type FakeAws, fakeEndpoints, ROLE_ARN, startFakeAws } from '../support/fake-aws.js';

let aws: FakeAws;
let host: Host;
let fn: FunctionHandle;

beforeAll(async () => {
  const { report } = await build({
    entry: join(import.meta.dirname, 'guest.ts'),
    outFile: join(tmpdir(), `momento-aws-e2e-${process.pid}.wasm`),
  });
  aws = await startFakeAws();
  host = await createHost({
    services: createAwsServices({
      credentials: { accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' },
      endpoints: fakeEndpoints(aws.url),
    }),
    backends: { log: false },
  });
  fn = await host.load(report.wasmPath, { name: 'aws-e2e', cache: 'c' });
});
afterAll(async () => {
  await host?.close();
  await aws?.close();
});

async function run(scenario: string, auth: Record<string, string> = { roleArn: ROLE_ARN }) {
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify({ scenario, ...auth }) });
  const text = res.text();
  if (res.status !== 200) throw new Error(`the guest answered ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('aws-auth', () => {
  it('a federated provider: the host assumes the role; the handle reaches the guest', async () => {
    expect(await run('provider')).toEqual({ region: 'us-west-2' });
    expect(aws.calls.at(-1)).toMatchObject({ service: 'sts', accessKeyId: 'AKIDHOST' });
  });

  it('a role the host cannot assume: AuthError with the host text and the crate Debug', async () => {
    const answer = await run('provider', { roleArn: DENIED_ROLE_ARN });
    expect(answer).toMatchObject({
      error: 'AuthError',
      case: 'unauthorized',
      detail: expect.stringContaining(
        `STS refused to let the host's credentials assume role '${DENIED_ROLE_ARN}'`,
      ),
    });
    expect(answer.debug).toBe(`AuthError::Unauthorized(${JSON.stringify(answer.detail)})`);
  });

  it('hard-coded keys sign the calls themselves; unknown keys are unauthorized at AWS', async () => {
    await run('s3', { accessKeyId: 'AKIDGUEST', secretAccessKey: 'guest-secret' });
    expect(aws.calls.at(-1)).toMatchObject({ service: 's3', region: 'us-west-2', accessKeyId: 'AKIDGUEST' });
    expect(await run('s3-denied', { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' })).toMatchObject({
      error: 'S3Error',
      case: 'unauthorized',
    });
  });
});

describe('aws-s3', () => {
  it('put with metadata, get as Data and through an extractor, missing keys undefined', async () => {
    expect(await run('s3')).toEqual({
      put: expect.objectContaining({ etag: expect.any(String) }),
      body: '{"a":1}',
      metadata: [
        ['owner', 'ada'],
        ['tag', 'x'],
      ],
      etag: expect.any(String),
      typed: 1,
      missing: true,
    });
    expect(aws.s3.get('test-bucket')?.get('dir/a b.json')?.body.toString()).toBe('{"a":1}');
    expect(aws.calls.at(-1)).toMatchObject({ service: 's3', accessKeyId: 'ASIASESSION' });
  });

  it('a streamed 1 MiB body arrives whole', async () => {
    const body = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    let sum = 0;
    for (const b of body) sum = (sum + b) % 65521;
    aws.s3.get('test-bucket')?.set('large', { body, metadata: [], etag: '"l"' });
    expect(await run('s3-large')).toEqual({ length: body.length, sum });
  });

  it('AWS errors are S3Errors with the crate Debug', async () => {
    const answer = await run('s3-denied');
    expect(answer).toMatchObject({ error: 'S3Error', case: 'unauthorized' });
    expect(answer.debug).toBe(`S3Error(S3Error::Unauthorized(${JSON.stringify(answer.detail)}))`);
  });

  it('20 clients made and dropped in one invocation over one provider', async () => {
    expect(await run('many-clients')).toEqual({ roundTrips: 20 });
  });
});

describe('aws-ddb', () => {
  it('putItem, all-old, getItem with typed values and unpadded binary, conditions, capacity', async () => {
    expect(await run('ddb')).toEqual({
      first: null,
      oldN: 42,
      oldB: [1, 2, 3],
      pk: 'u1',
      n: 43,
      missing: null,
      conditional: expect.objectContaining({
        error: 'DdbError',
        case: 'other',
        detail: expect.stringContaining('ConditionalCheckFailedException'),
      }),
      capacity: 1.5,
    });
  });
});

describe('aws-secrets-manager', () => {
  it('string and binary secrets, extraction, not-found', async () => {
    aws.secrets.set('app/text', { SecretString: '{"token":"t0k"}' });
    aws.secrets.set('app/binary', { SecretBinary: Buffer.from([0, 1, 254, 255]).toString('base64') });
    expect(await run('secrets')).toEqual({
      text: '{"token":"t0k"}',
      name: 'app/text',
      versionStages: ['AWSCURRENT'],
      binary: [0, 1, 254, 255],
      token: 't0k',
      missing: expect.objectContaining({
        error: 'SecretsError',
        case: 'not-found',
        debug: 'SecretsManagerError(SecretsError::NotFound)',
      }),
    });
  });
});

describe('aws-lambda', () => {
  it('request-response with qualifier and log tail, event, a missing function', async () => {
    expect(await run('lambda')).toEqual({
      statusCode: 200,
      payload: { echo: { n: 1 }, qualifier: 'live', clientContext: null },
      log: true,
      executedVersion: '$LATEST',
      event: [202, 0],
      missing: expect.objectContaining({
        error: 'LambdaError',
        case: 'other',
        detail: expect.stringContaining('ResourceNotFoundException'),
      }),
    });
  });
});
