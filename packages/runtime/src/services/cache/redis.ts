/**
 * The Valkey/Redis cache backend: several hosts pointed at one server share items, lists and
 * topics. Conditional writes and list updates run as Lua scripts, so each is atomic.
 *
 * Layout (prefix `mf:` by default): a scalar is a hash `{v: value, h: sha256(value)}`, a list
 * is a Redis list, both at `<prefix><len(cache)>:<cache>:<key bytes>` with `PEXPIRE` for TTLs.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import {
  type CacheBackend,
  type CompareField,
  type Condition,
  fetchTooLarge,
  type ListRange,
  type ListWriteTtl,
  type Popped,
  type ValueWithHash,
  valueHash,
} from './backend.js';

/** Options for {@link connectRedis}. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  readonly url: string;
  /** Time allowed to (re)connect before a command fails (default 2000 ms). */
  readonly connectTimeoutMs?: number;
  /** Extra ioredis options, applied last. */
  readonly redisOptions?: RedisOptions;
  /** Told about connection errors (default: one console warning per error text). */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * Opens an ioredis client tuned for host services: commands fail fast while the server is
 * down (one retry, bounded reconnect back-off) instead of queueing forever.
 *
 * @example
 * ```ts
 * const redis = connectRedis({ url: 'redis://127.0.0.1:6379' });
 * ```
 */
export function connectRedis(options: RedisConnectionOptions): Redis {
  const connectTimeout = options.connectTimeoutMs ?? 2000;
  const client = new Redis(options.url, {
    connectTimeout,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    ...options.redisOptions,
  });
  let last = '';
  client.on('error', (error: Error) => {
    if (options.onConnectionError) options.onConnectionError(error);
    else if (error.message !== last)
      console.warn(`[momento-functions] redis ${options.url}: ${error.message}`);
    last = error.message;
  });
  client.on('ready', () => {
    last = '';
  });
  return client;
}

const WRONGTYPE =
  "return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')";
const LIST_PRELUDE = `
local k = KEYS[1]
local t = redis.call('TYPE', k)['ok']
if t == 'none' then return false end
if t ~= 'list' then ${WRONGTYPE} end
local len = redis.call('LLEN', k)
local function clamp(i) if i < 0 then return math.max(0, len + i) else return math.min(i, len) end end
`;

const SCRIPTS = {
  mfSetIf: `
local k = KEYS[1]
local t = redis.call('TYPE', k)['ok']
local c, x = ARGV[5], ARGV[6]
if t ~= 'none' and t ~= 'hash' and c ~= 'overwrite' then ${WRONGTYPE} end
local cur = false
if t == 'hash' then cur = redis.call('HGET', k, ARGV[4]) end
local store = false
if c == 'always' or c == 'overwrite' then store = true
elseif c == 'present' then store = cur ~= false
elseif c == 'absent' then store = cur == false
elseif c == 'present-and-not-equal' then store = cur ~= false and cur ~= x
elseif c == 'equal' then store = cur ~= false and cur == x
elseif c == 'absent-or-equal' then store = cur == false or cur == x
elseif c == 'not-equal' then store = cur == false or cur ~= x
end
if not store then return 0 end
redis.call('DEL', k)
redis.call('HSET', k, 'v', ARGV[1], 'h', ARGV[2])
redis.call('PEXPIRE', k, ARGV[3])
return 1`,
  mfListPush: `
local k = KEYS[1]
local t = redis.call('TYPE', k)['ok']
if t ~= 'none' and t ~= 'list' then ${WRONGTYPE} end
if #ARGV == 4 then if t == 'none' then return 0 end return redis.call('LLEN', k) end
local len = 0
if ARGV[1] == '1' then
  for i = #ARGV, 5, -1 do len = redis.call('LPUSH', k, ARGV[i]) end
else
  for i = 5, #ARGV do len = redis.call('RPUSH', k, ARGV[i]) end
end
local trunc = tonumber(ARGV[4])
if trunc > 0 and len > trunc then
  if ARGV[1] == '1' then redis.call('LTRIM', k, 0, trunc - 1) else redis.call('LTRIM', k, -trunc, -1) end
  len = trunc
end
if t == 'none' or ARGV[3] == '1' then redis.call('PEXPIRE', k, ARGV[2]) end
return len`,
  mfListPop: `${LIST_PRELUDE}
local v
if ARGV[1] == '1' then v = redis.call('LPOP', k) else v = redis.call('RPOP', k) end
return {v, redis.call('LLEN', k)}`,
  mfListErase: `${LIST_PRELUDE}
if ARGV[1] == 'all' then redis.call('DEL', k) return 0 end
local any = false
for i = 2, #ARGV, 2 do
  local b, e = tonumber(ARGV[i]), math.min(len, tonumber(ARGV[i]) + tonumber(ARGV[i + 1]))
  for j = b, e - 1 do redis.call('LSET', k, j, ARGV[1]) any = true end
end
if any then redis.call('LREM', k, 0, ARGV[1]) end
return redis.call('LLEN', k)`,
  mfListRemove: `${LIST_PRELUDE}
redis.call('LREM', k, 0, ARGV[1])
return redis.call('LLEN', k)`,
  mfListFetch: `${LIST_PRELUDE}
local b, e = 0, len
if ARGV[1] ~= '' then b = clamp(tonumber(ARGV[1])) end
if ARGV[2] ~= '' then e = clamp(tonumber(ARGV[2])) end
if e <= b then return {} end
local items = redis.call('LRANGE', k, b, e - 1)
if ARGV[3] ~= '' then
  local total, max = 0, tonumber(ARGV[3])
  for _, v in ipairs(items) do total = total + #v end
  if total > max then return redis.error_reply('MF_TOO_LARGE ' .. #items .. ' ' .. total) end
end
return items`,
  mfListLength: `${LIST_PRELUDE}
return len`,
  mfListRetain: `${LIST_PRELUDE}
local b, e = 0, len
if ARGV[1] ~= '' then b = clamp(tonumber(ARGV[1])) end
if ARGV[2] ~= '' then e = clamp(tonumber(ARGV[2])) end
if e <= b then redis.call('DEL', k) return 0 end
redis.call('LTRIM', k, b, e - 1)
if ARGV[4] == '1' then redis.call('PEXPIRE', k, ARGV[3]) end
return redis.call('LLEN', k)`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptArg = string | number | Buffer;
type ScriptRunner = (key: Buffer, ...args: ScriptArg[]) => Promise<unknown>;

/** Options for {@link RedisCacheBackend}. */
export interface RedisCacheOptions {
  /** An ioredis client (see {@link connectRedis}); closed by `close()` when `ownsClient`. */
  readonly client: Redis;
  /** Prefix of every key this backend writes (default `mf:`); hosts sharing data share it. */
  readonly keyPrefix?: string;
  /** Whether `close()` disconnects the client (default true). */
  readonly ownsClient?: boolean;
}

function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer);
}

function buf(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function optional(index: number | undefined): string {
  return index === undefined ? '' : String(index);
}

/**
 * {@link CacheBackend} on Valkey/Redis (any server that runs Lua scripts, 6.2 or later).
 *
 * @example
 * ```ts
 * const backend = new RedisCacheBackend({ client: connectRedis({ url: 'redis://127.0.0.1:6379' }) });
 * ```
 */
export class RedisCacheBackend implements CacheBackend {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #owns: boolean;

  /**
   * Creates a backend on a Valkey/Redis client; keys are prefixed with `mf:` unless
   * `keyPrefix` says otherwise, and {@link RedisCacheBackend.close} disconnects the client unless
   * `ownsClient` is `false`.
   *
   * @param options - the client and key prefix.
   * @example
   * ```ts
   * new RedisCacheBackend({ client, keyPrefix: 'test-1:' });
   * ```
   */
  constructor(options: RedisCacheOptions) {
    this.#redis = options.client;
    this.#prefix = options.keyPrefix ?? 'mf:';
    this.#owns = options.ownsClient ?? true;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in this.#redis)) this.#redis.defineCommand(name, { numberOfKeys: 1, lua });
    }
  }

  #key(cache: string, key: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(`${this.#prefix}${Buffer.byteLength(cache)}:${cache}:`), buf(key)]);
  }

  #script(name: ScriptName): ScriptRunner {
    const runner = (this.#redis as unknown as Record<string, ScriptRunner>)[`${name}Buffer`];
    if (!runner) throw new Error(`redis script ${name} is not defined`);
    return runner.bind(this.#redis);
  }

  async get(cache: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.#redis.hgetBuffer(this.#key(cache, key), 'v');
    return value ? bytes(value) : undefined;
  }

  async getWithHash(cache: string, key: Uint8Array): Promise<ValueWithHash | undefined> {
    const [value, hash] = await this.#redis.hmgetBuffer(this.#key(cache, key), 'v', 'h');
    return value && hash ? { value: bytes(value), hash: bytes(hash) } : undefined;
  }

  async set(cache: string, key: Uint8Array, value: Uint8Array, ttlMs: number): Promise<void> {
    await this.#write(cache, key, value, ttlMs, 'overwrite', '', 'value');
  }

  async setIf(
    cache: string,
    key: Uint8Array,
    value: Uint8Array,
    ttlMs: number,
    condition: Condition,
    field: CompareField,
  ): Promise<Uint8Array | undefined> {
    return this.#write(
      cache,
      key,
      value,
      ttlMs,
      condition.tag,
      'val' in condition ? buf(condition.val) : '',
      field,
    );
  }

  async #write(
    cache: string,
    key: Uint8Array,
    value: Uint8Array,
    ttlMs: number,
    condition: Condition['tag'] | 'overwrite',
    compared: Buffer | string,
    field: CompareField,
  ): Promise<Uint8Array | undefined> {
    const hash = valueHash(value);
    const stored = await this.#script('mfSetIf')(
      this.#key(cache, key),
      buf(value),
      buf(hash),
      ttlMs,
      field === 'hash' ? 'h' : 'v',
      condition,
      compared,
    );
    return stored === 1 ? hash : undefined;
  }

  async delete(cache: string, key: Uint8Array): Promise<void> {
    await this.#redis.del(this.#key(cache, key));
  }

  async listPush(
    cache: string,
    name: Uint8Array,
    values: readonly Uint8Array[],
    end: 'front' | 'back',
    ttl: ListWriteTtl,
    truncateToSize: number,
  ): Promise<number> {
    const length = await this.#script('mfListPush')(
      this.#key(cache, name),
      end === 'front' ? '1' : '0',
      ttl.ttlMs,
      ttl.refresh ? '1' : '0',
      truncateToSize,
      ...values.map(buf),
    );
    return Number(length);
  }

  async listPop(cache: string, name: Uint8Array, end: 'front' | 'back'): Promise<Popped | undefined> {
    const reply = (await this.#script('mfListPop')(this.#key(cache, name), end === 'front' ? '1' : '0')) as
      | [Buffer | null, number]
      | null;
    if (!reply?.[0]) return undefined;
    return { value: bytes(reply[0]), listLength: Number(reply[1]) };
  }

  async listErase(
    cache: string,
    name: Uint8Array,
    ranges: readonly ListRange[] | 'all',
  ): Promise<number | undefined> {
    const args: ScriptArg[] =
      ranges === 'all'
        ? ['all']
        : [randomBytes(24).toString('base64'), ...ranges.flatMap((r) => [r.beginIndex, r.count])];
    const reply = await this.#script('mfListErase')(this.#key(cache, name), ...args);
    return reply === null ? undefined : Number(reply);
  }

  async listRemove(cache: string, name: Uint8Array, value: Uint8Array): Promise<number | undefined> {
    const reply = await this.#script('mfListRemove')(this.#key(cache, name), buf(value));
    return reply === null ? undefined : Number(reply);
  }

  async listFetch(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
    maxBytes?: number,
  ): Promise<Uint8Array[] | undefined> {
    let reply: Buffer[] | null;
    try {
      // The size check runs in the script, so a range too large never crosses to this host.
      reply = (await this.#script('mfListFetch')(
        this.#key(cache, name),
        optional(start),
        optional(end),
        maxBytes === undefined || !Number.isFinite(maxBytes) ? '' : String(maxBytes),
      )) as Buffer[] | null;
    } catch (error) {
      const match = /MF_TOO_LARGE (\d+) (\d+)/.exec(String((error as Error).message));
      if (match && maxBytes !== undefined) throw fetchTooLarge(Number(match[1]), Number(match[2]), maxBytes);
      throw error;
    }
    return reply === null ? undefined : reply.map(bytes);
  }

  async listLength(cache: string, name: Uint8Array): Promise<number | undefined> {
    const reply = await this.#script('mfListLength')(this.#key(cache, name));
    return reply === null ? undefined : Number(reply);
  }

  async listRetain(
    cache: string,
    name: Uint8Array,
    start: number | undefined,
    end: number | undefined,
    ttl: ListWriteTtl,
  ): Promise<number | undefined> {
    const reply = await this.#script('mfListRetain')(
      this.#key(cache, name),
      optional(start),
      optional(end),
      ttl.ttlMs,
      ttl.refresh ? '1' : '0',
    );
    return reply === null ? undefined : Number(reply);
  }

  /** The keys of one cache's items, found with SCAN under this backend's prefix. */
  async keys(cache: string): Promise<Uint8Array[]> {
    const prefix = `${this.#prefix}${Buffer.byteLength(cache)}:${cache}:`;
    const skip = Buffer.byteLength(prefix);
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const out: Uint8Array[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = String(next);
      for (const key of keys) out.push(bytes(key.subarray(skip)));
    } while (cursor !== '0');
    return out;
  }

  /** Deletes every key under this backend's prefix (tests). */
  async flush(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scanBuffer(cursor, 'MATCH', `${this.#prefix}*`, 'COUNT', 500);
      cursor = String(next);
      if (keys.length > 0) await this.#redis.unlink(...keys);
    } while (cursor !== '0');
  }

  close(): void {
    if (this.#owns) this.#redis.disconnect();
  }
}
