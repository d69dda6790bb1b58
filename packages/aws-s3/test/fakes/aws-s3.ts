// Stand-in for `momento:aws-s3/aws-s3@1.0.0` in guest unit tests.
import { answer } from '../../../aws-auth/test/fakes/component.js';

export class Client {
  constructor(readonly credentials: unknown) {
    answer('aws-s3.client', [credentials]);
  }
  put(request: unknown): unknown {
    return answer('aws-s3.put', [request]);
  }
  get(request: unknown): unknown {
    return answer('aws-s3.get', [request]);
  }
}
