// The secrets-manager-get port built into a real component and run in the real host against the
// local fake AWS (STS + Secrets Manager, SigV4 verified): answers as the upstream example does, and the
// second call within 5 minutes is served from the host's per-function cache.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleHost, startExample } from '../../packages/aws-auth/test/support/example-host.js';
import { ROLE_ARN } from '../../packages/aws-auth/test/support/fake-aws.js';

const TOKEN = 'my super secret JWT'; // 19 bytes
let example: ExampleHost;
beforeAll(async () => {
  example = await startExample(join(import.meta.dirname, 'index.ts'), 'secrets-manager-get');
  example.aws.secrets.set('app/token', { SecretString: JSON.stringify({ token: TOKEN }) });
  example.aws.secrets.set('app/empty', { SecretString: '{"token":""}' });
});
afterAll(async () => example?.close());

async function call(secretName: string) {
  const fn = await example.host.load(example.wasm, {
    name: 'secrets-manager-get',
    cache: 'c',
    env: { ROLE_ARN },
  });
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify({ secret_name: secretName }) });
  return { status: res.status, text: res.text() };
}
const fetches = () => example.aws.calls.filter((c) => c.service === 'secretsmanager').length;

describe('secrets-manager-get (upstream example)', () => {
  it('answers with the secret length only, and serves the second call from the host cache', async () => {
    const before = fetches();
    expect(await call('app/token')).toEqual({
      status: 200,
      text: '{"message":"Secret retrieved successfully! Secret length: 19"}',
    });
    expect(await call('app/token')).toEqual({
      status: 200,
      text: '{"message":"Secret retrieved successfully! Secret length: 19"}',
    });
    expect(fetches() - before).toBe(1);
  });

  it('answers 500 with the Debug of the error, or the "not valid" message for an empty token', async () => {
    expect(await call('missing')).toEqual({
      status: 500,
      text: '{"message":"Failed to retrieve secret: SecretsManagerError(SecretsError::NotFound)"}',
    });
    expect(await call('app/empty')).toEqual({
      status: 500,
      text: '{"message":"Failed to retrieve secret: the value returned was not valid"}',
    });
  });
});
