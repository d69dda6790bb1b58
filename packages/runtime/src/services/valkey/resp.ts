/**
 * RESP2, the Redis/Valkey wire protocol: command encoding and an incremental reply parser that
 * keeps the reply types apart (a status `+OK` is not the bulk string `$2 OK`, an integer is an
 * exact `bigint`, errors nested in arrays stay errors). ioredis cannot be used for this: it parses
 * every connection with `returnBuffers: true`, which makes status and bulk replies identical.
 */

/** A simple-string (status) reply, e.g. `+OK` or `+PONG`. */
export class StatusReply {
  /**
   * Wraps the text of a `+` reply.
   *
   * @param text - the status text.
   * @example
   * new StatusReply('PONG').text; // 'PONG'
   */
  constructor(readonly text: string) {}
}

/** An error reply, e.g. `-ERR unknown command`; at the top level or as an array element. */
export class ErrorReply {
  /**
   * Wraps the text of a `-` reply.
   *
   * @param text - the error text, with its prefix (`ERR …`, `WRONGTYPE …`).
   * @example
   * new ErrorReply('ERR syntax error').text; // 'ERR syntax error'
   */
  constructor(readonly text: string) {}
}

/**
 * One parsed reply: `null` for a nil bulk string or array, `bigint` for an integer, bytes for a
 * bulk string, {@link StatusReply}, {@link ErrorReply}, or an array of replies.
 *
 * @example
 * const replies: Reply[] = [null, 1n, new Uint8Array([104, 105]), new StatusReply('OK'), [1n, null]];
 */
export type Reply = null | bigint | Uint8Array | StatusReply | ErrorReply | Reply[];

const CRLF = Buffer.from('\r\n');

/**
 * Encodes a command as a RESP array of bulk strings.
 *
 * @example
 * encodeCommand([Buffer.from('GET'), Buffer.from('k')]).toString(); // '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'
 */
export function encodeCommand(args: readonly Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    parts.push(Buffer.from(`$${arg.byteLength}\r\n`), arg, CRLF);
  }
  return Buffer.concat(parts);
}

/** The protocol was broken (not RESP2): the connection cannot be trusted any more. */
export class RespProtocolError extends Error {
  /**
   * Creates the error with the given description.
   *
   * @param message - what was wrong.
   * @example
   * new RespProtocolError('unexpected byte').name; // 'RespProtocolError'
   */
  constructor(message: string) {
    super(message);
    this.name = 'RespProtocolError';
  }
}

/**
 * A reply larger than the limit {@link RespParser} was given for it: thrown before the rest of
 * it is buffered. The connection cannot be resynchronised afterwards and must be closed.
 */
export class RespLimitError extends Error {
  /**
   * Creates the error; the message gives both sizes.
   *
   * @param size - bytes the reply has, or will have at least.
   * @param limit - the limit it crossed.
   * @example
   * new RespLimitError(2 ** 30, 2 ** 26).message;
   */
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`the reply is at least ${size} bytes, more than the limit of ${limit} bytes`);
    this.name = 'RespLimitError';
  }
}

interface Frame {
  readonly items: Reply[];
  remaining: number;
}

const NEED_MORE = Symbol('need-more');
const ARRAY_STARTED = Symbol('array-started');

/**
 * An incremental RESP2 parser. Feed it socket chunks; it calls `onReply` once per complete
 * top-level reply, in order. Partly received arrays are kept, never re-parsed; a large bulk
 * string is only looked at again once all its bytes are there.
 *
 * @example
 * const replies: Reply[] = [];
 * const parser = new RespParser((r) => replies.push(r));
 * parser.feed(Buffer.from('+OK\r\n:4'));
 * parser.feed(Buffer.from('2\r\n')); // replies: [StatusReply('OK'), 42n]
 */
export class RespParser {
  #chunks: Buffer[] = [];
  #length = 0;
  #need = 1;
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  readonly #stack: Frame[] = [];
  /** Bytes of the top-level reply being parsed that were already consumed (its finished parts). */
  #inReply = 0;

  /**
   * Creates a parser that calls `onReply` for each complete reply; without `maxReplyBytes`
   * replies have no size limit.
   *
   * @param onReply - called with each complete top-level reply.
   * @param maxReplyBytes - the size limit of the next top-level reply (asked again for each);
   *   a reply that crosses it throws {@link RespLimitError} before the rest of it is buffered.
   * @example
   * new RespParser((reply) => console.log(reply));
   */
  constructor(
    private readonly onReply: (reply: Reply) => void,
    private readonly maxReplyBytes: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  #check(size: number): void {
    const limit = this.maxReplyBytes();
    if (size > limit) throw new RespLimitError(size, limit);
  }

  /**
   * Adds received bytes; emits every reply they complete. Throws {@link RespProtocolError} on
   * bytes that are not RESP2.
   *
   * @example
   * parser.feed(Buffer.from('$-1\r\n')); // emits null
   */
  feed(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.#need) return;
    this.#buf = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#length = 0;
    this.#pos = 0;
    for (;;) {
      const start = this.#pos;
      const value = this.#parseOne();
      if (value === NEED_MORE) {
        this.#pos = start;
        // The whole value is known to need #need bytes: refuse now, before buffering them.
        this.#check(this.#inReply + this.#need);
        break;
      }
      this.#inReply += this.#pos - start;
      if (value === ARRAY_STARTED) continue;
      this.#check(this.#inReply);
      this.#settle(value);
    }
    const rest = this.#buf.subarray(this.#pos);
    if (rest.length > 0) {
      this.#chunks.push(rest);
      this.#length = rest.length;
    }
    this.#buf = Buffer.alloc(0);
    this.#pos = 0;
  }

  /** Puts a finished value into the array being built, or emits it. */
  #settle(value: Reply): void {
    let current = value;
    for (;;) {
      const top = this.#stack[this.#stack.length - 1];
      if (!top) {
        this.#inReply = 0;
        this.onReply(current);
        return;
      }
      top.items.push(current);
      top.remaining--;
      if (top.remaining > 0) return;
      this.#stack.pop();
      current = top.items;
    }
  }

  /** Index of the CR of the next CRLF from `from`, or -1 (and records how much more is needed). */
  #lineEnd(from: number): number {
    const end = this.#buf.indexOf(CRLF, from);
    if (end < 0) this.#need = this.#buf.length - this.#pos + 1;
    return end;
  }

  #parseOne(): Reply | typeof NEED_MORE | typeof ARRAY_STARTED {
    const buf = this.#buf;
    if (this.#pos >= buf.length) {
      this.#need = 1;
      return NEED_MORE;
    }
    const type = buf[this.#pos];
    const end = this.#lineEnd(this.#pos + 1);
    if (end < 0) return NEED_MORE;
    const line = buf.toString('utf8', this.#pos + 1, end);
    switch (type) {
      case 0x2b: // '+'
        this.#pos = end + 2;
        return new StatusReply(line);
      case 0x2d: // '-'
        this.#pos = end + 2;
        return new ErrorReply(line);
      case 0x3a: {
        // ':'
        this.#pos = end + 2;
        return parseInteger(line);
      }
      case 0x24: {
        // '$'
        const size = Number(parseInteger(line));
        if (size === -1) {
          this.#pos = end + 2;
          return null;
        }
        if (!Number.isSafeInteger(size) || size < 0) throw new RespProtocolError(`bad bulk length ${line}`);
        const dataStart = end + 2;
        if (buf.length < dataStart + size + 2) {
          this.#need = dataStart + size + 2 - this.#pos;
          return NEED_MORE;
        }
        this.#pos = dataStart + size + 2;
        // Copied: the reply outlives the socket chunk it came in.
        return new Uint8Array(buf.subarray(dataStart, dataStart + size));
      }
      case 0x2a: {
        // '*'
        const count = Number(parseInteger(line));
        this.#pos = end + 2;
        if (count === -1) return null;
        if (!Number.isSafeInteger(count) || count < 0)
          throw new RespProtocolError(`bad array length ${line}`);
        if (count === 0) return [];
        this.#stack.push({ items: [], remaining: count });
        return ARRAY_STARTED;
      }
      default:
        throw new RespProtocolError(
          `unexpected reply type byte 0x${(type ?? 0).toString(16)} (only RESP2 is spoken on this connection)`,
        );
    }
  }
}

function parseInteger(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new RespProtocolError(`bad integer ${JSON.stringify(text)}`);
  return BigInt(text);
}
