// Builds the examples under examples/ into real components (the project's build, cached by
// content hash) and runs them in the real host with the real http service.
import { join, resolve } from 'node:path';
import { build } from '@momento-functions/build';

const root = resolve(import.meta.dirname, '../../../..');
const out = join(root, 'node_modules/.cache/http-examples');

export async function buildExample(name: string): Promise<string> {
  const result = await build({
    entry: join(root, 'examples', name, 'src/index.ts'),
    outFile: join(out, `${name}.wasm`),
    kind: 'web',
  });
  return result.wasmPath;
}

export const decoder = new TextDecoder();

export async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
