/**
 * `@momento-functions/log`: send a Function's logs to Momento topics or CloudWatch, filtered
 * by level on the host, with the record format of the crate `momento-functions-host-log`:
 * `LEVEL <RFC 3339 UTC time> <target> <file>:<line> <message>`.
 *
 * @example
 * ```ts
 * import { configureLogging, LogDestination, logger } from '@momento-functions/log';
 * const log = logger('my_function');
 * // inside the handler:
 * configureLogging([LogDestination.topic('my-function-logs')]);
 * log.info('Received request');
 * ```
 *
 * @packageDocumentation
 */
import * as host from 'momento:log/logging@1.0.0';

/**
 * A level filter, like Rust's `log::LevelFilter`: `trace` is sent to the host as `debug`.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'info';
 * ```
 */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The level of one record. */
export type RecordLevel = Exclude<LogLevel, 'off'>;

function witLevel(level: LogLevel): host.LogLevel {
  if (level === 'trace') return 'debug';
  if (!['off', 'error', 'warn', 'info', 'debug'].includes(level)) {
    throw new RangeError(`unknown log level '${String(level)}'; use off, error, warn, info, debug or trace`);
  }
  return level;
}

/**
 * Where logs go: a topic in the function's cache, or a CloudWatch log group (Momento assumes
 * the given IAM role to write it).
 *
 * @example
 * ```ts
 * LogDestination.topic('my-logs');
 * LogDestination.cloudwatch('arn:aws:iam::123456789012:role/logs', '/momento/my-function');
 * ```
 */
export class LogDestination {
  /** @internal */
  readonly wit: host.Destination;

  private constructor(wit: host.Destination) {
    this.wit = wit;
  }

  /**
   * A topic in the function's cache.
   *
   * @example
   * ```ts
   * LogDestination.topic('logs');
   * ```
   */
  static topic(name: string): LogDestination {
    return new LogDestination({ tag: 'topic', val: { topicName: name } });
  }

  /**
   * A CloudWatch log group written with the given IAM role.
   *
   * @example
   * ```ts
   * LogDestination.cloudwatch('arn:aws:iam::123456789012:role/logs', 'my-group');
   * ```
   */
  static cloudwatch(iamRoleArn: string, logGroupName: string): LogDestination {
    return new LogDestination({ tag: 'cloudwatch', val: { iamRoleArn, logGroupName } });
  }
}

/**
 * A destination with its function-log and system-log levels (both `info` by default).
 *
 * @example
 * ```ts
 * new LogConfiguration(LogDestination.topic('logs')).withLogLevel('debug').withSystemLogLevel('off');
 * ```
 */
export class LogConfiguration {
  /** Where the logs go. */
  readonly destination: LogDestination;
  /** Lowest level of the function's own records sent there. */
  readonly logLevel: LogLevel;
  /** Lowest level of the host's records about this function sent there. */
  readonly systemLogLevel: LogLevel;

  /**
   * Creates a configuration for one destination; both levels default to `info`.
   *
   * @param destination - where logs go.
   * @param logLevel - function log level (default `info`).
   * @param systemLogLevel - system log level (default `info`).
   * @example
   * ```ts
   * new LogConfiguration(LogDestination.topic('logs'));
   * ```
   */
  constructor(destination: LogDestination, logLevel: LogLevel = 'info', systemLogLevel: LogLevel = 'info') {
    this.destination = destination;
    this.logLevel = logLevel;
    this.systemLogLevel = systemLogLevel;
  }

  /**
   * The same configuration with another function log level.
   *
   * @example
   * ```ts
   * logConfiguration(LogDestination.topic('t')).withLogLevel('debug');
   * ```
   */
  withLogLevel(level: LogLevel): LogConfiguration {
    return new LogConfiguration(this.destination, level, this.systemLogLevel);
  }

  /**
   * The same configuration with another system log level.
   *
   * @example
   * ```ts
   * logConfiguration(LogDestination.topic('t')).withSystemLogLevel('debug');
   * ```
   */
  withSystemLogLevel(level: LogLevel): LogConfiguration {
    return new LogConfiguration(this.destination, this.logLevel, level);
  }
}

/**
 * A configuration for a destination with the default levels (`info`/`info`).
 *
 * @example
 * ```ts
 * configureLogging([logConfiguration(LogDestination.topic('logs'))]);
 * ```
 */
export function logConfiguration(destination: LogDestination): LogConfiguration {
  return new LogConfiguration(destination);
}

function rustDebugString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t\0]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[c] ?? c)}"`;
}

/**
 * {@link configureLogging} failed: the host refused the configuration (`auth`), or logging was
 * already configured in this invocation (`unknown`). Messages are the crate's.
 *
 * @example
 * ```ts
 * try { configureLogging([dest]); } catch (e) { if (e instanceof LogConfigurationError) console.log(e.kind, e.detail); }
 * ```
 */
export class LogConfigurationError extends Error {
  /** `auth` (the host's `auth(string)`) or `unknown`. */
  readonly kind: 'auth' | 'unknown';
  /** The host's reason for `auth`, or what went wrong for `unknown` (without the crate's prefix). */
  readonly detail: string;

  /**
   * Creates the error; the message is the crate's text for `kind` followed by `detail`.
   *
   * @param kind - `auth` or `unknown`.
   * @param detail - the detail message.
   * @example
   * ```ts
   * new LogConfigurationError('auth', 'bad role').message; // 'Invalid auth provided for configuration! bad role'
   * ```
   */
  constructor(kind: 'auth' | 'unknown', detail: string) {
    super(
      kind === 'auth'
        ? `Invalid auth provided for configuration! ${detail}`
        : `Something went wrong while trying to configure logs! ${detail}`,
    );
    this.name = 'LogConfigurationError';
    this.kind = kind;
    this.detail = detail;
  }

  /** The crate's Debug text: `Auth { message: "..." }` / `Unknown { message: "..." }`. */
  get debug(): string {
    return `${this.kind === 'auth' ? 'Auth' : 'Unknown'} { message: ${rustDebugString(this.detail)} }`;
  }
}

let configured = false;

/**
 * Sends the destinations to the host and turns logging on for this invocation. Like the crate,
 * a second call in the same invocation reaches the host but then fails with
 * `Something went wrong while trying to configure logs! Failed to configure logger! SetLoggerError(())`.
 * Accepts destinations (default levels) or configurations.
 *
 * @example
 * ```ts
 * configureLogging([
 *   LogDestination.topic('my-fn'),
 *   new LogConfiguration(LogDestination.topic('my-fn-debug')).withLogLevel('debug'),
 * ]);
 * ```
 */
export function configureLogging(configurations: Iterable<LogConfiguration | LogDestination>): void {
  const inputs: host.ConfigureLoggingInput[] = Array.from(configurations, (entry) => {
    const config = entry instanceof LogConfiguration ? entry : new LogConfiguration(entry);
    return {
      logLevel: witLevel(config.logLevel),
      systemLogsLevel: witLevel(config.systemLogLevel),
      destination: config.destination.wit,
    };
  });
  try {
    host.configureLogging(inputs);
  } catch (thrown) {
    const payload =
      thrown !== null && typeof thrown === 'object' && Object.hasOwn(thrown, 'payload')
        ? (thrown as { payload: { tag?: unknown; val?: unknown } }).payload
        : undefined;
    if (payload?.tag === 'auth') throw new LogConfigurationError('auth', String(payload.val));
    throw thrown;
  }
  if (configured)
    throw new LogConfigurationError('unknown', 'Failed to configure logger! SetLoggerError(())');
  configured = true;
}

/** Where a record comes from: `file` and `line`, shown as `<file>:<line>`. */
export interface LogLocation {
  /** The source file path printed before the colon; `<unknown>` when omitted. */
  readonly file?: string;
  /** The 1-based line number printed after the colon; `0` when omitted. */
  readonly line?: number;
}

const FRAME = /(?:^at\s+(?:.*\()?|@)(.*?):(\d+):\d+\)?$/;

function callerLocation(depth: number): LogLocation {
  const stack = new Error().stack?.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Error')) ?? [];
  const match = FRAME.exec(stack[depth]?.trim() ?? '');
  if (!match) return {};
  return { file: match[1]?.replace(/^file:\/\//, ''), line: Number(match[2]) };
}

/**
 * Formats one record exactly like the crate: `LEVEL <time> <target> <file>:<line> <message>`
 * (unknown parts print as `<unknown>`, a missing line as 0).
 *
 * @example
 * ```ts
 * formatRecord('info', 'my_fn', 'hello', { file: 'src/index.ts', line: 3 }, new Date(0));
 * // 'INFO 1970-01-01T00:00:00.000Z my_fn src/index.ts:3 hello'
 * ```
 */
export function formatRecord(
  level: RecordLevel,
  target: string | undefined,
  message: string,
  location: LogLocation = {},
  time = new Date(),
): string {
  return `${level.toUpperCase()} ${time.toISOString()} ${target || '<unknown>'} ${location.file || '<unknown>'}:${location.line ?? 0} ${message}`;
}

/**
 * Sends one record to the host (which filters it by the configured levels). `trace` records
 * are sent at level `debug` but keep the text `TRACE`, like the crate.
 *
 * @example
 * ```ts
 * logRecord('warn', 'my_fn', 'slow upstream', { file: 'src/index.ts', line: 12 });
 * ```
 */
export function logRecord(
  level: RecordLevel,
  target: string | undefined,
  message: string,
  location?: LogLocation,
): void {
  host.log(formatRecord(level, target, message, location), witLevel(level));
}

/** Logging methods bound to a target (the crate's module path). */
export interface Logger {
  /** The target printed in each record. */
  readonly target: string;
  /**
   * Sends `message` as an `ERROR` record; `location` defaults to the caller's file and line.
   *
   * @param message - the record's text.
   * @param location - the `<file>:<line>` to print instead of the caller's stack frame.
   */
  error(message: string, location?: LogLocation): void;
  /**
   * Sends `message` as a `WARN` record; `location` defaults to the caller's file and line.
   *
   * @param message - the record's text.
   * @param location - the `<file>:<line>` to print instead of the caller's stack frame.
   */
  warn(message: string, location?: LogLocation): void;
  /**
   * Sends `message` as an `INFO` record; `location` defaults to the caller's file and line.
   *
   * @param message - the record's text.
   * @param location - the `<file>:<line>` to print instead of the caller's stack frame.
   */
  info(message: string, location?: LogLocation): void;
  /**
   * Sends `message` as a `DEBUG` record; `location` defaults to the caller's file and line.
   *
   * @param message - the record's text.
   * @param location - the `<file>:<line>` to print instead of the caller's stack frame.
   */
  debug(message: string, location?: LogLocation): void;
  /**
   * Sends `message` as a `TRACE` record (filtered on the host as `debug`); `location` defaults to
   * the caller's file and line.
   *
   * @param message - the record's text.
   * @param location - the `<file>:<line>` to print instead of the caller's stack frame.
   */
  trace(message: string, location?: LogLocation): void;
}

/**
 * A logger for a target (what the crate prints as the module path, e.g. your function's name).
 * The `<file>:<line>` part comes from `location`, or else from the caller's stack frame
 * (the bundled file and line when source maps are not applied), or `<unknown>:0`.
 *
 * @example
 * ```ts
 * const log = logger('example_token_vending_machine');
 * log.debug('received request to generate a disposable token');
 * ```
 */
export function logger(target: string): Logger {
  const at = (level: RecordLevel) => (message: string, location?: LogLocation) =>
    logRecord(level, target, message, location ?? callerLocation(2));
  return {
    target,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
  };
}
