import { inspect } from 'node:util';
import type { ServerLogger } from './types.js';

/** Settings of {@link createConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Where lines go (default `process.stderr`). */
  stream?: NodeJS.WritableStream;
  /** Colour the level names (default: only when the stream is a TTY and `NO_COLOR` is unset). */
  color?: boolean;
  /** Drop `info` lines. */
  quiet?: boolean;
}

/** Whether colours should be used on a stream: a TTY, and neither `NO_COLOR` nor `TERM=dumb`. */
export function shouldColor(stream: NodeJS.WritableStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  if (process.env.TERM === 'dumb') return false;
  return (stream as NodeJS.WriteStream).isTTY === true;
}

/**
 * A logger that writes one line per event (`time level message {fields}`) to stderr.
 *
 * @example
 * ```ts
 * const logger = createConsoleLogger({ quiet: true });
 * logger.warn('callback failed', { attempt: 2 });
 * ```
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): ServerLogger {
  const stream = options.stream ?? process.stderr;
  const color = options.color ?? shouldColor(stream);
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const write = (level: string, code: number, message: string, fields?: Record<string, unknown>) => {
    const time = new Date().toISOString().slice(11, 23);
    const extra =
      fields && Object.keys(fields).length > 0
        ? ` ${inspect(fields, { colors: color, breakLength: Number.POSITIVE_INFINITY, depth: 4 })}`
        : '';
    stream.write(`${paint(2, time)} ${paint(code, level)} ${message}${extra}\n`);
  };
  return {
    info: (message, fields) => {
      if (!options.quiet) write('info ', 36, message, fields);
    },
    warn: (message, fields) => write('warn ', 33, message, fields),
    error: (message, fields) => write('error', 31, message, fields),
  };
}

/** A logger that drops everything (for embedding the server in tests). */
export const silentLogger: ServerLogger = { info() {}, warn() {}, error() {} };
