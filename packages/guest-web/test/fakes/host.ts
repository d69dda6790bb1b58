/**
 * State shared by the fake host modules: what the "host" will answer, and every call the guest
 * code made, in order. Tests set `host.*` before invoking and read `host.calls` after.
 */
import type { WitData } from '@momento-functions/bytes';

export interface FakeHeader {
  name: string;
  value: string;
}

export type Call =
  | {
      fn:
        | 'headers'
        | 'query-parameters'
        | 'token-metadata'
        | 'invocation-id'
        | 'http-method'
        | 'invocation-path';
    }
  | { fn: 'get-environment' }
  | { fn: 'send-sse'; event: string | undefined; eventId: string | undefined; data: WitData | undefined }
  | { fn: 'send-response-start'; status: number; headers: FakeHeader[] }
  | { fn: 'send-data'; data: WitData };

export const host = {
  headers: [] as FakeHeader[],
  query: [] as FakeHeader[],
  token: undefined as string | undefined,
  invocationId: 'fake-invocation-id',
  method: 'POST',
  path: undefined as string | undefined,
  env: [] as [string, string][],
  /** Error strings the next stream calls return, by function; consumed in order. */
  streamErrors: {
    'send-sse': [] as string[],
    'send-response-start': [] as string[],
    'send-data': [] as string[],
  },
  calls: [] as Call[],
  /** Take-once functions: whether each has already handed its value over. */
  taken: new Set<string>(),
};

export function resetHost(): void {
  host.headers = [];
  host.query = [];
  host.token = undefined;
  host.invocationId = 'fake-invocation-id';
  host.method = 'POST';
  host.path = undefined;
  host.env = [];
  host.streamErrors = { 'send-sse': [], 'send-response-start': [], 'send-data': [] };
  host.calls = [];
  host.taken = new Set();
}

/** componentize-js throws a `ComponentError` (not an `Error`) carrying the err string as `payload`. */
export class ComponentError {
  readonly name = 'Error';
  readonly message: string;
  readonly payload: string;
  constructor(payload: string) {
    this.message = payload;
    this.payload = payload;
  }
}
