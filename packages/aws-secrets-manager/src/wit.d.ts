/**
 * TypeScript shape of `momento:aws-secrets/aws-secrets@1.0.0` as componentize-js 0.23 hands it
 * to JavaScript (`u64` as `bigint`). Exists only inside a component.
 */
declare module 'momento:aws-secrets/aws-secrets@1.0.0' {
  export type SecretsError =
    | { tag: 'not-found' }
    | { tag: 'unauthorized'; val: string }
    | { tag: 'malformed'; val: string }
    | { tag: 'other'; val: string };
  export interface GetSecretValueRequest {
    secretId: string;
    versionId: string | undefined;
    versionStage: string | undefined;
    allowedStalenessSeconds: bigint;
  }
  export type SecretValue = { tag: 'secret-bytes'; val: Uint8Array } | { tag: 'secret-string'; val: string };
  export interface GetSecretValueResponse {
    arn: string;
    createdDateEpochSeconds: bigint;
    name: string;
    secret: SecretValue;
    versionId: string;
    versionStages: string[];
  }
  export class Client {
    /** `credentials` is the `credentials-provider` handle of momento:aws-auth. */
    constructor(credentials: object);
    getSecretValue(request: GetSecretValueRequest): GetSecretValueResponse;
  }
}
