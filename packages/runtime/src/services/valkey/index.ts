/**
 * `momento:valkey/valkey@1.0.0` served by the host: `get-managed-cluster-client(name)` gives a
 * `cluster-client` resource bound to the Valkey/Redis server configured for that name, whose
 * `command` runs one request/reply command and maps the RESP reply to the WIT `value`.
 */

import { guestMemoryBytes } from '../limits.js';
import {
  HostResource,
  type HostService,
  type InvocationContext,
  type ServiceData,
  type ServiceFunction,
} from '../types.js';
import {
  parseValkeyUrl,
  ValkeyConnection,
  ValkeyConnectionError,
  ValkeyReplyLimitError,
} from './connection.js';
import { ErrorReply, type Reply, StatusReply } from './resp.js';

export {
  DEFAULT_MAX_REPLY_BYTES,
  type ParsedUrl,
  parseValkeyUrl,
  ValkeyConnection,
  ValkeyConnectionError,
  type ValkeyConnectionOptions,
  ValkeyReplyLimitError,
} from './connection.js';
export {
  ErrorReply,
  encodeCommand,
  type Reply,
  RespLimitError,
  RespParser,
  RespProtocolError,
  StatusReply,
} from './resp.js';

/** The versioned interface this service serves. */
export const VALKEY_INTERFACE = 'momento:valkey/valkey@1.0.0';

/**
 * Options of {@link createValkeyServices}.
 *
 * @example
 * const options: ValkeyServiceOptions = {
 *   clusters: { 'my-cluster': 'redis://127.0.0.1:6379' },
 *   commandTimeoutMs: 2000,
 * };
 */
export interface ValkeyServiceOptions {
  /** Cluster name → server URL (`redis://`, `rediss://`, `valkey://`, `valkeys://`, optional `user:password@` and `/db`). */
  readonly clusters?: Readonly<Record<string, string>>;
  /** The server for every cluster name not in `clusters`. Without it, such names fail on use. */
  readonly defaultUrl?: string;
  /** How long a command may wait for its reply. Default 5000 ms. */
  readonly commandTimeoutMs?: number;
  /** How long connecting (TCP, TLS, AUTH, SELECT) may take. Default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Largest reply a command may get, in bytes; a larger one is refused before it is buffered
   * (`valkey-error::other`). Also bounded by the guest's memory limit. Default 64 MiB.
   */
  readonly maxReplyBytes?: number;
  /** Told about connection failures and timeouts (default: `console.warn`). */
  readonly onError?: (error: Error, clusterName: string) => void;
}

/**
 * The WIT `value` as this service returns it (jco's shape).
 *
 * @example
 * const v: ValkeyWitValue = { tag: 'int', val: 42n };
 */
export type ValkeyWitValue =
  | {
      /** `'nil'`: a null reply (e.g. `GET` of a missing key). */
      tag: 'nil';
    }
  | {
      /** `'int'`: an integer reply. */
      tag: 'int';
      /** The integer, as a 64-bit `bigint`. */
      val: bigint;
    }
  | {
      /** `'data'`: a bulk-string reply. */
      tag: 'data';
      /** The reply's bytes. */
      val: ServiceData;
    }
  | {
      /** `'bulk'`: an array reply, handed out one element at a time. */
      tag: 'bulk';
      /** The stream of the array's elements. */
      val: ValkeyResponseStream;
    }
  | {
      /** `'ok'`: the status reply `+OK`. */
      tag: 'ok';
    }
  | {
      /** `'simple-string'`: any other status reply (e.g. `+PONG`). */
      tag: 'simple-string';
      /** The status text, without the `+`. */
      val: string;
    }
  | {
      /** `'simple-error'`: an error reply from the server (e.g. `-ERR unknown command`), at the top level or inside an array. */
      tag: 'simple-error';
      /** The error text, with its prefix (`ERR …`). */
      val: string;
    };

/**
 * The WIT `valkey-error` (one case, `other(string)`).
 *
 * @example
 * const e: ValkeyWitError = { tag: 'other', val: 'timed out' };
 */
export type ValkeyWitError = {
  /** `'other'`: the only case. */
  tag: 'other';
  /** What went wrong on the host's side: e.g. a timeout, a lost connection, or a reply too large to accept. */
  val: string;
};

/**
 * What `[method]cluster-client.command` returns for its `result<value, valkey-error>`: the `value`
 * itself on success, `{ tag: 'err', val }` on failure — **not** `{ tag: 'ok', val }`.
 *
 * jco 1.35's lowering of a host import's `result` accepts either form, except when the `ok`
 * payload is a variant that itself has a case named `ok` (as `value` does): then only
 * `{ tag: 'err' }` is recognised and anything else is taken as the payload, so
 * `{ tag: 'ok', val: { tag: 'int', val: 1n } }` would reach the guest as `value::ok`. Returning
 * the bare payload is unambiguous: `value` has no `err` case.
 *
 * @example
 * const answer: ValkeyCommandAnswer = { tag: 'int', val: 1n };
 * const failed: ValkeyCommandAnswer = { tag: 'err', val: { tag: 'other', val: 'timed out' } };
 */
export type ValkeyCommandAnswer =
  | ValkeyWitValue
  | {
      /** `'err'`: the command failed. */
      tag: 'err';
      /** Why it failed. */
      val: ValkeyWitError;
    };

/**
 * The WIT `command` record as it arrives: the name and its arguments as `data`.
 *
 * @example
 * const c: ValkeyWitCommand = { command: 'GET', arguments: [{ tag: 'value', val: new TextEncoder().encode('k') }] };
 */
export interface ValkeyWitCommand {
  /** The command's name, e.g. `GET` or `HSET`. */
  readonly command: string;
  /** The command's arguments, each as bytes, in order. */
  readonly arguments: readonly ServiceData[];
}

/**
 * The host side of a `cluster-client` handle: the cluster's name and its connection, or why
 * there is none (commands then answer `err(other(<why>))`).
 *
 * @example
 * const client = services[0].functions.getManagedClusterClient(ctx, 'my-cluster') as ValkeyClusterClient;
 * client.clusterName; // 'my-cluster'
 */
export class ValkeyClusterClient extends HostResource {
  /** The WIT resource name. */
  readonly resource = 'cluster-client';

  /**
   * Creates the handle for a named cluster, with its connection or the reason it has none.
   *
   * @param clusterName - the name the guest asked for.
   * @param connection - the shared connection of its server, or `undefined`.
   * @param problem - why there is no connection.
   * @example
   * new ValkeyClusterClient('c', undefined, "no Valkey cluster named 'c' is configured");
   */
  constructor(
    readonly clusterName: string,
    readonly connection: ValkeyConnection | undefined,
    readonly problem?: string,
  ) {
    super();
  }
}

/**
 * The host side of a `response-stream` handle: the elements of one array reply, handed to the
 * guest one `next()` at a time; nested arrays become nested streams.
 *
 * @example
 * const stream = new ValkeyResponseStream([1n, new Uint8Array([97])]);
 * stream.next(); // { tag: 'int', val: 1n }
 * stream.next(); // { tag: 'data', val: { tag: 'value', val: Uint8Array [97] } }
 * stream.next(); // undefined
 */
export class ValkeyResponseStream extends HostResource {
  /** The WIT resource name. */
  readonly resource = 'response-stream';
  #items: readonly Reply[];
  #index = 0;

  /**
   * Creates a stream positioned before the first element.
   *
   * @param items - the array reply's elements.
   * @example
   * new ValkeyResponseStream([]).next(); // undefined
   */
  constructor(items: readonly Reply[]) {
    super();
    this.#items = items;
  }

  /**
   * The next element, or `undefined` after the last.
   *
   * @example
   * new ValkeyResponseStream([null]).next(); // { tag: 'nil' }
   */
  next(): ValkeyWitValue | undefined {
    if (this.#index >= this.#items.length) return undefined;
    const item = this.#items[this.#index] as Reply;
    this.#index++;
    return toWitValue(item);
  }

  /** How many elements `next()` has not returned yet. */
  get remaining(): number {
    return this.#items.length - this.#index;
  }

  override drop(): void {
    this.#items = [];
    this.#index = 0;
  }
}

/**
 * Maps one RESP reply to the WIT `value`: nil → `nil`, integer → `int`, bulk string → `data`,
 * array → `bulk` (a {@link ValkeyResponseStream}), status `OK` → `ok`, other status →
 * `simple-string`, error → `simple-error`.
 *
 * @example
 * toWitValue(new StatusReply('OK')); // { tag: 'ok' }
 * toWitValue(new ErrorReply('ERR no such key')); // { tag: 'simple-error', val: 'ERR no such key' }
 */
export function toWitValue(reply: Reply): ValkeyWitValue {
  if (reply === null) return { tag: 'nil' };
  if (typeof reply === 'bigint') return { tag: 'int', val: reply };
  if (reply instanceof Uint8Array) return { tag: 'data', val: { tag: 'value', val: reply } };
  if (Array.isArray(reply)) return { tag: 'bulk', val: new ValkeyResponseStream(reply) };
  if (reply instanceof StatusReply) {
    return reply.text === 'OK' ? { tag: 'ok' } : { tag: 'simple-string', val: reply.text };
  }
  if (reply instanceof ErrorReply) return { tag: 'simple-error', val: reply.text };
  throw new TypeError(`not a Valkey reply: ${String(reply)}`);
}

/** Commands that do not fit one request and one reply on a shared connection, and why. */
const REFUSED: ReadonlyMap<string, string> = new Map([
  ...[
    'BLPOP',
    'BRPOP',
    'BRPOPLPUSH',
    'BLMOVE',
    'BLMPOP',
    'BZPOPMIN',
    'BZPOPMAX',
    'BZMPOP',
    'WAIT',
    'WAITAOF',
  ].map(
    (c) =>
      [
        c,
        'it blocks until data arrives; use its non-blocking form (e.g. LPOP instead of BLPOP) and retry',
      ] as const,
  ),
  ...['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE', 'MONITOR'].map(
    (c) =>
      [
        c,
        'it streams messages instead of answering once; publish with PUBLISH, or use momento:topic',
      ] as const,
  ),
  ...['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'].map(
    (c) =>
      [
        c,
        'transactions span several commands on one connection; use a Lua script (EVAL) for atomic updates',
      ] as const,
  ),
  ...['SELECT', 'AUTH', 'HELLO', 'QUIT', 'RESET', 'SWAPDB', 'READONLY', 'READWRITE'].map(
    (c) =>
      [
        c,
        'it changes the state of the shared connection; the host chooses the server, user and database (see the cluster URL)',
      ] as const,
  ),
  ...['SYNC', 'PSYNC', 'REPLCONF', 'SHUTDOWN'].map(
    (c) => [c, 'it is a server administration command'] as const,
  ),
]);

/** Why `args` (name first, uppercased) cannot run, or `undefined`. */
function refusal(name: string, args: readonly Uint8Array[]): string | undefined {
  const reason = REFUSED.get(name);
  if (reason)
    return `${name} is not supported: Momento Functions run request/reply commands only, and ${reason}`;
  const word = (i: number) =>
    args[i]
      ? Buffer.from(args[i] as Uint8Array)
          .toString('latin1')
          .toUpperCase()
      : '';
  if ((name === 'XREAD' || name === 'XREADGROUP') && args.some((_, i) => word(i) === 'BLOCK')) {
    return `${name} with BLOCK is not supported: Momento Functions run request/reply commands only; leave out BLOCK and poll`;
  }
  if (name === 'CLIENT' && ['REPLY', 'TRACKING', 'PAUSE', 'KILL'].includes(word(0))) {
    return `CLIENT ${word(0)} is not supported: it changes the shared connection or other clients`;
  }
  return undefined;
}

function bytesOf(arg: ServiceData | undefined): Uint8Array | undefined {
  return arg && arg.tag === 'value' && arg.val instanceof Uint8Array ? arg.val : undefined;
}

function configurationHint(name: string, clusters: readonly string[]): string {
  const known = clusters.length > 0 ? clusters.map((c) => `'${c}'`).join(', ') : 'none';
  return `no Valkey cluster named '${name}' is configured (configured: ${known}); give the host one, e.g. createHost({ backends: { valkey: { clusters: { '${name}': 'redis://127.0.0.1:6379' } } } }), or a defaultUrl for every name`;
}

/**
 * Creates the host service of `momento:valkey/valkey@1.0.0`. Each configured cluster name gets
 * one pipelined connection (shared by every invocation; names with the same URL share it),
 * opened on first use. See docs/valkey.md for the reply mapping and the refused commands.
 *
 * @example
 * import { createHost } from '@momento-functions/runtime';
 * const host = await createHost({
 *   services: createValkeyServices({ clusters: { 'my-cluster': 'redis://127.0.0.1:6379' } }),
 * });
 */
export function createValkeyServices(options: ValkeyServiceOptions = {}): HostService[] {
  const clusters = new Map(Object.entries(options.clusters ?? {}));
  const connections = new Map<string, ValkeyConnection>();
  const connectionOptions = {
    commandTimeoutMs: options.commandTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    maxReplyBytes: options.maxReplyBytes,
  };
  // Check every URL now: a typo should fail when the host starts, not on the first command.
  for (const [name, url] of clusters) {
    try {
      parseValkeyUrl(url);
    } catch (error) {
      throw new TypeError(`Valkey cluster '${name}': ${(error as Error).message}`);
    }
  }
  if (options.defaultUrl !== undefined) parseValkeyUrl(options.defaultUrl);
  const onError =
    options.onError ??
    ((error: Error, cluster: string) => console.warn(`valkey cluster '${cluster}': ${error.message}`));

  const connectionFor = (url: string): ValkeyConnection => {
    let connection = connections.get(url);
    if (!connection) {
      connection = new ValkeyConnection(url, connectionOptions);
      connections.set(url, connection);
    }
    return connection;
  };

  const getManagedClusterClient = (_ctx: InvocationContext, clusterName: string): ValkeyClusterClient => {
    const url = clusters.get(clusterName) ?? options.defaultUrl;
    if (url === undefined) {
      return new ValkeyClusterClient(
        clusterName,
        undefined,
        configurationHint(clusterName, [...clusters.keys()]),
      );
    }
    return new ValkeyClusterClient(clusterName, connectionFor(url));
  };

  const command = async (
    ctx: InvocationContext,
    self: ValkeyClusterClient,
    command: ValkeyWitCommand,
  ): Promise<ValkeyCommandAnswer> => {
    const err = (val: string) => ({ tag: 'err', val: { tag: 'other', val } }) as const;
    if (!(self instanceof ValkeyClusterClient)) {
      return err(
        'this cluster-client handle does not belong to the Valkey service; get one with get-managed-cluster-client',
      );
    }
    if (!self.connection)
      return err(self.problem ?? `no Valkey cluster named '${self.clusterName}' is configured`);
    const name = String(command?.command ?? '');
    if (name.trim() === '') {
      return err(
        'the command name is empty; pass a command such as GET, SET or PING, with its arguments separately',
      );
    }
    const args: Uint8Array[] = [];
    for (const [i, arg] of (command.arguments ?? []).entries()) {
      const bytes = bytesOf(arg);
      if (!bytes) return err(`argument ${i} of ${name} is not a materialized data value`);
      args.push(bytes);
    }
    const refused = refusal(name.toUpperCase(), args);
    if (refused) return err(refused);
    try {
      const reply = await self.connection.send([Buffer.from(name), ...args], ctx.signal, {
        bytes: guestMemoryBytes(ctx),
        setting: 'limits.memoryBytes, the guest memory limit',
      });
      // The bare value, not { tag: 'ok', val } (see ValkeyCommandAnswer).
      return toWitValue(reply);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      if (
        !(ctx.signal.aborted && e instanceof ValkeyConnectionError) &&
        !(e instanceof ValkeyReplyLimitError)
      )
        onError(e, self.clusterName);
      return err(`${name} on cluster '${self.clusterName}' failed: ${e.message}`);
    }
  };

  const next = (_ctx: InvocationContext, self: ValkeyResponseStream): ValkeyWitValue | undefined => {
    if (!(self instanceof ValkeyResponseStream)) {
      throw new TypeError('this response-stream handle does not belong to the Valkey service');
    }
    return self.next();
  };

  const service: HostService = {
    interface: VALKEY_INTERFACE,
    functions: {
      getManagedClusterClient: getManagedClusterClient as ServiceFunction,
      '[method]cluster-client.command': command as ServiceFunction,
      '[method]response-stream.next': next as ServiceFunction,
    },
    close() {
      for (const connection of connections.values()) connection.close();
      connections.clear();
    },
  };
  return [service];
}
