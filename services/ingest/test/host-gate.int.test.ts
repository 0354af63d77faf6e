import { createRedis } from "@vesti/queue";
import { afterAll, describe, expect, it } from "vitest";
import { HostGate } from "../src/host-gate";

const redis = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `vesti-gate-test-${process.pid}`;
afterAll(() => redis.quit());

describe("HostGate (per-host politeness across processes)", () => {
  it("allows one request in flight per host, then keeps the minimum spacing", async () => {
    const gate = new HostGate(redis, { prefix, spacingMs: 400, holdMs: 10_000 });
    const other = new HostGate(redis, { prefix, spacingMs: 400, holdMs: 10_000 });
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

  it("does not let a stale holder release a slot it no longer owns", async () => {
    const gate = new HostGate(redis, { prefix, spacingMs: 0, holdMs: 100 });
    const first = await gate.tryAcquire("stale.example");
    await new Promise((r) => setTimeout(r, 150));
    const second = await gate.tryAcquire("stale.example");
    expect(second.acquired).toBe(true);
    if (first.acquired) await first.release();
    expect((await gate.tryAcquire("stale.example")).acquired).toBe(false);
  });
});
