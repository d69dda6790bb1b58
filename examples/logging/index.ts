// Port of the upstream `logging` example: sends the function's logs to a topic named after the
// function (function and system logs at info), logs the request, and greets.
import { extract, rustDebugString } from '@momento-functions/bytes';
import { environment, web } from '@momento-functions/guest-web';
import { configureLogging, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';

const Request = z.object({ name: z.string() });
const log = logger('example_logging');

export default web(extract.schema(Request), ({ name }) => {
  // A refusal throws a LogConfigurationError, which answers 500 with its Debug text.
  configureLogging([LogDestination.topic(environment().functionName)]);
  log.info(`Received request: Request { name: ${rustDebugString(name)} }`);
  return { message: `Hello, ${name}!` };
});
