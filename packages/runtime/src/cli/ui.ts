/**
 * Terminal output for the CLI: colours only on a TTY (and never with NO_COLOR), a one-line
 * progress display that degrades to plain lines when output is not a terminal.
 */
import { shouldColor } from '../server/log.js';

/** Where a command writes; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** Working directory (default `process.cwd()`). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Styling helpers bound to one stream. */
export interface Style {
  readonly color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Styles for a stream: colour codes only when it is a TTY and NO_COLOR is unset. */
export function styleFor(stream: NodeJS.WritableStream): Style {
  const color = shouldColor(stream);
  const wrap = (open: number, close: number) => (text: string) =>
    color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** A progress reporter: `update` replaces the line on a TTY; `done` ends it. */
export interface Progress {
  update(message: string): void;
  done(message?: string): void;
}

/**
 * Progress on `stream`: one rewritten line with elapsed seconds on a TTY; elsewhere each distinct
 * message once, as a plain line.
 */
export function createProgress(stream: NodeJS.WritableStream, quiet = false): Progress {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  const style = styleFor(stream);
  const started = Date.now();
  let last = '';
  let active = false;
  return {
    update(message) {
      if (quiet) return;
      if (tty) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        stream.write(`\r\u001b[K${style.cyan('…')} ${message} ${style.dim(`${seconds}s`)}`);
        active = true;
      } else if (message !== last) {
        stream.write(`${message}\n`);
      }
      last = message;
    },
    done(message) {
      if (active) stream.write('\r\u001b[K');
      active = false;
      if (message && !quiet) stream.write(`${style.green('✔')} ${message}\n`);
    },
  };
}

/** An error the CLI reports as a message (no stack) with exit code 1 (2 for usage errors). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
