/** TTLs: milliseconds (number or bigint) or a duration object, and the crate's `CollectionTtl`. */

/**
 * A length of time as an object; fields add up, e.g. `{ minutes: 1, seconds: 30 }`.
 *
 * @example
 * ```ts
 * const day: Duration = { days: 1 };
 * ```
 */
export interface Duration {
  /** Whole or fractional days (24 hours each) added to the total; 0 when omitted. */
  readonly days?: number;
  /** Hours added to the total; 0 when omitted. */
  readonly hours?: number;
  /** Minutes added to the total; 0 when omitted. */
  readonly minutes?: number;
  /** Seconds added to the total; 0 when omitted (`1.5` is 1500 ms). */
  readonly seconds?: number;
  /** Milliseconds added to the total; 0 when omitted, fractions of a millisecond are dropped. */
  readonly milliseconds?: number;
}

/**
 * How long an item lives: milliseconds as a `number` or `bigint`, or a {@link Duration}.
 *
 * @example
 * ```ts
 * set('k', 'v', 60_000);            // one minute
 * set('k', 'v', { minutes: 1 });    // the same
 * ```
 */
export type Ttl = number | bigint | Duration;

const U64_MAX = 2n ** 64n - 1n;
const UNITS: [keyof Duration, number][] = [
  ['days', 86_400_000],
  ['hours', 3_600_000],
  ['minutes', 60_000],
  ['seconds', 1000],
  ['milliseconds', 1],
];

/**
 * Converts a {@link Ttl} to the WIT `ttl-milliseconds: u64`: fractions of a millisecond are
 * dropped and values above `u64::MAX` saturate, like the crate's `Duration` conversion.
 * Throws a `RangeError` for negative or non-finite values.
 *
 * @example
 * ```ts
 * ttlMilliseconds({ seconds: 1.5 }); // 1500n
 * ```
 */
export function ttlMilliseconds(ttl: Ttl): bigint {
  let ms: bigint;
  if (typeof ttl === 'bigint') {
    ms = ttl;
  } else if (typeof ttl === 'number') {
    if (!Number.isFinite(ttl))
      throw new RangeError(`TTL must be a finite number of milliseconds, got ${ttl}`);
    ms = BigInt(Math.floor(ttl));
  } else if (ttl !== null && typeof ttl === 'object') {
    let total = 0;
    for (const [unit, factor] of UNITS) {
      const amount = ttl[unit];
      if (amount === undefined) continue;
      if (typeof amount !== 'number' || !Number.isFinite(amount)) {
        throw new RangeError(`TTL field ${unit} must be a finite number, got ${String(amount)}`);
      }
      total += amount * factor;
    }
    if (!Number.isFinite(total)) return U64_MAX;
    ms = BigInt(Math.floor(total));
  } else {
    throw new TypeError(
      `TTL must be milliseconds (number or bigint) or a duration like { minutes: 1 }, got ${String(ttl)}`,
    );
  }
  if (ms < 0n) throw new RangeError(`TTL must not be negative, got ${ms} ms`);
  return ms > U64_MAX ? U64_MAX : ms;
}

/**
 * The TTL of a list and whether updates reset it (the crate's `CollectionTtl`). A new list
 * always gets the TTL; an existing one gets it again only when `refresh` is true.
 *
 * @example
 * ```ts
 * listPushBack('recent', 'x', CollectionTtl.initializeOnly({ hours: 1 }));
 * listPushBack('recent', 'y', CollectionTtl.of(60_000)); // refreshes on every update
 * ```
 */
export class CollectionTtl {
  readonly #ttl: bigint;
  readonly #refresh: boolean;

  /**
   * Creates a collection TTL from a lifetime and whether later updates reset it; the
   * {@link CollectionTtl.refreshOnUpdate} and {@link CollectionTtl.initializeOnly} helpers name
   * the two choices.
   *
   * @param ttl - how long the list lives.
   * @param refresh - whether updates to an existing list reset its TTL.
   * @example
   * ```ts
   * new CollectionTtl({ minutes: 5 }, false);
   * ```
   */
  constructor(ttl: Ttl, refresh: boolean) {
    this.#ttl = ttlMilliseconds(ttl);
    this.#refresh = refresh;
  }

  /**
   * A TTL that every update refreshes.
   *
   * @example
   * ```ts
   * CollectionTtl.of(60_000).refresh; // true
   * ```
   */
  static of(ttl: Ttl): CollectionTtl {
    return new CollectionTtl(ttl, true);
  }

  /**
   * Same as {@link CollectionTtl.of}.
   *
   * @example
   * ```ts
   * CollectionTtl.refreshOnUpdate({ seconds: 30 });
   * ```
   */
  static refreshOnUpdate(ttl: Ttl): CollectionTtl {
    return new CollectionTtl(ttl, true);
  }

  /**
   * A TTL set when the list is created and left alone by updates.
   *
   * @example
   * ```ts
   * CollectionTtl.initializeOnly({ hours: 1 }).refresh; // false
   * ```
   */
  static initializeOnly(ttl: Ttl): CollectionTtl {
    return new CollectionTtl(ttl, false);
  }

  /**
   * The same TTL, refreshed by updates.
   *
   * @example
   * ```ts
   * CollectionTtl.initializeOnly(1000).withRefreshOnUpdate().refresh; // true
   * ```
   */
  withRefreshOnUpdate(): CollectionTtl {
    return new CollectionTtl(this.#ttl, true);
  }

  /**
   * The same TTL, not refreshed by updates.
   *
   * @example
   * ```ts
   * CollectionTtl.of(1000).withNoRefreshOnUpdate().refresh; // false
   * ```
   */
  withNoRefreshOnUpdate(): CollectionTtl {
    return new CollectionTtl(this.#ttl, false);
  }

  /**
   * Another TTL, same refresh behaviour.
   *
   * @example
   * ```ts
   * CollectionTtl.of(1000).withTtl({ minutes: 2 }).ttl; // 120000n
   * ```
   */
  withTtl(ttl: Ttl): CollectionTtl {
    return new CollectionTtl(ttl, this.#refresh);
  }

  /** The TTL in milliseconds. */
  get ttl(): bigint {
    return this.#ttl;
  }

  /** Whether updates reset the TTL of an existing list. */
  get refresh(): boolean {
    return this.#refresh;
  }
}

/** A plain {@link Ttl} means {@link CollectionTtl.of} (refreshing), like the crate's `From<Duration>`. */
export function toCollectionTtl(ttl: CollectionTtl | Ttl): CollectionTtl {
  return ttl instanceof CollectionTtl ? ttl : CollectionTtl.of(ttl);
}
