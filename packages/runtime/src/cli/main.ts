/**
 * The `momento-functions` command line: build, serve, invoke, new, token, dead-letters.
 */
import { deadLettersCommand, tokenCommand } from './admin-commands.js';
import { invokeCommand } from './invoke-command.js';
import { newCommand, toolkitVersion } from './new-command.js';
import { startServeCommand } from './serve-command.js';
import { CliError, type CliIO, styleFor } from './ui.js';

export type { CliIO } from './ui.js';

export const USAGE = `Usage: momento-functions <command> [options]

Build, run and serve Momento Functions written in TypeScript (or any wasm32-wasip2 component).

Commands:
  new <dir>              create a function project with a passing test
  build <entry.ts>       build a function into a .wasm component
  invoke <entry> [body]  run a function once and print its response
  serve                  serve functions over HTTP (--watch to reload on change)
  token                  print a token for a server started with --auth
  dead-letters           list, retry or delete undelivered async results

Options:
  -h, --help             show this help (momento-functions <command> --help for a command's options)
  -v, --version          print the version

Examples:
  momento-functions new hello
  momento-functions invoke src/index.ts '{"name":"Ada"}'
  momento-functions serve --watch
`;

const COMMANDS = ['new', 'build', 'invoke', 'serve', 'token', 'dead-letters'];

function closest(word: string): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length]!;
  };
  const best = COMMANDS.map((c) => [c, distance(word, c)] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

/**
 * Runs the CLI with `argv` (without `node` and the script). Resolves with the exit code; for
 * `serve`, once the server has stopped.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: string[], partialIo: Partial<CliIO> = {}): Promise<number> {
  const io: CliIO = {
    stdout: partialIo.stdout ?? process.stdout,
    stderr: partialIo.stderr ?? process.stderr,
    stdin: partialIo.stdin ?? process.stdin,
    cwd: partialIo.cwd ?? process.cwd(),
    env: partialIo.env ?? process.env,
  };
  const [command, ...rest] = argv;
  const err = styleFor(io.stderr);
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        io.stdout.write(`${toolkitVersion()}\n`);
        return 0;
      case 'build': {
        const { runBuildCommand } = await import('@momento-functions/build');
        return await runBuildCommand(rest, {
          stdout: (t: string) => io.stdout.write(t),
          stderr: (t: string) => io.stderr.write(t),
        });
      }
      case 'serve': {
        const running = await startServeCommand(rest, io);
        if (!running) return 0;
        await new Promise<void>((resolve) => running.server.http.once('close', () => resolve()));
        return 0;
      }
      case 'invoke':
        return await invokeCommand(rest, io);
      case 'new':
        return await newCommand(rest, io);
      case 'token':
        return await tokenCommand(rest, io);
      case 'dead-letters':
        return await deadLettersCommand(rest, io);
      default: {
        const guess = closest(command);
        io.stderr.write(
          `${err.red('error:')} unknown command "${command}". ${guess ? `Did you mean "${guess}"?` : 'Run "momento-functions --help" for the commands.'}\n\n${USAGE}`,
        );
        return 2;
      }
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    if (error instanceof CliError) {
      io.stderr.write(`${err.red('error:')} ${error.message}\n`);
      return error.exitCode;
    }
    if (e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(
        `${err.red('error:')} ${e.message.replace(/\.$/, '')}. Run "momento-functions ${command} --help" for its options.\n`,
      );
      return 2;
    }
    io.stderr.write(`${err.red('error:')} ${e.message ?? String(error)}\n`);
    if (io.env.DEBUG) io.stderr.write(`${e.stack}\n`);
    else io.stderr.write(err.dim('(set DEBUG=1 for the stack trace)\n'));
    return 1;
  }
}
