// TypeScript port of the upstream `s3-put` example: assumes the caller's role
// and writes `{"a_number":42,"a_string":value}` to S3 with the given metadata.
import { credentialsProvider, S3Client } from '@momento-functions/aws-s3';
import { encodeJson, extract } from '@momento-functions/bytes';
import {
  environment,
  INVOCATION_ERROR_PREFIX,
  WebError,
  WebResponse,
  web,
} from '@momento-functions/guest-web';
import { configureLogging, LogConfigurationError, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';

const log = logger('example_s3_put');

const Request = z.object({
  role_arn: z.string(),
  bucket: z.string(),
  key: z.string(),
  value: z.string(),
  metadata: z.array(z.tuple([z.string(), z.string()])).default([]),
});

export default web(extract.schema(Request), (request) => {
  try {
    configureLogging([LogDestination.topic(environment().functionName)]);
  } catch (error) {
    if (error instanceof LogConfigurationError) throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
    throw error;
  }
  const credentials = credentialsProvider({ federated: { roleArn: request.role_arn } }, 'us-west-2');
  const client = new S3Client(credentials);

  log.info(
    `putting object to s3, bucket: ${request.bucket}; key ${request.key}; size of value ${new TextEncoder().encode(request.value).length}`,
  );
  let put: ReturnType<typeof client.put>;
  try {
    put = client.put(request.bucket, request.key, encodeJson({ a_number: 42, a_string: request.value }), {
      metadata: request.metadata,
    });
  } catch (error) {
    const debug = (error as { debug?: unknown }).debug;
    if (typeof debug !== 'string') throw error;
    return new WebResponse({
      status: 500,
      body: JSON.stringify({ message: `Failed to put object ${debug}` }),
    });
  }
  log.info(`put object succeeded, etag: ${optionDebug(put.etag)}, version_id: ${optionDebug(put.versionId)}`);
  // serde skips the None fields; the order is the Rust struct's.
  return new WebResponse({
    status: 200,
    body: JSON.stringify({
      message: 'Successfully put object',
      ...(put.etag !== undefined ? { etag: put.etag } : {}),
      ...(put.versionId !== undefined ? { version_id: put.versionId } : {}),
      ...(put.expiration !== undefined ? { expiration: put.expiration } : {}),
    }),
  });
});

/** Rust's `{:?}` of an `Option<String>`. */
function optionDebug(value: string | undefined): string {
  return value === undefined ? 'None' : `Some(${JSON.stringify(value)})`;
}
