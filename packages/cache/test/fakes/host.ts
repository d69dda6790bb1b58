// The guest packages' host imports in unit tests: each call goes to the real memory-backed host
// services (synchronous), and `err` results are thrown the way componentize-js does (an Error
// whose `payload` is the WIT error). Every call is recorded for trace assertions.
import type { HostService, InvocationContext } from '@momento-functions/runtime';
import { createCacheServices, MemoryCacheBackend } from '@momento-functions/runtime/services/cache';

export interface RecordedCall {
  readonly iface: string;
  readonly fn: string;
  readonly args: unknown[];
  readonly result: unknown;
}

export const calls: RecordedCall[] = [];
export const backend = new MemoryCacheBackend({ sweepIntervalMs: 0 });
let services: HostService[] = createCacheServices({ backend });
const controller = new AbortController();
export const ctx: InvocationContext = {
  functionName: 'guest-test',
  cacheName: 'guest-cache',
  invocationId: 'inv-guest',
  signal: controller.signal,
};

/** Answers the next call of `fn` with this WIT error instead of calling the service. */
let injected: { fn: string; error: unknown } | undefined;
export function failNext(fn: string, error: unknown): void {
  injected = { fn, error };
}

export function reset(): void {
  calls.length = 0;
  backend.flush();
  injected = undefined;
  services = createCacheServices({ backend });
}

class ComponentError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(`${String(payload)} (see error.payload)`);
    this.payload = payload;
  }
}

type Materialized = { tag: 'value'; val: Uint8Array };
function materialize(arg: unknown): unknown {
  if (arg && typeof arg === 'object' && 'tag' in arg && (arg as { tag: string }).tag === 'buffer') {
    const buffer = (arg as unknown as { val: { read(n: number): Uint8Array | undefined } }).val;
    const parts: Uint8Array[] = [];
    for (let chunk = buffer.read(65536); chunk; chunk = buffer.read(65536)) parts.push(chunk);
    return { tag: 'value', val: new Uint8Array(Buffer.concat(parts)) } satisfies Materialized;
  }
  if (Array.isArray(arg)) return arg.map(materialize);
  if (arg && typeof arg === 'object' && 'val' in arg)
    return { ...(arg as object), val: materialize((arg as { val: unknown }).val) };
  return arg;
}

export function hostFunction(iface: string, fn: string) {
  return (...args: unknown[]): unknown => {
    const service = services.find((s) => s.interface === iface);
    const impl = service?.functions[fn] as ((...a: unknown[]) => unknown) | undefined;
    if (!impl) throw new Error(`fake host: no ${iface}#${fn}`);
    let result: unknown;
    if (injected?.fn === fn) {
      result = { tag: 'err', val: injected.error };
      injected = undefined;
    } else {
      result = impl(ctx, ...args.map(materialize));
    }
    if (result instanceof Promise)
      throw new Error('fake host: the memory services must answer synchronously');
    calls.push({ iface, fn, args, result });
    const r = result as { tag: 'ok' | 'err'; val: unknown };
    if (r.tag === 'err') throw new ComponentError(r.val);
    return r.val;
  };
}
