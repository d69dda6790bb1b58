// The server's end-to-end test guest. One component, several behaviours chosen by the path:
//   /sse          three SSE events, ~150 ms apart (busy wait: handlers are synchronous)
//   /slow?ms=N    answers "slow done" after N ms
//   /throw        throws an Error (an uncaught guest error, mapped to this file by the source map)
//   /status/N     answers status N with a header and a body
//   anything else a JSON description of the request as the guest sees it
import { environment, sse, WebResponse, web } from '@momento-functions/guest-web';

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin: there is no sleep inside a synchronous handler
  }
}

function explode(): never {
  throw new Error('kaboom from the inspect guest');
}

export default web((request) => {
  const env = environment();
  const segments = env.pathSegments;
  if (segments[0] === 'sse') {
    const events = sse();
    for (let i = 0; i < 3; i++) {
      if (i > 0) busyWait(150);
      events.send({ event: 'tick', data: String(i) });
    }
    return undefined;
  }
  if (segments[0] === 'slow') {
    busyWait(Number(env.queryParameter('ms') ?? '300'));
    return 'slow done';
  }
  if (segments[0] === 'throw') explode();
  if (segments[0] === 'status') {
    return new WebResponse({
      status: Number(segments[1]),
      headers: [
        { name: 'x-from-guest', value: 'yes' },
        { name: 'x-multi', value: 'a' },
        { name: 'x-multi', value: 'b' },
      ],
      body: `status ${segments[1]}`,
    });
  }
  return {
    method: env.method,
    path: env.path,
    query: env.queryParameterList.map((q) => [q.name, q.value]),
    headers: env.headerList.map((h) => [h.name, h.value]),
    tokenMetadata: env.tokenMetadata ?? null,
    functionName: env.functionName,
    cacheName: env.cacheName,
    body: request.text(),
  };
});
