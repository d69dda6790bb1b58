// Port of the upstream `spawn-function` example: a spawn function that accepts any payload,
// reads none of it, and succeeds (`ok`).
import { spawn } from '@momento-functions/guest-spawn';

export default spawn(() => undefined);
