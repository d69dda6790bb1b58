/**
 * `@momento-functions/aws-lambda`: invoke AWS Lambda functions through the host
 * (`momento:aws-lambda/aws-lambda@1.0.0`; the Rust project has the WIT but no crate).
 *
 * @example
 * ```ts
 * import { credentialsProvider, LambdaClient } from '@momento-functions/aws-lambda';
 * const lambda = new LambdaClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * const out = lambda.invoke('resize-image', encodeJson({ key: 'a.png' }));
 * out.payload?.json();
 * ```
 * @packageDocumentation
 */
/// <reference path="./wit.d.ts" />

import { Client } from 'momento:aws-lambda/aws-lambda@1.0.0';
import { type CredentialsProvider, witErrorPayload, witVariantDebug } from '@momento-functions/aws-auth';
import { Data, type DataInput } from '@momento-functions/bytes';

export {
  AuthError,
  type Authorization,
  type Credentials,
  CredentialsProvider,
  credentialsProvider,
  type IamRole,
  provider,
} from '@momento-functions/aws-auth';

/**
 * The cases of the WIT `lambda-error`.
 *
 * @example
 * ```ts
 * const kind: LambdaErrorCase = 'other';
 * ```
 */
export type LambdaErrorCase = 'unauthorized' | 'malformed' | 'other';

/**
 * Lambda (or the host) refused the invocation: the WIT `lambda-error`. There is no crate; `message`
 * and `debug` are what wit-bindgen's Debug prints, `LambdaError::Other("…")`. An error raised by
 * the invoked function itself is not a `LambdaError`: the call succeeds and its payload holds
 * `{"errorMessage","errorType"}`.
 *
 * @example
 * ```ts
 * try { lambda.invoke('missing'); } catch (e) { if (e instanceof LambdaError) console.log(e.detail); }
 * ```
 */
export class LambdaError extends Error {
  /** Which case of the WIT error the host returned (e.g. `unauthorized`); branch on it to handle one kind of failure. */
  readonly case: LambdaErrorCase;
  /** The host's explanation. */
  readonly detail: string;

  /**
   * Creates the error for a WIT case; the message is `LambdaError::<Case>("<detail>")`.
   *
   * @param errorCase - the WIT case.
   * @param detail - the host's explanation.
   * @example
   * ```ts
   * new LambdaError('other', 'x').message; // 'LambdaError::Other("x")'
   * ```
   */
  constructor(errorCase: LambdaErrorCase, detail: string) {
    super(witVariantDebug('LambdaError', errorCase, detail));
    this.name = 'LambdaError';
    this.case = errorCase;
    this.detail = detail;
  }

  /**
   * The Debug text, `LambdaError::Other("…")`.
   * @example
   * ```ts
   * new LambdaError('malformed', 'x').debug; // 'LambdaError::Malformed("x")'
   * ```
   */
  get debug(): string {
    return this.message;
  }
}

/**
 * Options of {@link LambdaClient.invoke}.
 *
 * @example
 * ```ts
 * const options: InvokeOptions = { qualifier: 'live', invocationType: 'request-response', logType: 'tail' };
 * ```
 */
export interface InvokeOptions {
  /** The version number or alias to invoke (e.g. `'7'`, `'live'`); `$LATEST` when omitted. */
  readonly qualifier?: string;
  /** `request-response` (default: wait for the result), `event` (asynchronous, 202) or `dry-run` (check permissions, 204). */
  readonly invocationType?: 'request-response' | 'event' | 'dry-run';
  /** `tail`: return the last 4 KB of the execution log in `logResult` (request-response only). */
  readonly logType?: 'tail';
  /** Base64-encoded client context JSON, passed to the function as is (request-response only). */
  readonly clientContext?: string;
}

/**
 * What Lambda answered.
 *
 * @example
 * ```ts
 * const { statusCode, payload } = lambda.invoke('fn', '{}');
 * ```
 */
export interface InvokeOutput {
  /** 200 for request-response, 202 for event, 204 for dry-run. */
  readonly statusCode: number;
  /** The function's result (or its error object), if any. */
  readonly payload: Data | undefined;
  /** Base64 log tail, with `logType: 'tail'`. */
  readonly logResult: string | undefined;
  /** The version that ran. */
  readonly executedVersion: string | undefined;
}

/**
 * A Lambda client on the host's AWS channel.
 *
 * @example
 * ```ts
 * const lambda = new LambdaClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
 * lambda.invoke('audit-log', encodeJson({ user }), { invocationType: 'event' });
 * ```
 */
export class LambdaClient {
  readonly #client: Client;

  /**
   * Creates a Lambda client that signs with the provider's credentials and calls its region.
   *
   * @param credentials - from `credentialsProvider(...)`; its region is the function's region.
   * @example
   * ```ts
   * const lambda = new LambdaClient(credentialsProvider({ federated: { roleArn } }, 'us-west-2'));
   * ```
   */
  constructor(credentials: CredentialsProvider) {
    this.#client = new Client(credentials.toWit());
  }

  /**
   * Invokes a function by name, ARN or partial ARN, with an optional payload (usually JSON).
   *
   * @throws LambdaError when Lambda or the host refuses (unknown function, no permission, bad payload).
   * @example
   * ```ts
   * const out = lambda.invoke('resize', encodeJson({ key: 'a.png' }), { qualifier: 'live' });
   * if (out.statusCode === 200) return out.payload;
   * ```
   */
  invoke(functionName: string, payload?: DataInput, options: InvokeOptions = {}): InvokeOutput {
    const type = options.invocationType ?? 'request-response';
    try {
      const output = this.#client.invoke({
        functionName,
        qualifier: options.qualifier,
        payload: payload === undefined ? undefined : Data.from(payload).toWit(),
        invocationType:
          type === 'request-response'
            ? {
                tag: 'request-response',
                val: {
                  logType: options.logType === 'tail' ? { tag: 'tail' } : undefined,
                  clientContext: options.clientContext,
                },
              }
            : { tag: type },
      });
      return {
        statusCode: output.statusCode,
        payload: output.payload === undefined ? undefined : Data.fromWit(output.payload),
        logResult: output.logResult,
        executedVersion: output.executedVersion,
      };
    } catch (thrown) {
      const p = witErrorPayload(thrown);
      if (p && (p.tag === 'unauthorized' || p.tag === 'malformed' || p.tag === 'other')) {
        throw new LambdaError(p.tag, String(p.val ?? ''));
      }
      throw thrown;
    }
  }
}
