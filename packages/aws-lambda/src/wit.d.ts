/**
 * TypeScript shape of `momento:aws-lambda/aws-lambda@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript. Exists only inside a component.
 */
declare module 'momento:aws-lambda/aws-lambda@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export type LambdaError =
    | { tag: 'unauthorized'; val: string }
    | { tag: 'malformed'; val: string }
    | { tag: 'other'; val: string };
  export type InvocationType =
    | {
        tag: 'request-response';
        val: { logType: { tag: 'tail' } | undefined; clientContext: string | undefined };
      }
    | { tag: 'event' }
    | { tag: 'dry-run' };
  export interface InvokeRequest {
    functionName: string;
    qualifier: string | undefined;
    payload: WitData | undefined;
    invocationType: InvocationType;
  }
  export interface InvokeOutput {
    statusCode: number;
    payload: WitData | undefined;
    logResult: string | undefined;
    executedVersion: string | undefined;
  }
  export class Client {
    /** `credentials` is the `credentials-provider` handle of momento:aws-auth. */
    constructor(credentials: object);
    invoke(request: InvokeRequest): InvokeOutput;
  }
}
