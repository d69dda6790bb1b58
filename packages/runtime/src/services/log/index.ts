/**
 * Host service for `momento:log/logging@1.0.0`: function logs and the host's own (system)
 * logs, filtered by level per destination, delivered to topics (in the function's cache), to
 * a CloudWatch sink, and always to the local console (readable lines, or JSON on request).
 */
import { MemoryTopicBus, type TopicBus } from '../topic/bus.js';
import type { HostService, InvocationContext, WitResult } from '../types.js';

/** The WIT `log-level` enum. */
export type LogLevel = 'off' | 'debug' | 'info' | 'warn' | 'error';

/** jco's value of the WIT `destination` variant. */
export type LogDestinationWit =
  | {
      /** `'topic'`: publish each record to a topic of the function's cache. */
      tag: 'topic';
      /** The topic to publish to. */
      val: {
        /** The topic's name in the function's cache. */
        topicName: string;
      };
    }
  | {
      /** `'cloudwatch'`: write each record to a CloudWatch log group. */
      tag: 'cloudwatch';
      /** The role to write with and the group to write to. */
      val: {
        /** The ARN of the IAM role assumed to write the log group. */
        iamRoleArn: string;
        /** The CloudWatch log group the records go to. */
        logGroupName: string;
      };
    };

/** jco's value of one `configure-logging-input`. */
export interface ConfigureLoggingInput {
  /** Lowest level of the function's own records sent to `destination` (`off`: none). */
  readonly logLevel: LogLevel;
  /** Lowest level of the host's system records about the function sent to `destination` (`off`: none). */
  readonly systemLogsLevel: LogLevel;
  /** Where the records go. */
  readonly destination: LogDestinationWit;
}

/** One log record as the router saw it. */
export interface LogRecord {
  /** `function` (the guest's `log`) or `system` (the host's own). */
  readonly kind: 'function' | 'system';
  /** The record's level (`error` … `debug`; the guest's `trace` arrives as `debug`). */
  readonly level: Exclude<LogLevel, 'off'>;
  /** The line: for function logs exactly what the guest sent. */
  readonly message: string;
  /** The function that logged (or that the system record is about). */
  readonly functionName: string;
  /** The cache the function runs in. */
  readonly cacheName: string;
  /** The id of the invocation the record belongs to. */
  readonly invocationId: string;
  /** When the router received the record, in epoch milliseconds. */
  readonly time: number;
}

/** A record delivered to a CloudWatch destination. */
export interface CloudWatchRecord extends LogRecord {
  /** The ARN of the IAM role the destination writes with. */
  readonly iamRoleArn: string;
  /** The CloudWatch log group the record is for. */
  readonly logGroupName: string;
}

/** Console output of the log router. */
export interface ConsoleLogOptions {
  /** `pretty` (default): `[fn invocation] line`; `json`: one JSON object per line. */
  readonly format?: 'pretty' | 'json';
  /** Lowest function-log level printed (default `debug`; `off` prints none). */
  readonly level?: LogLevel;
  /** Lowest system-log level printed (default `info`). */
  readonly systemLevel?: LogLevel;
  /** Where lines go (default: `process.stderr`). */
  readonly write?: (line: string) => void;
}

/** Options of {@link LogRouter} / {@link createLogServices}. */
export interface LogServiceOptions {
  /** Bus for topic destinations; share it with the topic service to read logs from tests. */
  readonly topics?: TopicBus;
  /** Console output, or `false` for none. */
  readonly console?: ConsoleLogOptions | false;
  /** Receives records for CloudWatch destinations (default: printed to the console, tagged). */
  readonly cloudwatch?: (record: CloudWatchRecord) => void | Promise<void>;
  /** How many records {@link LogRouter.records} keeps (default 1000). */
  readonly recordLimit?: number;
  /**
   * Longest function log line kept, in UTF-8 bytes; a longer one is cut there and ends with a
   * note saying so. Default {@link DEFAULT_MAX_LOG_LINE_BYTES} (256 KiB, CloudWatch Logs' event size limit).
   */
  readonly maxLineBytes?: number;
}

/** Default {@link LogServiceOptions.maxLineBytes}: 256 KiB, the largest event CloudWatch Logs accepts. */
export const DEFAULT_MAX_LOG_LINE_BYTES = 256 * 1024;

/**
 * Cuts a log line to `max` UTF-8 bytes (never inside a character) and says so at its end.
 *
 * @example
 * ```ts
 * truncateLogLine('x'.repeat(10), 4); // 'xxxx… [log line truncated: 10 bytes, more than the limit of 4 bytes (maxLineBytes)]'
 * ```
 */
export function truncateLogLine(line: string, max: number): string {
  if (line.length * 3 <= max) return line;
  const bytes = Buffer.byteLength(line);
  if (bytes <= max) return line;
  let head = line.slice(0, max);
  for (let over = Buffer.byteLength(head) - max; over > 0; over = Buffer.byteLength(head) - max) {
    head = head.slice(0, head.length - Math.ceil(over / 3));
  }
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head}… [log line truncated: ${bytes} bytes, more than the limit of ${max} bytes (maxLineBytes)]`;
}

const RANK: Record<LogLevel, number> = { off: 99, debug: 1, info: 2, warn: 3, error: 4 };
const LEVELS = new Set<string>(Object.keys(RANK));

/** Whether a record at `level` passes a destination filter set to `filter`. */
export function passes(level: LogLevel, filter: LogLevel): boolean {
  return level !== 'off' && filter !== 'off' && RANK[level] >= RANK[filter];
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

interface Destination {
  readonly logLevel: LogLevel;
  readonly systemLevel: LogLevel;
  readonly target: LogDestinationWit;
}

interface InvocationLogs {
  configured: Destination[] | undefined;
  pendingSystem: LogRecord[];
}

class ConfigurationError extends Error {}

function validate(input: ConfigureLoggingInput, index: number): Destination {
  for (const [field, level] of [
    ['log-level', input.logLevel],
    ['system-logs-level', input.systemLogsLevel],
  ] as const) {
    if (!LEVELS.has(level))
      throw new ConfigurationError(`input ${index}: unknown ${field} '${String(level)}'`);
  }
  const target = input.destination;
  if (target.tag === 'topic') {
    if (!target.val.topicName)
      throw new ConfigurationError(`input ${index}: the topic name must not be empty`);
  } else if (target.tag === 'cloudwatch') {
    if (!ROLE_ARN.test(target.val.iamRoleArn)) {
      throw new ConfigurationError(
        `input ${index}: '${target.val.iamRoleArn}' is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)`,
      );
    }
    if (!LOG_GROUP.test(target.val.logGroupName)) {
      throw new ConfigurationError(
        `input ${index}: '${target.val.logGroupName}' is not a valid CloudWatch log group name (1-512 of A-Z a-z 0-9 . - _ / #)`,
      );
    }
  } else {
    throw new ConfigurationError(`input ${index}: unknown destination '${(target as { tag: string }).tag}'`);
  }
  return { logLevel: input.logLevel, systemLevel: input.systemLogsLevel, target };
}

/**
 * Routes function and system logs of every invocation. The runtime calls {@link system} for
 * its own messages about an invocation; the `logging` service calls the rest.
 *
 * @example
 * ```ts
 * const router = new LogRouter({ console: { format: 'json' } });
 * const host = await createHost({ services: createLogServices({ router }) });
 * router.records.filter((r) => r.kind === 'function');
 * ```
 */
export class LogRouter {
  readonly #topics: TopicBus;
  readonly #ownsTopics: boolean;
  readonly #console: Required<ConsoleLogOptions> | undefined;
  readonly #cloudwatch: ((record: CloudWatchRecord) => void | Promise<void>) | undefined;
  readonly #invocations = new Map<string, InvocationLogs>();
  readonly #records: LogRecord[] = [];
  readonly #recordLimit: number;
  readonly #maxLineBytes: number;
  readonly #listeners = new Set<(record: LogRecord, ctx: InvocationContext) => void>();

  /**
   * Creates a router; without `options.topics` it owns a new {@link MemoryTopicBus}, the console
   * sink defaults to pretty lines on stderr (function records from `debug`, system records from
   * `info`), and it keeps the last 1000 records.
   *
   * @param options - topic bus, console and CloudWatch sinks.
   * @example
   * ```ts
   * new LogRouter({ console: { level: 'info' } });
   * ```
   */
  constructor(options: LogServiceOptions = {}) {
    this.#topics = options.topics ?? new MemoryTopicBus();
    this.#ownsTopics = options.topics === undefined;
    this.#console =
      options.console === false
        ? undefined
        : {
            format: options.console?.format ?? 'pretty',
            level: options.console?.level ?? 'debug',
            systemLevel: options.console?.systemLevel ?? 'info',
            write: options.console?.write ?? ((line) => process.stderr.write(`${line}\n`)),
          };
    this.#cloudwatch = options.cloudwatch;
    this.#recordLimit = options.recordLimit ?? 1000;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LOG_LINE_BYTES;
  }

  /** The topic bus log destinations publish to. */
  get topics(): TopicBus {
    return this.#topics;
  }

  /** The last records routed (function and system), oldest first. */
  get records(): readonly LogRecord[] {
    return this.#records;
  }

  /**
   * Calls `listener` with every record routed from now on (function and system), with the
   * context of the invocation it belongs to. The host uses it to give each invocation its own
   * logs (`res.logs`). Returns a function that removes the listener.
   *
   * @example
   * ```ts
   * const stop = router.onRecord((record, ctx) => console.log(ctx.invocationId, record.message));
   * stop();
   * ```
   */
  onRecord(listener: (record: LogRecord, ctx: InvocationContext) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Forgets the records kept for {@link LogRouter.records} (tests: between two cases).
   *
   * @example
   * ```ts
   * router.clear();
   * router.records.length; // 0
   * ```
   */
  clear(): void {
    this.#records.length = 0;
  }

  #state(ctx: InvocationContext): InvocationLogs {
    let state = this.#invocations.get(ctx.invocationId);
    if (!state) {
      state = { configured: undefined, pendingSystem: [] };
      this.#invocations.set(ctx.invocationId, state);
      const forget = () => this.#invocations.delete(ctx.invocationId);
      if (ctx.signal.aborted) queueMicrotask(forget);
      else ctx.signal.addEventListener('abort', forget, { once: true });
    }
    return state;
  }

  /**
   * Applies a guest's `configure-logging`. A later call replaces the destinations. System
   * logs recorded before the first configuration go to the destinations of that first call.
   *
   * @example
   * ```ts
   * router.configure(ctx, [{ logLevel: 'info', systemLogsLevel: 'info', destination: { tag: 'topic', val: { topicName: 'logs' } } }]);
   * ```
   */
  configure(
    ctx: InvocationContext,
    inputs: readonly ConfigureLoggingInput[],
  ): WitResult<
    undefined,
    {
      /** `'auth'`: a destination was refused (the only error case of `configure-logging`). */
      tag: 'auth';
      /** Why the destination was refused. */
      val: string;
    }
  > {
    let destinations: Destination[];
    try {
      destinations = inputs.map(validate);
    } catch (error) {
      if (error instanceof ConfigurationError)
        return { tag: 'err', val: { tag: 'auth', val: error.message } };
      throw error;
    }
    const state = this.#state(ctx);
    const first = state.configured === undefined;
    state.configured = destinations;
    if (first) {
      for (const record of state.pendingSystem.splice(0)) this.#deliver(record, destinations);
    }
    return { tag: 'ok', val: undefined };
  }

  /**
   * Routes a guest's `log(input, level)` record.
   *
   * @example
   * ```ts
   * router.functionLog(ctx, 'INFO 2026-01-01T00:00:00.000Z my_fn src/index.ts:3 hello', 'info');
   * ```
   */
  functionLog(ctx: InvocationContext, message: string, level: LogLevel): void {
    if (level === 'off' || !LEVELS.has(level)) return;
    // Bounded: the records kept (LogRouter.records, each invocation's res.logs) and every
    // destination get at most maxLineBytes of one line.
    const record = this.#record(ctx, 'function', level, truncateLogLine(String(message), this.#maxLineBytes));
    this.#deliver(record, this.#invocations.get(ctx.invocationId)?.configured ?? []);
  }

  /**
   * Records a system (host) log line about an invocation: printed locally, and delivered to
   * the destinations the function configured (filtered by their system level). Before the
   * function configures logging, it is kept for the first configuration.
   *
   * @example
   * ```ts
   * router.system(ctx, 'error', 'guest trapped: unreachable');
   * ```
   */
  system(ctx: InvocationContext, level: Exclude<LogLevel, 'off'>, message: string): void {
    const line = `${level.toUpperCase()} ${new Date().toISOString()} momento-functions-host ${message}`;
    const record = this.#record(ctx, 'system', level, line);
    const state = this.#state(ctx);
    if (state.configured === undefined) state.pendingSystem.push(record);
    else this.#deliver(record, state.configured);
  }

  #record(
    ctx: InvocationContext,
    kind: LogRecord['kind'],
    level: Exclude<LogLevel, 'off'>,
    message: string,
  ): LogRecord {
    const record: LogRecord = {
      kind,
      level,
      message,
      functionName: ctx.functionName,
      cacheName: ctx.cacheName,
      invocationId: ctx.invocationId,
      time: Date.now(),
    };
    this.#records.push(record);
    if (this.#records.length > this.#recordLimit)
      this.#records.splice(0, this.#records.length - this.#recordLimit);
    for (const listener of this.#listeners) {
      try {
        listener(record, ctx);
      } catch {
        // A throwing listener must not break the guest's log call.
      }
    }
    const out = this.#console;
    if (out && passes(level, kind === 'function' ? out.level : out.systemLevel)) {
      out.write(
        out.format === 'json'
          ? JSON.stringify({
              time: new Date(record.time).toISOString(),
              kind,
              level,
              function: ctx.functionName,
              cache: ctx.cacheName,
              invocationId: ctx.invocationId,
              message,
            })
          : `[${ctx.functionName} ${ctx.invocationId}]${kind === 'system' ? ' (system)' : ''} ${message}`,
      );
    }
    return record;
  }

  #deliver(record: LogRecord, destinations: readonly Destination[]): void {
    for (const destination of destinations) {
      if (!passes(record.level, record.kind === 'function' ? destination.logLevel : destination.systemLevel))
        continue;
      const target = destination.target;
      if (target.tag === 'topic') {
        Promise.resolve()
          .then(() =>
            this.#topics.publish(record.cacheName, target.val.topicName, {
              kind: 'text',
              text: record.message,
            }),
          )
          .catch((error: unknown) =>
            console.warn(
              `[momento-functions] log delivery to topic ${target.val.topicName} failed: ${String(error)}`,
            ),
          );
      } else {
        const cw: CloudWatchRecord = { ...record, ...target.val };
        if (this.#cloudwatch) {
          Promise.resolve()
            .then(() => this.#cloudwatch?.(cw))
            .catch((error: unknown) =>
              console.warn(`[momento-functions] CloudWatch log sink failed: ${String(error)}`),
            );
        } else {
          this.#console?.write(`[cloudwatch ${target.val.logGroupName}] ${record.message}`);
        }
      }
    }
  }

  /** Releases the topic bus if the router created it. */
  async close(): Promise<void> {
    this.#invocations.clear();
    this.#listeners.clear();
    if (this.#ownsTopics) await this.#topics.close();
  }
}

/** The WIT interface name this service implements. */
export const LOG_INTERFACE = 'momento:log/logging@1.0.0';

/**
 * Creates the logging host service. Pass a {@link LogRouter} to share it with the runtime
 * (for system logs) and tests, or options to create one.
 *
 * @example
 * ```ts
 * const bus = createTopicBus();
 * const router = new LogRouter({ topics: bus });
 * const services = [...createTopicServices({ bus }), ...createLogServices({ router })];
 * ```
 */
export function createLogServices(options: LogServiceOptions & { router?: LogRouter } = {}): HostService[] {
  const router = options.router ?? new LogRouter(options);
  const owns = options.router === undefined;
  return [
    {
      interface: LOG_INTERFACE,
      functions: {
        configureLogging: (ctx: InvocationContext, inputs: ConfigureLoggingInput[]) =>
          router.configure(ctx, inputs),
        log: (ctx: InvocationContext, input: string, level: LogLevel) =>
          router.functionLog(ctx, input, level),
      },
      close: owns ? () => router.close() : undefined,
    },
  ];
}
