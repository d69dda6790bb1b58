// TypeScript port of the upstream `s3-get` example: assumes the caller's role,
// reads `{a_number, a_string}` from S3 and answers with it (and the object's metadata).
import { rustDebugString } from '@momento-functions/aws-auth';
import { credentialsProvider, S3Client } from '@momento-functions/aws-s3';
import { extract } from '@momento-functions/bytes';
import {
  environment,
  INVOCATION_ERROR_PREFIX,
  WebError,
  WebResponse,
  web,
} from '@momento-functions/guest-web';
import { configureLogging, LogConfigurationError, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';

const log = logger('example_s3_get');

const Request = z.object({ role_arn: z.string(), bucket: z.string(), key: z.string() });
const MyStructure = z.object({ a_number: z.number().int().min(0).max(4294967295), a_string: z.string() });

/** `{"message":…,"metadata":[[k,v],…]}`, metadata omitted when empty (serde's skip_serializing_if). */
function body(message: string, metadata: ReadonlyArray<readonly [string, string]> = []): string {
  return JSON.stringify(metadata.length > 0 ? { message, metadata } : { message });
}

export default web(extract.schema(Request), (request) => {
  try {
    configureLogging([LogDestination.topic(environment().functionName)]);
  } catch (error) {
    if (error instanceof LogConfigurationError) throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
    throw error;
  }
  // An AuthError propagates: the host answers 500 with its Debug text, like the crate's `?`.
  const credentials = credentialsProvider({ federated: { roleArn: request.role_arn } }, 'us-west-2');
  const client = new S3Client(credentials);

  log.info(`getting object from s3, bucket ${request.bucket}, key ${request.key}`);
  let found: ReturnType<typeof client.get<z.infer<typeof MyStructure>>>;
  try {
    found = client.get(request.bucket, request.key, extract.schema(MyStructure));
  } catch (error) {
    const debug = (error as { debug?: unknown }).debug;
    if (typeof debug !== 'string') throw error;
    return new WebResponse({ status: 500, body: body(`Failed to get object from S3: ${debug}`) });
  }
  if (found === undefined) return new WebResponse({ status: 404, body: body('Not found') });

  const value = found.body;
  log.info(
    `found response with a_number: ${value.a_number}, a_string: ${value.a_string}, metadata entries: ${found.metadata.length}`,
  );
  return new WebResponse({
    status: 200,
    body: body(
      `Found: MyStructure { a_number: ${value.a_number}, a_string: ${rustDebugString(value.a_string)} }`,
      found.metadata,
    ),
  });
});
