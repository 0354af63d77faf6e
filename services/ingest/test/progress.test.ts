import { describe, expect, it } from "vitest";
import { type CycleSummary, formatCycle } from "../src/progress";

describe("formatCycle", () => {
  it("says what a poll cycle did in one line", () => {
    const c: CycleSummary = {
      startedAt: Date.now() - 6_000,
      fetched: 30,
      notModified: 2,
      refused: 1,
      failed: 4,
      failures: { network: 3, http_5xx: 1 },
      itemsSeen: 900,
      itemsNew: 140,
      themes: { vucic: 9, kosovo: 12, putin: 5 },
    };
    expect(formatCycle(c, 2)).toBe(
      "poll cycle: 37 feeds polled in 6 s · 140 new items (900 seen) · 2 unchanged · 1 not fetched by robots.txt · " +
        "4 failed (network 3, http_5xx 1) · 2 feeds marked failing (see `vesti sources health`) · " +
        "tags: kosovo 12, vucic 9, putin 5",
    );
  });
  it("says so when nothing was tagged", () => {
    const quiet = formatCycle(
      {
        startedAt: Date.now(),
        fetched: 1,
        notModified: 0,
        refused: 0,
        failed: 0,
        failures: {},
        itemsSeen: 3,
        itemsNew: 0,
        themes: {},
      },
      0,
    );
    expect(quiet).toBe("poll cycle: 1 feeds polled in 0 s · 0 new items (3 seen) · no theme tags");
  });
});
