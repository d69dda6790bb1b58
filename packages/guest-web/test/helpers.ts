import type { WitData } from '@momento-functions/bytes';
import { vi } from 'vitest';

/** A fake `momento:bytes/bytes` buffer resource that records reads (the component harness's own). */
export { HostBuffer as FakeBuffer } from './component/harness.js';

/**
 * Loads the package as a fresh component instance would see it: new module state (no cached
 * host answers) and a reset fake host.
 */
export async function freshInstance() {
  vi.resetModules();
  const { host, resetHost } = await import('./fakes/host.js');
  resetHost();
  const gw = await import('../src/index.js');
  const bytes = await import('@momento-functions/bytes');
  return { gw, bytes, host };
}

export const value = (text: string | Uint8Array) => ({
  tag: 'value' as const,
  val: typeof text === 'string' ? new TextEncoder().encode(text) : text,
});

/** The body of a WIT response as text (reads a host buffer to the end). */
export function bodyText(body: WitData): string {
  if (body.tag === 'value') return new TextDecoder().decode(body.val);
  const parts: number[] = [];
  for (let c = body.val.read(65536); c !== undefined && c !== null; c = body.val.read(65536))
    parts.push(...c);
  return new TextDecoder().decode(new Uint8Array(parts));
}
