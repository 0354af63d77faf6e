import { describe, expect, it } from "vitest";
import { HostLimiter } from "../src/limiter";
import { addressChecker, BlockedAddressError, guardedLookup } from "../src/net-guard";

describe("HostLimiter", () => {
  it("runs one request per host at a time, spaced, and hosts in parallel", async () => {
    const limiter = new HostLimiter({ minSpacingMs: 50 });
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const starts: number[] = [];
    const job = (name: string) => async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      starts.push(Date.now());
      log.push(name);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      if (name === "a2") throw new Error("boom");
      return name;
    };
    const t0 = Date.now();
    const results = await Promise.allSettled([
      limiter.run("https://a.rs/1", job("a1")),
      limiter.run("https://A.rs:8443/2", job("a2")),
      limiter.run("https://a.rs/3", job("a3")),
      limiter.run("https://b.rs/1", job("b1")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(log.indexOf("b1")).toBe(1); // b.rs does not wait behind a.rs
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100); // a1, +50, a2, +50, a3
    expect(maxInFlight).toBe(2);
  });
});

describe("address guard", () => {
  it("classifies addresses", () => {
    const c = addressChecker({});
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "::ffff:7f00:1",
    ]) {
      expect(c.isAllowed(a), a).toBe(false);
    }
    for (const a of ["93.184.216.34", "2a00:1450:4001::1", "::ffff:8.8.8.8", "172.32.0.1"]) {
      expect(c.isAllowed(a), a).toBe(true);
    }
    expect(addressChecker({ allowedCidrs: ["127.0.0.0/8"] }).isAllowed("127.0.0.1")).toBe(true);
    expect(addressChecker({ allowedCidrs: ["127.0.0.0/8"] }).isAllowed("10.0.0.1")).toBe(false);
    expect(addressChecker({ allowPrivateNetworks: true }).isAllowed("10.0.0.1")).toBe(true);
  });
  it("refuses names that resolve to blocked addresses at lookup time", async () => {
    const lookup = guardedLookup(addressChecker({}));
    const err = await new Promise((resolve) => lookup("localhost", { all: true }, (e) => resolve(e)));
    expect(err).toBeInstanceOf(BlockedAddressError);
    const allowed = guardedLookup(addressChecker({ allowPrivateNetworks: true }));
    const addrs = await new Promise((resolve) => allowed("localhost", { all: true }, (_e, a) => resolve(a)));
    expect(Array.isArray(addrs) && addrs.length > 0).toBe(true);
  });
});
