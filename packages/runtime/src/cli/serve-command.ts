import { parseArgs } from 'node:util';
import { ConfigError, parseFunctionFlag } from '../server/config.js';
import { createConsoleLogger } from '../server/log.js';
import { type RunningServer, serve } from '../server/serve.js';
import type { ServableFunction } from '../server/types.js';
import { CliError, type CliIO, createProgress, type Style, styleFor } from './ui.js';

export const SERVE_USAGE = `Usage: momento-functions serve [options]

Serve Momento Functions over HTTP, with Momento's URL shapes.

Functions come from, in order: --function flags, the config file (momento-functions.json in the
current directory, or --config), else every examples/<name>/ with an index.ts, else the project
in the current directory (src/index.ts). TypeScript entries are built first (cached).

Options:
  -c, --config <file>          config file (default: ./momento-functions.json if present)
  -f, --function <spec>        serve [cache/]name=path (.wasm or .ts); repeatable
  -p, --port <port>            port (default: config, else 8080; 0 picks a free one)
      --host <address>         address to listen on (default 127.0.0.1)
  -w, --watch                  rebuild and reload a function when its sources change
                               (the old version serves until the new one is ready)
      --auth                   require a token signed by this server (see: momento-functions token)
      --state-dir <dir>        async jobs, dead letters, token key (default .momento-functions)
  -q, --quiet                  log only warnings and errors
  -h, --help                   show this help

Routes:
  ANY    /functions/<cache>/<function>[/path]
  POST|GET|PUT|PATCH|DELETE  /spaces/<space>/functions/<function>/invoke[/a[/b[/c]]]
  POST   /spaces/<space>/functions/<function>/async-invoke[/a[/b[/c]]]   (X-Callback-Url)
  POST   /spaces/<space>/functions/<function>/spawn
  GET    /_momento/functions | /_momento/dead-letters | /_momento/spawns | /_momento/health

Examples:
  momento-functions serve
  momento-functions serve --function hello=src/index.ts --watch
  momento-functions serve -c momento-functions.json --port 9000 --auth
`;

/**
 * The lines `serve` prints once listening: each function's URLs with a curl line to try it.
 *
 * @example
 * ```ts
 * process.stdout.write(describeEndpoints('http://127.0.0.1:8080', server.registry.list(), styleFor(process.stdout)));
 * ```
 */
export function describeEndpoints(url: string, functions: readonly ServableFunction[], style: Style): string {
  const lines = [`${style.green('Serving')} ${functions.length} function(s) on ${style.bold(url)}`, ''];
  for (const fn of functions) {
    if (fn.kind === 'web') {
      lines.push(`  ${style.bold(fn.name)} ${style.dim(`(web, cache ${fn.cache})`)}`);
      lines.push(`    ${url}/functions/${fn.cache}/${fn.name}`);
      lines.push(
        `    ${style.cyan(`curl -i ${url}/spaces/${fn.cache}/functions/${fn.name}/invoke -H 'content-type: application/json' -d '{"name":"Ada"}'`)}`,
      );
    } else {
      lines.push(`  ${style.bold(fn.name)} ${style.dim(`(spawn, cache ${fn.cache})`)}`);
      lines.push(
        `    ${style.cyan(`curl -i -X POST ${url}/spaces/${fn.cache}/functions/${fn.name}/spawn -d 'payload'`)}`,
      );
    }
    lines.push('');
  }
  lines.push(
    `  async:  ${style.cyan(`curl -i -X POST ${url}/spaces/<cache>/functions/<name>/async-invoke -H 'x-callback-url: http://127.0.0.1:9000/done' -d '...'`)}`,
    `  list:   ${style.cyan(`curl ${url}/_momento/functions`)}`,
    '',
    style.dim('Press Ctrl+C to stop (in-flight work finishes first).'),
    '',
  );
  return lines.join('\n');
}

/** Parses `serve` arguments and starts the server; resolves once it listens. */
export async function startServeCommand(argv: string[], io: CliIO): Promise<RunningServer | undefined> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      config: { type: 'string', short: 'c' },
      function: { type: 'string', short: 'f', multiple: true },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      watch: { type: 'boolean', short: 'w' },
      auth: { type: 'boolean' },
      'state-dir': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(SERVE_USAGE);
    return undefined;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CliError(`--port ${values.port} is not a port number (0-65535).`, 2);
    }
  }
  const functions = (values.function ?? []).map((spec) => parseFunctionFlag(spec, io.cwd));
  const progress = createProgress(io.stderr, values.quiet);
  const logger = createConsoleLogger({ stream: io.stderr, quiet: values.quiet ?? false });
  let running: RunningServer;
  try {
    running = await serve({
      cwd: io.cwd,
      ...(values.config ? { configPath: values.config } : {}),
      ...(functions.length > 0 ? { functions } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.host ? { hostname: values.host } : {}),
      ...(values.watch ? { watch: true } : {}),
      ...(values.auth ? { auth: true } : {}),
      ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
      logger,
      onProgress: (message) => progress.update(message),
      handleSignals: true,
      hostOptions: {
        logger: (entry) => {
          if (entry.level === 'info' && values.quiet) return;
          logger[entry.level](entry.message, {
            ...(entry.functionName ? { function: entry.functionName } : {}),
            ...(entry.invocationId ? { invocation: entry.invocationId } : {}),
          });
        },
      },
    });
  } catch (error) {
    progress.done();
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        `Port ${port ?? 8080} is already in use: stop the other server or pick another port with --port.`,
      );
    }
    throw error;
  }
  progress.done(`ready (${running.server.registry.list().length} function(s))`);
  io.stdout.write(describeEndpoints(running.url, running.server.registry.list(), styleFor(io.stdout)));
  if (running.authority) {
    io.stdout.write(
      `Auth is on: get a token with ${styleFor(io.stdout).cyan('momento-functions token')} and send it as the authorization header.\n\n`,
    );
  }
  return running;
}
