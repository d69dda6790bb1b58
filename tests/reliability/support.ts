/**
 * Shared helpers of the reliability suite (docs/reliability.md): fixture paths, the CI/long
 * switch, RSS sampling, raw HTTP over `net`, a header-echo WAT guest, a restartable redis-server
 * and the figures each probe prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { watComponent } from '../../packages/runtime/test/helpers/components.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/** `MF_RELIABILITY_LONG=1` runs the long variants. */
export const LONG = process.env.MF_RELIABILITY_LONG === '1';

/**
 * `MF_RELIABILITY_KNOWN_BUGS=1` turns the open findings of docs/reliability.md back into
 * failures (for whoever fixes them); by default they are counted and reported, not failed.
 */
export const KNOWN_BUGS = process.env.MF_RELIABILITY_KNOWN_BUGS === '1';

/** The CI count, or the long one with MF_RELIABILITY_LONG=1. */
export const pick = <T>(ci: T, long: T): T => (LONG ? long : ci);

export const fixture = (group: string, name: string) =>
  join(ROOT, 'tests', 'fixtures', group, `${name}.wasm`);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const MiB = 1024 * 1024;

/**
 * Prints one probe's figures (`[reliability] probe: {...}`) and keeps them in
 * node_modules/.cache/momento-reliability/<probe>.json for docs/reliability.md.
 */
export function report(probe: string, figures: Record<string, unknown>): void {
  const all = { probe, long: LONG, at: new Date().toISOString(), ...figures };
  console.log(`[reliability] ${probe}: ${JSON.stringify(all)}`);
  try {
    const dir = join(ROOT, 'node_modules', '.cache', 'momento-reliability');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${probe}${LONG ? '.long' : ''}.json`), `${JSON.stringify(all, null, 2)}\n`);
  } catch {
    // figures on stdout are enough
  }
}

/** Samples this process's RSS every `everyMs` until stopped. */
export function rssSampler(everyMs = 100) {
  const samples: number[] = [process.memoryUsage().rss];
  const timer = setInterval(() => samples.push(process.memoryUsage().rss), everyMs);
  timer.unref();
  return {
    samples,
    stop() {
      clearInterval(timer);
      samples.push(process.memoryUsage().rss);
      return {
        first: samples[0]!,
        max: Math.max(...samples),
        last: samples[samples.length - 1]!,
        n: samples.length,
      };
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((r) => server.close(r));
  return port;
}

export async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RawExchange {
  /** Everything the server sent, as bytes. */
  raw: Buffer;
  /** True when the server had not closed the connection after `timeoutMs`. */
  timedOut: boolean;
  ms: number;
}

/**
 * Sends `request` (bytes, or a string written as latin1 so `\xff` is one byte) on a fresh
 * connection and collects everything the server sends until it closes the connection, or
 * `timeoutMs` passes. `chunks` > 1 splits the request into that many writes `gapMs` apart.
 */
export async function rawExchange(
  port: number,
  request: Buffer | string,
  { timeoutMs = 5_000, chunks = 1, gapMs = 0 } = {},
): Promise<RawExchange> {
  const bytes = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  socket.on('error', () => {});
  const closed = new Promise<boolean>((r) => socket.once('close', () => r(false)));
  await Promise.race([once(socket, 'connect'), closed]);
  void (async () => {
    const size = Math.ceil(bytes.length / chunks);
    for (let i = 0; i < bytes.length && !socket.destroyed; i += size) {
      socket.write(bytes.subarray(i, i + size));
      if (gapMs) await sleep(gapMs);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    closed,
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  socket.destroy();
  return { raw: Buffer.concat(parts), timedOut, ms: Date.now() - started };
}

export interface ParsedHead {
  status: number;
  statusLine: string;
  /** Header lines as sent, in order. */
  lines: string[];
  headers: [string, string][];
  /** The head broke HTTP's rules (a bare CR or LF, a line that is not `name: value`). */
  malformed: string[];
  body: Buffer;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses the first response's status line and headers, strictly. */
export function parseHead(raw: Buffer): ParsedHead | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = raw.subarray(0, end).toString('latin1');
  const malformed: string[] = [];
  const withoutCrlf = head.split('\r\n');
  for (const line of withoutCrlf) {
    if (line.includes('\r') || line.includes('\n')) malformed.push(`bare CR/LF in ${JSON.stringify(line)}`);
  }
  const [statusLine = '', ...lines] = withoutCrlf;
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!m) malformed.push(`status line ${JSON.stringify(statusLine)}`);
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) {
      malformed.push(`header line ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    headers.push([name.toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return {
    status: m ? Number(m[1]) : 0,
    statusLine,
    lines,
    headers,
    malformed,
    body: raw.subarray(end + 4),
  };
}

const WEB_WORLD = (name: string) =>
  `package test:${name};\nworld guest {\n  import momento:web-function/web-function-support@1.0.0;\n  export momento:web-function/guest-function-web@1.0.0;\n}\n`;

/**
 * The header-echo guest (WAT, hand-written canonical ABI): answers 200 with every request
 * header as a response header (same names, same values, in order), one `x-query: <value>` per
 * query parameter, `x-path: <invocation path>`, and the request body as its body. Whatever a
 * client puts in a header, the query or the path comes back in a header the guest *did* set;
 * a header the guest did not set (an injected one) must never appear.
 */
export const watHeaderEcho = () =>
  watComponent(
    WEB_WORLD('header-echo'),
    `(module
  (import "momento:web-function/web-function-support@1.0.0" "headers" (func $headers (param i32)))
  (import "momento:web-function/web-function-support@1.0.0" "query-parameters" (func $query (param i32)))
  (import "momento:web-function/web-function-support@1.0.0" "invocation-path" (func $path (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (data (i32.const 16) "x-path")
  (data (i32.const 32) "x-query")
  (func $alloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32) (local $end i32) (local $have i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $r) (local.get 3)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16)))
              (i32.const -1))
          (then unreachable))))
    (global.set $bump (local.get $end))
    (local.get $r))
  (func (export "cabi_post_momento:web-function/guest-function-web@1.0.0#invoke") (param i32))
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (local $hptr i32) (local $hlen i32) (local $qptr i32) (local $qlen i32)
    (local $n i32) (local $dst i32) (local $i i32) (local $rec i32)
    (call $headers (i32.const 128))
    (call $query (i32.const 136))
    (call $path (i32.const 144))
    (local.set $hptr (i32.load (i32.const 128)))
    (local.set $hlen (i32.load (i32.const 132)))
    (local.set $qptr (i32.load (i32.const 136)))
    (local.set $qlen (i32.load (i32.const 140)))
    (local.set $n (i32.add (i32.add (local.get $hlen) (local.get $qlen)) (i32.const 1)))
    (local.set $dst (call $alloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.mul (local.get $n) (i32.const 16))))
    ;; the request headers, as they came
    (memory.copy (local.get $dst) (local.get $hptr) (i32.mul (local.get $hlen) (i32.const 16)))
    ;; x-query: <value> per query parameter
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $qlen)))
      (local.set $rec (i32.add (local.get $dst) (i32.mul (i32.add (local.get $hlen) (local.get $i)) (i32.const 16))))
      (i32.store (local.get $rec) (i32.const 32))
      (i32.store offset=4 (local.get $rec) (i32.const 7))
      (i32.store offset=8 (local.get $rec) (i32.load offset=8 (i32.add (local.get $qptr) (i32.mul (local.get $i) (i32.const 16)))))
      (i32.store offset=12 (local.get $rec) (i32.load offset=12 (i32.add (local.get $qptr) (i32.mul (local.get $i) (i32.const 16)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    ;; x-path: <path> (empty when none)
    (local.set $rec (i32.add (local.get $dst) (i32.mul (i32.sub (local.get $n) (i32.const 1)) (i32.const 16))))
    (i32.store (local.get $rec) (i32.const 16))
    (i32.store offset=4 (local.get $rec) (i32.const 6))
    (if (i32.load8_u (i32.const 144))
      (then
        (i32.store offset=8 (local.get $rec) (i32.load (i32.const 148)))
        (i32.store offset=12 (local.get $rec) (i32.load (i32.const 152))))
      (else
        (i32.store offset=8 (local.get $rec) (i32.const 16))
        (i32.store offset=12 (local.get $rec) (i32.const 0))))
    (i32.store16 (i32.const 256) (i32.const 200))
    (i32.store (i32.const 260) (local.get $dst))
    (i32.store (i32.const 264) (local.get $n))
    ;; the request body, handed straight back
    (i32.store8 (i32.const 268) (local.get 0))
    (i32.store (i32.const 272) (local.get 1))
    (i32.store (i32.const 276) (local.get 2))
    (i32.const 256)))`,
  );

export interface Redis {
  readonly port: number;
  readonly url: string;
  /** SIGKILLs the server (no shutdown, connections reset). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A throw-away redis-server on a fixed port, killable and restartable. */
export async function redisServer(): Promise<Redis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}: ${stderr}`);
      await sleep(25);
    }
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}
