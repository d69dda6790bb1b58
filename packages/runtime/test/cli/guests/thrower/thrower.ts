// The CLI/server source-position test guest: errors raised two calls deep in a second file.
//   /throw  throws from deep.ts (an uncaught error: 500)
//   /log    console.error(new Error(...).stack), then answers 200
import { environment, web } from '@momento-functions/guest-web';
import { outer, stackOf } from './deep.js';

export default web(() => {
  const where = environment().pathSegments[0];
  if (where === 'log') {
    console.error(stackOf());
    return 'logged';
  }
  if (where === 'throw') outer();
  return 'ok';
});
