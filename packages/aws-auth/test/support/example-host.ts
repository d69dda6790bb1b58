// Builds an example into a real component and serves it from a real host with the aws-* services
// pointed at the local fake AWS. Until the runtime bridge carries WIT resources (the aws clients
// and credentials-provider are resources), loading fails with a LoadError naming the resource
// classes; the example tests then skip themselves, saying why.
import { createHost, type Host } from '@momento-functions/runtime';
import { build } from '../../../build/src/index.js';
import { createAwsServices } from '../../../runtime/src/services/aws/index.js';
import { type FakeAws, fakeEndpoints, startFakeAws } from './fake-aws.js';

export interface ExampleHost {
  readonly aws: FakeAws;
  readonly host: Host;
  readonly wasm: string;
  /** `undefined` when the bridge runs the example; otherwise why it cannot yet. */
  readonly unsupported: string | undefined;
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
  let unsupported: string | undefined;
  try {
    await host.load(wasm, { name, cache: 'c' });
  } catch (e) {
    const message = (e as Error).message;
    if (!/has no function '(CredentialsProvider|Client)'/.test(message)) throw e;
    unsupported = `the runtime bridge does not carry WIT resources yet: ${message}`;
    console.warn(`${name}: skipping the end-to-end cases, ${unsupported}`);
  }
  return {
    aws,
    host,
    wasm,
    unsupported,
    async close() {
      await host.close();
      await aws.close();
    },
  };
}
