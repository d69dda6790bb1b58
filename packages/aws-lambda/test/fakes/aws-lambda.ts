// Stand-in for `momento:aws-lambda/aws-lambda@1.0.0` in guest unit tests.
import { answer } from '../../../aws-auth/test/fakes/component.js';

export class Client {
  constructor(readonly credentials: unknown) {
    answer('aws-lambda.client', [credentials]);
  }
  invoke(request: unknown): unknown {
    return answer('aws-lambda.invoke', [request]);
  }
}
