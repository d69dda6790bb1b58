import { Data, extract } from '@momento-functions/bytes';
import { beforeEach, describe, expect, it } from 'vitest';
import { calls, handle, resetFakes } from '../../aws-auth/test/fakes/component.js';
import { credentialsProvider, S3Client, S3Error, S3ExtractError } from '../src/index.js';

const found = (body: string, metadata: [string, string][] = []) => ({
  tag: 'ok' as const,
  val: {
    body: { tag: 'value', val: new TextEncoder().encode(body) },
    etag: '"e"',
    versionId: 'v',
    expiration: undefined,
    metadata,
  },
});

let s3: S3Client;
beforeEach(() => {
  resetFakes();
  handle('aws-auth.provider', () => ({ tag: 'ok', val: undefined }));
  handle('aws-s3.client', () => ({ tag: 'ok', val: undefined }));
  s3 = new S3Client(
    credentialsProvider({ federated: { roleArn: 'arn:aws:iam::123456789012:role/r' } }, 'us-west-2'),
  );
});

describe('S3Client.get', () => {
  it('returns a lazy Data body, metadata and version fields', () => {
    handle('aws-s3.get', () => found('{"a_number":1}', [['owner', 'ada']]));
    const out = s3.get('bucket', 'key');
    expect(out?.body).toBeInstanceOf(Data);
    expect(out?.body.json()).toEqual({ a_number: 1 });
    expect(out).toMatchObject({
      metadata: [['owner', 'ada']],
      etag: '"e"',
      versionId: 'v',
      expiration: undefined,
    });
    expect(calls.find((c) => c.fn === 'aws-s3.get')?.args).toEqual([{ bucket: 'bucket', key: 'key' }]);
  });

  it('returns undefined when the object is not found (body none)', () => {
    handle('aws-s3.get', () => ({
      tag: 'ok',
      val: { body: undefined, etag: undefined, versionId: undefined, expiration: undefined, metadata: [] },
    }));
    expect(s3.get('bucket', 'missing')).toBeUndefined();
  });

  it('extracts with an extractor, and reports a bad body as S3ExtractError with the crate Debug', () => {
    handle('aws-s3.get', () => found('{"a_number":1}'));
    expect(s3.get('b', 'k', extract.json<{ a_number: number }>())?.body.a_number).toBe(1);
    handle('aws-s3.get', () => found('abc'));
    let error: unknown;
    try {
      s3.get('b', 'k', extract.json());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(S3ExtractError);
    expect((error as S3ExtractError).message).toBe('Failed to extract value.');
    expect((error as S3ExtractError).debug).toBe(
      'ExtractFailed { cause: Error("expected value", line: 1, column: 1) }',
    );
  });

  it('throws S3Error with the WIT case and the crate texts', () => {
    handle('aws-s3.get', () => ({ tag: 'err', val: { tag: 'unauthorized', val: 'AccessDenied: "x"' } }));
    let error: unknown;
    try {
      s3.get('b', 'k');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(S3Error);
    const e = error as S3Error;
    expect([e.case, e.detail]).toEqual(['unauthorized', 'AccessDenied: "x"']);
    expect(e.message).toBe('S3Error::Unauthorized("AccessDenied: \\"x\\"")');
    expect(e.debug).toBe('S3Error(S3Error::Unauthorized("AccessDenied: \\"x\\""))');
  });
});

describe('S3Client.put', () => {
  it('sends the body and metadata pairs (duplicates kept) or a record', () => {
    handle('aws-s3.put', () => ({ tag: 'ok', val: { etag: '"e"', versionId: undefined, expiration: 'x' } }));
    expect(
      s3.put('b', 'k', 'hello', {
        metadata: [
          ['a', '1'],
          ['a', '2'],
        ],
      }),
    ).toEqual({ etag: '"e"', versionId: undefined, expiration: 'x' });
    s3.put('b', 'k2', new Uint8Array([1]), { metadata: { owner: 'ada' } });
    s3.put('b', 'k3', Data.from('x'));
    const puts = calls.filter((c) => c.fn === 'aws-s3.put').map((c) => c.args[0]);
    expect(puts).toEqual([
      {
        bucket: 'b',
        key: 'k',
        body: { tag: 'value', val: new TextEncoder().encode('hello') },
        metadata: [
          ['a', '1'],
          ['a', '2'],
        ],
      },
      {
        bucket: 'b',
        key: 'k2',
        body: { tag: 'value', val: new Uint8Array([1]) },
        metadata: [['owner', 'ada']],
      },
      { bucket: 'b', key: 'k3', body: { tag: 'value', val: new TextEncoder().encode('x') }, metadata: [] },
    ]);
  });

  it('throws S3Error on err', () => {
    handle('aws-s3.put', () => ({ tag: 'err', val: { tag: 'malformed', val: 'bad key' } }));
    expect(() => s3.put('b', 'k', 'v')).toThrow(S3Error);
  });
});
