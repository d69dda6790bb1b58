// Calls the aws-* host services directly with jco-shaped values, as the bridge will.
import type { HostService, InvocationContext } from '@momento-functions/runtime';
import { type AwsServiceOptions, createAwsServices } from '@momento-functions/runtime/services/aws';
import { fakeEndpoints, ROLE_ARN } from './fake-aws.js';

export function context(
  functionName = 'aws-test',
  signal: AbortSignal = new AbortController().signal,
): InvocationContext {
  return { functionName, cacheName: 'cache', invocationId: 'inv-1', signal };
}

export type Outcome<T = unknown> = { tag: 'ok'; val: T } | { tag: 'err'; val: { tag: string; val?: string } };

export interface Services {
  readonly list: HostService[];
  byName(name: 'auth' | 's3' | 'ddb' | 'secrets' | 'lambda'): HostService;
  /** Calls a function of a service: `call('s3', '[method]client.get', ctx, client, request)`. */
  call<T = unknown>(
    name: 'auth' | 's3' | 'ddb' | 'secrets' | 'lambda',
    fn: string,
    ...args: unknown[]
  ): Promise<T>;
  close(): Promise<void>;
}

const IFACES = {
  auth: 'momento:aws-auth/aws-auth@1.0.0',
  s3: 'momento:aws-s3/aws-s3@1.0.0',
  ddb: 'momento:aws-ddb/aws-ddb@1.0.0',
  secrets: 'momento:aws-secrets/aws-secrets@1.0.0',
  lambda: 'momento:aws-lambda/aws-lambda@1.0.0',
} as const;

export function services(url: string, options: AwsServiceOptions = {}): Services {
  const list = createAwsServices({
    credentials: { accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' },
    region: 'us-east-1',
    endpoints: fakeEndpoints(url),
    ...options,
  });
  const byName = (name: keyof typeof IFACES): HostService => {
    const found = list.find((s) => s.interface === IFACES[name]);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  return {
    list,
    byName,
    async call<T>(name: keyof typeof IFACES, fn: string, ...args: unknown[]): Promise<T> {
      const f = byName(name).functions[fn] as unknown as ((...a: unknown[]) => unknown) | undefined;
      if (!f) throw new Error(`${name} has no function ${fn}`);
      return (await f(...args)) as T;
    },
    async close() {
      for (const s of list) await s.close?.();
    },
  };
}

export const hardcoded = {
  tag: 'hardcoded',
  val: { accessKeyId: 'AKIDGUEST', secretAccessKey: 'guest-secret' },
};
export const federated = { tag: 'federated', val: { roleArn: ROLE_ARN } };

/** A provider and a client of `service`, made through the service functions. */
export async function clientOf(
  s: Services,
  service: 's3' | 'ddb' | 'secrets' | 'lambda',
  authorization: unknown = hardcoded,
  ctx = context(),
  region = 'us-west-2',
): Promise<unknown> {
  const provider = await s.call<Outcome>('auth', 'provider', ctx, authorization, region);
  if (provider.tag !== 'ok') throw new Error(`provider failed: ${JSON.stringify(provider.val)}`);
  return s.call(service, '[constructor]client', ctx, provider.val);
}

export async function readAll(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

export const bytes = (text: string) => ({ tag: 'value' as const, val: new TextEncoder().encode(text) });
