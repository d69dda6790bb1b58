/**
 * `momento:aws-lambda/aws-lambda@1.0.0`: Lambda Invoke over its REST API (no
 * crate exists, the host serves the WIT as written; see docs/aws.md).
 */
import { guestMemoryBytes } from '../limits.js';
import type { HostService, InvocationContext, ServiceData, WitResult } from '../types.js';
import { AwsClient, classify, MalformedRequest, requireClient, type WitAwsError, witCall } from './common.js';
import { type AwsTransport, header, jsonError, uriEncode } from './transport.js';

/** The versioned interface name. */
export const LAMBDA_INTERFACE = 'momento:aws-lambda/aws-lambda@1.0.0';

type WitInvocationType =
  | {
      tag: 'request-response';
      val: { logType: { tag: 'tail' } | 'tail' | undefined; clientContext: string | undefined };
    }
  | { tag: 'event' }
  | { tag: 'dry-run' };
interface WitInvokeRequest {
  functionName: string;
  qualifier: string | undefined;
  payload: ServiceData | undefined;
  invocationType: WitInvocationType;
}
interface WitInvokeOutput {
  statusCode: number;
  payload: ServiceData | undefined;
  logResult: string | undefined;
  executedVersion: string | undefined;
}

const MALFORMED = new Set([
  'InvalidParameterValueException',
  'InvalidRequestContentException',
  'RequestTooLargeException',
  'UnsupportedMediaTypeException',
  'ValidationException',
]);

/**
 * Creates the Lambda service on a shared transport.
 * @internal
 */
export function createLambdaService(transport: AwsTransport): HostService {
  const invoke = (
    ctx: InvocationContext,
    self: unknown,
    request: WitInvokeRequest,
  ): Promise<WitResult<WitInvokeOutput, WitAwsError>> => {
    const operation = `Lambda Invoke '${request.functionName}'`;
    return witCall(operation, async () => {
      const client = requireClient(self, `${LAMBDA_INTERFACE}#[method]client.invoke`);
      if (request.functionName.length === 0) {
        throw new MalformedRequest('the function name is empty: give a name, ARN or partial ARN');
      }
      if (request.payload !== undefined && request.payload.tag !== 'value') {
        throw new Error(`${LAMBDA_INTERFACE}#[method]client.invoke: the payload did not arrive as bytes`);
      }
      const { region } = client.provider;
      const url = new URL(
        `${transport.endpoint('lambda', region).base}/2015-03-31/functions/${uriEncode(request.functionName)}/invocations`,
      );
      if (request.qualifier !== undefined) url.searchParams.set('Qualifier', request.qualifier);
      const type = request.invocationType;
      const headers: [string, string][] = [
        [
          'x-amz-invocation-type',
          type.tag === 'event' ? 'Event' : type.tag === 'dry-run' ? 'DryRun' : 'RequestResponse',
        ],
      ];
      if (type.tag === 'request-response') {
        if (type.val.logType !== undefined) headers.push(['x-amz-log-type', 'Tail']);
        if (type.val.clientContext !== undefined)
          headers.push(['x-amz-client-context', type.val.clientContext]);
      }
      const body = request.payload?.val ?? new Uint8Array(0);
      if (body.byteLength > 0) headers.push(['content-type', 'application/json']);
      const credentials = await client.provider.credentials();
      const response = await transport.send({
        service: 'lambda',
        region,
        credentials,
        method: 'POST',
        url,
        headers,
        body,
        signal: ctx.signal,
      });
      // The payload goes to the guest: bounded by its memory limit too.
      const bytes = await transport.readAll(url, response, Math.min(8 * 1024 * 1024, guestMemoryBytes(ctx)));
      if (response.status >= 300) {
        throw classify(operation, jsonError(response, new TextDecoder().decode(bytes)), {
          malformedCodes: MALFORMED,
          hint: `check that the credentials' policy allows lambda:InvokeFunction on '${request.functionName}'`,
        });
      }
      return {
        statusCode: response.status,
        payload: bytes.byteLength > 0 ? { tag: 'value', val: bytes } : undefined,
        logResult: header(response, 'x-amz-log-result'),
        executedVersion: header(response, 'x-amz-executed-version'),
      };
    });
  };

  return {
    interface: LAMBDA_INTERFACE,
    functions: {
      '[constructor]client': (_ctx: InvocationContext, provider: unknown) =>
        new AwsClient(provider, `${LAMBDA_INTERFACE}#[constructor]client`),
      '[method]client.invoke': invoke,
    },
  };
}
