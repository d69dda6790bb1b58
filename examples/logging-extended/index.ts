// Port of the upstream `logging-extended` example: three log destinations at once —
//   * topic `<function>-system-logs`: system logs only (function logs off, system logs at debug),
//   * topic `<function>`: function logs at debug and up, system logs at error,
//   * CloudWatch (the request's role and log group): both at info.
// Then logs at debug, info and error, and greets. The IAM role must let Momento write to the log
// group.
import { extract, rustDebugString } from '@momento-functions/bytes';
import { environment, web } from '@momento-functions/guest-web';
import { configureLogging, LogConfiguration, LogDestination, logger } from '@momento-functions/log';
import { z } from 'zod';

const Request = z.object({ iam_role_arn: z.string(), log_group_name: z.string(), name: z.string() });
const log = logger('example_logging_extended');

export default web(extract.schema(Request), (request) => {
  const functionName = environment().functionName;
  configureLogging([
    new LogConfiguration(LogDestination.topic(`${functionName}-system-logs`))
      .withLogLevel('off')
      .withSystemLogLevel('debug'),
    new LogConfiguration(LogDestination.topic(functionName))
      .withLogLevel('debug')
      .withSystemLogLevel('error'),
    new LogConfiguration(LogDestination.cloudwatch(request.iam_role_arn, request.log_group_name)),
  ]);

  log.debug('Logging a debug message');
  log.info(
    `Received request: Request { iam_role_arn: ${rustDebugString(request.iam_role_arn)}, log_group_name: ${rustDebugString(request.log_group_name)}, name: ${rustDebugString(request.name)} }`,
  );
  log.error('Logging an error message');

  return { message: `Hello, ${request.name}!` };
});
