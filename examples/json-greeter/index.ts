// `{"name": string}` → `{"message":"Hello, <name>!"}` (upstream `web-function-json-greeter`).
// A body that is not such JSON gets 400 `Failed to parse request body: …`.
import { extract } from '@momento-functions/bytes';
import { web } from '@momento-functions/guest-web';
import { z } from 'zod';

const Greeting = z.object({ name: z.string() });

export default web(extract.schema(Greeting), ({ name }) => ({ message: `Hello, ${name}!` }));
