// A pass-through proxy (docs/patterns.md): the request body is sent to `POST $UPSTREAM_URL/echo`
// as the `Data` it arrived as, and the upstream's body is answered as the `Data` the host holds,
// with the upstream's status. Neither body is read into the sandbox. Same answers as the Rust
// build in tests/fixtures/rust-official/pass-through-proxy.
import type { Data } from '@momento-functions/bytes';
import { env, WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';

export default web((payload: Data) => {
  const upstreamUrl = env('UPSTREAM_URL') ?? 'https://example.com';
  const upstream = invoke(new Request(`${upstreamUrl}/echo`, 'POST').withBody(payload));
  return new WebResponse().withStatus(upstream.status).withBody(upstream.body);
});
