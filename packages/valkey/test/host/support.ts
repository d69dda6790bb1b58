// Calls the Valkey host service's functions directly, with jco's value shapes.

import type { HostService, InvocationContext, WitResult } from '@momento-functions/runtime';
import {
  createValkeyServices,
  type ValkeyClusterClient,
  type ValkeyCommandAnswer,
  type ValkeyResponseStream,
  type ValkeyServiceOptions,
  type ValkeyWitError,
  type ValkeyWitValue,
} from '@momento-functions/runtime/services/valkey';

export function context(signal: AbortSignal = new AbortController().signal): InvocationContext {
  return { functionName: 'valkey-test', cacheName: 'test-cache', invocationId: 'inv-1', signal };
}

export interface Service {
  readonly service: HostService;
  client(name: string): ValkeyClusterClient;
  command(
    client: ValkeyClusterClient,
    name: string,
    ...args: (string | Uint8Array)[]
  ): Promise<WitResult<ValkeyWitValue, ValkeyWitError>>;
  commandIn(
    ctx: InvocationContext,
    client: ValkeyClusterClient,
    name: string,
    ...args: (string | Uint8Array)[]
  ): Promise<WitResult<ValkeyWitValue, ValkeyWitError>>;
  /** The service's answer as jco receives it: the bare `value`, or `{ tag: 'err', val }`. */
  commandRaw(
    client: ValkeyClusterClient,
    name: string,
    ...args: (string | Uint8Array)[]
  ): Promise<ValkeyCommandAnswer>;
  next(stream: ValkeyResponseStream): ValkeyWitValue | undefined;
  close(): Promise<void>;
}

/**
 * The service answers `command` in jco's form (the bare `value`, or `{ tag: 'err' }`: see
 * `ValkeyCommandAnswer`); the tests read it back as the WIT `result` it stands for. An answer
 * wrongly wrapped as `{ tag: 'ok', val }` becomes `ok({ tag: 'ok', val })` here and fails them.
 */
export function asResult(answer: ValkeyCommandAnswer): WitResult<ValkeyWitValue, ValkeyWitError> {
  return answer.tag === 'err' ? answer : { tag: 'ok', val: answer };
}

const data = (arg: string | Uint8Array) => ({
  tag: 'value' as const,
  val: typeof arg === 'string' ? new TextEncoder().encode(arg) : arg,
});

export function valkeyService(options: ValkeyServiceOptions): Service {
  const [service] = createValkeyServices(options);
  if (!service) throw new Error('createValkeyServices returned no service');
  const fn = (name: string) => service.functions[name] as (...args: unknown[]) => unknown;
  const commandIn = (
    ctx: InvocationContext,
    client: ValkeyClusterClient,
    name: string,
    ...args: (string | Uint8Array)[]
  ) => commandRaw(ctx, client, name, ...args).then(asResult);
  const commandRaw = (
    ctx: InvocationContext,
    client: ValkeyClusterClient,
    name: string,
    ...args: (string | Uint8Array)[]
  ) =>
    Promise.resolve(
      fn('[method]cluster-client.command')(ctx, client, { command: name, arguments: args.map(data) }),
    ) as Promise<ValkeyCommandAnswer>;
  return {
    service,
    client: (name) => fn('getManagedClusterClient')(context(), name) as ValkeyClusterClient,
    command: (client, name, ...args) => commandIn(context(), client, name, ...args),
    commandIn,
    commandRaw: (client, name, ...args) => commandRaw(context(), client, name, ...args),
    next: (stream) => fn('[method]response-stream.next')(context(), stream) as ValkeyWitValue | undefined,
    close: async () => {
      await service.close?.();
    },
  };
}

/** Reads a value to plain JS (data as text, bulk as arrays), for assertions. */
export function plain(service: Service, value: ValkeyWitValue | undefined): unknown {
  if (value === undefined) return undefined;
  switch (value.tag) {
    case 'nil':
    case 'ok':
      return value.tag;
    case 'int':
      return value.val;
    case 'data':
      return value.val.tag === 'value' ? `data:${new TextDecoder().decode(value.val.val)}` : 'buffer';
    case 'simple-string':
      return `+${value.val}`;
    case 'simple-error':
      return `-${value.val}`;
    case 'bulk': {
      const items: unknown[] = [];
      for (let v = service.next(value.val); v !== undefined; v = service.next(value.val))
        items.push(plain(service, v));
      return items;
    }
  }
}
