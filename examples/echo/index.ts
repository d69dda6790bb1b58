// Returns the request body unchanged: 200 `application/octet-stream`. The body is a host buffer
// that is handed straight back to the host, never copied into the function (upstream `echo.rs`).
import type { Data } from '@momento-functions/bytes';
import { web } from '@momento-functions/guest-web';

export default web((request: Data) => request);
