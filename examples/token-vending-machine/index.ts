// TypeScript port of the upstream `token-vending-machine` example:
// logs to a topic named after the function, then vends a one-hour disposable token.
import {
  environment,
  INVOCATION_ERROR_PREFIX,
  WebError,
  WebResponse,
  web,
} from '@momento-functions/guest-web';
import { configureLogging, LogConfigurationError, LogDestination, logger } from '@momento-functions/log';
import {
  CachePermissions,
  generateDisposableToken,
  Permissions,
  TokenError,
  TopicPermissions,
} from '@momento-functions/token';

const log = logger('example_token_vending_machine');

export default web(() => {
  try {
    configureLogging([LogDestination.topic(environment().functionName)]);
  } catch (error) {
    if (error instanceof LogConfigurationError) throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
    throw error;
  }
  log.debug('received request to generate a disposable token');
  const permissions = new Permissions()
    .withCache(CachePermissions.readWrite().withCache('foo'))
    .withTopic(TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-'));
  try {
    const token = generateDisposableToken(3600, permissions, 'my very secret value');
    return new WebResponse({ status: 200 })
      .header('Content-Type', 'application/json')
      .withBody(
        `{"api_key":${JSON.stringify(token.apiKey)},"endpoint":${JSON.stringify(token.endpoint)},"valid_until":${token.validUntil}}`,
      );
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    log.error(`Failed to generate token: ${error.debug}`);
    return new WebResponse({ status: 500 }).withBody(JSON.stringify({ message: error.message }));
  }
});
