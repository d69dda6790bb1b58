// A stand-in for the host import `momento:http/http@1.0.0` in guest unit tests: it hands the WIT
// request to whatever handler the test installs and throws `err` values the way componentize-js
// does (a ComponentError-like object whose `payload` is the WIT error).
import type { WitData } from '@momento-functions/bytes';

export interface FakeWitRequest {
  url: string;
  verb: string;
  headers: [string, string][];
  body: WitData;
  authorization: { tag: string; val?: unknown };
}
export interface FakeWitResponse {
  status: number;
  headers: [string, string][];
  body: WitData;
}
export type FakeResult =
  | { tag: 'ok'; val: FakeWitResponse }
  | { tag: 'err'; val: { tag: string; val?: unknown } };

let handler: ((request: FakeWitRequest) => FakeResult) | undefined;

export function setHttpHandler(next: ((request: FakeWitRequest) => FakeResult) | undefined): void {
  handler = next;
}

class ComponentError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(`${String(payload)} (see error.payload)`);
    this.payload = payload;
  }
}

export function invoke(request: FakeWitRequest): FakeWitResponse {
  if (handler === undefined) throw new Error('no fake http handler installed');
  const result = handler(request);
  if (result.tag === 'err') throw new ComponentError(result.val);
  return result.val;
}
