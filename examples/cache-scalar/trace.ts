// Wraps host services so a test sees every host call in order (the ordered host calls, WASI excluded), with
// `data` arguments shown as UTF-8 text and results as the services answered them.
import type { HostService } from '@momento-functions/runtime';

export interface TracedCall {
  readonly fn: string;
  readonly args: unknown[];
  result?: unknown;
}

function simplify(value: unknown): unknown {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(simplify);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.tag === 'value' && record.val instanceof Uint8Array) return simplify(record.val);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, simplify(v)]));
  }
  return value;
}

export function traced(services: HostService[], trace: TracedCall[]): HostService[] {
  return services.map((service) => ({
    ...service,
    functions: Object.fromEntries(
      Object.entries(service.functions).map(([name, fn]) => [
        name,
        (ctx: Parameters<typeof fn>[0], ...args: unknown[]) => {
          const call: TracedCall = { fn: name, args: args.map(simplify) };
          trace.push(call);
          const result = (fn as (...a: unknown[]) => unknown)(ctx, ...args);
          if (result instanceof Promise) {
            return result.then((r) => {
              call.result = simplify(r);
              return r;
            });
          }
          call.result = simplify(result);
          return result;
        },
      ]),
    ),
  }));
}
