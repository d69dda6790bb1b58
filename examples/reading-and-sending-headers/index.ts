// Port of the upstream `reading-and-sending-headers` example: answers 200 with exactly the
// headers the request asks for in `headers_to_send_back` (no content-type is added), and a body
// listing the request's own headers, except `authorization` (don't echo secrets).
import { extract } from '@momento-functions/bytes';
import { environment, WebResponse, web } from '@momento-functions/guest-web';
import { z } from 'zod';

const Request = z.object({ headers_to_send_back: z.record(z.string(), z.string()) });

export default web(extract.schema(Request), ({ headers_to_send_back }) => {
  const received = [...environment().headers]
    .filter(([name]) => name !== 'authorization')
    .map(([name, value]) => `'${name}'='${value}'`)
    .join(' | ');
  return new WebResponse({
    status: 200,
    headers: Object.entries(headers_to_send_back),
    body: `You sent this with headers: ${received}`,
  });
});
