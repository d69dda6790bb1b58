/**
 * `@momento-functions/topic`: publish to Momento topics from a Function (the topic lives in the
 * cache the function runs in), like the crate `momento-functions-topic`.
 *
 * @example
 * ```ts
 * import { publish } from '@momento-functions/topic';
 * publish('notifications', JSON.stringify({ user: 'kvc' }));
 * ```
 *
 * @packageDocumentation
 */

import * as host from 'momento:topic/topic@1.0.0';
import { Data, type DataInput } from '@momento-functions/bytes';

/** The cases of the WIT topic `error` variant. */
export type TopicErrorCase =
  | 'internal-error'
  | 'request-cancelled'
  | 'invalid-argument'
  | 'timeout'
  | 'permission-denied'
  | 'limit-exceeded'
  | 'failed-precondition'
  | 'not-found';

const DISPLAY: Record<TopicErrorCase, string> = {
  'internal-error': 'internal error',
  'request-cancelled': 'request cancelled',
  'invalid-argument': 'invalid argument',
  timeout: 'timeout',
  'permission-denied': 'permission denied',
  'limit-exceeded': 'limit exceeded',
  'failed-precondition': 'failed precondition',
  'not-found': 'not found',
};

function rustDebugString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t\0]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[c] ?? c)}"`;
}

/**
 * Publishing failed. `message` is the crate's Display text (`invalid argument: <detail>`,
 * `timeout`, ...); {@link TopicError.debug} is its Debug text (`InvalidArgument("<detail>")`).
 *
 * @example
 * ```ts
 * try { publish('t', 'hi'); } catch (e) { if (e instanceof TopicError) console.log(e.case, e.message); }
 * ```
 */
export class TopicError extends Error {
  /** Which case of the WIT error the host returned (e.g. `not-found`); branch on it to handle one kind of failure. */
  readonly case: TopicErrorCase;
  /** The case's message, for the cases that carry one. */
  readonly detail: string | undefined;

  /**
   * Creates the error for a WIT case; the message is the case's text, then `: <detail>` when given.
   *
   * @param errorCase - the WIT case.
   * @param detail - its message.
   * @example
   * ```ts
   * new TopicError('not-found', 'cache').message; // 'not found: cache'
   * ```
   */
  constructor(errorCase: TopicErrorCase, detail?: string) {
    super(detail === undefined ? DISPLAY[errorCase] : `${DISPLAY[errorCase]}: ${detail}`);
    this.name = 'TopicError';
    this.case = errorCase;
    this.detail = detail;
  }

  /** The crate's Debug text, e.g. `NotFound("cache")` or `InternalError`. */
  get debug(): string {
    const name = this.case.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    return this.detail === undefined ? name : `${name}(${rustDebugString(this.detail)})`;
  }
}

function hostCall(call: () => void): void {
  try {
    call();
  } catch (thrown) {
    const payload =
      thrown !== null && typeof thrown === 'object' && Object.hasOwn(thrown, 'payload')
        ? (thrown as { payload: { tag?: unknown; val?: unknown } }).payload
        : undefined;
    if (payload && typeof payload.tag === 'string' && payload.tag in DISPLAY) {
      throw new TopicError(
        payload.tag as TopicErrorCase,
        typeof payload.val === 'string' ? payload.val : undefined,
      );
    }
    throw thrown;
  }
}

/**
 * Publishes a text message to a topic of the function's cache. Throws {@link TopicError}.
 *
 * @example
 * ```ts
 * publish('chat', 'hello');
 * ```
 */
export function publish(topic: string, value: string): void {
  hostCall(() => host.publish(topic, value));
}

/**
 * Publishes a binary message (bytes, `Data` — a host buffer passes through without a copy —
 * or a string as UTF-8 bytes). Throws {@link TopicError}.
 *
 * @example
 * ```ts
 * publishBytes('frames', new Uint8Array([1, 2, 3]));
 * ```
 */
export function publishBytes(topic: string, value: DataInput): void {
  const data = Data.from(value);
  hostCall(() => host.publishBytes(topic, data.toWit()));
}
