// sleep() of @momento-functions/guest-web in a built component (tests/sleep/sleep.test.ts).
// The body says how many milliseconds; the answer says how long the guest's own clock saw.
import type { Data } from '@momento-functions/bytes';
import { environment, sleep, web } from '@momento-functions/guest-web';

let sleeps = 0;

export default web((request: Data) => {
  const ms = Number(environment().header('x-sleep-ms'));
  const started = performance.now();
  sleep(ms);
  sleeps++;
  const slept = performance.now() - started;
  if (environment().path === 'echo') {
    // The request body, held unread across the sleep, is still the host's buffer afterwards.
    return request;
  }
  return { slept, sleeps, bodyOnHost: request.isOnHost };
});
