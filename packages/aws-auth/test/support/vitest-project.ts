import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const packages = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The vitest project of one AWS guest package: its `momento:*` host import (and aws-auth's) are
 * fakes that record the WIT requests and answer like the host, and the sibling packages are
 * tested from their sources (no build needed).
 */
export function awsGuestProject(name: string, witInterface: string, fake: string) {
  const witModule = (iface: string) => new RegExp(`^${iface.replace(/[/.]/g, '\\$&')}$`);
  return defineProject({
    resolve: {
      alias: [
        {
          find: witModule('momento:aws-auth/aws-auth@1.0.0'),
          replacement: `${packages}aws-auth/test/fakes/aws-auth.ts`,
        },
        ...(witInterface.startsWith('momento:aws-auth/')
          ? []
          : [{ find: witModule(witInterface), replacement: `${packages}${name}/test/fakes/${fake}` }]),
        { find: /^@momento-functions\/bytes$/, replacement: `${packages}bytes/src/index.ts` },
        { find: /^@momento-functions\/aws-auth$/, replacement: `${packages}aws-auth/src/index.ts` },
      ],
    },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 120_000,
    },
  });
}
