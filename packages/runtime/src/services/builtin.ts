import type { HostService } from './types.js';

/**
 * The host services every host starts with (before `createHost({ services })` adds to or
 * overrides them by interface name). Each service folder (cache, topic, log, token, http)
 * contributes its factory here.
 *
 * @example
 * const names = builtinServices().map((s) => s.interface);
 */
export function builtinServices(): HostService[] {
  return [];
}
