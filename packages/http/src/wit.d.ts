/**
 * TypeScript shape of `momento:http/http@1.0.0` as componentize-js 0.23 hands it to JavaScript:
 * records as camelCase objects, variants as `{ tag: 'kebab-case', val? }`, `tuple<string, string>`
 * as a two-element array, and the `result<response, error>` of `invoke` as a function that returns
 * the `ok` value or throws a `ComponentError` whose `payload` is the `error` variant.
 *
 * This module exists only inside a component; tsup and the build keep it external. No public type
 * of this package refers to it.
 */
declare module 'momento:http/http@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export interface AwsSigv4Secret {
    accessKeyId: string;
    secretAccessKey: string;
    region: string;
    service: string;
  }
  export interface IamRole {
    roleArn: string;
    service: string;
  }
  export type Authorization =
    | { tag: 'none' }
    | { tag: 'aws-sigv4-secret'; val: AwsSigv4Secret }
    | { tag: 'federated'; val: IamRole };
  export interface Request {
    url: string;
    verb: string;
    headers: [string, string][];
    body: WitData;
    authorization: Authorization;
  }
  export interface Response {
    status: number;
    headers: [string, string][];
    body: WitData;
  }
  export type Error =
    | { tag: 'internal-error' }
    | { tag: 'request-error'; val: string }
    | { tag: 'invalid-url'; val: { url: string; error: string } }
    | { tag: 'invalid-header-name'; val: { header: string; error: string } }
    | { tag: 'invalid-header-value'; val: { value: string; error: string } };

  /** Throws a `ComponentError` whose `payload` is an {@link Error} on `err`. */
  export function invoke(request: Request): Response;
}
