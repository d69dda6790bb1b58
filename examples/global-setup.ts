// The examples import the packages by name, which resolves to their dist/ (built by `npm run build`).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function setup(): void {
  const missing = ['bytes', 'guest-web', 'guest-spawn', 'runtime'].filter(
    (p) => !existsSync(resolve(import.meta.dirname, '../packages', p, 'dist/index.js')),
  );
  if (missing.length > 0) {
    throw new Error(
      `The examples need the built packages ${missing.map((p) => `@momento-functions/${p}`).join(', ')}: run \`npm run build\` first.`,
    );
  }
}
