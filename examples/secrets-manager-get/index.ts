// TypeScript port of the upstream `secrets-manager-get` example: reads the
// secret `{token}` through Momento's AWS channel (cached on the host for up to 5 minutes) and
// answers with its length only, never the value.
import { credentialsProvider, SecretsManagerClient } from '@momento-functions/aws-secrets-manager';
import { extract } from '@momento-functions/bytes';
import { env, INVOCATION_ERROR_PREFIX, WebError, WebResponse, web } from '@momento-functions/guest-web';
import {
  configureLogging,
  LogConfiguration,
  LogConfigurationError,
  LogDestination,
  logger,
} from '@momento-functions/log';
import { z } from 'zod';

const log = logger('example_secrets_manager_get');

const Request = z.object({ secret_name: z.string() });
const MySecret = z.object({ token: z.string() });

/** The role Momento federates into to read the secret: set ROLE_ARN in the function's environment. */
const PLACEHOLDER_ROLE = '<name of your role ARN>';

export default web(extract.schema(Request), (request) => {
  try {
    configureLogging([
      new LogConfiguration(LogDestination.topic('secrets-manager-get')).withLogLevel('debug'),
    ]);
  } catch (error) {
    if (error instanceof LogConfigurationError) throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
    throw error;
  }
  const roleArn = env('ROLE_ARN') ?? PLACEHOLDER_ROLE;
  const credentials = credentialsProvider({ federated: { roleArn } }, 'us-west-2');
  const client = new SecretsManagerClient(credentials);

  log.info(`Retrieving secret: ${request.secret_name}`);
  let secret: z.infer<typeof MySecret>;
  try {
    secret = client.getSecret(request.secret_name, extract.schema(MySecret), {
      allowedStalenessSeconds: 5 * 60,
    });
  } catch (error) {
    const debug = (error as { debug?: unknown }).debug;
    if (typeof debug !== 'string') throw error;
    log.error(`Failed to retrieve secret: ${debug}`);
    return new WebResponse({
      status: 500,
      body: JSON.stringify({ message: `Failed to retrieve secret: ${debug}` }),
    });
  }
  if (secret.token === '') {
    log.error('The token should have had a value, but we got an empty string instead');
    return new WebResponse({
      status: 500,
      body: JSON.stringify({ message: 'Failed to retrieve secret: the value returned was not valid' }),
    });
  }
  log.info('Successfully retrieved secret');
  return new WebResponse({
    status: 200,
    body: JSON.stringify({
      message: `Secret retrieved successfully! Secret length: ${new TextEncoder().encode(secret.token).length}`,
    }),
  });
});
