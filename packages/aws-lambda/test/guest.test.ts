import { beforeEach, describe, expect, it } from 'vitest';
import { calls, handle, resetFakes } from '../../aws-auth/test/fakes/component.js';
import { credentialsProvider, LambdaClient, LambdaError } from '../src/index.js';

let lambda: LambdaClient;
beforeEach(() => {
  resetFakes();
  handle('aws-auth.provider', () => ({ tag: 'ok', val: undefined }));
  handle('aws-lambda.client', () => ({ tag: 'ok', val: undefined }));
  lambda = new LambdaClient(
    credentialsProvider({ federated: { roleArn: 'arn:aws:iam::123456789012:role/r' } }, 'us-west-2'),
  );
});
const requests = () => calls.filter((c) => c.fn === 'aws-lambda.invoke').map((c) => c.args[0]);

describe('LambdaClient.invoke', () => {
  it('maps the options to the WIT request and the output payload to Data', () => {
    handle('aws-lambda.invoke', () => ({
      tag: 'ok',
      val: {
        statusCode: 200,
        payload: { tag: 'value', val: new TextEncoder().encode('{"ok":true}') },
        logResult: 'TE9H',
        executedVersion: '3',
      },
    }));
    const out = lambda.invoke('fn', '{"a":1}', { qualifier: 'live', logType: 'tail', clientContext: 'e30=' });
    expect(out.statusCode).toBe(200);
    expect(out.payload?.json()).toEqual({ ok: true });
    expect([out.logResult, out.executedVersion]).toEqual(['TE9H', '3']);
    lambda.invoke('fn', undefined, { invocationType: 'event' });
    lambda.invoke('fn', undefined, { invocationType: 'dry-run' });
    expect(requests()).toEqual([
      {
        functionName: 'fn',
        qualifier: 'live',
        payload: { tag: 'value', val: new TextEncoder().encode('{"a":1}') },
        invocationType: { tag: 'request-response', val: { logType: { tag: 'tail' }, clientContext: 'e30=' } },
      },
      { functionName: 'fn', qualifier: undefined, payload: undefined, invocationType: { tag: 'event' } },
      { functionName: 'fn', qualifier: undefined, payload: undefined, invocationType: { tag: 'dry-run' } },
    ]);
  });

  it('throws LambdaError with the case and the wit-bindgen Debug text', () => {
    handle('aws-lambda.invoke', () => ({
      tag: 'err',
      val: { tag: 'other', val: 'ResourceNotFoundException' },
    }));
    try {
      lambda.invoke('x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LambdaError);
      expect((e as LambdaError).case).toBe('other');
      expect((e as LambdaError).debug).toBe('LambdaError::Other("ResourceNotFoundException")');
    }
  });
});
