// Fake of wasi:cli/environment@0.2.3.
import { host } from './host.js';

export function getEnvironment(): [string, string][] {
  host.calls.push({ fn: 'get-environment' });
  return host.env.map(([k, v]) => [k, v]);
}
export function getArguments(): string[] {
  return [];
}
export function initialCwd(): string | undefined {
  return undefined;
}
