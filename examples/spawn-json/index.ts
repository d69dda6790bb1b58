// A spawn function taking `{"_name": string}` (upstream `spawn-function-json`).
// Success → `ok`; a payload that is not such JSON → `failed-note("Failed to extract spawn payload: …")`.
import { extract } from '@momento-functions/bytes';
import { spawn } from '@momento-functions/guest-spawn';
import { z } from 'zod';

const Payload = z.object({ _name: z.string() });

export default spawn(extract.schema(Payload), () => undefined);
