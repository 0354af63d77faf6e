import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// Per-host politeness: at most one request in flight per host, then a minimum spacing before the next.
// A job that finds the host busy is told how long to wait and is delayed (retryLater), not blocked, so it
// does not hold a worker slot meanwhile. Two implementations with the same semantics: in Redis, shared by
// every ingest process (the distributed mode), and in memory (the in-process runner).

export interface GateRelease {
  /**
   * Hold the host for at least this long after the request (a Retry-After the server sent): every request
   * to the host waits, not only the one that was answered.
   */
  spacingMs?: number;
}

export type GateResult =
  | { acquired: true; release: (options?: GateRelease) => Promise<void> }
  | { acquired: false; waitMs: number };

export interface HostGate {
  /**
   * `spacingMs` raises the spacing for this request on both sides: it is granted only that long after the
   * host's previous request ended (whichever job made it), and the next request waits that long after it.
   * A page fetch's 5 s, a robots.txt Crawl-delay.
   */
  tryAcquire(host: string, options?: { spacingMs?: number }): Promise<GateResult>;
}

export interface HostGateOptions {
  /** Spacing after a request to the same host, unless the caller asks for more. */
  spacingMs: number;
  /** Longest a request may hold its host: a holder that crashed or hung frees it after this long. */
  holdMs: number;
}

/** How often a job re-checks a host that has a request in flight (its length is unknown). */
const IN_FLIGHT_RECHECK_MS = 500;
const MIN_WAIT_MS = 20;
/** How long the end of a host's last request is remembered (longer than any spacing asked for). */
const LAST_REQUEST_MEMORY_MS = 3_600_000;

// KEYS[1]: the host's slot (a holder's token, or "spacing" after a request); KEYS[2]: when the host's last
// request ended (ms, Redis's clock, so every process agrees). Returns {acquired, waitMs, exact}.
const ACQUIRE = `
local v = redis.call('get', KEYS[1])
if v then return {0, redis.call('pttl', KEYS[1]), v == 'spacing' and 1 or 0} end
local want = tonumber(ARGV[3])
if want > 0 then
  local last = tonumber(redis.call('get', KEYS[2]) or '0')
  local t = redis.call('time')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if last + want > now then return {0, last + want - now, 1} end
end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, 0, 0}`;

// After the request the slot holds "spacing" for the spacing, so waiters know exactly how long.
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  local t = redis.call('time')
  redis.call('set', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 'PX', ARGV[3])
  if tonumber(ARGV[2]) > 0 then return redis.call('set', KEYS[1], 'spacing', 'PX', ARGV[2]) end
  return redis.call('del', KEYS[1])
end
return 0`;

export class RedisHostGate implements HostGate {
  constructor(
    private readonly redis: Redis,
    private readonly options: HostGateOptions & { prefix: string },
  ) {}

  async tryAcquire(host: string, request: { spacingMs?: number } = {}): Promise<GateResult> {
    const key = `${this.options.prefix}:host:${host.toLowerCase()}`;
    const lastKey = `${key}:last`;
    const token = randomUUID();
    const spacingMs = Math.max(this.options.spacingMs, request.spacingMs ?? 0);
    // holdMs bounds a crashed holder: the key expires even if release never runs.
    const [acquired, ttl, exact] = (await this.redis.eval(
      ACQUIRE,
      2,
      key,
      lastKey,
      token,
      String(this.options.holdMs),
      String(Math.round(spacingMs)),
    )) as [number, number, number];
    if (acquired === 1)
      return {
        acquired: true,
        release: async (after = {}) => {
          const hold = Math.round(Math.max(spacingMs, after.spacingMs ?? 0));
          await this.redis.eval(
            RELEASE,
            2,
            key,
            lastKey,
            token,
            String(hold),
            String(Math.max(LAST_REQUEST_MEMORY_MS, hold)),
          );
        },
      };
    const waitMs = exact === 1 ? ttl : Math.min(ttl, IN_FLIGHT_RECHECK_MS);
    return { acquired: false, waitMs: Math.max(waitMs, MIN_WAIT_MS) };
  }
}

/** The same gate for one process: per host, "in flight until" or "spacing until", and the last request's end. */
export class MemoryHostGate implements HostGate {
  private readonly hosts = new Map<string, { token: symbol | null; until: number; lastEnd: number }>();

  constructor(
    private readonly options: HostGateOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async tryAcquire(host: string, request: { spacingMs?: number } = {}): Promise<GateResult> {
    const key = host.toLowerCase();
    const now = this.now();
    const state = this.hosts.get(key);
    if (state && state.until > now) {
      const left = state.until - now;
      const waitMs = state.token === null ? left : Math.min(left, IN_FLIGHT_RECHECK_MS);
      return { acquired: false, waitMs: Math.max(waitMs, MIN_WAIT_MS) };
    }
    const spacingMs = Math.max(this.options.spacingMs, request.spacingMs ?? 0);
    const lastEnd = state?.lastEnd ?? Number.NEGATIVE_INFINITY;
    if (spacingMs > 0 && lastEnd + spacingMs > now)
      return { acquired: false, waitMs: Math.max(lastEnd + spacingMs - now, MIN_WAIT_MS) };
    const token = Symbol(key);
    this.hosts.set(key, { token, until: now + this.options.holdMs, lastEnd });
    return {
      acquired: true,
      release: async (after = {}) => {
        if (this.hosts.get(key)?.token !== token) return; // expired and taken by another request
        const end = this.now();
        const hold = Math.max(spacingMs, after.spacingMs ?? 0);
        this.hosts.set(key, { token: null, until: end + hold, lastEnd: end });
      },
    };
  }
}
