/**
 * A concurrency-limited queue for the builds `serve` starts: each componentize runs in its own
 * child process and keeps a core busy for 10–40 s, so running more of them than there are cores
 * only makes every one of them finish later.
 */
import { availableParallelism } from 'node:os';

/** Runs tasks with at most `concurrency` of them at once, in the order they were queued. */
export interface TaskLimiter {
  /** How many tasks may run at once. */
  readonly concurrency: number;
  /** Tasks running now. */
  readonly running: number;
  /** Tasks waiting for a slot. */
  readonly queued: number;
  /** Runs `task` once a slot is free; settles as the task does. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * The default number of builds run at once: the cores Node may use (`os.availableParallelism()`).
 *
 * @example
 * ```ts
 * const limiter = createTaskLimiter(defaultBuildConcurrency());
 * ```
 */
export function defaultBuildConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A first-in first-out queue that runs at most `concurrency` tasks at once.
 *
 * @example
 * ```ts
 * const limiter = createTaskLimiter(2);
 * const [a, b, c] = await Promise.all([limiter.run(buildA), limiter.run(buildB), limiter.run(buildC)]); // c starts when a or b ends
 * ```
 */
export function createTaskLimiter(concurrency: number): TaskLimiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`The build concurrency must be a whole number of at least 1 (got ${concurrency}).`);
  }
  const waiting: (() => void)[] = [];
  let running = 0;
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) {
      running++;
      next();
    }
  };
  return {
    concurrency,
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < concurrency) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
