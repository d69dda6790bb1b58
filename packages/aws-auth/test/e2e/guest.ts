// A web function using every AWS guest package: built into a real component by
// test/e2e/aws.test.ts and run in the reference host against the local fake AWS. Each request
// names one scenario; the answer is what the function saw, as JSON.
import { AuthError, type Authorization, credentialsProvider } from '@momento-functions/aws-auth';
import { asBytes, asNumber, asString, attr, DdbError, DynamoDBClient } from '@momento-functions/aws-ddb';
import { LambdaClient, LambdaError } from '@momento-functions/aws-lambda';
import { S3Client, S3Error } from '@momento-functions/aws-s3';
import { SecretsError, SecretsManagerClient } from '@momento-functions/aws-secrets-manager';
import { encodeJson, extract } from '@momento-functions/bytes';
import { web } from '@momento-functions/guest-web';

interface Request {
  scenario: string;
  roleArn?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** A thrown package error as JSON: its class, WIT case, host text, Display and Debug. */
function failure(error: unknown): Record<string, string | undefined> {
  if (
    error instanceof AuthError ||
    error instanceof S3Error ||
    error instanceof DdbError ||
    error instanceof SecretsError ||
    error instanceof LambdaError
  ) {
    return {
      error: error.name,
      case: error.case,
      detail: error.detail,
      message: error.message,
      debug: error.debug,
    };
  }
  throw error;
}

export default web(extract.json<Request>(), (request) => {
  const authorization: Authorization = request.accessKeyId
    ? { hardcoded: { accessKeyId: request.accessKeyId, secretAccessKey: request.secretAccessKey ?? '' } }
    : { federated: { roleArn: request.roleArn ?? '' } };
  try {
    const credentials = credentialsProvider(authorization, 'us-west-2');
    switch (request.scenario) {
      case 'provider':
        return { region: credentials.region };
      case 's3': {
        const s3 = new S3Client(credentials);
        const put = s3.put('test-bucket', 'dir/a b.json', encodeJson({ a: 1 }), {
          metadata: [
            ['owner', 'ada'],
            ['tag', 'x'],
          ],
        });
        const got = s3.get('test-bucket', 'dir/a b.json');
        const typed = s3.get('test-bucket', 'dir/a b.json', extract.json<{ a: number }>());
        return {
          put,
          body: got?.body.text(),
          metadata: got?.metadata,
          etag: got?.etag,
          typed: typed?.body.a,
          missing: s3.get('test-bucket', 'nope') === undefined,
        };
      }
      case 's3-large': {
        const body = new S3Client(credentials).get('test-bucket', 'large')?.body.bytes();
        let sum = 0;
        for (const b of body ?? []) sum = (sum + b) % 65521;
        return { length: body?.length, sum };
      }
      case 's3-denied':
        return new S3Client(credentials).get('forbidden-bucket', 'k');
      case 'ddb': {
        const ddb = new DynamoDBClient(credentials);
        const first = ddb.putItem('test-table', {
          pk: attr.s('u1'),
          n: attr.n(42),
          b: attr.b(new Uint8Array([1, 2, 3])),
        });
        const replaced = ddb.putItem(
          'test-table',
          { pk: attr.s('u1'), n: attr.n(43) },
          { returnValues: 'all-old' },
        );
        const item = ddb.getItem('test-table', { pk: 'u1' });
        const old = replaced.attributes;
        let conditional: unknown;
        try {
          ddb.putItem(
            'test-table',
            { pk: attr.s('u1') },
            { condition: { expression: 'attribute_not_exists(pk)' } },
          );
        } catch (error) {
          conditional = failure(error);
        }
        const output = ddb.getItemOutput('test-table', { pk: 'u1' }, { returnConsumedCapacity: 'total' });
        return {
          first: first.attributes ?? null,
          oldN: old?.n ? asNumber(old.n) : null,
          oldB: old?.b ? Array.from(asBytes(old.b)) : null,
          pk: item?.pk ? asString(item.pk) : null,
          n: item?.n ? asNumber(item.n) : null,
          missing: ddb.getItem('test-table', { pk: 'nobody' }) ?? null,
          conditional,
          capacity: output.consumedCapacity?.capacityUnits ?? null,
        };
      }
      case 'secrets': {
        const secrets = new SecretsManagerClient(credentials);
        const text = secrets.getSecretValue('app/text');
        const binary = secrets.getSecretValue('app/binary');
        const typed = secrets.getSecret('app/text', extract.json<{ token: string }>());
        let missing: unknown;
        try {
          secrets.getSecretValue('app/missing');
        } catch (error) {
          missing = failure(error);
        }
        return {
          text: text.text(),
          name: text.name,
          versionStages: text.versionStages,
          binary: Array.from(binary.bytes()),
          token: typed.token,
          missing,
        };
      }
      case 'lambda': {
        const lambda = new LambdaClient(credentials);
        const out = lambda.invoke('echo', encodeJson({ n: 1 }), { qualifier: 'live', logType: 'tail' });
        const event = lambda.invoke('echo', encodeJson({ n: 2 }), { invocationType: 'event' });
        let missing: unknown;
        try {
          lambda.invoke('nope');
        } catch (error) {
          missing = failure(error);
        }
        return {
          statusCode: out.statusCode,
          payload: out.payload?.json(),
          log: out.logResult !== undefined,
          executedVersion: out.executedVersion,
          event: [event.statusCode, event.payload?.bytes().length ?? 0],
          missing,
        };
      }
      case 'many-clients': {
        // Resources made and dropped in a loop: each client borrows the same provider.
        let etags = 0;
        for (let i = 0; i < 20; i++) {
          const s3 = new S3Client(credentials);
          s3.put('test-bucket', `k${i}`, `v${i}`);
          if (new S3Client(credentials).get('test-bucket', `k${i}`)?.body.text() === `v${i}`) etags++;
        }
        return { roundTrips: etags };
      }
      default:
        return { unknownScenario: request.scenario };
    }
  } catch (error) {
    return failure(error);
  }
});
