// Port of the upstream `environment-variables` example: answers 200 text/plain with every
// environment variable of the function's configuration as `K=V`, one per line. The host adds
// `__CACHE_NAME`, `__FUNCTION_NAME` and `__INVOCATION_ID` to the variables you configure.
import { environmentVariables, web } from '@momento-functions/guest-web';

export default web(() => [...environmentVariables()].map(([name, value]) => `${name}=${value}`).join('\n'));
