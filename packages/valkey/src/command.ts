import { Data, type DataInput, isByteSource, type WitData } from '@momento-functions/bytes';

/**
 * One command argument: a string (UTF-8), bytes, a {@link Data}, or a number/bigint (sent as its
 * decimal text; `Infinity` as `+inf`, `-Infinity` as `-inf`). Arguments are passed as they are:
 * their encoding is the caller's business, as in the crate.
 *
 * @example
 * ```ts
 * import type { ValkeyArgument } from '@momento-functions/valkey';
 * const args: ValkeyArgument[] = ['key', new Uint8Array([1, 2]), 60, 10n, Data.from('x')];
 * ```
 */
export type ValkeyArgument = DataInput | number | bigint;

/**
 * The bytes of one argument.
 *
 * @internal
 */
export function argumentData(argument: ValkeyArgument, index: number): WitData {
  if (typeof argument === 'number') {
    if (Number.isNaN(argument))
      throw new RangeError(`Valkey argument ${index} is NaN; pass a number, or a string`);
    if (argument === Number.POSITIVE_INFINITY) return Data.from('+inf').toWit();
    if (argument === Number.NEGATIVE_INFINITY) return Data.from('-inf').toWit();
    return Data.from(String(argument)).toWit();
  }
  if (typeof argument === 'bigint') return Data.from(argument.toString()).toWit();
  if (typeof argument === 'string' || argument instanceof Data || isByteSource(argument)) {
    return Data.from(argument).toWit();
  }
  const kind = argument === null ? 'null' : typeof argument;
  throw new TypeError(
    `Valkey argument ${index} is ${kind}; pass a string, bytes, a Data or a number (encode objects first, e.g. JSON.stringify(value))`,
  );
}

/**
 * A complete command, ready to send (the crate's `Command`): the convenience constructors
 * {@link Command.get}, {@link Command.set} and {@link Command.del}, or {@link Command.builder}
 * for anything else. `client.command(name, ...args)` is the shorter way to send one.
 *
 * @example
 * ```ts
 * import { Command, clusterClient } from '@momento-functions/valkey';
 * const client = clusterClient('my-cluster');
 * client.command(Command.set('greeting', 'hello'));
 * client.command(Command.builder('ZADD').argument('scores').argument(1.5).argument('ada'));
 * ```
 */
export class Command {
  /** The command name, sent as given, e.g. `GET` or `FT.SEARCH`. */
  readonly name: string;
  /** The arguments after the name, in the order they are sent (a copy of those given). */
  readonly arguments: readonly ValkeyArgument[];

  /**
   * Makes a command from its name and its arguments (none by default).
   *
   * @param name - the command name.
   * @param args - its arguments.
   * @example
   * ```ts
   * new Command('HSET', ['doc:1', 'title', 'Hello']);
   * ```
   */
  constructor(name: string, args: readonly ValkeyArgument[] = []) {
    this.name = name;
    this.arguments = [...args];
  }

  /**
   * A `GET key` command: reads the value of `key`.
   *
   * @example
   * ```ts
   * Command.get('greeting').name; // 'GET'
   * ```
   */
  static get(key: ValkeyArgument): Command {
    return new Command('GET', [key]);
  }

  /**
   * A `SET key value` command: stores `value` under `key`, with no expiry or condition.
   *
   * @example
   * ```ts
   * Command.set('greeting', 'hello').arguments; // ['greeting', 'hello']
   * ```
   */
  static set(key: ValkeyArgument, value: ValkeyArgument): Command {
    return new Command('SET', [key, value]);
  }

  /**
   * A `DEL key` command: removes `key`.
   *
   * @example
   * ```ts
   * Command.del('greeting').name; // 'DEL'
   * ```
   */
  static del(key: ValkeyArgument): Command {
    return new Command('DEL', [key]);
  }

  /**
   * Starts a CommandBuilder for the command `name`, to add its arguments one at a time.
   *
   * @example
   * ```ts
   * const cmd = Command.builder('FT.INFO').argument('document_index');
   * ```
   */
  static builder(name: string): CommandBuilder {
    return new CommandBuilder(name);
  }
}

/**
 * Builds a custom command one argument at a time (the crate's `CommandBuilder`); pass it to
 * `client.command` as is.
 *
 * @example
 * ```ts
 * const hset = Command.builder('HSET').argument('doc:1');
 * for (const [k, v] of Object.entries(fields)) hset.argument(k).argument(v);
 * client.command(hset);
 * ```
 */
export class CommandBuilder {
  readonly #name: string;
  readonly #arguments: ValkeyArgument[] = [];

  /**
   * Starts a command named `name`, with no arguments yet.
   *
   * @param name - the command name.
   * @example
   * ```ts
   * new CommandBuilder('ZADD');
   * ```
   */
  constructor(name: string) {
    this.#name = name;
  }

  /**
   * Appends one argument (modifying this builder) and returns this builder, for chaining.
   *
   * @example
   * ```ts
   * Command.builder('ZADD').argument('set').argument(1.0).argument('member');
   * ```
   */
  argument(argument: ValkeyArgument): this {
    this.#arguments.push(argument);
    return this;
  }

  /**
   * A Command with the name and the arguments appended so far (later `argument` calls do not change it).
   *
   * @example
   * ```ts
   * Command.builder('PING').build().name; // 'PING'
   * ```
   */
  build(): Command {
    return new Command(this.#name, this.#arguments);
  }
}
