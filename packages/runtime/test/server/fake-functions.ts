/**
 * Functions implemented in plain TypeScript with the ServableFunction shape, for the unit tests of
 * routing, the async queue and shutdown. The end-to-end tests use real components in the real host.
 */
import type {
  ServableFunction,
  ServerInvokeRequest,
  ServerInvokeResponse,
  ServerStreamingResponse,
  SpawnOutcome,
} from '../../src/server/types.js';

const encoder = new TextEncoder();

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

type Handler = (request: ServerInvokeRequest) => Promise<ServerStreamingResponse> | ServerStreamingResponse;

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

export function fakeWeb(name: string, handler: Handler, cache = 'default'): ServableFunction {
  return {
    name,
    cache,
    kind: 'web',
    async invokeStreaming(request) {
      return handler(request);
    },
    async invoke(request): Promise<ServerInvokeResponse> {
      const res = await handler(request);
      return { status: res.status, headers: res.headers, body: await collect(res.body) };
    },
    async spawn(): Promise<SpawnOutcome> {
      throw new Error(`${name} is a web function`);
    },
  };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Answers with a JSON description of the request it got. */
export const echo = fakeWeb('echo', (request) => ({
  status: 200,
  headers: [
    ['content-type', 'application/json'],
    ['x-echo', 'one'],
    ['x-echo', 'two'],
  ],
  body: once(
    encoder.encode(
      JSON.stringify({
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers,
        body: new TextDecoder().decode(request.body),
        tokenMetadata: request.tokenMetadata ?? null,
      }),
    ),
  ),
}));

/** Sleeps `?ms=` (default 300) then answers "slow done"; records cancellations. */
export const cancelled: string[] = [];
export const slow = fakeWeb('slow', async (request) => {
  const ms = Number(new URLSearchParams(request.query).get('ms') ?? 300);
  try {
    await sleep(ms, request.signal);
  } catch (error) {
    cancelled.push('slow');
    throw error;
  }
  return { status: 200, headers: [['content-type', 'text/plain']], body: once(encoder.encode('slow done')) };
});

/** An SSE stream of three events, 100 ms apart; records when it is cancelled. */
export const ticker = fakeWeb('ticker', (request) => ({
  status: 200,
  headers: [
    ['content-type', 'text/event-stream'],
    ['cache-control', 'no-cache'],
  ],
  body: (async function* () {
    for (let i = 0; i < 3; i++) {
      if (i > 0) {
        try {
          await sleep(100, request.signal);
        } catch {
          cancelled.push('ticker');
          return;
        }
      }
      yield encoder.encode(`event: tick\ndata: ${i}\n\n`);
    }
  })(),
}));

export const spawned: string[] = [];
export const worker: ServableFunction = {
  name: 'worker',
  cache: 'default',
  kind: 'spawn',
  invoke: () => Promise.reject(new Error('spawn only')),
  invokeStreaming: () => Promise.reject(new Error('spawn only')),
  async spawn(payload) {
    const text = new TextDecoder().decode(payload);
    spawned.push(text);
    return text === 'fail' ? { tag: 'failed-note', val: 'asked to fail' } : { tag: 'ok' };
  },
};
