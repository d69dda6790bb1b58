// Any request → 200 `text/plain; charset=utf-8` "pong" (upstream example `web-function`).
import { web } from '@momento-functions/guest-web';

export default web(() => 'pong');
