// momento:log for guest unit tests: the real log host service (router + memory topic bus);
// `err` results are thrown like componentize-js does (an Error with the WIT error as `payload`).
import { createLogServices, LogRouter } from '@momento-functions/runtime/services/log';
import { MemoryTopicBus } from '@momento-functions/runtime/services/topic';

export const bus = new MemoryTopicBus();
export const lines: string[] = [];
export const router = new LogRouter({ topics: bus, console: { write: (l) => lines.push(l) } });
const [service] = createLogServices({ router });
export const ctx = {
  functionName: 'fn',
  cacheName: 'guest-cache',
  invocationId: 'inv-1',
  signal: new AbortController().signal,
};
export const calls: { fn: string; args: unknown[] }[] = [];

export function configureLogging(inputs: unknown[]): void {
  calls.push({ fn: 'configureLogging', args: [inputs] });
  const result = (service!.functions.configureLogging as (...a: unknown[]) => { tag: string; val: unknown })(
    ctx,
    inputs,
  );
  if (result.tag === 'err') throw Object.assign(new Error('(see error.payload)'), { payload: result.val });
}

export function log(input: string, level: string): void {
  calls.push({ fn: 'log', args: [input, level] });
  (service!.functions.log as (...a: unknown[]) => void)(ctx, input, level);
}
