// Stand-in for `momento:aws-auth/aws-auth@1.0.0` in guest unit tests.
import { answer } from './component.js';

export class CredentialsProvider {
  constructor(
    readonly authorization: unknown,
    readonly region: string,
  ) {}
}

export function provider(authorization: unknown, region: string): CredentialsProvider {
  answer('aws-auth.provider', [authorization, region]);
  return new CredentialsProvider(authorization, region);
}
