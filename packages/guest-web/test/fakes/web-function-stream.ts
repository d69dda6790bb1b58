// Fake of momento:web-function/web-function-stream@1.0.0: records every call and returns the
// queued error strings the way componentize-js surfaces a WIT `err` (a thrown ComponentError).
import type { WitData } from '@momento-functions/bytes';
import { ComponentError, type FakeHeader, host } from './host.js';

function result(fn: keyof typeof host.streamErrors): void {
  const error = host.streamErrors[fn].shift();
  if (error !== undefined) throw new ComponentError(error);
}

export function sendSse(
  event: string | undefined,
  eventId: string | undefined,
  data: WitData | undefined,
): void {
  host.calls.push({ fn: 'send-sse', event, eventId, data });
  result('send-sse');
}
export function sendResponseStart(status: number, headers: FakeHeader[]): void {
  host.calls.push({ fn: 'send-response-start', status, headers });
  result('send-response-start');
}
export function sendData(data: WitData): void {
  host.calls.push({ fn: 'send-data', data });
  result('send-data');
}
