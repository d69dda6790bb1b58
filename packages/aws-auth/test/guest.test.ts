import { Data, ExtractError, extract } from '@momento-functions/bytes';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  CredentialsProvider,
  credentialsProvider,
  extractErrorDebug,
  provider,
  rustDebugString,
  witVariantDebug,
} from '../src/index.js';
import { CredentialsProvider as FakeHandle } from './fakes/aws-auth.js';
import { calls, handle, resetFakes } from './fakes/component.js';

beforeEach(() => {
  resetFakes();
  handle('aws-auth.provider', () => ({ tag: 'ok', val: undefined }));
});

describe('credentialsProvider', () => {
  it('passes federated and hardcoded authorizations as the WIT variant', () => {
    const p = credentialsProvider({ federated: { roleArn: 'arn:aws:iam::1:role/r' } }, 'us-west-2');
    expect(p).toBeInstanceOf(CredentialsProvider);
    expect(p.region).toBe('us-west-2');
    expect(p.toWit()).toBeInstanceOf(FakeHandle);
    provider({ hardcoded: { accessKeyId: 'A', secretAccessKey: 'S' } }, 'eu-west-1');
    expect(calls.map((c) => c.args)).toEqual([
      [{ tag: 'federated', val: { roleArn: 'arn:aws:iam::1:role/r' } }, 'us-west-2'],
      [{ tag: 'hardcoded', val: { accessKeyId: 'A', secretAccessKey: 'S' } }, 'eu-west-1'],
    ]);
  });

  it('throws AuthError with the crate texts when the host refuses', () => {
    handle('aws-auth.provider', () => ({ tag: 'err', val: { tag: 'unauthorized', val: 'STS said "no"' } }));
    let error: unknown;
    try {
      credentialsProvider({ federated: { roleArn: 'x' } }, 'us-west-2');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthError);
    const e = error as AuthError;
    expect(e.case).toBe('unauthorized');
    expect(e.detail).toBe('STS said "no"');
    expect(e.message).toBe('AuthError::Unauthorized("STS said \\"no\\"")');
    expect(e.debug).toBe(e.message);
  });

  it('lets other failures through unchanged', () => {
    const boom = new Error('trap');
    handle('aws-auth.provider', () => {
      throw boom;
    });
    expect(() => credentialsProvider({ federated: { roleArn: 'x' } }, 'r')).toThrow(boom);
  });
});

describe('Rust texts', () => {
  it('formats strings, variants and extract errors like Rust Debug', () => {
    expect(rustDebugString('a"b\\c\n\t\u0001é')).toBe('"a\\"b\\\\c\\n\\t\\u{1}é"');
    expect(witVariantDebug('SecretsError', 'not-found', undefined)).toBe('SecretsError::NotFound');
    expect(witVariantDebug('S3Error', 'malformed', 'x')).toBe('S3Error::Malformed("x")');
    let jsonError: unknown;
    try {
      extract.json().extract(Data.from('{"a":'));
    } catch (e) {
      jsonError = e;
    }
    expect(jsonError).toBeInstanceOf(ExtractError);
    expect(extractErrorDebug(jsonError)).toBe('Error("EOF while parsing a value", line: 1, column: 5)');
    expect(extractErrorDebug(new Error('plain'))).toBe('"plain"');
  });
});
