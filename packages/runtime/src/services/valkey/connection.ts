/**
 * One pipelined RESP2 connection to a Valkey/Redis server, opened on first use and again after
 * it is lost. Every command is bounded in time; nothing waits forever.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ErrorReply, encodeCommand, type Reply, RespLimitError, RespParser } from './resp.js';

/** Why a command got no reply: the connection failed, was lost, timed out, or was cancelled. */
export class ValkeyConnectionError extends Error {
  /**
   * Creates the error with the given description.
   *
   * @param message - what happened and what to do.
   * @example
   * new ValkeyConnectionError('connection refused').name; // 'ValkeyConnectionError'
   */
  constructor(message: string) {
    super(message);
    this.name = 'ValkeyConnectionError';
  }
}

/**
 * Options of a {@link ValkeyConnection}.
 *
 * @example
 * const options: ValkeyConnectionOptions = { connectTimeoutMs: 2000, commandTimeoutMs: 5000 };
 */
export interface ValkeyConnectionOptions {
  /** How long opening the connection (TCP, TLS, AUTH, SELECT) may take. Default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long a command may wait for its reply. Default 5000 ms. */
  readonly commandTimeoutMs?: number;
  /** Largest reply accepted (a command's own `maxReplyBytes` may lower it). Default 64 MiB. */
  readonly maxReplyBytes?: number;
}

/** Default {@link ValkeyConnectionOptions.maxReplyBytes}: 64 MiB, like the HTTP service's body limit. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** A reply larger than the command's limit; refused before it was buffered. */
export class ValkeyReplyLimitError extends Error {
  /**
   * Creates the error with the given description.
   *
   * @param message - what was refused and how to raise the limit.
   * @example
   * new ValkeyReplyLimitError('too big').name; // 'ValkeyReplyLimitError'
   */
  constructor(message: string) {
    super(message);
    this.name = 'ValkeyReplyLimitError';
  }
}

interface Pending {
  settled: boolean;
  /** Largest reply this command accepts. */
  maxReplyBytes: number;
  /** Says which setting decides {@link maxReplyBytes}, for the message. */
  limitSetting: string;
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/** A cluster URL taken apart: where to connect, and how to authenticate and select a database. */
export interface ParsedUrl {
  /** Whether to connect over TLS: `true` for `rediss://` and `valkeys://`. */
  readonly tls: boolean;
  /** The host name or address (IPv6 without brackets); `127.0.0.1` when the URL has none. */
  readonly host: string;
  /** The TCP port; 6379 when the URL has none. */
  readonly port: number;
  /** The user name for `AUTH` (percent-decoded), if the URL has one. */
  readonly username: string | undefined;
  /** The password for `AUTH` (percent-decoded), if the URL has one. */
  readonly password: string | undefined;
  /** The database number to `SELECT` (the URL's path, e.g. `/2`), if given. */
  readonly db: number | undefined;
  /** The URL without its password, for messages. */
  readonly display: string;
}

/**
 * Parses `redis://`, `rediss://`, `valkey://` and `valkeys://` URLs
 * (`[user[:password]@]host[:port][/db]`); throws a `TypeError` saying what is accepted.
 *
 * @example
 * parseValkeyUrl('redis://:secret@127.0.0.1:6380/2').db; // 2
 */
export function parseValkeyUrl(url: string): ParsedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `'${url}' is not a Valkey URL; write redis://host:port (or rediss://, valkey://, valkeys:// for TLS)`,
    );
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!['redis', 'rediss', 'valkey', 'valkeys'].includes(scheme)) {
    throw new TypeError(
      `'${url}' has the scheme '${scheme}:'; a Valkey URL starts with redis://, rediss://, valkey:// or valkeys://`,
    );
  }
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? undefined : Number(dbText);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) {
    throw new TypeError(`'${url}': the path must be a database number (e.g. /0), got '/${dbText}'`);
  }
  const tls = scheme === 'rediss' || scheme === 'valkeys';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  return { tls, host, port, username, password, db, display: shown.toString().replace(/\/$/, '') };
}

/**
 * A pipelined connection: commands are written as they come and replies matched in order.
 *
 * @example
 * const connection = new ValkeyConnection('redis://127.0.0.1:6379');
 * const reply = await connection.send([Buffer.from('PING')]); // StatusReply('PONG')
 * connection.close();
 */
export class ValkeyConnection {
  readonly #url: ParsedUrl;
  readonly #connectTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  readonly #maxReplyBytes: number;
  #socket: Socket | undefined;
  #ready: Promise<Socket> | undefined;
  #pending: Pending[] = [];
  #closed = false;

  /**
   * Creates a connection for a server URL (the URL is parsed here; the socket opens later);
   * connecting times out after 2000 ms and each command after 5000 ms unless `options` says otherwise.
   *
   * @param url - `redis://…`, `rediss://…`, `valkey://…` or `valkeys://…`.
   * @param options - time limits.
   * @example
   * new ValkeyConnection('valkey://127.0.0.1:6379', { commandTimeoutMs: 1000 });
   */
  constructor(url: string, options: ValkeyConnectionOptions = {}) {
    this.#url = parseValkeyUrl(url);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  }

  /**
   * The URL with its password hidden.
   *
   * @example
   * new ValkeyConnection('redis://:pw@h:1').display; // 'redis://:***@h:1'
   */
  get display(): string {
    return this.#url.display;
  }

  /**
   * Sends one command and resolves with its reply (an error reply is a reply, not a rejection).
   * Rejects with {@link ValkeyConnectionError} when the server cannot be reached, the connection
   * is lost, the reply takes longer than `commandTimeoutMs`, or `signal` aborts; with
   * {@link ValkeyReplyLimitError} when the reply is larger than `maxReplyBytes` (the smaller of
   * the connection's and `limit`'s), before it is buffered (the connection is then reopened).
   *
   * @example
   * await connection.send([Buffer.from('SET'), Buffer.from('k'), Buffer.from('v')]); // StatusReply('OK')
   */
  async send(
    args: readonly Uint8Array[],
    signal?: AbortSignal,
    limit?: { readonly bytes: number; readonly setting: string },
  ): Promise<Reply> {
    if (this.#closed)
      throw new ValkeyConnectionError('the host is closing; no more Valkey commands are sent');
    if (signal?.aborted) throw cancelled();
    const started = Date.now();
    const socket = await withSignal(this.#connect(), signal);
    const remaining = Math.max(1, this.#commandTimeoutMs - (Date.now() - started));
    return new Promise<Reply>((resolve, reject) => {
      const byCaller = limit !== undefined && limit.bytes < this.#maxReplyBytes;
      const entry: Pending = {
        settled: false,
        maxReplyBytes: byCaller ? limit.bytes : this.#maxReplyBytes,
        limitSetting: byCaller ? limit.setting : 'createValkeyServices({ maxReplyBytes })',
        resolve: (reply) => finish(() => resolve(reply)),
        reject: (error) => finish(() => reject(error)),
      };
      const onAbort = () => entry.reject(cancelled());
      const timer = setTimeout(
        () =>
          entry.reject(
            new ValkeyConnectionError(
              `${this.#url.display} did not answer within ${this.#commandTimeoutMs} ms; the server may be overloaded or a command is slow (raise commandTimeoutMs if that is expected)`,
            ),
          ),
        remaining,
      );
      // A timed-out or cancelled entry stays queued: its reply still arrives and is dropped, so
      // the replies that follow stay matched to their commands.
      function finish(settle: () => void): void {
        if (entry.settled) return;
        entry.settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.push(entry);
      socket.write(encodeCommand(args));
    });
  }

  /**
   * Closes the connection; waiting commands fail.
   *
   * @example
   * connection.close();
   */
  close(): void {
    this.#closed = true;
    this.#fail(new ValkeyConnectionError('the host closed the Valkey connection'));
  }

  #connect(): Promise<Socket> {
    if (this.#socket) return Promise.resolve(this.#socket);
    this.#ready ??= this.#open().finally(() => {
      this.#ready = undefined;
    });
    return this.#ready;
  }

  #open(): Promise<Socket> {
    const { host, port, tls, display } = this.#url;
    return new Promise<Socket>((resolve, reject) => {
      const socket = tls
        ? tlsConnect({ host, port, servername: host === '127.0.0.1' || host === '::1' ? undefined : host })
        : netConnect({ host, port });
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      let opened = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new ValkeyConnectionError(
            `could not connect to ${display} within ${this.#connectTimeoutMs} ms; check that the server runs and the host can reach it`,
          ),
        );
      }, this.#connectTimeoutMs);
      const parser = new RespParser(
        (reply) => this.#onReply(reply),
        () => this.#pending[0]?.maxReplyBytes ?? this.#maxReplyBytes,
      );
      socket.on('data', (chunk: Buffer) => {
        try {
          parser.feed(chunk);
        } catch (error) {
          if (error instanceof RespLimitError) {
            // The reply's command fails with the limit; the stream cannot be resynchronised, so
            // the connection is closed (the commands behind it fail as on a lost connection).
            const head = this.#pending.shift();
            head?.reject(
              new ValkeyReplyLimitError(
                `the reply is at least ${error.size} bytes, more than the limit of ${error.limit} bytes (${head.limitSetting}); ask for less (e.g. GETRANGE, LRANGE/SCAN in pages)`,
              ),
            );
          }
          socket.destroy(error as Error);
        }
      });
      socket.on('error', (error: Error) => {
        if (!opened) {
          clearTimeout(timer);
          reject(
            new ValkeyConnectionError(
              `could not connect to ${display}: ${error.message}; check that the server runs and the URL is right`,
            ),
          );
        } else {
          this.#lost(socket, error.message);
        }
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (!opened) {
          reject(new ValkeyConnectionError(`could not connect to ${display}: the connection closed`));
        }
        this.#lost(socket, 'the server closed the connection');
      });
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        this.#socket = socket;
        opened = true;
        this.#handshake(socket).then(
          () => {
            clearTimeout(timer);
            if (this.#closed) {
              socket.destroy();
              reject(new ValkeyConnectionError('the host is closing; no more Valkey commands are sent'));
            } else resolve(socket);
          },
          (error: Error) => {
            clearTimeout(timer);
            socket.destroy();
            reject(error);
          },
        );
      });
    });
  }

  /** AUTH and SELECT from the URL, before any command. */
  async #handshake(socket: Socket): Promise<void> {
    const { username, password, db, display } = this.#url;
    const steps: Uint8Array[][] = [];
    if (password !== undefined) {
      steps.push(
        username === undefined
          ? [Buffer.from('AUTH'), Buffer.from(password)]
          : [Buffer.from('AUTH'), Buffer.from(username), Buffer.from(password)],
      );
    } else if (username !== undefined) {
      throw new ValkeyConnectionError(
        `${display} names a user but no password; write redis://user:password@host`,
      );
    }
    if (db !== undefined && db !== 0) steps.push([Buffer.from('SELECT'), Buffer.from(String(db))]);
    for (const args of steps) {
      const reply = await new Promise<Reply>((resolve, reject) => {
        this.#pending.push({
          settled: false,
          maxReplyBytes: this.#maxReplyBytes,
          limitSetting: 'createValkeyServices({ maxReplyBytes })',
          resolve,
          reject,
        });
        socket.write(encodeCommand(args));
      });
      if (reply instanceof ErrorReply) {
        const what = args[0] && Buffer.from(args[0]).toString() === 'AUTH' ? 'authentication' : 'SELECT';
        throw new ValkeyConnectionError(`${display} refused ${what}: ${reply.text}`);
      }
    }
  }

  #onReply(reply: Reply): void {
    const entry = this.#pending.shift();
    if (entry && !entry.settled) entry.resolve(reply);
  }

  #lost(socket: Socket, why: string): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    socket.destroy();
    this.#fail(
      new ValkeyConnectionError(
        `lost the connection to ${this.#url.display} (${why}); the command may or may not have run`,
      ),
    );
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const entry of pending) if (!entry.settled) entry.reject(error);
    this.#socket?.destroy();
    this.#socket = undefined;
  }
}

function cancelled(): ValkeyConnectionError {
  return new ValkeyConnectionError('the invocation ended before Valkey answered');
}

function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
