import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { type CreatedProject, CreateError, createProject } from './create.js';
import type { FunctionKind } from './scaffold.js';

/** The help of `npm create @momento-functions`. */
export const CREATE_USAGE = `Usage: npm create @momento-functions <directory> [-- options]

Create a Momento Function project: a TypeScript function, a vitest test that builds it and runs
it in the reference host (it passes out of the box), and scripts to build, test and serve it.

Options:
      --kind <web|spawn>   web function (default) or spawn function
      --name <name>        function name (default: the directory's name)
      --force              write into a directory that is not empty
  -h, --help               show this help

Example:
  npm create @momento-functions hello && cd hello && npm install && npm test
`;

/**
 * The commands a user runs next in a new project, as printed after creating it.
 *
 * @example
 * ```ts
 * process.stdout.write(nextSteps(project, process.cwd()));
 * ```
 */
export function nextSteps(project: CreatedProject, cwd: string): string {
  const shown = relative(cwd, project.dir) || '.';
  return (
    `Created ${project.kind} function ${project.name} in ${shown}\n\n` +
    `  cd ${shown}\n` +
    '  npm install\n' +
    '  npm test          # build it and run it in the reference host\n' +
    `  npm run build     # write dist/${project.name}.wasm\n` +
    '  npm run serve     # serve it on http://127.0.0.1:8080, rebuilding on change\n'
  );
}

/**
 * Runs the `create` command line (what `npm create @momento-functions` starts); returns the
 * exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCreate(['hello', '--kind', 'spawn']);
 * ```
 */
export async function runCreate(
  argv: readonly string[],
  io: { stdout: (text: string) => void; stderr: (text: string) => void; cwd?: string } = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        name: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout(CREATE_USAGE);
      return 0;
    }
    const [directory, ...extra] = positionals;
    if (!directory || extra.length > 0) {
      throw new CreateError(`give one directory for the new project.\n\n${CREATE_USAGE}`, 2);
    }
    const project = await createProject({
      directory,
      cwd,
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.kind !== undefined ? { kind: values.kind as FunctionKind } : {}),
      ...(values.force ? { force: true } : {}),
    });
    io.stdout(nextSteps(project, cwd));
    return 0;
  } catch (error) {
    if (error instanceof CreateError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const e = error as Error & { code?: string };
    if (e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`error: ${e.message}. Run with --help for the options.\n`);
      return 2;
    }
    throw error;
  }
}
