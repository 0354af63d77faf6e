import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// Per-host politeness: at most one request in flight per host, then a minimum spacing before the next.
// A job that finds the host busy is told how long to wait and is delayed (retryLater), not blocked, so it
// does not hold a worker slot meanwhile. Two implementations with the same semantics: in Redis, shared by
// every ingest process (the distributed mode), and in memory (the in-process runner).

export type GateResult =
  | { acquired: true; release: () => Promise<void> }
  | { acquired: false; waitMs: number };

export interface HostGate {
  /** `spacingMs` overrides the gate's default spacing for this request (a robots.txt Crawl-delay). */
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

// After the request the key holds "spacing" for the spacing, so waiters know exactly how long.
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then
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
    const token = randomUUID();
    const spacingMs = Math.max(this.options.spacingMs, request.spacingMs ?? 0);
    // holdMs bounds a crashed holder: the key expires even if release never runs.
    const ok = await this.redis.set(key, token, "PX", this.options.holdMs, "NX");
    if (ok === "OK")
      return {
        acquired: true,
        release: async () => {
          await this.redis.eval(RELEASE, 1, key, token, String(spacingMs));
        },
      };
    const [value, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    const waitMs = value === "spacing" ? ttl : Math.min(ttl, IN_FLIGHT_RECHECK_MS);
    return { acquired: false, waitMs: Math.max(waitMs, MIN_WAIT_MS) };
  }
}

/** The same gate for one process: a map of hosts to "in flight until" or "spacing until". */
export class MemoryHostGate implements HostGate {
  private readonly hosts = new Map<string, { token: symbol | null; until: number }>();

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
    const token = Symbol(key);
    const spacingMs = Math.max(this.options.spacingMs, request.spacingMs ?? 0);
    this.hosts.set(key, { token, until: now + this.options.holdMs });
    return {
      acquired: true,
      release: async () => {
        if (this.hosts.get(key)?.token !== token) return; // expired and taken by another request
        if (spacingMs > 0) this.hosts.set(key, { token: null, until: this.now() + spacingMs });
        else this.hosts.delete(key);
      },
    };
  }
}
