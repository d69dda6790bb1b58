import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, type CliIO, styleFor } from './ui.js';

export const NEW_USAGE = `Usage: momento-functions new <directory> [options]

Create a Momento Function project: a TypeScript function, a test that builds it and runs it in
the reference host (passes out of the box), and scripts to build, test and serve it.

Options:
      --kind <web|spawn>   web function (default) or spawn function
      --name <name>        function name (default: the directory's name)
      --force              write into a directory that is not empty
  -h, --help               show this help

Example:
  momento-functions new hello && cd hello && npm install && npm test
`;

/** The version of the @momento-functions packages this CLI belongs to (they are released together). */
export function toolkitVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      const pkg = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@momento-functions/runtime' && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.1.0';
    dir = parent;
  }
}

/** The files of a new project, by relative path. */
export function scaffoldFiles(name: string, kind: 'web' | 'spawn', version: string): Record<string, string> {
  const range = `^${version}`;
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      build: 'momento-functions build src/index.ts',
      test: 'vitest run',
      serve: 'momento-functions serve --watch',
      invoke: 'momento-functions invoke src/index.ts',
    },
    dependencies: {
      '@momento-functions/bytes': range,
      [kind === 'web' ? '@momento-functions/guest-web' : '@momento-functions/guest-spawn']: range,
    },
    devDependencies: {
      '@momento-functions/build': range,
      '@momento-functions/runtime': range,
      typescript: '^5.9.0',
      vitest: '^4.1.0',
    },
  };
  const source =
    kind === 'web'
      ? `import { extract } from '@momento-functions/bytes';
import { web } from '@momento-functions/guest-web';

interface Greeting {
  name?: string;
}

/**
 * A web function: POST {"name": "Ada"} and it answers {"message": "Hello, Ada!"}.
 * The handler is synchronous; host calls (cache, http, ...) return their results directly.
 */
export default web(extract.json<Greeting>(), ({ name }) => ({ message: \`Hello, \${name ?? 'world'}!\` }));
`
      : `import { extract } from '@momento-functions/bytes';
import { spawn } from '@momento-functions/guest-spawn';

/**
 * A spawn function: runs in the background with a payload. Returning a string reports
 * success with a note; throwing reports a failure with the error's message.
 */
export default spawn(extract.text, (payload) => {
  if (payload === '') throw new Error('the payload is empty; spawn me with some text');
  return \`processed \${payload.length} characters\`;
});
`;
  const test =
    kind === 'web'
      ? `import { fileURLToPath } from 'node:url';
import { build } from '@momento-functions/build';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;

beforeAll(async () => {
  // Builds src/index.ts into a component (cached when nothing changed) and loads it.
  const { wasmPath } = await build({ entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)) });
  host = await createHost();
  fn = await host.load(wasmPath, { name: '${name}' });
}, 180_000);

afterAll(() => host?.close());

it('greets by name', async () => {
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify({ name: 'Ada' }) });
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ message: 'Hello, Ada!' });
});

it('answers 400 for a body that is not JSON', async () => {
  const res = await fn.invoke({ method: 'POST', body: 'not json' });
  expect(res.status).toBe(400);
  expect(res.text()).toContain('Failed to parse request body');
});
`
      : `import { fileURLToPath } from 'node:url';
import { build } from '@momento-functions/build';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;

beforeAll(async () => {
  // Builds src/index.ts into a component (cached when nothing changed) and loads it.
  const { wasmPath } = await build({ entry: fileURLToPath(new URL('../src/index.ts', import.meta.url)) });
  host = await createHost();
  fn = await host.load(wasmPath, { name: '${name}' });
}, 180_000);

afterAll(() => host?.close());

it('succeeds with a note for a payload', async () => {
  expect(await fn.spawn('hello')).toEqual({ tag: 'ok-note', val: 'processed 5 characters' });
});

it('fails for an empty payload', async () => {
  const outcome = await fn.spawn('');
  expect(outcome.tag).toBe('failed-note');
});
`;
  const readme = `# ${name}

A Momento ${kind} function in TypeScript.

\`\`\`sh
npm install
npm test                 # builds the function and runs it in the reference host
npm run build            # writes dist/${name}.wasm (deploy it to Momento)
npm run serve            # serves it on http://127.0.0.1:8080, rebuilding on change
\`\`\`

${
  kind === 'web'
    ? `Try it while \`npm run serve\` runs:

\`\`\`sh
curl -i http://127.0.0.1:8080/spaces/default/functions/${name}/invoke -H 'content-type: application/json' -d '{"name":"Ada"}'
\`\`\`

or without a server: \`npx momento-functions invoke src/index.ts '{"name":"Ada"}'\`.`
    : `Try it: \`npx momento-functions invoke src/index.ts 'some payload'\`.`
}
`;
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'src/index.ts': source,
    'test/index.test.ts': test,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['src', 'test'],
      },
      null,
      2,
    )}\n`,
    'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000 } });
`,
    'momento-functions.json': `${JSON.stringify({ functions: [{ name, entry: 'src/index.ts', kind }] }, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n.momento-functions/\n',
    'README.md': readme,
  };
}

/** Runs `new`; returns the exit code. */
export async function newCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(NEW_USAGE);
    return 0;
  }
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0) throw new CliError(`new needs one directory.\n\n${NEW_USAGE}`, 2);
  const kind = values.kind ?? 'web';
  if (kind !== 'web' && kind !== 'spawn') throw new CliError(`--kind must be web or spawn, not ${kind}.`, 2);
  const dir = resolve(io.cwd, target);
  const name = (values.name ?? basename(dir)).toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
  if (!/^[a-z0-9]/.test(name)) {
    throw new CliError(
      `"${name}" is not a usable function name: start with a letter or digit (or pass --name).`,
      2,
    );
  }
  if (existsSync(dir) && readdirSync(dir).length > 0 && !values.force) {
    throw new CliError(`${dir} is not empty: pick a new directory, or pass --force to write into it.`);
  }
  const files = scaffoldFiles(name, kind, toolkitVersion());
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  }
  const style = styleFor(io.stdout);
  const shown = relative(io.cwd, dir) || '.';
  io.stdout.write(
    `${style.green('Created')} ${kind} function ${style.bold(name)} in ${shown}\n\n` +
      `  cd ${shown}\n  npm install\n  npm test          ${style.dim('# build it and run it in the reference host')}\n` +
      `  npm run serve     ${style.dim('# serve it on http://127.0.0.1:8080 with reload')}\n`,
  );
  return 0;
}
