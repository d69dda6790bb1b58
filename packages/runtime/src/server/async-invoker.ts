/**
 * Asynchronous invocations: accepted at once (202), run in the background, their result POSTed to
 * the caller's callback URL with retries, and kept as a dead letter when it cannot be delivered.
 *
 * With a state directory every accepted job is journaled before the 202 is sent and removed only
 * once its result is delivered or dead-lettered, so a crash or a shutdown never loses one: the
 * next start resumes it (re-running the function only if its result had not been computed yet).
 *
 * Secrets: the state folders are 0700 and their files 0600; the caller's credential headers
 * (`authorization`, `x-momento-authorization`, `proxy-authorization`, `cookie`) are never
 * journaled, the request is dropped from the journal once the result is computed, and every log
 * line and error shows the callback URL through {@link redactUrl}.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import type { Pair, ServableFunction, ServerInvokeResponse, ServerLogger } from './types.js';

/** Retry policy for callback delivery. */
export interface CallbackRetryOptions {
  /** Delivery attempts before the result becomes a dead letter (default 6). */
  maxAttempts?: number;
  /** Delay before the second attempt; doubles each time (default 500 ms). */
  initialDelayMs?: number;
  /** Upper bound of the delay between attempts (default 30 s). */
  maxDelayMs?: number;
  /** Time limit of one callback request (default 10 s). */
  timeoutMs?: number;
}

/** Settings of the async invoker. */
export interface AsyncInvokerOptions {
  /** Finds the function a job runs (looked up when the job runs, so reloads apply). */
  resolve(cache: string, fn: string): ServableFunction | undefined;
  /** Where deliveries, retries, dead letters and resumed jobs are logged. */
  logger: ServerLogger;
  /** How callback delivery is retried (defaults: 6 attempts, 500 ms doubling up to 30 s, 10 s per request). */
  retry?: CallbackRetryOptions;
  /** How many async invocations run at once (default 4). */
  concurrency?: number;
  /** Directory for the job journal and dead letters; in memory when absent. */
  stateDir?: string;
  /** Told about each job's progress (the server counts them in its metrics). */
  events?: AsyncInvokerEvents;
}

/** What {@link AsyncInvokerOptions.events} is told. Each callback is optional and must not throw. */
export interface AsyncInvokerEvents {
  /** A job's function ran (or could not: 404 when it is gone, 500 when the host failed), taking `durationMs`. */
  ran?(job: AsyncJob, status: number, durationMs: number): void;
  /** A callback attempt was answered 2xx. */
  delivered?(job: AsyncJob): void;
  /** A callback attempt failed and will be retried after `delayMs`. */
  retrying?(job: AsyncJob, delayMs: number): void;
  /** A result was given up on and kept as a dead letter. */
  deadLettered?(job: AsyncJob): void;
}

/** A snapshot of the async queue (see {@link AsyncInvoker.stats}). */
export interface AsyncQueueStats {
  /** Accepted jobs waiting for a free slot (`concurrency`) to run their function. */
  queued: number;
  /** Jobs whose function is running. */
  running: number;
  /** Jobs whose result is being POSTed to the callback now. */
  delivering: number;
  /** Jobs whose last callback attempt failed, waiting for the next one. */
  retrying: number;
  /** When the oldest job not yet delivered nor dead-lettered was accepted (ms since the epoch). */
  oldestAcceptedAt?: number;
  /** Results kept as dead letters. */
  deadLetters: number;
}

/** An accepted asynchronous invocation. */
export interface AsyncJob {
  /** The job's id (a random UUID): the invocation id in the 202, the callback and the guest. */
  id: string;
  /** The cache the function runs in. */
  cache: string;
  /** The function's name. */
  function: string;
  /** The `X-Callback-Url` the result is POSTed to (absolute, http or https). */
  callbackUrl: string;
  /** When the job was accepted, as an ISO 8601 timestamp. */
  acceptedAt: string;
  /** The invocation as the caller sent it (after the result is computed, only method and path are journaled). */
  request: {
    /** HTTP method, upper case. */
    method: string;
    /** Invocation path below the function's base URL, with a leading slash. */
    path: string;
    /** Query parameters in request order (may repeat). */
    query: Pair[];
    /** Request headers in request order (the caller's credential headers are never journaled). */
    headers: Pair[];
    /** The request body. */
    body: Uint8Array;
    /** The caller token's `token_id`, when auth is on and the token carried one. */
    tokenMetadata?: string;
  };
  /** The function's response, once it ran. */
  result?: ServerInvokeResponse;
  /** Callback delivery attempts made so far. */
  attempts: number;
  /** The last delivery error. */
  lastError?: string;
}

/** A result that could not be delivered to its callback. */
export interface DeadLetter {
  /** The async job's id (its invocation id); retry or delete the dead letter by it. */
  id: string;
  /** The cache the function ran in. */
  cache: string;
  /** The function's name. */
  function: string;
  /** The callback URL the result could not be delivered to. */
  callbackUrl: string;
  /** When the job was accepted, as an ISO 8601 timestamp. */
  acceptedAt: string;
  /** When delivery was given up on, as an ISO 8601 timestamp. */
  failedAt: string;
  /** Delivery attempts made before giving up. */
  attempts: number;
  /** Why the last delivery attempt failed. */
  error: string;
  /** The function's status. */
  status: number;
  /** The function's response headers. */
  headers: Pair[];
  /** The function's body, base64. */
  bodyBase64: string;
}

/** What `close()` could not finish before its deadline. */
export interface AsyncShutdownReport {
  /** Jobs still pending; persisted to the state directory when there is one, else logged in full. */
  pending: AsyncJob[];
  /** Whether `pending` was written to the state directory's journal (resumed on the next start); `false` when running in memory. */
  persisted: boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'host',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Headers the server sets on a callback itself; a function's own are not passed. */
const SERVER_SET = new Set(['x-function-status', 'x-invocation-id', 'idempotency-key']);

/** Request headers never written to the journal: the caller's credentials. */
const NOT_PERSISTED = new Set(['authorization', 'x-momento-authorization', 'proxy-authorization', 'cookie']);
/** Kept once, as the job's `callbackUrl`, and given back to the guest from there on resume. */
const CALLBACK_HEADER = 'x-callback-url';

interface StoredJob extends Omit<AsyncJob, 'request' | 'result'> {
  request: Omit<AsyncJob['request'], 'body'> & {
    bodyBase64: string;
    /** Names of the request headers left out of the journal. */
    dropped?: string[];
  };
  result?: { status: number; headers: Pair[]; bodyBase64: string };
}

function toStored(job: AsyncJob): StoredJob {
  const { request, result, ...rest } = job;
  const { body, ...head } = request;
  const dropped = new Set<string>();
  const headers = head.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    if (!NOT_PERSISTED.has(lower) && lower !== CALLBACK_HEADER) return true;
    dropped.add(lower);
    return false;
  });
  // Once the result is computed the request is not needed any more: keep only what names it.
  const stored: StoredJob = {
    ...rest,
    request: result
      ? { method: head.method, path: head.path, query: [], headers: [], bodyBase64: '' }
      : {
          ...head,
          headers,
          bodyBase64: Buffer.from(body).toString('base64'),
          ...(dropped.size > 0 ? { dropped: [...dropped] } : {}),
        },
  };
  if (result) {
    const { body: resultBody, ...resultHead } = result;
    stored.result = { ...resultHead, bodyBase64: Buffer.from(resultBody).toString('base64') };
  }
  return stored;
}

function fromStored(stored: StoredJob): AsyncJob {
  const { request, result, ...rest } = stored;
  const { bodyBase64, dropped, ...head } = request;
  const headers = dropped?.includes(CALLBACK_HEADER)
    ? [...head.headers, [CALLBACK_HEADER, stored.callbackUrl] as Pair]
    : head.headers;
  const job: AsyncJob = {
    ...rest,
    request: { ...head, headers, body: new Uint8Array(Buffer.from(bodyBase64, 'base64')) },
  };
  if (result) {
    const { bodyBase64: resultBody, ...resultHead } = result;
    job.result = { ...resultHead, body: new Uint8Array(Buffer.from(resultBody, 'base64')) };
  }
  return job;
}

/**
 * Delivers a function's response to a callback URL: a POST with the body, every header the
 * function set (except hop-by-hop ones) and `x-function-status`. Resolves on a 2xx answer,
 * throws an error that says what went wrong otherwise.
 *
 * @example
 * ```ts
 * await deliverCallback('http://127.0.0.1:9000/done', { status: 200, headers: [['content-type', 'text/plain']], body: new TextEncoder().encode('hi') }, 'abc', 10_000);
 * ```
 */
export async function deliverCallback(
  url: string,
  result: ServerInvokeResponse,
  invocationId: string,
  timeoutMs: number,
): Promise<void> {
  const target = new URL(url);
  // Raw headers keep duplicates apart (like set-cookie); with raw headers Node adds no Host itself.
  const raw: string[] = ['host', target.host];
  for (const [name, value] of result.headers) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || SERVER_SET.has(lower)) continue;
    if (!validHeaderName(name) || !validHeaderValue(value)) continue; // cannot be sent; skip rather than lose the result
    raw.push(name, value);
  }
  // idempotency-key: the same on every attempt (callbacks are at-least-once), for receivers to de-duplicate.
  raw.push(
    'x-function-status',
    String(result.status),
    'x-invocation-id',
    invocationId,
    'idempotency-key',
    invocationId,
  );
  raw.push('content-length', String(result.body.length));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((resolve, reject) => {
    const req = send(
      target,
      { method: 'POST', headers: raw, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', (error: Error & { code?: string }) => {
      const detail =
        error.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : (error.code ?? error.message);
      reject(new Error(`POST ${redactUrl(url)} failed (${detail})`));
    });
    req.end(result.body);
  });
  if (status < 200 || status > 299) {
    throw new Error(`POST ${redactUrl(url)} answered ${status}`);
  }
}

/**
 * A URL as it may appear in logs and error messages: user and password replaced by `***`, every
 * query value by `***` (names kept when they look like plain names), a fragment by `#***`, and
 * path segments that look like keys (16+ characters mixing letters and digits, as webhook URLs
 * carry them) by `***`.
 *
 * @example
 * ```ts
 * redactUrl('https://user:pw@example.com/hook?sig=abc&v=1'); // 'https://***@example.com/hook?sig=***&v=***'
 * ```
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<a URL that cannot be parsed>';
  }
  const userinfo = parsed.username || parsed.password ? '***@' : '';
  const path = parsed.pathname
    .split('/')
    .map((segment) =>
      segment.length >= 16 && /[A-Za-z]/.test(segment) && /[0-9]/.test(segment) ? '***' : segment,
    )
    .join('/');
  const query = [...parsed.searchParams.keys()]
    .map((name) => `${/^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : '***'}=***`)
    .join('&');
  return `${parsed.protocol}//${userinfo}${parsed.host}${path}${query ? `?${query}` : ''}${parsed.hash ? '#***' : ''}`;
}

function validHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

function validHeaderValue(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  return !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value) && !/[^\u0000-\u00ff]/.test(value);
}

/**
 * Runs accepted async invocations and delivers their results.
 *
 * @example
 * ```ts
 * const invoker = new AsyncInvoker({ resolve: (cache, name) => registry.get(cache, name), logger: console, stateDir: '.momento-functions' });
 * await invoker.start();
 * const id = await invoker.accept({ cache: 'demo', function: 'ping', callbackUrl: 'http://127.0.0.1:9000/', request });
 * ```
 */
export class AsyncInvoker {
  readonly #options: AsyncInvokerOptions;
  readonly #retry: Required<CallbackRetryOptions>;
  readonly #concurrency: number;
  readonly #queue: AsyncJob[] = [];
  readonly #jobs = new Map<string, AsyncJob>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Map<string, AbortController>();
  readonly #deadLetters = new Map<string, DeadLetter>();
  readonly #idle = new Set<() => void>();
  #active = 0;
  #closing = false;

  /** Creates an idle invoker; {@link AsyncInvoker.start | start} then loads its dead letters and resumes journaled jobs. */
  constructor(options: AsyncInvokerOptions) {
    this.#options = options;
    this.#retry = {
      maxAttempts: options.retry?.maxAttempts ?? 6,
      initialDelayMs: options.retry?.initialDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      timeoutMs: options.retry?.timeoutMs ?? 10_000,
    };
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
  }

  get #journalDir(): string | undefined {
    return this.#options.stateDir && join(this.#options.stateDir, 'async-jobs');
  }

  get #deadLetterDir(): string | undefined {
    return this.#options.stateDir && join(this.#options.stateDir, 'dead-letters');
  }

  /** Loads dead letters and resumes the jobs a previous run left in the journal. */
  async start(): Promise<void> {
    const journal = this.#journalDir;
    const dead = this.#deadLetterDir;
    if (!journal || !dead) return;
    await privateDir(this.#options.stateDir!);
    await privateDir(journal);
    await privateDir(dead);
    for (const file of (await readdir(dead)).filter((f) => f.endsWith('.json')).sort()) {
      try {
        await chmod(join(dead, file), 0o600);
        const letter = JSON.parse(await readFile(join(dead, file), 'utf8')) as DeadLetter;
        this.#deadLetters.set(letter.id, letter);
      } catch (error) {
        this.#options.logger.warn(`Skipping unreadable dead letter ${join(dead, file)}`, {
          error: String(error),
        });
      }
    }
    let resumed = 0;
    for (const file of (await readdir(journal)).filter((f) => f.endsWith('.json')).sort()) {
      try {
        await chmod(join(journal, file), 0o600);
        const stored = JSON.parse(await readFile(join(journal, file), 'utf8')) as StoredJob;
        const job = fromStored(stored);
        // A journal written before credentials were left out: rewrite it without them.
        if (stored.request.headers.some(([name]) => NOT_PERSISTED.has(name.toLowerCase()))) {
          await this.#persist(job);
        }
        this.#jobs.set(job.id, job);
        resumed++;
        if (job.result) this.#deliver(job);
        else this.#queue.push(job);
      } catch (error) {
        this.#options.logger.warn(
          `Skipping unreadable async job ${join(journal, file)}; it is left in place`,
          {
            error: String(error),
          },
        );
      }
    }
    if (resumed > 0) this.#options.logger.info(`Resuming ${resumed} async invocation(s) from ${journal}`);
    this.#pump();
  }

  /** Number of accepted jobs not yet delivered or dead-lettered. */
  get pendingCount(): number {
    return this.#jobs.size;
  }

  /** Where every accepted job stands now, and how old the oldest is. */
  stats(): AsyncQueueStats {
    const stats: AsyncQueueStats = { queued: 0, running: 0, delivering: 0, retrying: 0, deadLetters: 0 };
    const waiting = new Set(this.#queue);
    let oldest = Number.POSITIVE_INFINITY;
    for (const job of this.#jobs.values()) {
      if (job.result === undefined) {
        if (waiting.has(job)) stats.queued++;
        else stats.running++;
      } else if (this.#timers.has(job.id)) stats.retrying++;
      else stats.delivering++;
      const accepted = Date.parse(job.acceptedAt);
      if (accepted < oldest) oldest = accepted;
    }
    if (Number.isFinite(oldest)) stats.oldestAcceptedAt = oldest;
    stats.deadLetters = this.#deadLetters.size;
    return stats;
  }

  #emit<K extends keyof AsyncInvokerEvents>(
    event: K,
    ...args: Parameters<NonNullable<AsyncInvokerEvents[K]>>
  ): void {
    const listener = this.#options.events?.[event] as ((...a: typeof args) => void) | undefined;
    try {
      listener?.(...args);
    } catch {
      // An observer must not break a job.
    }
  }

  /**
   * Accepts a job: journals it (with a state directory), queues it and returns its id. Rejects
   * once `close()` has begun.
   */
  async accept(input: Pick<AsyncJob, 'cache' | 'function' | 'callbackUrl' | 'request'>): Promise<string> {
    if (this.#closing) throw new Error('The server is shutting down and accepts no new async invocations.');
    const job: AsyncJob = { ...input, id: randomUUID(), acceptedAt: new Date().toISOString(), attempts: 0 };
    await this.#persist(job);
    this.#jobs.set(job.id, job);
    this.#queue.push(job);
    this.#pump();
    return job.id;
  }

  /** The results that could not be delivered, oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.#deadLetters.values()].sort((a, b) => a.failedAt.localeCompare(b.failedAt));
  }

  /** Tries to deliver a dead letter again now; it leaves the list once delivered. */
  async retryDeadLetter(id: string): Promise<'delivered' | 'not-found'> {
    const letter = this.#deadLetters.get(id);
    if (!letter) return 'not-found';
    const result = {
      status: letter.status,
      headers: letter.headers,
      body: new Uint8Array(Buffer.from(letter.bodyBase64, 'base64')),
    };
    await deliverCallback(letter.callbackUrl, result, letter.id, this.#retry.timeoutMs);
    await this.deleteDeadLetter(id);
    this.#options.logger.info(`Delivered dead letter ${id} to ${redactUrl(letter.callbackUrl)}`);
    return 'delivered';
  }

  /** Removes a dead letter. */
  async deleteDeadLetter(id: string): Promise<boolean> {
    if (!this.#deadLetters.delete(id)) return false;
    const dir = this.#deadLetterDir;
    if (dir) await rm(join(dir, `${id}.json`), { force: true });
    return true;
  }

  /**
   * Stops accepting jobs and waits up to `deadlineMs` for running invocations and delivery
   * attempts. Queued jobs and jobs waiting to retry are not started; whatever is left stays in
   * the journal (resumed at the next start) or, without a state directory, is logged in full.
   */
  async close(deadlineMs: number): Promise<AsyncShutdownReport> {
    this.#closing = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    if (this.#active > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, deadlineMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#idle.add(done);
      });
    }
    for (const controller of this.#running.values()) controller.abort(new Error('server shutdown deadline'));
    const pending = [...this.#jobs.values()];
    const persisted = this.#journalDir !== undefined;
    if (pending.length > 0) {
      if (persisted) {
        await Promise.all(pending.map((job) => this.#persist(job)));
        this.#options.logger.warn(
          `${pending.length} async invocation(s) not finished at shutdown are kept in ${this.#journalDir} and resume at the next start`,
        );
      } else {
        for (const job of pending) {
          this.#options.logger.error(
            'Async invocation not finished at shutdown and no state directory to keep it; here it is in full',
            { job: { ...toStored(job), callbackUrl: redactUrl(job.callbackUrl) } },
          );
        }
      }
    }
    return { pending, persisted };
  }

  #pump(): void {
    while (!this.#closing && this.#active < this.#concurrency && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#active++;
      void this.#run(job).finally(() => {
        this.#active--;
        if (this.#active === 0) for (const done of [...this.#idle]) done();
        this.#pump();
      });
    }
  }

  async #run(job: AsyncJob): Promise<void> {
    const controller = new AbortController();
    this.#running.set(job.id, controller);
    const started = Date.now();
    try {
      const fn = this.#options.resolve(job.cache, job.function);
      if (!fn) {
        job.result = {
          status: 404,
          headers: [['content-type', 'text/plain; charset=utf-8']],
          body: new TextEncoder().encode(
            `Function ${job.function} in cache ${job.cache} is no longer served.`,
          ),
        };
      } else {
        try {
          job.result = await fn.invoke({ ...job.request, invocationId: job.id, signal: controller.signal });
        } catch (error) {
          if (controller.signal.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          this.#options.logger.error(`Async invocation ${job.id} of ${job.function} failed in the host`, {
            error: message,
          });
          job.result = {
            status: 500,
            headers: [['content-type', 'text/plain; charset=utf-8']],
            body: new TextEncoder().encode(fn.mapError ? fn.mapError(message) : message),
          };
        }
      }
      this.#emit('ran', job, job.result.status, Date.now() - started);
      await this.#persist(job);
      await this.#attempt(job);
    } finally {
      this.#running.delete(job.id);
    }
  }

  #deliver(job: AsyncJob): void {
    this.#active++;
    void this.#attempt(job).finally(() => {
      this.#active--;
      if (this.#active === 0) for (const done of [...this.#idle]) done();
      // A retry held a slot: queued jobs may start now (else they wait for the next accept).
      this.#pump();
    });
  }

  async #attempt(job: AsyncJob): Promise<void> {
    const result = job.result!;
    job.attempts++;
    try {
      await deliverCallback(job.callbackUrl, result, job.id, this.#retry.timeoutMs);
      this.#emit('delivered', job);
      this.#jobs.delete(job.id);
      await this.#unpersist(job);
      this.#options.logger.info(
        `Delivered async result of ${job.function} to ${redactUrl(job.callbackUrl)}`,
        {
          id: job.id,
          status: result.status,
          attempts: job.attempts,
        },
      );
      return;
    } catch (error) {
      job.lastError = error instanceof Error ? error.message : String(error);
    }
    if (job.attempts >= this.#retry.maxAttempts) {
      await this.#deadLetter(job);
      return;
    }
    const delay = Math.min(this.#retry.initialDelayMs * 2 ** (job.attempts - 1), this.#retry.maxDelayMs);
    this.#emit('retrying', job, delay);
    this.#options.logger.warn(
      `Callback for async invocation ${job.id} failed (attempt ${job.attempts}/${this.#retry.maxAttempts}); retrying in ${delay} ms`,
      { error: job.lastError },
    );
    await this.#persist(job);
    if (this.#closing) return;
    const timer = setTimeout(() => {
      this.#timers.delete(job.id);
      if (!this.#closing) this.#deliver(job);
    }, delay);
    this.#timers.set(job.id, timer);
  }

  async #deadLetter(job: AsyncJob): Promise<void> {
    const result = job.result!;
    const letter: DeadLetter = {
      id: job.id,
      cache: job.cache,
      function: job.function,
      callbackUrl: job.callbackUrl,
      acceptedAt: job.acceptedAt,
      failedAt: new Date().toISOString(),
      attempts: job.attempts,
      error: job.lastError ?? 'unknown error',
      status: result.status,
      headers: result.headers,
      bodyBase64: Buffer.from(result.body).toString('base64'),
    };
    const dir = this.#deadLetterDir;
    if (dir) await this.#writeAtomic(join(dir, `${job.id}.json`), JSON.stringify(letter, null, 2));
    this.#deadLetters.set(job.id, letter);
    this.#emit('deadLettered', job);
    this.#jobs.delete(job.id);
    await this.#unpersist(job);
    this.#options.logger.error(
      `Gave up delivering the result of async invocation ${job.id} (${job.function}) to ${redactUrl(job.callbackUrl)} after ${job.attempts} attempt(s); ` +
        `kept as a dead letter${dir ? ` in ${dir}` : ''}: list with GET /_momento/dead-letters or \`momento-functions dead-letters\``,
      { error: letter.error },
    );
  }

  async #persist(job: AsyncJob): Promise<void> {
    const dir = this.#journalDir;
    if (!dir) return;
    await this.#writeAtomic(join(dir, `${job.id}.json`), JSON.stringify(toStored(job)));
  }

  async #unpersist(job: AsyncJob): Promise<void> {
    const dir = this.#journalDir;
    if (dir) await rm(join(dir, `${job.id}.json`), { force: true });
  }

  async #writeAtomic(path: string, text: string): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, path);
  }
}

/** Creates a folder only its owner can enter (0700), or narrows an existing one to that. */
async function privateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}
