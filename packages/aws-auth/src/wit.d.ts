/**
 * TypeScript shape of `momento:aws-auth/aws-auth@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript: records camelCase, variants `{ tag, val }`, the `credentials-provider` resource as a
 * class, and `provider`'s `result` as a function that returns the resource or throws a
 * `ComponentError` whose `payload` is the `auth-error`. Exists only inside a component.
 */
declare module 'momento:aws-auth/aws-auth@1.0.0' {
  export interface Credentials {
    accessKeyId: string;
    secretAccessKey: string;
  }
  export interface IamRole {
    roleArn: string;
  }
  export type Authorization = { tag: 'hardcoded'; val: Credentials } | { tag: 'federated'; val: IamRole };
  export type AuthError = { tag: 'unauthorized'; val: string };
  export class CredentialsProvider {
    private constructor();
  }
  /** Throws a `ComponentError` whose `payload` is an {@link AuthError} on `err`. */
  export function provider(authorization: Authorization, region: string): CredentialsProvider;
}
