import {
  type ClusterClient as WitClusterClient,
  getManagedClusterClient as witGetManagedClusterClient,
} from 'momento:valkey/valkey@1.0.0';
import { argumentData, Command, CommandBuilder, type ValkeyArgument } from './command.js';
import { hostCall } from './errors.js';
import { fromWitValue, type ValkeyValue } from './value.js';

const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

/**
 * A client of one Momento-managed Valkey cluster (the crate's `ClusterClient`). Get one with
 * {@link clusterClient}. Every method is one synchronous host call; a reply is a
 * {@link ValkeyValue}, and a command that got no reply throws {@link ValkeyError}.
 *
 * @example
 * ```ts
 * import { clusterClient } from '@momento-functions/valkey';
 * const client = clusterClient(process.env.CLUSTER_NAME ?? 'my-cluster');
 * client.set('greeting', 'hello', 'EX', 60);
 * const reply = client.get('greeting'); // { kind: 'data', value: Data }
 * ```
 */
export class ClusterClient {
  readonly #name: string;
  #handle: WitClusterClient | undefined;

  /**
   * Use {@link clusterClient}.
   *
   * @param name - the cluster's name.
   * @param handle - the WIT `cluster-client` handle.
   * @example
   * ```ts
   * const client = clusterClient('my-cluster');
   * ```
   * @internal Made by the package, not by users.
   */
  constructor(name: string, handle: WitClusterClient) {
    this.#name = name;
    this.#handle = handle;
  }

  /**
   * The name of the Momento-managed cluster this client sends to, as given to clusterClient.
   *
   * @example
   * ```ts
   * clusterClient('my-cluster').name; // 'my-cluster'
   * ```
   */
  get name(): string {
    return this.#name;
  }

  /**
   * Runs one command: `command(name, ...args)`, or a {@link Command} / {@link CommandBuilder}.
   * Only request/reply commands run (no blocking, pub/sub or `MULTI`).
   *
   * @returns the reply; an error reply of the server is `{ kind: 'simple-error' }`, not a throw.
   * @throws {@link ValkeyError} when the host got no reply (unreachable, timed out, refused).
   * @example
   * ```ts
   * client.command('PING'); // { kind: 'simple-string', value: 'PONG' }
   * client.command('HSET', 'doc:1', 'title', 'Hello', 'views', 3); // { kind: 'int', value: 2n }
   * client.command(Command.builder('FT.INFO').argument('document_index'));
   * ```
   */
  command(command: string | Command | CommandBuilder, ...args: ValkeyArgument[]): ValkeyValue {
    let name: string;
    let all: readonly ValkeyArgument[];
    if (command instanceof CommandBuilder) command = command.build();
    if (command instanceof Command) {
      if (args.length > 0) {
        throw new TypeError(
          'client.command(Command, ...args): put the arguments in the Command (Command.builder(name).argument(x)), not after it',
        );
      }
      name = command.name;
      all = command.arguments;
    } else if (typeof command === 'string') {
      name = command;
      all = args;
    } else {
      throw new TypeError(
        `client.command expects a command name (e.g. 'GET'), a Command or a CommandBuilder, got ${command === null ? 'null' : typeof command}`,
      );
    }
    if (name.trim() === '') throw new TypeError('client.command: the command name is empty');
    const handle = this.#handle;
    if (!handle) {
      throw new TypeError(
        `the client of cluster '${this.#name}' was closed; get a new one with clusterClient()`,
      );
    }
    const witArguments = all.map((arg, i) => argumentData(arg, i));
    return fromWitValue(hostCall(() => handle.command({ command: name, arguments: witArguments })));
  }

  /**
   * Runs `GET key`: a `data` reply with the value, or `nil` when the key is missing.
   *
   * @example
   * ```ts
   * const reply = client.get('greeting');
   * const text = reply.kind === 'data' ? reply.value.text() : undefined;
   * ```
   */
  get(key: ValkeyArgument): ValkeyValue {
    return this.command(Command.get(key));
  }

  /**
   * Runs `SET key value [options…]`; usually answers `ok`, and `nil` when a condition (`NX`, `XX`)
   * stopped it, e.g. `set(k, v, 'EX', 60)` or `set(k, v, 'NX')`.
   *
   * @example
   * ```ts
   * client.set('greeting', 'hello'); // { kind: 'ok' }
   * client.set('lock', 'me', 'NX', 'PX', 10_000); // { kind: 'ok' } or { kind: 'nil' } when held
   * ```
   */
  set(key: ValkeyArgument, value: ValkeyArgument, ...options: ValkeyArgument[]): ValkeyValue {
    return this.command('SET', key, value, ...options);
  }

  /**
   * Runs `DEL key [key…]`; the reply is an `int`: how many of the keys existed and were removed.
   *
   * @example
   * ```ts
   * client.del('greeting'); // { kind: 'int', value: 1n }
   * ```
   */
  del(key: ValkeyArgument, ...keys: ValkeyArgument[]): ValkeyValue {
    return this.command('DEL', key, ...keys);
  }

  /**
   * Releases the host handle (also done when the invocation ends); the client cannot be used
   * afterwards.
   *
   * @example
   * ```ts
   * const client = clusterClient('my-cluster');
   * try { client.command('PING'); } finally { client.close(); }
   * ```
   */
  close(): void {
    const handle = this.#handle;
    this.#handle = undefined;
    const dispose = handle && (handle as unknown as Record<symbol, unknown>)[DISPOSE];
    if (typeof dispose === 'function') dispose.call(handle);
  }

  /** Same as {@link ClusterClient.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A client of the Momento-managed Valkey cluster named `name` (the crate's
 * `get_managed_cluster_client`). Never fails: a cluster that is unknown or unreachable makes
 * each command throw {@link ValkeyError} instead.
 *
 * @example
 * ```ts
 * import { clusterClient } from '@momento-functions/valkey';
 * const client = clusterClient('my-cluster');
 * const pong = client.command('PING'); // { kind: 'simple-string', value: 'PONG' }
 * ```
 */
export function clusterClient(name: string): ClusterClient {
  if (typeof name !== 'string') {
    throw new TypeError(
      `clusterClient(name): name must be the cluster's name as a string, got ${typeof name}`,
    );
  }
  return new ClusterClient(name, witGetManagedClusterClient(name));
}

/**
 * The crate's name for {@link clusterClient}.
 *
 * @example
 * ```ts
 * import { getManagedClusterClient } from '@momento-functions/valkey';
 * const client = getManagedClusterClient('my-cluster');
 * ```
 */
export const getManagedClusterClient: (name: string) => ClusterClient = clusterClient;
