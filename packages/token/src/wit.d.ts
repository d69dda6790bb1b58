/**
 * TypeScript shape of `momento:token/token@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript: records camelCase, `u64` as `bigint`, and `err` thrown as a `ComponentError`
 * whose `payload` is the `token-error` variant. No public type of this package refers to it.
 */
declare module 'momento:token/token@1.0.0' {
  export type TokenError =
    | { tag: 'internal-error' }
    | { tag: 'invalid-argument'; val: string }
    | { tag: 'permission-denied'; val: string }
    | { tag: 'limit-exceeded'; val: string };
  export interface Expires {
    validForSeconds: number;
  }
  export interface GenerateDisposableTokenResponse {
    apiKey: string;
    endpoint: string;
    validUntil: bigint;
  }
  export function generateDisposableToken(
    expires: Expires,
    permissions: string,
    tokenId: string | undefined,
  ): GenerateDisposableTokenResponse;
}
