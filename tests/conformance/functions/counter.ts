// TypeScript counterpart of the `counter` fixture: increments a module-level counter and answers
// 200 text with its new value. On a host that gives every invocation a fresh instance the answer
// is always "1"; "2" would mean an instance was reused.
import { web } from '@momento-functions/guest-web';

let invocations = 0;

export default web(() => String(++invocations));
