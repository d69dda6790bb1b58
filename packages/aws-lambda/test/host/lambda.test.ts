// momento:aws-lambda host service against the local fake Lambda (REST, SigV4 verified).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../../../aws-auth/test/support/fake-aws.js';
import { bytes, clientOf, context, type Outcome, services } from '../../../aws-auth/test/support/host.js';

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(async () => aws.close());

interface Out {
  statusCode: number;
  payload: { tag: 'value'; val: Uint8Array } | undefined;
  logResult: string | undefined;
  executedVersion: string | undefined;
}

describe('invoke', () => {
  it('invokes request-response with payload, qualifier, log tail and client context', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'lambda');
    const out = await s.call<Outcome<Out>>('lambda', '[method]client.invoke', context(), client, {
      functionName: 'arn:aws:lambda:us-west-2:123456789012:function:echo',
      qualifier: 'live',
      payload: bytes('{"n":1}'),
      invocationType: { tag: 'request-response', val: { logType: { tag: 'tail' }, clientContext: 'e30=' } },
    });
    expect(out.tag).toBe('ok');
    const val = out.val as Out;
    expect(val.statusCode).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(val.payload?.val))).toEqual({
      echo: { n: 1 },
      qualifier: 'live',
      clientContext: 'e30=',
    });
    expect(Buffer.from(val.logResult ?? '', 'base64').toString()).toContain('START RequestId');
    expect(val.executedVersion).toBe('$LATEST');
    expect(aws.calls.at(-1)).toMatchObject({
      service: 'lambda',
      region: 'us-west-2',
      path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A123456789012%3Afunction%3Aecho/invocations',
    });
    await s.close();
  });

  it('answers event with 202 and dry-run with 204, no payload', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'lambda');
    for (const [tag, status, header] of [
      ['event', 202, 'Event'],
      ['dry-run', 204, 'DryRun'],
    ] as const) {
      expect(
        await s.call('lambda', '[method]client.invoke', context(), client, {
          functionName: 'echo',
          qualifier: undefined,
          payload: undefined,
          invocationType: { tag },
        }),
      ).toEqual({
        tag: 'ok',
        val: { statusCode: status, payload: undefined, logResult: undefined, executedVersion: undefined },
      });
      expect(aws.calls.at(-1)?.headers['x-amz-invocation-type']).toBe(header);
    }
    await s.close();
  });

  it('maps errors: not found → other, invalid content → malformed, denied → unauthorized', async () => {
    const s = services(aws.url);
    const client = await clientOf(s, 'lambda');
    const rr = { tag: 'request-response', val: { logType: undefined, clientContext: undefined } };
    expect(
      await s.call('lambda', '[method]client.invoke', context(), client, {
        functionName: 'nope',
        qualifier: undefined,
        payload: undefined,
        invocationType: rr,
      }),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'other',
        val: "Lambda Invoke 'nope' failed: ResourceNotFoundException: Function not found: arn:aws:lambda:us-west-2:123456789012:function:nope (HTTP 404, request id RID-L)",
      },
    });
    expect(
      await s.call('lambda', '[method]client.invoke', context(), client, {
        functionName: 'echo',
        qualifier: undefined,
        payload: bytes('not json'),
        invocationType: rr,
      }),
    ).toEqual({
      tag: 'err',
      val: {
        tag: 'malformed',
        val: "Lambda Invoke 'echo' failed: InvalidRequestContentException: Could not parse request body into json (HTTP 400, request id RID-L)",
      },
    });
    const denied = await clientOf(s, 'lambda', {
      tag: 'hardcoded',
      val: { accessKeyId: 'AKIDDENIED', secretAccessKey: 'denied-secret' },
    });
    expect(
      await s.call<Outcome>('lambda', '[method]client.invoke', context(), denied, {
        functionName: 'echo',
        qualifier: undefined,
        payload: undefined,
        invocationType: rr,
      }),
    ).toMatchObject({
      tag: 'err',
      val: { tag: 'unauthorized', val: expect.stringContaining('lambda:InvokeFunction') },
    });
    await s.close();
  });
});
