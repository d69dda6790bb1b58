// Stand-in for `momento:aws-ddb/aws-ddb@1.0.0` in guest unit tests.
import { answer } from '../../../aws-auth/test/fakes/component.js';

export class Client {
  constructor(readonly credentials: unknown) {
    answer('aws-ddb.client', [credentials]);
  }
  putItem(request: unknown): unknown {
    return answer('aws-ddb.put-item', [request]);
  }
  getItem(request: unknown): unknown {
    return answer('aws-ddb.get-item', [request]);
  }
}
