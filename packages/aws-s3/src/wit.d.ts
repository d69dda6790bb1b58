/**
 * TypeScript shape of `momento:aws-s3/aws-s3@1.0.0` as componentize-js 0.23 hands it to
 * JavaScript: the `client` resource as a class whose methods return the `ok` value or throw a
 * `ComponentError` whose `payload` is the `s3-error`. Exists only inside a component.
 */
declare module 'momento:aws-s3/aws-s3@1.0.0' {
  import type { WitData } from '@momento-functions/bytes';

  export type S3Error =
    | { tag: 'unauthorized'; val: string }
    | { tag: 'malformed'; val: string }
    | { tag: 'other'; val: string };
  export interface PutObjectRequest {
    bucket: string;
    key: string;
    body: WitData;
    metadata: [string, string][];
  }
  export interface PutObjectOutput {
    expiration: string | undefined;
    etag: string | undefined;
    versionId: string | undefined;
  }
  export interface GetObjectRequest {
    bucket: string;
    key: string;
  }
  export interface GetObjectOutput {
    body: WitData | undefined;
    etag: string | undefined;
    versionId: string | undefined;
    expiration: string | undefined;
    metadata: [string, string][];
  }
  export class Client {
    /** `credentials` is the `credentials-provider` handle of momento:aws-auth. */
    constructor(credentials: object);
    put(request: PutObjectRequest): PutObjectOutput;
    get(request: GetObjectRequest): GetObjectOutput;
  }
}
