/**
 * Bounds on what the host allocates for a guest. A guest limited to N bytes of linear memory
 * can never receive more than N bytes from one host call, so every reply, body or buffer a
 * service produces for it is refused (with the interface's WIT error) before the host
 * allocates it, not after. Each service also has its own cap (the platform's documented
 * limit, or a host option); the effective bound is the smaller of the two.
 */
import type { InvocationContext } from './types.js';

/** The guest memory limit assumed when the context carries none (`HostLimits.memoryBytes`' default). */
export const DEFAULT_GUEST_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * The calling guest's memory limit in bytes.
 *
 * @example
 * ```ts
 * guestMemoryBytes({ ...ctx, limits: { memoryBytes: 64 * 1024 * 1024 } }); // 67108864
 * ```
 */
export function guestMemoryBytes(ctx: Pick<InvocationContext, 'limits'> | undefined): number {
  const memory = ctx?.limits?.memoryBytes;
  return typeof memory === 'number' && memory > 0 ? memory : DEFAULT_GUEST_MEMORY_BYTES;
}

/** A bound and where it comes from, for messages. */
export interface AllocationBound {
  /** Largest number of bytes allowed. */
  readonly bytes: number;
  /** How to raise it: the option that set it (`limits.memoryBytes`, `createHttpService({ maxResponseBytes })`...). */
  readonly setting: string;
}

/**
 * The smaller of a service's own cap and the guest's memory limit, with the setting that decides it.
 *
 * @example
 * ```ts
 * allocationBound(ctx, 64 * 1024 * 1024, 'createHttpService({ maxResponseBytes })');
 * // { bytes: 8388608, setting: 'limits.memoryBytes' } for an 8 MiB guest
 * ```
 */
export function allocationBound(
  ctx: Pick<InvocationContext, 'limits'> | undefined,
  serviceCap: number,
  serviceSetting: string,
): AllocationBound {
  const memory = guestMemoryBytes(ctx);
  return memory < serviceCap
    ? { bytes: memory, setting: 'limits.memoryBytes, the guest memory limit' }
    : { bytes: serviceCap, setting: serviceSetting };
}

/**
 * A byte count for messages: exact bytes, plus MiB/KiB when it helps.
 *
 * @example
 * ```ts
 * formatBytes(67108864); // '67108864 bytes (64 MiB)'
 * ```
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1024 * 1024) return `${n} bytes (${+(n / 1048576).toFixed(1)} MiB)`;
  if (n >= 1024) return `${n} bytes (${+(n / 1024).toFixed(1)} KiB)`;
  return `${n} bytes`;
}
