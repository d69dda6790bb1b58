/** The kind of a Momento Function: a web function answers requests, a spawn function runs in the background. */
export type FunctionKind = 'web' | 'spawn';

/**
 * What a new project is made of.
 *
 * @example
 * ```ts
 * const options: ScaffoldOptions = { name: 'hello', kind: 'web', version: '0.1.0' };
 * ```
 */
export interface ScaffoldOptions {
  /** The function's (and the npm project's) name. */
  readonly name: string;
  /** Web or spawn function. */
  readonly kind: FunctionKind;
  /** The version of the `@momento-functions/*` packages to depend on (`^version`). */
  readonly version: string;
}

function webSource(): string {
  return `import { extract } from '@momento-functions/bytes';
import { web } from '@momento-functions/guest-web';

interface Greeting {
  name?: string;
}

/**
 * A web function: POST {"name": "Ada"} and it answers {"message": "Hello, Ada!"}.
 * The handler is synchronous; host calls (cache, http, ...) return their results directly.
 */
export default web(extract.json<Greeting>(), ({ name }) => {
  console.log(\`greeting \${name ?? 'the world'}\`);
  return { message: \`Hello, \${name ?? 'world'}!\` };
});
`;
}

function spawnSource(): string {
  return `import { extract } from '@momento-functions/bytes';
import { spawn } from '@momento-functions/guest-spawn';

/**
 * A spawn function: runs in the background with a payload. Returning a string reports
 * success with a note; throwing reports a failure with the error's message.
 */
export default spawn(extract.text, (payload) => {
  if (payload === '') throw new Error('the payload is empty; spawn me with some text');
  console.log(\`processing \${payload.length} characters\`);
  return \`processed \${payload.length} characters\`;
});
`;
}

function webTest(): string {
  return `import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;

beforeAll(async () => {
  host = await createHost();
  // Builds src/index.ts into a component (reused while nothing changed) and loads it.
  fn = await host.load('src/index.ts');
});

afterAll(() => host?.close());

it('greets by name', async () => {
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify({ name: 'Ada' }) });
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ message: 'Hello, Ada!' });
  expect(res.logs.map((line) => line.message)).toContain('greeting Ada');
});

it('answers 400 for a body that is not JSON', async () => {
  const res = await fn.invoke({ method: 'POST', body: 'not json' });
  expect(res.status).toBe(400);
  expect(res.text()).toContain('Failed to parse request body');
});
`;
}

function spawnTest(): string {
  return `import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;

beforeAll(async () => {
  host = await createHost();
  // Builds src/index.ts into a component (reused while nothing changed) and loads it.
  fn = await host.load('src/index.ts');
});

afterAll(() => host?.close());

it('succeeds with a note for a payload', async () => {
  expect(await fn.spawn('hello')).toEqual({ tag: 'ok-note', val: 'processed 5 characters' });
});

it('fails for an empty payload', async () => {
  const outcome = await fn.spawn('');
  expect(outcome).toEqual({ tag: 'failed-note', val: expect.stringContaining('the payload is empty') });
});
`;
}

function readme({ name, kind }: ScaffoldOptions): string {
  const tryIt =
    kind === 'web'
      ? `Try it while \`npm run serve\` runs:

\`\`\`sh
curl -i http://127.0.0.1:8080/functions/default/${name} -d '{"name":"Ada"}'
\`\`\`

or without a server:

\`\`\`sh
npx momento-functions invoke src/index.ts '{"name":"Ada"}'
\`\`\``
      : `Try it without a server:

\`\`\`sh
npx momento-functions invoke src/index.ts 'some payload'
\`\`\``;
  return `# ${name}

A Momento ${kind} function in TypeScript.

\`\`\`sh
npm install
npm test          # builds the function and runs it in the reference host (test/index.test.ts)
npm run build     # writes dist/${name}.wasm: the component you deploy to Momento
npm run serve     # serves it on http://127.0.0.1:8080, rebuilding when a file changes
\`\`\`

${tryIt}

The function is \`src/index.ts\`; the handler is synchronous, and host calls (cache, HTTP,
topics, ...) return their results directly. Add a host interface with its package, e.g.
\`npm install @momento-functions/cache\`.

## Testing

\`test/index.test.ts\` loads the source with \`host.load('src/index.ts')\` (built on the fly, reused
while nothing changed) and checks the answer and the function's logs (\`res.logs\`). The host
also lets a test:

- seed and read the cache: \`await host.cache().set('greeting', 'Bonjour')\`, \`await host.cache().get('k')\`,
  \`host.cache().list('events')\`;
- answer outbound HTTP with undici's \`MockAgent\` (unmatched requests fail loudly):
  \`createHost({ backends: { http: { dispatcher: mockAgent } } })\`, with \`MockAgent\` from
  \`@momento-functions/runtime\`;
- see the spawns a function started: \`res.spawns\`, \`host.spawns\`;
- start clean: \`await host.reset()\` between tests, or one host per test file.

The guide: \`node_modules/@momento-functions/runtime/docs/testing.md\`.
`;
}

/**
 * The files of a new project, by path relative to its folder: the function (`src/index.ts`), a
 * vitest test that builds it and runs it in the reference host, `package.json` with the build,
 * test and serve scripts, `tsconfig.json`, `vitest.config.ts`, `momento-functions.json`, a
 * README and a `.gitignore`.
 *
 * @example
 * ```ts
 * const files = scaffoldFiles({ name: 'hello', kind: 'web', version: '0.1.0' });
 * console.log(Object.keys(files)); // ['package.json', 'src/index.ts', 'test/index.test.ts', ...]
 * ```
 */
export function scaffoldFiles(options: ScaffoldOptions): Record<string, string> {
  const { name, kind, version } = options;
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
      typecheck: 'tsc --noEmit',
    },
    dependencies: {
      '@momento-functions/bytes': range,
      [kind === 'web' ? '@momento-functions/guest-web' : '@momento-functions/guest-spawn']: range,
    },
    devDependencies: {
      '@momento-functions/build': range,
      '@momento-functions/runtime': range,
      '@types/node': '^20.19.0',
      typescript: '^5.9.0',
      vitest: '^4.1.0',
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src', 'test'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'src/index.ts': kind === 'web' ? webSource() : spawnSource(),
    'test/index.test.ts': kind === 'web' ? webTest() : spawnTest(),
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'vitest.config.ts': `import { defineConfig } from 'vitest/config';

// Building a component takes 10-40 s the first time (then it is reused while nothing changed).
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000 } });
`,
    'momento-functions.json': `${JSON.stringify({ functions: [{ name, entry: 'src/index.ts', kind }] }, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n.momento-functions/\n',
    'README.md': readme(options),
  };
}
