// TypeScript counterpart of the `spin` fixture: never returns (a busy loop, no host calls), so
// only the host's wall-clock limit ends it.
import { web } from '@momento-functions/guest-web';

export default web((): string => {
  let turns = 0;
  for (;;) turns = (turns + 1) | 0;
});
