import { mulberry32 } from "@vesti/db";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PARAMS,
  type DetectorParams,
  detect,
  type PeriodCounts,
  type StratumCounts,
} from "../src/detect";
import { addDays, addPeriods } from "../src/period";

// The detector on hand-made series: what it must report, and what it must not.

const START = "2025-01-06";
const daily = DEFAULT_PARAMS.day;

/** A binomial draw (the counts of a day given its true share). */
function draw(rand: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rand() < p) k++;
  return k;
}

interface Stratum {
  key: string;
  articles: number;
  share: number;
}

/**
 * `days` days; `strata(d)` gives each stratum's articles and true share on day d. Mentions are binomial
 * with ±15% day-to-day variation of the share, from a fixed seed.
 */
function series(
  days: number,
  strata: (d: number) => Stratum[],
  seed = 7,
  g: "day" | "week" = "day",
): PeriodCounts[] {
  const rand = mulberry32(seed);
  const out: PeriodCounts[] = [];
  for (let d = 0; d < days; d++) {
    const wobble = 1 + 0.3 * (rand() - 0.5);
    out.push({
      period: addPeriods(START, d, g),
      strata: strata(d).map(
        (s): StratumCounts => ({
          key: s.key,
          articles: s.articles,
          mentions: draw(rand, s.articles, Math.min(1, s.share * wobble)),
        }),
      ),
    });
  }
  return out;
}

const steady =
  (spikes: [number, number, number][] = []) =>
  (d: number) => {
    const factor = spikes.find(([from, to]) => d >= from && d <= to)?.[2] ?? 1;
    return [
      { key: "a|sr", articles: 200, share: 0.05 * factor },
      { key: "b|sr", articles: 150, share: 0.05 * factor },
    ];
  };

describe("detect", () => {
  it("alerts once on a three-day spike, on its first day, with the numbers that triggered it", () => {
    const s = series(90, steady([[60, 62, 5]]));
    const { episodes, periods } = detect(s, "day", daily);
    expect(episodes).toHaveLength(1);
    const [e] = episodes;
    expect(e).toMatchObject({
      direction: "up",
      start: addDays(START, 60),
      end: addDays(START, 62),
      open: false,
    });
    expect(e!.trigger.share).toBeGreaterThan(0.18);
    expect(e!.trigger.baseline!.share).toBeGreaterThan(0.04);
    expect(e!.trigger.baseline!.share).toBeLessThan(0.06);
    expect(e!.trigger.baseline!.periods).toBe(28);
    expect(e!.trigger.z!).toBeGreaterThan(daily.z);
    expect(e!.trigger.p!).toBeLessThan(1e-4);
    // the quiet days before it are tested and do not fire
    expect(periods.slice(28, 60).every((p) => p.status === "tested" && p.fires === null)).toBe(true);
  });

  it("alerts again on a second spike once the first episode has ended", () => {
    const s = series(
      100,
      steady([
        [50, 51, 5],
        [70, 71, 5],
      ]),
    );
    expect(detect(s, "day", daily).episodes.map((e) => e.start)).toEqual([
      addDays(START, 50),
      addDays(START, 70),
    ]);
  });

  it("does not let an earlier spike raise the baseline of a later one", () => {
    const s = series(
      100,
      steady([
        [50, 52, 6],
        [62, 62, 3],
      ]),
    );
    const second = detect(s, "day", daily).periods[62]!;
    // the baseline of day 62 leaves days 50-52 out
    expect(second.baseline!.share).toBeLessThan(0.06);
  });

  it("alerts once on a level shift, and the baseline then follows the new level", () => {
    const s = series(140, (d) => steady()(d).map((x) => ({ ...x, share: d >= 60 ? 0.15 : 0.05 })));
    const { episodes, periods } = detect(s, "day", daily);
    expect(episodes).toHaveLength(1);
    expect(episodes[0]).toMatchObject({ start: addDays(START, 60), shift: true });
    expect(periods[139]!.baseline!.share).toBeGreaterThan(0.13);
  });

  it("reports drops only when asked to", () => {
    const s = series(90, (d) => steady()(d).map((x) => ({ ...x, share: d >= 60 && d < 66 ? 0.03 : 0.15 })));
    expect(detect(s, "day", daily).episodes).toEqual([]);
    const both = detect(s, "day", { ...daily, directions: ["up", "down"] });
    expect(both.episodes.map((e) => [e.direction, e.start])).toEqual([["down", addDays(START, 60)]]);
  });

  it("does not take a collection outage for a spike or a drop, in either direction", () => {
    // Outlet a covers the theme at 1%, b at 12%. Days 40-44: nothing collected; days 55-61 only b
    // (the share jumps from about 6% to 12%); days 70-76 only a (it falls to 1%).
    const s = series(90, (d) => {
      if (d >= 40 && d <= 44) return [];
      const a = { key: "a|sr", articles: 200, share: 0.01 };
      const b = { key: "b|sr", articles: 200, share: 0.12 };
      if (d >= 55 && d <= 61) return [b];
      if (d >= 70 && d <= 76) return [a];
      return [a, b];
    });
    const both: DetectorParams = { ...daily, directions: ["up", "down"] };
    const r = detect(s, "day", both);
    expect(r.episodes).toEqual([]);
    expect(r.periods.slice(40, 45).map((p) => p.status)).toEqual(Array(5).fill("no-data"));
    expect(r.periods[58]!.share).toBeGreaterThan(0.09);
    expect(r.periods[58]!.expected).toBeGreaterThan(0.09);
    // The same series summed into one stratum: the aggregate z-score sees a spike and a drop.
    const merged = s.map((p) => ({
      period: p.period,
      strata: [
        {
          key: "all",
          mentions: p.strata.reduce((n, x) => n + x.mentions, 0),
          articles: p.strata.reduce((n, x) => n + x.articles, 0),
        },
      ],
    }));
    const naive = detect(merged, "day", { ...both, method: "zscore", z: 3 });
    expect(naive.episodes.map((e) => e.direction).sort()).toEqual(["down", "up"]);
  });

  it("treats a day with too few articles as no data, never as zero", () => {
    const base = series(80, steady([[60, 60, 5]]));
    // Day 45: 8 articles, none tagged. Day 50: 40 articles (a tenth of the usual): also no data.
    const thin = base.map((p, d) =>
      d === 45
        ? { ...p, strata: [{ key: "a|sr", articles: 8, mentions: 0 }] }
        : d === 50
          ? { ...p, strata: [{ key: "a|sr", articles: 40, mentions: 0 }] }
          : p,
    );
    const empty = base.map((p, d) => (d === 45 || d === 50 ? { ...p, strata: [] } : p));
    const a = detect(thin, "day", daily);
    const b = detect(empty, "day", daily);
    expect(a.periods[45]).toMatchObject({ status: "no-data", share: 0 });
    expect(a.periods[50]!.status).toBe("no-data");
    expect(a.periods[45]!.z).toBeUndefined();
    // Every later period is tested exactly as if those days had no articles at all.
    for (let d = 46; d < 80; d++) {
      if (d === 50) continue;
      expect(a.periods[d]!.z).toBe(b.periods[d]!.z);
      expect(a.periods[d]!.baseline).toEqual(b.periods[d]!.baseline);
    }
    expect(a.episodes.map((e) => e.start)).toEqual([addDays(START, 60)]);
  });

  it("does not test a period without enough baseline", () => {
    const r = detect(series(20, steady()), "day", daily);
    expect(r.periods.filter((p) => p.status === "tested")).toHaveLength(20 - daily.minBaseline);
    expect(r.periods[3]!.status).toBe("no-baseline");
  });

  it("needs a minimum of mentions: three articles of a theme never seen before are not a spike", () => {
    const s = series(60, (d) => [{ key: "a|sr", articles: 300, share: d === 50 ? 0.01 : 0 }]);
    const r = detect(s, "day", daily);
    expect(r.periods[50]!.mentions).toBeGreaterThan(0);
    expect(r.periods[50]!.mentions).toBeLessThan(daily.minMentions);
    expect(r.episodes).toEqual([]);
    // the same day with enough mentions does fire
    const more = s.map((p, d) =>
      d === 50 ? { ...p, strata: [{ key: "a|sr", articles: 300, mentions: 9 }] } : p,
    );
    expect(detect(more, "day", daily).episodes.map((e) => e.start)).toEqual([addDays(START, 50)]);
  });

  it("is causal: more data never changes an earlier period", () => {
    const s = series(120, steady([[70, 72, 4]]));
    const full = detect(s, "day", daily);
    const prefix = detect(s.slice(0, 71), "day", daily);
    expect(full.periods.slice(0, 71)).toEqual(prefix.periods);
    expect(prefix.episodes.map((e) => e.start)).toEqual([addDays(START, 70)]);
    expect(prefix.episodes[0]!.open).toBe(true);
  });

  it("runs weekly on ISO weeks", () => {
    const s = series(
      40,
      (d) => steady([[30, 30, 4]])(d).map((x) => ({ ...x, articles: x.articles * 7 })),
      3,
      "week",
    );
    const r = detect(s, "week", DEFAULT_PARAMS.week);
    expect(r.episodes.map((e) => e.start)).toEqual([addPeriods(START, 30, "week")]);
    expect(r.episodes[0]!.trigger.baseline!.periods).toBe(DEFAULT_PARAMS.week.window);
  });

  it("refuses a series with holes and parameters that make no sense", () => {
    const s = series(10, steady());
    expect(() => detect([s[0]!, s[2]!], "day", daily)).toThrow(/every day in order/);
    expect(() => detect(s, "week", daily)).toThrow(/every week in order/);
    expect(() => detect(s, "day", { ...daily, z: 0 })).toThrow(/z must be positive/);
    expect(() => detect(s, "day", { ...daily, minBaseline: 40 })).toThrow(/minBaseline/);
    expect(() => detect(s, "day", { ...daily, directions: [] })).toThrow(/directions/);
  });
});
