/**
 * The server's Prometheus metrics (`GET /metrics`), with prom-client: one registry per server, so
 * two servers in one process never share or clash over a metric. Node's process metrics
 * (`collectDefaultMetrics`) are process-wide: they are collected once per process, into a registry
 * of their own, and appended to every server's scrape. docs/server.md lists every metric.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HostUsage } from '../types.js';
import type { AsyncInvokerEvents, AsyncQueueStats } from './async-invoker.js';
import type { FunctionRegistry } from './registry.js';

/** Buckets of the duration histograms, in seconds: 1 ms to 30 s (the default function time limit). */
export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** What the metrics read when scraped. */
export interface ServerMetricsSources {
  /** The functions and their states. */
  functions: FunctionRegistry;
  /** The async queue. */
  asyncStats(): AsyncQueueStats;
  /** Sync invocations the server is answering now. */
  inFlight(): number;
  /** The host's pool and host-call errors, when the server runs functions in a host. */
  host?: {
    /** The host's current pool occupancy, queue and host-call error counts (read at most once per 50 ms while scraping). */
    usage(): HostUsage;
  };
}

/** How an invocation was started. */
export type InvocationMode = 'sync' | 'async' | 'spawn';

/** The route kinds counted by `momento_functions_http_requests_total`. */
export type RequestRoute = 'invoke' | 'async-invoke' | 'spawn' | 'admin' | 'probe' | 'metrics' | 'other';

/**
 * A server's metrics: the registry, the hooks the server calls, and the scrape text.
 *
 * @example
 * ```ts
 * const metrics = new ServerMetrics({ functions, asyncStats: () => invoker.stats(), inFlight: () => 0 });
 * metrics.invocation('demo', 'ping', 'sync', 200, 0.004);
 * const text = await metrics.text();
 * ```
 */
export class ServerMetrics {
  /** This server's registry (process metrics are not in it; {@link text} appends them). */
  readonly registry = new Registry();
  readonly #invocations: Counter<'cache' | 'function' | 'mode' | 'status'>;
  readonly #duration: Histogram<'cache' | 'function' | 'mode'>;
  readonly #spawns: Counter<'cache' | 'function' | 'outcome'>;
  readonly #requests: Counter<'route' | 'status'>;
  readonly #retries: Counter;
  readonly #delivered: Counter;
  readonly #deadLettered: Counter;

  /** Creates the server's metrics in a fresh registry, reading queue, pool and function gauges from `sources` at each scrape. */
  constructor(sources: ServerMetricsSources) {
    const registers = [this.registry];
    this.#invocations = new Counter({
      name: 'momento_functions_invocations_total',
      help: 'Invocations answered, by function, how they were started (sync, async) and HTTP status.',
      labelNames: ['cache', 'function', 'mode', 'status'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'momento_functions_invocation_duration_seconds',
      help: 'Time from handing an invocation to the host until its response ended (sync, async) or its outcome was known (spawn).',
      labelNames: ['cache', 'function', 'mode'],
      buckets: [...DURATION_BUCKETS],
      registers,
    });
    this.#spawns = new Counter({
      name: 'momento_functions_spawns_total',
      help: 'Spawns started over HTTP or FunctionServer.spawn, by function and outcome.',
      labelNames: ['cache', 'function', 'outcome'],
      registers,
    });
    this.#requests = new Counter({
      name: 'momento_functions_http_requests_total',
      help: 'HTTP requests answered, by kind of route and status.',
      labelNames: ['route', 'status'],
      registers,
    });
    new Gauge({
      name: 'momento_functions_in_flight_requests',
      help: 'Sync invocations being answered now.',
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    });
    new Gauge({
      name: 'momento_functions_functions',
      help: 'Configured functions by status: ready, building, failed.',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = { ready: 0, building: 0, failed: 0 };
        for (const fn of sources.functions.describe()) counts[fn.status]++;
        for (const [status, value] of Object.entries(counts)) this.set({ status }, value);
      },
    });
    new Gauge({
      name: 'momento_functions_async_jobs',
      help: 'Accepted async invocations not yet delivered or dead-lettered, by state: queued, running, delivering, retrying.',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = sources.asyncStats();
        for (const state of ['queued', 'running', 'delivering', 'retrying'] as const) {
          this.set({ state }, stats[state]);
        }
      },
    });
    new Gauge({
      name: 'momento_functions_async_oldest_job_age_seconds',
      help: 'Age of the oldest async invocation not yet delivered or dead-lettered (0 when there is none).',
      registers,
      collect() {
        const oldest = sources.asyncStats().oldestAcceptedAt;
        this.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: 'momento_functions_dead_letters',
      help: 'Results kept as dead letters now (GET /_momento/dead-letters).',
      registers,
      collect() {
        this.set(sources.asyncStats().deadLetters);
      },
    });
    this.#delivered = new Counter({
      name: 'momento_functions_async_callbacks_delivered_total',
      help: 'Async results delivered to their callback (a 2xx answer).',
      registers,
    });
    this.#retries = new Counter({
      name: 'momento_functions_async_callback_retries_total',
      help: 'Callback attempts that failed and are retried.',
      registers,
    });
    this.#deadLettered = new Counter({
      name: 'momento_functions_dead_letters_total',
      help: 'Async results given up on and kept as dead letters.',
      registers,
    });
    const host = sources.host;
    if (host) {
      const usage = (() => {
        // One snapshot per scrape for the four pool gauges.
        let cached: { at: number; value: HostUsage } | undefined;
        return () => {
          const now = Date.now();
          if (!cached || now - cached.at > 50) cached = { at: now, value: host.usage() };
          return cached.value;
        };
      })();
      new Gauge({
        name: 'momento_functions_sandboxes',
        help: 'Sandboxes in the host pool (limits.concurrency): the most invocations that run at once.',
        registers,
        collect() {
          this.set(usage().concurrency);
        },
      });
      new Gauge({
        name: 'momento_functions_sandboxes_busy',
        help: 'Sandboxes running an invocation now.',
        registers,
        collect() {
          this.set(usage().busy);
        },
      });
      new Gauge({
        name: 'momento_functions_host_queued_invocations',
        help: 'Invocations waiting for a free sandbox.',
        registers,
        collect() {
          this.set(usage().queued);
        },
      });
      new Gauge({
        name: 'momento_functions_host_queue_limit',
        help: 'Most invocations that may wait (limits.maxQueued); beyond it the host answers 503.',
        registers,
        collect() {
          this.set(usage().maxQueued);
        },
      });
      new Counter({
        name: 'momento_functions_host_call_errors_total',
        help: 'Host calls that did not succeed, by WIT interface: kind "error" = the service answered its WIT error case to the guest, "failure" = the call could not be served (the guest traps).',
        labelNames: ['interface', 'kind'],
        registers,
        collect() {
          // The host keeps the totals; the counter mirrors them.
          this.reset();
          for (const [name, counts] of Object.entries(usage().hostCallErrors)) {
            if (counts.errors > 0) this.inc({ interface: name, kind: 'error' }, counts.errors);
            if (counts.failures > 0) this.inc({ interface: name, kind: 'failure' }, counts.failures);
          }
        },
      });
    }
  }

  /** The hooks the async invoker calls. */
  readonly asyncEvents: AsyncInvokerEvents = {
    ran: (job, status, durationMs) =>
      this.invocation(job.cache, job.function, 'async', status, durationMs / 1000),
    delivered: () => this.#delivered.inc(),
    retrying: () => this.#retries.inc(),
    deadLettered: () => this.#deadLettered.inc(),
  };

  /**
   * Counts an answered invocation; with `seconds`, observes its duration too (only invocations that
   * reached the function have one).
   */
  invocation(cache: string, name: string, mode: 'sync' | 'async', status: number, seconds?: number): void {
    this.#invocations.inc({ cache, function: name, mode, status: String(status) });
    if (seconds !== undefined) this.#duration.observe({ cache, function: name, mode }, seconds);
  }

  /** Counts a spawn's outcome and observes its duration. */
  spawn(cache: string, name: string, outcome: string, seconds: number): void {
    this.#spawns.inc({ cache, function: name, outcome });
    this.#duration.observe({ cache, function: name, mode: 'spawn' }, seconds);
  }

  /** Counts an answered HTTP request. */
  request(route: RequestRoute, status: number): void {
    this.#requests.inc({ route, status: String(status) });
  }

  /** The Prometheus text of a scrape: this server's metrics, then the process's. */
  async text(): Promise<string> {
    const own = await this.registry.metrics();
    const processText = await processRegistry().metrics();
    return `${own.trimEnd()}\n${processText}`;
  }

  /** The content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

let processMetrics: Registry | undefined;

/**
 * Node's process metrics (CPU, memory, event loop lag, GC, handles), collected once per process:
 * `collectDefaultMetrics` installs a GC observer and an event-loop monitor that are never
 * released, and their values are the same for every server in the process.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
