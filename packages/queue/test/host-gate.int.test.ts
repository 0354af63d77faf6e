import { afterAll, describe, expect, it } from "vitest";
import {
  createRedis,
  type HostGate,
  type HostGateOptions,
  MemoryHostGate,
  RedisHostGate,
} from "../src/index";

// The two politeness gates must behave alike: the Redis one across processes (distributed mode), the
// memory one inside the single process of the embedded mode.

const redis = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `vesti-gate-test-${process.pid}`;
afterAll(() => redis.quit());

let run = 0;
const gates: [string, (o: HostGateOptions) => HostGate][] = [
  ["RedisHostGate", (o) => new RedisHostGate(redis, { ...o, prefix: `${prefix}-${run}` })],
  ["MemoryHostGate", (o) => new MemoryHostGate(o)],
];

describe.each(gates)("%s (per-host politeness)", (_name, make) => {
  // Two handles on one gate: two processes sharing Redis, or two jobs sharing the process's gate.
  const pair = (o: HostGateOptions) => {
    run++;
    const a = make(o);
    return [a, a instanceof MemoryHostGate ? a : make(o)] as const;
  };

  it("allows one request in flight per host, then keeps the minimum spacing", async () => {
    const [gate, other] = pair({ spacingMs: 400, holdMs: 10_000 });
    const first = await gate.tryAcquire("Example.org");
    expect(first.acquired).toBe(true);

    const busy = await other.tryAcquire("example.org");
    expect(busy.acquired).toBe(false);
    if (!busy.acquired) expect(busy.waitMs).toBeLessThanOrEqual(500);
    expect((await other.tryAcquire("another.example")).acquired).toBe(true);

    if (first.acquired) await first.release();
    const spacing = await other.tryAcquire("example.org");
    expect(spacing.acquired).toBe(false);
    if (!spacing.acquired) {
      expect(spacing.waitMs).toBeGreaterThan(200);
      expect(spacing.waitMs).toBeLessThanOrEqual(400);
      await new Promise((r) => setTimeout(r, spacing.waitMs + 20));
    }
    expect((await other.tryAcquire("example.org")).acquired).toBe(true);
  });

  it("keeps a longer spacing when the request asks for one (robots.txt Crawl-delay)", async () => {
    const [gate] = pair({ spacingMs: 100, holdMs: 10_000 });
    const first = await gate.tryAcquire("slow.example", { spacingMs: 1_500 });
    if (first.acquired) await first.release();
    const next = await gate.tryAcquire("slow.example");
    expect(next.acquired).toBe(false);
    if (!next.acquired) expect(next.waitMs).toBeGreaterThan(1_000);
  });

  it("grants a request that asks for a longer spacing only that long after the host's last request", async () => {
    // A feed request (the default 100 ms spacing) then a page request that wants 600 ms since it.
    const [gate, other] = pair({ spacingMs: 100, holdMs: 10_000 });
    const feed = await gate.tryAcquire("news.example");
    if (feed.acquired) await feed.release();
    const ended = Date.now();
    await new Promise((r) => setTimeout(r, 150)); // past the default spacing
    const early = await gate.tryAcquire("news.example", { spacingMs: 600 });
    expect(early.acquired).toBe(false);
    if (!early.acquired) {
      expect(early.waitMs).toBeGreaterThan(300);
      expect(early.waitMs).toBeLessThanOrEqual(600);
      await new Promise((r) => setTimeout(r, early.waitMs + 20));
    }
    const page = await other.tryAcquire("news.example", { spacingMs: 600 });
    expect(page.acquired).toBe(true);
    expect(Date.now() - ended).toBeGreaterThanOrEqual(590); // the gate measured the end a moment before `ended`
    if (page.acquired) await page.release();
    // ... and the spacing it asked for holds after it too, for a request that asks for nothing.
    const after = await gate.tryAcquire("news.example");
    expect(after.acquired).toBe(false);
    if (!after.acquired) expect(after.waitMs).toBeGreaterThan(400);
  });

  it("holds the host for a longer spacing given at release (a Retry-After), for every request", async () => {
    const [gate, other] = pair({ spacingMs: 50, holdMs: 10_000 });
    const first = await gate.tryAcquire("busy.example");
    if (first.acquired) await first.release({ spacingMs: 1_200 });
    const next = await other.tryAcquire("busy.example");
    expect(next.acquired).toBe(false);
    if (!next.acquired) {
      expect(next.waitMs).toBeGreaterThan(900);
      expect(next.waitMs).toBeLessThanOrEqual(1_200);
    }
    expect((await other.tryAcquire("elsewhere.example")).acquired).toBe(true);
  });

  it("does not let a stale holder release a slot it no longer owns", async () => {
    const [gate] = pair({ spacingMs: 0, holdMs: 100 });
    const first = await gate.tryAcquire("stale.example");
    await new Promise((r) => setTimeout(r, 150));
    const second = await gate.tryAcquire("stale.example");
    expect(second.acquired).toBe(true);
    if (first.acquired) await first.release();
    expect((await gate.tryAcquire("stale.example")).acquired).toBe(false);
  });
});
