// Copy the repository's wit/ into this package (packages/build/wit) so the published package
// carries the Momento WIT it builds against. Runs before tsup (npm run build).
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(pkg, '..', '..', 'wit');
const target = join(pkg, 'wit');
if (!existsSync(join(source, 'deps'))) {
  if (existsSync(join(target, 'deps'))) process.exit(0); // installed copy: already has its WIT
  console.error(`copy-wit: ${source}/deps not found`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(join(source, 'deps'), join(target, 'deps'), { recursive: true });
