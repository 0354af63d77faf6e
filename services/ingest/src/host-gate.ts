import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

// Per-host politeness shared by every ingest process: a Redis key per host is held while a request is in
// flight (at most one per host) and then kept for the minimum spacing. A job that finds the host busy is
// delayed, not blocked, so it does not hold a worker slot while it waits.

// After the request the key holds "spacing" for the minimum spacing, so waiters know exactly how long.
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then return redis.call('set', KEYS[1], 'spacing', 'PX', ARGV[2]) end
  return redis.call('del', KEYS[1])
end
return 0`;

/** How often a job re-checks a host that has a request in flight (its length is unknown). */
const IN_FLIGHT_RECHECK_MS = 500;

export type GateResult =
  | { acquired: true; release: () => Promise<void> }
  | { acquired: false; waitMs: number };

export class HostGate {
  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; spacingMs: number; holdMs: number },
  ) {}

  async tryAcquire(host: string): Promise<GateResult> {
    const key = `${this.options.prefix}:host:${host.toLowerCase()}`;
    const token = randomUUID();
    // holdMs bounds a crashed holder: the key expires even if release never runs.
    const ok = await this.redis.set(key, token, "PX", this.options.holdMs, "NX");
    if (ok === "OK")
      return {
        acquired: true,
        release: async () => {
          await this.redis.eval(RELEASE, 1, key, token, String(this.options.spacingMs));
        },
      };
    const [value, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    const waitMs = value === "spacing" ? ttl : Math.min(ttl, IN_FLIGHT_RECHECK_MS);
    return { acquired: false, waitMs: Math.max(waitMs, 20) };
  }
}
