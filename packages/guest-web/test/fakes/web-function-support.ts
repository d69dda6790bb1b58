// Fake of momento:web-function/web-function-support@1.0.0 that records calls and, like the
// WIT says, hands the take-once values over only once (a second call gets an empty answer).
import { type FakeHeader, host } from './host.js';

function take<T>(fn: string, value: T, empty: T): T {
  if (host.taken.has(fn)) return empty;
  host.taken.add(fn);
  return value;
}

export function headers(): FakeHeader[] {
  host.calls.push({ fn: 'headers' });
  return take(
    'headers',
    host.headers.map((h) => ({ ...h })),
    [],
  );
}
export function queryParameters(): FakeHeader[] {
  host.calls.push({ fn: 'query-parameters' });
  return take(
    'query-parameters',
    host.query.map((h) => ({ ...h })),
    [],
  );
}
export function tokenMetadata(): string | undefined {
  host.calls.push({ fn: 'token-metadata' });
  return take('token-metadata', host.token, undefined);
}
export function invocationId(): string {
  host.calls.push({ fn: 'invocation-id' });
  return host.invocationId;
}
export function httpMethod(): string {
  host.calls.push({ fn: 'http-method' });
  return host.method;
}
export function invocationPath(): string | undefined {
  host.calls.push({ fn: 'invocation-path' });
  return take('invocation-path', host.path, undefined);
}
