import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateError, createProject, type FunctionKind } from '@momento-functions/create';
import { CliError, type CliIO, styleFor } from './ui.js';

export const NEW_USAGE = `Usage: momento-functions new <directory> [options]

Create a Momento Function project: a TypeScript function, a test that builds it and runs it in
the reference host (passes out of the box), and scripts to build, test and serve it. The same as
\`npm create @momento-functions <directory>\`.

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
    if (parent === dir) throw new Error('@momento-functions/runtime: its package.json was not found');
    dir = parent;
  }
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
  let project: Awaited<ReturnType<typeof createProject>>;
  try {
    project = await createProject({
      directory: target,
      cwd: io.cwd,
      version: toolkitVersion(),
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.kind !== undefined ? { kind: values.kind as FunctionKind } : {}),
      ...(values.force ? { force: true } : {}),
    });
  } catch (error) {
    if (error instanceof CreateError) throw new CliError(error.message, error.exitCode);
    throw error;
  }
  const style = styleFor(io.stdout);
  const shown = relative(io.cwd, project.dir) || '.';
  io.stdout.write(
    `${style.green('Created')} ${project.kind} function ${style.bold(project.name)} in ${shown}\n\n` +
      `  cd ${shown}\n  npm install\n  npm test          ${style.dim('# build it and run it in the reference host')}\n` +
      `  npm run build     ${style.dim(`# write dist/${project.name}.wasm`)}\n` +
      `  npm run serve     ${style.dim('# serve it on http://127.0.0.1:8080 with reload')}\n`,
  );
  return 0;
}
