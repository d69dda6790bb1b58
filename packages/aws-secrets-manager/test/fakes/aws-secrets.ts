// Stand-in for `momento:aws-secrets/aws-secrets@1.0.0` in guest unit tests.
import { answer } from '../../../aws-auth/test/fakes/component.js';

export class Client {
  constructor(readonly credentials: unknown) {
    answer('aws-secrets.client', [credentials]);
  }
  getSecretValue(request: unknown): unknown {
    return answer('aws-secrets.get-secret-value', [request]);
  }
}
