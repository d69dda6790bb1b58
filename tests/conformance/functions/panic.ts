// TypeScript counterpart of the `panic` fixture: the handler fails unconditionally. A Rust panic
// aborts (a trap); the idiomatic TypeScript failure is a thrown error, which guest-web turns into
// the crate's 500 text response instead of a trap (docs/conformance.md, "Deliberate differences").
import { web } from '@momento-functions/guest-web';

export default web((): string => {
  throw new Error('fixture panic: this function always panics');
});
