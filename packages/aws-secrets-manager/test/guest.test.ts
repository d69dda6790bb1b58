import { extract } from '@momento-functions/bytes';
import { beforeEach, describe, expect, it } from 'vitest';
import { calls, handle, resetFakes } from '../../aws-auth/test/fakes/component.js';
import {
  credentialsProvider,
  SecretsError,
  SecretsExtractError,
  SecretsManagerClient,
  SecretValue,
} from '../src/index.js';

const response = (secret: unknown) => ({
  tag: 'ok' as const,
  val: {
    arn: 'arn:s',
    createdDateEpochSeconds: 1523477145n,
    name: 'n',
    secret,
    versionId: 'v1',
    versionStages: ['AWSCURRENT'],
  },
});
const requests = () => calls.filter((c) => c.fn === 'aws-secrets.get-secret-value').map((c) => c.args[0]);

let secrets: SecretsManagerClient;
beforeEach(() => {
  resetFakes();
  handle('aws-auth.provider', () => ({ tag: 'ok', val: undefined }));
  handle('aws-secrets.client', () => ({ tag: 'ok', val: undefined }));
  secrets = new SecretsManagerClient(
    credentialsProvider({ federated: { roleArn: 'arn:aws:iam::123456789012:role/r' } }, 'us-west-2'),
  );
});

describe('SecretsManagerClient', () => {
  it('sends the request with whole-second staleness (default 0) and reads string secrets', () => {
    handle('aws-secrets.get-secret-value', () => response({ tag: 'secret-string', val: '{"token":"abc"}' }));
    const value = secrets.getSecretValue('app/token', {
      versionStage: 'AWSPREVIOUS',
      allowedStalenessSeconds: 300.9,
    });
    expect(value).toBeInstanceOf(SecretValue);
    expect(value.secret).toBe('{"token":"abc"}');
    expect(value.json()).toEqual({ token: 'abc' });
    expect(value.bytes()).toEqual(new TextEncoder().encode('{"token":"abc"}'));
    expect(value.createdDate.toISOString()).toBe('2018-04-11T20:05:45.000Z');
    expect(value).toMatchObject({ arn: 'arn:s', name: 'n', versionId: 'v1', versionStages: ['AWSCURRENT'] });
    secrets.getSecretValue('plain');
    expect(requests()).toEqual([
      {
        secretId: 'app/token',
        versionId: undefined,
        versionStage: 'AWSPREVIOUS',
        allowedStalenessSeconds: 300n,
      },
      { secretId: 'plain', versionId: undefined, versionStage: undefined, allowedStalenessSeconds: 0n },
    ]);
  });

  it('reads bytes secrets and extracts like the crate (string → bytes → extractor)', () => {
    handle('aws-secrets.get-secret-value', () =>
      response({ tag: 'secret-bytes', val: new Uint8Array([104, 105]) }),
    );
    expect(secrets.getSecretValue('b').text()).toBe('hi');
    expect(secrets.getSecret('b', extract.text, { allowedStalenessSeconds: 5 })).toBe('hi');
    expect(secrets.getLatestSecret('b', extract.bytes)).toEqual(new Uint8Array([104, 105]));
    expect(requests().map((r) => (r as { allowedStalenessSeconds: bigint }).allowedStalenessSeconds)).toEqual(
      [0n, 5n, 0n],
    );
    handle('aws-secrets.get-secret-value', () => response({ tag: 'secret-string', val: 'not json' }));
    try {
      secrets.getSecret('b', extract.json());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SecretsExtractError);
      expect((e as SecretsExtractError).debug).toBe(
        'ExtractFailed { cause: Error("expected ident", line: 1, column: 2) }',
      );
    }
  });

  it('throws SecretsError with the WIT case and the crate texts', () => {
    handle('aws-secrets.get-secret-value', () => ({ tag: 'err', val: { tag: 'not-found' } }));
    try {
      secrets.getSecretValue('missing');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SecretsError);
      expect((e as SecretsError).case).toBe('not-found');
      expect((e as SecretsError).message).toBe('SecretsError::NotFound');
      expect((e as SecretsError).debug).toBe('SecretsManagerError(SecretsError::NotFound)');
    }
    handle('aws-secrets.get-secret-value', () => ({
      tag: 'err',
      val: { tag: 'unauthorized', val: 'denied' },
    }));
    expect(() => secrets.getSecretValue('x')).toThrow('SecretsError::Unauthorized("denied")');
  });
});
