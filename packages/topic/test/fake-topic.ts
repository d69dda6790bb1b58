// momento:topic for guest unit tests: calls the real topic host service over a memory bus and
// throws `err` results like componentize-js (an Error with the WIT error as `payload`).
import { createTopicServices, MemoryTopicBus } from '@momento-functions/runtime/services/topic';

export const bus = new MemoryTopicBus();
const [service] = createTopicServices({ bus });
const ctx = {
  functionName: 'fn',
  cacheName: 'guest-cache',
  invocationId: 'inv',
  signal: new AbortController().signal,
};
export const injected: { next?: unknown } = {};

function call(fn: string, ...args: unknown[]): void {
  let result = (service!.functions[fn] as (...a: unknown[]) => unknown)(ctx, ...args) as {
    tag: string;
    val: unknown;
  };
  if (injected.next !== undefined) {
    result = { tag: 'err', val: injected.next };
    injected.next = undefined;
  }
  if (result instanceof Promise) throw new Error('memory topic service must answer synchronously');
  if (result.tag === 'err') throw Object.assign(new Error('(see error.payload)'), { payload: result.val });
}

export const publish = (topic: string, value: string) => call('publish', topic, value);
export const publishBytes = (topic: string, value: unknown) => call('publishBytes', topic, value);
