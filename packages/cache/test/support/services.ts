// Calls host services the way the sandbox bridge does: (ctx, ...jco values) → WitResult.
import type { HostService, InvocationContext } from '@momento-functions/runtime';

export function context(
  cacheName = 'test-cache',
  functionName = 'test-fn',
): InvocationContext & { end(): void } {
  const controller = new AbortController();
  return {
    functionName,
    cacheName,
    invocationId: `inv-${Math.random().toString(36).slice(2)}`,
    signal: controller.signal,
    end: () => controller.abort(),
  };
}

export function find(services: HostService[], iface: string): HostService {
  const service = services.find((s) => s.interface === iface);
  if (!service) throw new Error(`no service for ${iface}`);
  return service;
}

export async function call(
  service: HostService,
  name: string,
  ctx: InvocationContext,
  ...args: unknown[]
): Promise<unknown> {
  const fn = service.functions[name] as ((...a: unknown[]) => unknown) | undefined;
  if (!fn) throw new Error(`${service.interface} has no function ${name}`);
  return await fn(ctx, ...args);
}

export const enc = (s: string): { tag: 'value'; val: Uint8Array } => ({
  tag: 'value',
  val: new TextEncoder().encode(s),
});
export const text = (d: unknown): string => new TextDecoder().decode((d as { val: Uint8Array }).val);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
