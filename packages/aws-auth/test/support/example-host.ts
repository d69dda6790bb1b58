// Builds an example into a real component and serves it from a real host with the aws-* services
// pointed at the local fake AWS (the credentials-provider and the clients cross the bridge as
// WIT resources).
import { build } from '@momento-functions/build';
import { createHost, type Host } from '@momento-functions/runtime';
import { createAwsServices } from '@momento-functions/runtime/services/aws';
import { type FakeAws, fakeEndpoints, startFakeAws } from './fake-aws.js';

export interface ExampleHost {
  readonly aws: FakeAws;
  readonly host: Host;
  readonly wasm: string;
  close(): Promise<void>;
}

export async function startExample(entry: string, name: string): Promise<ExampleHost> {
  const aws = await startFakeAws();
  const wasm = (await build({ entry })).report.wasmPath;
  const host = await createHost({
    services: createAwsServices({
      credentials: { accessKeyId: 'AKIDHOST', secretAccessKey: 'host-secret' },
      endpoints: fakeEndpoints(aws.url),
    }),
    backends: { log: false },
  });
  // Loading checks every resource function the component calls exists on the services.
  await host.load(wasm, { name, cache: 'c' });
  return {
    aws,
    host,
    wasm,
    async close() {
      await host.close();
      await aws.close();
    },
  };
}
