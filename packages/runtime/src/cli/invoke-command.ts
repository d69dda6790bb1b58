import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultFunctionName } from '@momento-functions/build/naming';
import { createHost } from '../index.js';
import { loadConfiguredFunction, missingEntryMessage } from '../server/host-adapter.js';
import { type ErrorMapper, mapLogLine } from '../server/source-map.js';
import type { Pair } from '../server/types.js';
import { CliError, type CliIO, createProgress, styleFor } from './ui.js';

export const INVOKE_USAGE = `Usage: momento-functions invoke <entry> [body] [options]

Run a function once, in the reference host, and print what it answered. <entry> is a .wasm
component or a TypeScript/JavaScript entry (built first, cached). The status and headers go to
stderr, the body to stdout (streamed as the function produces it). Exit code: 0 for a status
below 400 or a successful spawn, 1 otherwise.

Options:
  -d, --data <body>         request body: text, @file to read a file, - to read stdin
                            (a second positional argument works too)
  -X, --method <method>     HTTP method (default POST)
      --path <path>         invocation path (default /)
      --query <name=value>  query parameter; repeatable
  -H, --header <name: value>  request header; repeatable
  -e, --env <KEY=VALUE>     environment variable for the function; repeatable
      --name <name>         function name (default: from the file name)
      --cache <cache>       cache name (default "default")
      --token-metadata <id> the caller token's token_id the function sees
  -i, --include             print the status line and headers to stdout, before the body
      --json                print {status, headers, body} as JSON (body as text)
  -h, --help                show this help

Examples:
  momento-functions invoke src/index.ts '{"name":"Ada"}'
  momento-functions invoke dist/echo.wasm -d @request.json -H 'content-type: application/json'
  echo hello | momento-functions invoke dist/echo.wasm -d -
  momento-functions invoke dist/worker.wasm 'job-42'     (a spawn function: prints its outcome)
`;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a body argument: `@file`, `-` (stdin), or the text itself. */
export async function readBodyArgument(value: string | undefined, io: CliIO): Promise<Uint8Array> {
  if (value === undefined) return new Uint8Array(0);
  if (value === '-') return readStdin(io.stdin);
  if (value.startsWith('@')) {
    const path = resolve(io.cwd, value.slice(1));
    try {
      return await readFile(path);
    } catch (error) {
      throw new CliError(
        `Cannot read the body file ${path}: ${(error as Error).message}. Check the path after @ (relative to the current directory).`,
      );
    }
  }
  return new TextEncoder().encode(value);
}

function pairsOf(values: string[] | undefined, separator: string, flag: string): Pair[] {
  return (values ?? []).map((item) => {
    const at = item.indexOf(separator);
    if (at <= 0) throw new CliError(`${flag} ${item}: expected name${separator}value.`, 2);
    return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
  });
}

/** Runs `invoke`; returns the exit code. */
export async function invokeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', short: 'd' },
      method: { type: 'string', short: 'X' },
      path: { type: 'string' },
      query: { type: 'string', multiple: true },
      header: { type: 'string', short: 'H', multiple: true },
      env: { type: 'string', short: 'e', multiple: true },
      name: { type: 'string' },
      cache: { type: 'string' },
      'token-metadata': { type: 'string' },
      include: { type: 'boolean', short: 'i' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(INVOKE_USAGE);
    return 0;
  }
  const [entryArg, bodyArg, ...extra] = positionals;
  if (!entryArg) throw new CliError(`invoke needs an entry (.wasm or .ts).\n\n${INVOKE_USAGE}`, 2);
  if (extra.length > 0) throw new CliError(`Unexpected arguments: ${extra.join(' ')} (quote the body).`, 2);
  if (bodyArg !== undefined && values.data !== undefined) {
    throw new CliError('Give the body either as the second argument or with --data, not both.', 2);
  }
  const entry = resolve(io.cwd, entryArg);
  if (!existsSync(entry)) throw new CliError(missingEntryMessage(entryArg, io.cwd));
  const body = await readBodyArgument(values.data ?? bodyArg, io);
  const env = Object.fromEntries(pairsOf(values.env, '=', '--env'));
  const query = pairsOf(values.query, '=', '--query');
  const headers = pairsOf(values.header, ':', '--header').map(([n, v]): Pair => [n.toLowerCase(), v]);
  const err = styleFor(io.stderr);
  const out = styleFor(io.stdout);
  const progress = createProgress(io.stderr, values.json === true);
  let mapError: ErrorMapper | undefined;
  const host = await createHost({
    // The function's own log lines (console.*, momento:log), with their stack positions mapped.
    backends: {
      log: {
        write: (line) => {
          progress.done();
          io.stderr.write(`${mapLogLine(line, () => mapError)}\n`);
        },
      },
    },
    logger: (e) => {
      progress.done();
      const text = mapError ? mapError(e.message) : e.message;
      const label =
        e.level === 'error' ? err.red('error') : e.level === 'warn' ? err.yellow('warn') : err.dim('log');
      io.stderr.write(`${label} ${text}\n`);
    },
  });
  try {
    let loaded: Awaited<ReturnType<typeof loadConfiguredFunction>>;
    try {
      loaded = await loadConfiguredFunction(
        host,
        { name: values.name ?? defaultFunctionName(entry), cache: values.cache ?? 'default', entry, env },
        { onProgress: (m) => progress.update(m) },
      );
    } catch (error) {
      progress.done();
      throw new CliError(`Could not load ${entryArg}: ${(error as Error).message}`);
    }
    progress.done();
    mapError = loaded.servable.mapError;
    const fn = loaded.servable;
    if (fn.kind === 'spawn') {
      const outcome = await fn.spawn(body);
      const val = 'val' in outcome && typeof outcome.val === 'string' ? outcome.val : undefined;
      const note = val !== undefined && mapError ? mapError(val) : val;
      if (values.json)
        io.stdout.write(
          `${JSON.stringify({ kind: 'spawn', outcome: note === undefined ? outcome : { ...outcome, val: note } })}\n`,
        );
      else io.stdout.write(`${outcome.tag}${note === undefined ? '' : `: ${note}`}\n`);
      return outcome.tag === 'ok' || outcome.tag === 'ok-note' ? 0 : 1;
    }
    const request = {
      method: (values.method ?? 'POST').toUpperCase(),
      path: values.path ? (values.path.startsWith('/') ? values.path : `/${values.path}`) : '/',
      query,
      headers,
      body,
      ...(values['token-metadata'] !== undefined ? { tokenMetadata: values['token-metadata'] } : {}),
    };
    if (values.json) {
      const res = await fn.invoke(request);
      let text = new TextDecoder().decode(res.body);
      if (res.status >= 500 && mapError) text = mapError(text);
      io.stdout.write(
        `${JSON.stringify({ status: res.status, headers: res.headers, body: text }, null, 2)}\n`,
      );
      return res.status < 400 ? 0 : 1;
    }
    const res = await fn.invokeStreaming(request);
    const head = [
      (res.status < 400 ? (s: string) => s : err.red)(`HTTP ${res.status}`),
      ...res.headers.map(([n, v]) => `${n}: ${v}`),
    ];
    if (values.include)
      io.stdout.write(
        `${[`HTTP ${res.status}`, ...res.headers.map(([n, v]) => `${n}: ${v}`)].join('\n')}\n\n`,
      );
    else io.stderr.write(`${err.dim(head.join('\n'))}\n\n`);
    if (res.status >= 500) {
      // An error body is small: map the guest's stack positions to the TypeScript sources.
      const chunks: Uint8Array[] = [];
      for await (const chunk of res.body) chunks.push(chunk);
      const text = new TextDecoder().decode(Buffer.concat(chunks));
      io.stdout.write(mapError ? mapError(text) : text);
    } else {
      for await (const chunk of res.body) io.stdout.write(chunk);
    }
    if ((io.stdout as NodeJS.WriteStream).isTTY) io.stdout.write(out.dim('\n'));
    return res.status < 400 ? 0 : 1;
  } finally {
    await host.close();
  }
}
