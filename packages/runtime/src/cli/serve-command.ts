import { parseArgs } from 'node:util';
import { ConfigError, parseFunctionFlag } from '../server/config.js';
import { createConsoleLogger } from '../server/log.js';
import { type FunctionEvent, type RunningServer, serve } from '../server/serve.js';
import type { ServerTimeouts } from '../server/server.js';
import type { FunctionKind, ServerLogger } from '../server/types.js';
import { CliError, type CliIO, createProgress, type Style, styleFor } from './ui.js';

export const SERVE_USAGE = `Usage: momento-functions serve [options]

Serve Momento Functions over HTTP, with Momento's URL shapes.

Functions come from, in order: --function flags, the config file (momento-functions.json in the
current directory, or --config), else every examples/<name>/ with an index.ts, else the project
in the current directory (src/index.ts). The server listens at once; TypeScript entries are built
in parallel (one per core, cached builds reused), and each function answers 503 "building…" until
it is ready, or 500 with its build error if the build fails.

Options:
  -c, --config <file>          config file (default: ./momento-functions.json if present)
  -f, --function <spec>        serve [cache/]name=path (.wasm or .ts); repeatable
  -p, --port <port>            port (default: config, else 8080; 0 picks a free one)
      --host <address>         address to listen on (default 127.0.0.1)
  -w, --watch                  rebuild and reload a function when its sources change
                               (the old version serves until the new one is ready)
      --auth                   require a token signed by this server (see: momento-functions token)
      --state-dir <dir>        async jobs, dead letters, token key (default .momento-functions)
  -j, --jobs <n>               builds run at once (default: the number of cores)
      --headers-timeout <ms>   request line and headers must arrive within this (default 10000)
      --request-timeout <ms>   a whole request must arrive within this (default: the function
                               time limit + 10000)
      --keep-alive-timeout <ms>  close an idle keep-alive connection after this (default 5000)
      --body-timeout <ms>      cut a request body that stalls this long (default 5000), or that
                               arrives slower than --min-body-rate (bytes/s, default 1024)
      --wait                   build and load every function before listening, and refuse
                               to start if one fails
      --no-metrics             do not serve Prometheus metrics at /metrics
  -q, --quiet                  log only warnings and errors
  -h, --help                   show this help

Routes:
  ANY    /functions/<cache>/<function>[/path]
  POST|GET|PUT|PATCH|DELETE  /spaces/<space>/functions/<function>/invoke[/a[/b[/c]]]
  POST   /spaces/<space>/functions/<function>/async-invoke[/a[/b[/c]]]   (X-Callback-Url)
  POST   /spaces/<space>/functions/<function>/spawn
  GET    /_momento/functions | /_momento/dead-letters | /_momento/spawns | /_momento/health
  GET    /healthz | /readyz | /metrics   (probes and Prometheus; docs/server.md)

SIGTERM or Ctrl+C drains: no new connections, in-flight invocations finish (up to the function
time limit + 5 s, or shutdownTimeoutMs), queued async invocations stay in the journal for the
next start; then it exits 0. A second signal exits at once.

Examples:
  momento-functions serve
  momento-functions serve --function hello=src/index.ts --watch
  momento-functions serve -c momento-functions.json --port 9000 --auth
`;

/** A function as the banner shows it: a ready function, or one still building (kind unknown then). */
export interface EndpointListing {
  readonly name: string;
  readonly cache: string;
  /** Absent while the function builds and its kind is not configured. */
  readonly kind?: FunctionKind | undefined;
  /** Default `ready`. */
  readonly status?: 'ready' | 'building' | 'failed';
}

/**
 * The curl line to try one function: a web function gets a POST (`-d`) to its invoke URL, a spawn
 * function a POST to its spawn URL (the body is a placeholder: each function expects its own).
 */
export function curlLine(url: string, fn: { name: string; cache: string; kind: FunctionKind }): string {
  return fn.kind === 'web'
    ? `curl -i ${url}/spaces/${fn.cache}/functions/${fn.name}/invoke -d 'hello'`
    : `curl -i -X POST ${url}/spaces/${fn.cache}/functions/${fn.name}/spawn -d 'payload'`;
}

/**
 * The lines `serve` prints once listening: each function's URLs, with a curl line to try it once
 * its kind is known (functions still building get theirs in the line saying they are ready).
 *
 * @example
 * ```ts
 * process.stdout.write(describeEndpoints('http://127.0.0.1:8080', server.registry.describe(), styleFor(process.stdout)));
 * ```
 */
export function describeEndpoints(url: string, functions: readonly EndpointListing[], style: Style): string {
  const building = functions.filter((fn) => (fn.status ?? 'ready') === 'building').length;
  const lines = [
    `${style.green('Serving')} ${functions.length} function(s) on ${style.bold(url)}${
      building > 0
        ? ` ${style.dim(`(${building} building: each answers 503 "building…" until it is ready)`)}`
        : ''
    }`,
    '',
  ];
  for (const fn of functions) {
    const status = fn.status ?? 'ready';
    const kind = fn.kind ? `${fn.kind}, ` : '';
    const state =
      status === 'ready' ? '' : ` ${status === 'building' ? style.yellow('building…') : style.red('failed')}`;
    lines.push(`  ${style.bold(fn.name)} ${style.dim(`(${kind}cache ${fn.cache})`)}${state}`);
    if (fn.kind !== 'spawn') lines.push(`    ${url}/functions/${fn.cache}/${fn.name}`);
    if (status === 'ready' && fn.kind)
      lines.push(`    ${style.cyan(curlLine(url, { ...fn, kind: fn.kind }))}`);
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

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The line `serve` prints when a function becomes ready (with its curl line) or fails.
 *
 * @example
 * ```ts
 * describeFunctionEvent('http://127.0.0.1:8080', event, styleFor(process.stdout));
 * // ✔ echo ready after 23.4 s (web; built in 21.0 s)
 * ```
 */
export function describeFunctionEvent(url: string, event: FunctionEvent, style: Style): string {
  if (event.type === 'failed') {
    return `${style.red('✖')} ${style.bold(event.name)} failed after ${seconds(event.totalMs)} (${event.entry}); it answers 500 with the error above until it is fixed\n`;
  }
  const build =
    event.buildMs === undefined
      ? ''
      : event.cached
        ? `; cached build, ${seconds(event.buildMs)}`
        : `; built in ${seconds(event.buildMs)}`;
  return `${style.green('✔')} ${style.bold(event.name)} ready after ${seconds(event.totalMs)} ${style.dim(`(${event.kind}${build})`)}\n    ${style.cyan(curlLine(url, event))}\n`;
}

/** Parses `serve` arguments and starts the server; resolves once it listens (functions may still be building). */
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
      jobs: { type: 'string', short: 'j' },
      'headers-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      'keep-alive-timeout': { type: 'string' },
      'body-timeout': { type: 'string' },
      'min-body-rate': { type: 'string' },
      wait: { type: 'boolean' },
      'no-metrics': { type: 'boolean' },
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
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) {
      throw new CliError(`--jobs ${values.jobs} is not a number of builds (1 or more).`, 2);
    }
  }
  const timeouts: ServerTimeouts = {};
  for (const [flag, key] of [
    ['headers-timeout', 'headersMs'],
    ['request-timeout', 'requestMs'],
    ['keep-alive-timeout', 'keepAliveMs'],
    ['body-timeout', 'bodyIdleMs'],
    ['min-body-rate', 'minBodyBytesPerSecond'],
  ] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new CliError(`--${flag} ${text} is not a positive number.`, 2);
    timeouts[key] = value;
  }
  const functions = (values.function ?? []).map((spec) => parseFunctionFlag(spec, io.cwd));
  const wait = values.wait ?? false;
  const out = styleFor(io.stdout);
  // While building in the background, a TTY shows one status line (the ready lines carry the
  // news); elsewhere only the ready lines are printed.
  const statusLine = wait || (io.stderr as NodeJS.WriteStream).isTTY === true;
  const progress = createProgress(io.stderr, values.quiet || !statusLine);
  const baseLogger = createConsoleLogger({ stream: io.stderr, quiet: values.quiet ?? false });
  const logger: ServerLogger = {
    info: (message, fields) => {
      progress.done();
      baseLogger.info(message, fields);
    },
    warn: (message, fields) => {
      progress.done();
      baseLogger.warn(message, fields);
    },
    error: (message, fields) => {
      progress.done();
      baseLogger.error(message, fields);
    },
  };
  const stages = stageLines(io.stderr);
  let running: RunningServer | undefined;
  let banner = false;
  const early: FunctionEvent[] = [];
  const status = () => {
    const all = running?.server.registry.describe() ?? [];
    const building = all.filter((fn) => fn.status === 'building').map((fn) => fn.name);
    if (building.length === 0) return undefined;
    const shown = building.slice(0, 4).join(', ') + (building.length > 4 ? ', …' : '');
    return `${all.length - building.length}/${all.length} ready; building ${shown}`;
  };
  const onFunction = (event: FunctionEvent) => {
    if (!banner || !running) {
      early.push(event);
      return;
    }
    progress.done();
    io.stdout.write(describeFunctionEvent(running.url, event, out));
    const line = status();
    if (line) progress.update(line);
  };
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
      ...(jobs !== undefined ? { buildConcurrency: jobs } : {}),
      ...(Object.keys(timeouts).length > 0 ? { timeouts } : {}),
      waitForFunctions: wait,
      ...(values['no-metrics'] ? { metrics: false } : {}),
      logger,
      onProgress: (message) => {
        if (wait) {
          progress.update(message);
          return;
        }
        if (!statusLine) {
          // No TTY (a log, CI): one plain line per stage of each function's build and load.
          if (!values.quiet) stages(message);
          return;
        }
        const line = status();
        if (line) progress.update(line);
      },
      onFunction,
      handleSignals: true,
      hostOptions: {
        // The functions' own log lines (serve maps their stack positions to the sources).
        backends: {
          log: {
            write: (line) => {
              progress.done();
              io.stderr.write(`${line}\n`);
            },
          },
        },
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
  const started = running;
  if (wait) progress.done(`ready (${started.server.registry.list().length} function(s))`);
  else progress.done();
  io.stdout.write(describeEndpoints(started.url, started.server.registry.describe(), out));
  if (started.authority) {
    io.stdout.write(
      `Auth is on: get a token with ${out.cyan('momento-functions token')} and send it as the authorization header.\n\n`,
    );
  }
  banner = true;
  if (!wait) {
    for (const event of early.splice(0)) onFunction(event);
    void started.ready.then((report) => {
      progress.done();
      if (report.failed.length === 0) {
        io.stdout.write(
          `${out.green('✔')} All ${report.ready.length} function(s) ready after ${seconds(report.elapsedMs)}.\n`,
        );
      } else {
        io.stdout.write(
          `${out.yellow('!')} ${report.ready.length} of ${report.ready.length + report.failed.length} function(s) ready after ${seconds(report.elapsedMs)}; failed: ${report.failed.map((f) => f.name).join(', ')}.\n`,
        );
      }
    });
  }
  return started;
}

/**
 * Prints build and load progress as plain lines, one per stage of each function: repeated updates
 * of the same stage (the componentize step reports every 100 ms) are printed once.
 *
 * @example
 * ```ts
 * const print = stageLines(process.stderr);
 * print('ping: bundling examples/ping/index.ts'); // printed
 * print('ping: bundling examples/ping/index.ts'); // not printed again
 * ```
 */
export function stageLines(stream: NodeJS.WritableStream): (message: string) => void {
  const last = new Map<string, string>();
  return (message) => {
    const key = /^(\S+): /.exec(message)?.[1] ?? /^(?:building|loading) (\S+) from /.exec(message)?.[1] ?? '';
    if (last.get(key) === message) return;
    last.set(key, message);
    stream.write(`${message}\n`);
  };
}
