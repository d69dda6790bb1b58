import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type DeadLetter, deliverCallback } from '../server/async-invoker.js';
import { findConfigFile, loadConfigFile } from '../server/config.js';
import { tokenSecret } from '../server/serve.js';
import { TokenAuthority } from '../services/token/index.js';
import { CliError, type CliIO, styleFor } from './ui.js';

export const DEAD_LETTERS_USAGE = `Usage: momento-functions dead-letters [options]

List async results that could not be delivered to their callback URL, retry or delete them.
Reads the state directory of a server (it need not be running), or asks a running one with --url.

Options:
      --state-dir <dir>   state directory (default: the config's, else .momento-functions)
      --url <url>         ask a running server instead (e.g. http://127.0.0.1:8080)
      --retry <id>        deliver one again now (removed once delivered)
      --delete <id>       remove one
      --json              print the list as JSON
  -h, --help              show this help
`;

export const TOKEN_USAGE = `Usage: momento-functions token [options]

Print a token that a server started with --auth accepts (signed with the same key: the config's
auth.signingKey, else MOMENTO_FUNCTIONS_TOKEN_SECRET, else <state-dir>/token-secret).

Options:
      --function <name>   allow invoking this function only (default: every function)
      --cache <cache>     ... in this cache only (default: every cache)
      --token-id <id>     token_id the functions see as their token metadata
      --valid-for <secs>  lifetime in seconds (default 3600, at most 3600)
      --state-dir <dir>   state directory (default: the config's, else .momento-functions)
  -c, --config <file>     the server's config file, for auth.signingKey and stateDir
                          (default: ./momento-functions.json if present)
  -h, --help              show this help

Example:
  curl -H "authorization: $(momento-functions token --function hello)" http://127.0.0.1:8080/functions/default/hello
`;

function stateDirFor(
  io: CliIO,
  explicit: string | undefined,
  configPath?: string,
): { stateDir: string; signingKey?: string } {
  // An explicit config (token -c) is read for its signing key even when --state-dir is given.
  const file =
    configPath !== undefined ? resolve(io.cwd, configPath) : explicit ? undefined : findConfigFile(io.cwd);
  if (file) {
    let config: ReturnType<typeof loadConfigFile>;
    try {
      config = loadConfigFile(file);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    return {
      stateDir: explicit
        ? resolve(io.cwd, explicit)
        : (config.stateDir ?? join(io.cwd, '.momento-functions')),
      ...(config.auth?.signingKey ? { signingKey: config.auth.signingKey } : {}),
    };
  }
  if (explicit) return { stateDir: resolve(io.cwd, explicit) };
  return { stateDir: join(io.cwd, '.momento-functions') };
}

async function readLetters(dir: string): Promise<DeadLetter[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const letters = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as DeadLetter),
  );
  return letters.sort((a, b) => a.failedAt.localeCompare(b.failedAt));
}

/** Runs `dead-letters`; returns the exit code. */
export async function deadLettersCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      url: { type: 'string' },
      retry: { type: 'string' },
      delete: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(DEAD_LETTERS_USAGE);
    return 0;
  }
  const style = styleFor(io.stdout);
  if (values.url) {
    const base = values.url.replace(/\/$/, '');
    const call = async (path: string, method = 'GET') => {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { method });
      } catch (error) {
        throw new CliError(`Cannot reach ${base}: ${(error as Error).message}. Is the server running?`);
      }
      if (!res.ok) throw new CliError(`${method} ${path}: ${res.status} ${(await res.text()).trim()}`);
      return res;
    };
    if (values.retry) {
      await call(`/_momento/dead-letters/${encodeURIComponent(values.retry)}/retry`, 'POST');
      io.stdout.write(`${style.green('Delivered')} ${values.retry}\n`);
      return 0;
    }
    if (values.delete) {
      await call(`/_momento/dead-letters/${encodeURIComponent(values.delete)}`, 'DELETE');
      io.stdout.write(`Deleted ${values.delete}\n`);
      return 0;
    }
    const letters = (await (await call('/_momento/dead-letters')).json()) as DeadLetter[];
    printLetters(letters, io, values.json === true);
    return 0;
  }
  const { stateDir } = stateDirFor(io, values['state-dir']);
  const dir = join(stateDir, 'dead-letters');
  const letters = await readLetters(dir);
  const id = values.retry ?? values.delete;
  if (id) {
    const letter = letters.find((l) => l.id === id);
    if (!letter)
      throw new CliError(`No dead letter ${id} in ${dir}; list them with momento-functions dead-letters.`);
    if (values.retry) {
      try {
        await deliverCallback(
          letter.callbackUrl,
          {
            status: letter.status,
            headers: letter.headers,
            body: new Uint8Array(Buffer.from(letter.bodyBase64, 'base64')),
          },
          letter.id,
          10_000,
        );
      } catch (error) {
        throw new CliError(`Delivery failed again: ${(error as Error).message}. The dead letter is kept.`);
      }
      io.stdout.write(`${style.green('Delivered')} ${id} to ${letter.callbackUrl}\n`);
    } else {
      io.stdout.write(`Deleted ${id}\n`);
    }
    await rm(join(dir, `${id}.json`), { force: true });
    return 0;
  }
  printLetters(letters, io, values.json === true);
  return 0;
}

function printLetters(letters: DeadLetter[], io: CliIO, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(letters, null, 2)}\n`);
    return;
  }
  if (letters.length === 0) {
    io.stdout.write('No dead letters: every async result was delivered.\n');
    return;
  }
  const style = styleFor(io.stdout);
  for (const l of letters) {
    io.stdout.write(
      `${style.bold(l.id)}  ${l.cache}/${l.function} -> ${l.callbackUrl}\n` +
        `  status ${l.status}, ${Buffer.from(l.bodyBase64, 'base64').length} bytes, ${l.attempts} attempt(s), failed ${l.failedAt}\n` +
        `  ${style.red(l.error)}\n`,
    );
  }
  io.stdout.write(`\nRetry one with --retry <id>, or remove it with --delete <id>.\n`);
}

/** Runs `token`; returns the exit code. */
export async function tokenCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      function: { type: 'string' },
      cache: { type: 'string' },
      'token-id': { type: 'string' },
      'valid-for': { type: 'string' },
      'state-dir': { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(TOKEN_USAGE);
    return 0;
  }
  const { stateDir, signingKey } = stateDirFor(io, values['state-dir'], values.config);
  const authority = new TokenAuthority({ secret: tokenSecret(stateDir, signingKey) });
  const entry: Record<string, unknown> = { role: 'FunctionInvoke' };
  if (values.cache) entry.cache_selector = { cacheName: values.cache };
  else entry.all_caches = null;
  if (values.function) entry.function_selector = { function_name: values.function };
  else entry.all_functions = null;
  const validFor = Number(values['valid-for'] ?? 3600);
  try {
    const { apiKey } = await authority.issue({
      validForSeconds: validFor,
      permissions: JSON.stringify({ explicit: { permissions: [{ function_permissions: entry }] } }),
      ...(values['token-id'] !== undefined ? { tokenId: values['token-id'] } : {}),
      cacheName: values.cache ?? '*',
      functionName: 'momento-functions token',
    });
    io.stdout.write(`${apiKey}\n`);
  } catch (error) {
    throw new CliError(`Cannot issue a token: ${(error as Error).message}`, 2);
  }
  return 0;
}
