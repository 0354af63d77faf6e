import { describe, expect, it } from "vitest";
import { failureBackoff, nextPollInterval } from "../src/schedule";

const base = { minSeconds: 300, maxSeconds: 86_400 };
const times = (gapMinutes: number, n: number, from = Date.UTC(2026, 10, 27, 12)) =>
  Array.from({ length: n }, (_, i) => new Date(from - i * gapMinutes * 60_000));

describe("nextPollInterval", () => {
  it("follows the median gap between recent items", () => {
    expect(
      nextPollInterval({ ...base, currentSeconds: 1800, newItemCount: 1, recentItemTimes: times(20, 10) })
        .seconds,
    ).toBe(1200);
  });
  it("is robust to one outlier gap", () => {
    const t = [...times(10, 8), new Date(Date.UTC(2026, 0, 1))];
    expect(
      nextPollInterval({ ...base, currentSeconds: 600, newItemCount: 1, recentItemTimes: t }).seconds,
    ).toBe(600);
  });
  it("slows down when nothing new arrives and there is little history", () => {
    expect(
      nextPollInterval({ ...base, currentSeconds: 1000, newItemCount: 0, recentItemTimes: [] }).seconds,
    ).toBe(1500);
  });
  it("speeds up when several new items arrive", () => {
    const d = nextPollInterval({
      ...base,
      currentSeconds: 3600,
      newItemCount: 5,
      recentItemTimes: times(60, 10),
    });
    expect(d.seconds).toBe(2700);
  });
  it("never goes below the feed's ttl / updatePeriod / max-age", () => {
    const busy = { ...base, currentSeconds: 600, newItemCount: 3, recentItemTimes: times(1, 20) };
    expect(nextPollInterval(busy).seconds).toBe(300);
    expect(nextPollInterval({ ...busy, ttlMinutes: 30 }).seconds).toBe(1800);
    expect(nextPollInterval({ ...busy, updatePeriodMinutes: 60 }).seconds).toBe(3600);
    expect(nextPollInterval({ ...busy, cacheMaxAgeSeconds: 900 }).seconds).toBe(900);
  });
  it("stays within bounds", () => {
    expect(
      nextPollInterval({
        ...base,
        currentSeconds: 86_400,
        newItemCount: 0,
        recentItemTimes: times(60 * 24 * 30, 5),
      }).seconds,
    ).toBe(86_400);
    expect(
      nextPollInterval({
        ...base,
        currentSeconds: 600,
        newItemCount: 0,
        recentItemTimes: [],
        ttlMinutes: 100_000,
      }).seconds,
    ).toBe(86_400);
    expect(
      nextPollInterval({ ...base, currentSeconds: 0, newItemCount: 2, recentItemTimes: [] }).seconds,
    ).toBe(300);
  });
});

describe("failureBackoff", () => {
  const mid = () => 0.5;
  it("counts hard errors 1 and transient ones 0.5", () => {
    expect(
      failureBackoff({ ...base, failureCount: 0, error: { kind: "http_4xx" }, random: mid }).failureCount,
    ).toBe(1);
    expect(
      failureBackoff({ ...base, failureCount: 0, error: { kind: "parse" }, random: mid }).failureCount,
    ).toBe(1);
    expect(
      failureBackoff({ ...base, failureCount: 1, error: { kind: "timeout" }, random: mid }).failureCount,
    ).toBe(1.5);
    expect(
      failureBackoff({ ...base, failureCount: 1, error: { kind: "http_5xx" }, random: mid }).failureCount,
    ).toBe(1.5);
  });
  it("grows exponentially with jitter", () => {
    const d = (n: number, r: number) =>
      failureBackoff({ ...base, failureCount: n, error: { kind: "http_4xx" }, random: () => r }).delaySeconds;
    expect(d(0, 0.5)).toBe(424); // 300 * 2^0.5
    expect(d(1, 0.5)).toBe(849);
    expect(d(2, 0.5)).toBe(1697);
    expect(d(2, 0)).toBe(Math.round(1697.06 * 0.8));
    expect(d(2, 0.999)).toBeGreaterThan(2030);
  });
  it("honours Retry-After", () => {
    const r = failureBackoff({
      ...base,
      failureCount: 0,
      error: { kind: "rate_limited", retryAfterSeconds: 7200 },
      random: mid,
    });
    expect(r).toMatchObject({ delaySeconds: 7200, failing: false, failureCount: 0.25 });
    const capped = failureBackoff({
      ...base,
      failureCount: 0,
      error: { kind: "http_5xx", retryAfterSeconds: 10 ** 7 },
      random: mid,
    });
    expect(capped.delaySeconds).toBe(86_400);
  });
  it("marks a feed failing after 5 hard errors or a permanent one, still retried at max", () => {
    let count = 0;
    let last = failureBackoff({ ...base, failureCount: count, error: { kind: "gone" }, random: mid });
    for (let i = 0; i < 4; i++) {
      count = last.failureCount;
      last = failureBackoff({ ...base, failureCount: count, error: { kind: "gone" }, random: mid });
    }
    expect(last).toEqual({ failureCount: 5, delaySeconds: 86_400, failing: true });
    expect(
      failureBackoff({
        ...base,
        failureCount: 0,
        error: { kind: "blocked_address", permanent: true },
        random: mid,
      }),
    ).toMatchObject({ failing: true, delaySeconds: 86_400 });
  });
});
