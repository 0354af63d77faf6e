import { mulberry32 } from "@vesti/db";
import type { PeriodCounts, StratumCounts } from "../src/detect";
import { addDays, type Granularity, mondayOf } from "../src/period";

// Synthetic share series with known events, for measuring the detector (eval-alerts.ts) and testing it
// (test/scenarios.test.ts). Seeded and deterministic: a scenario and a seed always give the same series.
//
// The model is meant to be harder than the binomial textbook case, because news is: attention to a theme
// drifts from day to day (an AR(1) on the log share, sd 0.2–0.35), outlets differ in volume and in how
// much they cover the theme, weekends publish less (and sometimes cover a theme more), and collection
// fails (whole days, or one outlet for days). Mentions are binomial given the day's true share.

/** A change in the theme's true share: what the detector should report. */
export interface TrueEvent {
  /** A ramp is made of one-day steps (and a last, long one); it is scored as one event. */
  kind: "spike" | "drop" | "shift" | "ramp";
  /** First day (index from the series' start). */
  start: number;
  /** Days it lasts (a shift lasts to the end). */
  days: number;
  /** Multiplies the true share while it lasts. */
  factor: number;
}

/** A collection failure: fewer articles, same true share. The detector must stay quiet. */
export interface Outage {
  start: number;
  days: number;
  /** Strata affected; all when omitted. */
  strata?: readonly string[];
  /** Remaining fraction of the articles (0: nothing collected). */
  volume: number;
}

export interface SeriesSpec {
  days: number;
  /** A Monday (the first day). */
  startDay: string;
  strata: readonly { key: string; articles: number; shareFactor: number }[];
  baseShare: number;
  /** Day-to-day variation of attention: sd of the log share, and its lag-1 autocorrelation. */
  noiseSd: number;
  noiseAr: number;
  /** Draw attention's innovations from Student's t with 4 degrees of freedom (heavier tails). */
  heavyTails?: boolean;
  /** Weekend multipliers of the articles published and of the share. */
  weekendVolume: number;
  weekendShare: number;
  events: readonly TrueEvent[];
  outages: readonly Outage[];
}

export interface Scenario {
  name: string;
  granularity: Granularity;
  description: string;
  /** Series in the scenario. */
  count: number;
  spec(rand: () => number, index: number): SeriesSpec;
}

const START = "2025-01-06";

const uniform = (rand: () => number, lo: number, hi: number) => lo + (hi - lo) * rand();
const int = (rand: () => number, lo: number, hi: number) => Math.floor(uniform(rand, lo, hi + 1));

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Student's t with 4 degrees of freedom, scaled to unit variance. */
function studentT4(rand: () => number): number {
  let chi2 = 0;
  for (let i = 0; i < 4; i++) chi2 += gaussian(rand) ** 2;
  return gaussian(rand) / Math.sqrt(chi2 / 4) / Math.SQRT2;
}

function poisson(rand: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rand)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k++;
  return k;
}

function binomial(rand: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  const mean = n * p;
  if (mean * (1 - p) > 30)
    return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * gaussian(rand))));
  if (n <= 60) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rand() < p) k++;
    return k;
  }
  // Inversion (a small mean: few steps).
  const q = 1 - p;
  let prob = q ** n;
  let cdf = prob;
  const u = rand();
  let k = 0;
  while (u > cdf && k < n) {
    prob *= ((n - k) / (k + 1)) * (p / q);
    cdf += prob;
    k++;
  }
  return k;
}

/** The daily counts of one series (strata keyed as in the spec). */
export function generateDaily(spec: SeriesSpec, rand: () => number): PeriodCounts[] {
  const out: PeriodCounts[] = [];
  let x = 0;
  const stratumNoise = spec.strata.map(() => 0);
  for (let d = 0; d < spec.days; d++) {
    const day = addDays(spec.startDay, d);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const innovation = spec.heavyTails ? studentT4(rand) : gaussian(rand);
    x = spec.noiseAr * x + Math.sqrt(1 - spec.noiseAr ** 2) * spec.noiseSd * innovation;
    let effect = 1;
    for (const e of spec.events) if (d >= e.start && d < e.start + e.days) effect *= e.factor;
    const strata: StratumCounts[] = spec.strata.map((s, i) => {
      stratumNoise[i] = 0.5 * stratumNoise[i]! + 0.1 * gaussian(rand);
      let volume = s.articles * (weekend ? spec.weekendVolume : 1);
      for (const o of spec.outages)
        if (d >= o.start && d < o.start + o.days && (!o.strata || o.strata.includes(s.key)))
          volume *= o.volume;
      const articles = poisson(rand, volume);
      const share = Math.min(
        0.95,
        spec.baseShare *
          s.shareFactor *
          Math.exp(x + stratumNoise[i]! - spec.noiseSd ** 2 / 2) *
          (weekend ? spec.weekendShare : 1) *
          effect,
      );
      return { key: s.key, articles, mentions: binomial(rand, articles, share) };
    });
    out.push({ period: day, strata });
  }
  return out;
}

/** Sums a daily series into ISO weeks (the spec starts on a Monday; a trailing partial week is dropped). */
export function toWeekly(daily: readonly PeriodCounts[]): PeriodCounts[] {
  const weeks = new Map<string, Map<string, StratumCounts>>();
  for (const p of daily) {
    const week = mondayOf(p.period);
    const strata = weeks.get(week) ?? new Map<string, StratumCounts>();
    for (const s of p.strata) {
      const acc = strata.get(s.key) ?? { key: s.key, mentions: 0, articles: 0 };
      acc.mentions += s.mentions;
      acc.articles += s.articles;
      strata.set(s.key, acc);
    }
    weeks.set(week, strata);
  }
  const full = Math.floor(daily.length / 7);
  return [...weeks.entries()]
    .slice(0, full)
    .map(([period, strata]) => ({ period, strata: [...strata.values()] }));
}

export interface GeneratedSeries {
  spec: SeriesSpec;
  series: PeriodCounts[];
}

/** Every series of a scenario, from its seed. */
export function generateScenario(scenario: Scenario, seed: number): GeneratedSeries[] {
  const out: GeneratedSeries[] = [];
  for (let i = 0; i < scenario.count; i++) {
    // One PRNG stream per series: a series does not change when another one does.
    const rand = mulberry32((seed * 1_000_003 + i * 7919 + hash(scenario.name)) >>> 0);
    const spec = scenario.spec(rand, i);
    const daily = generateDaily(spec, rand);
    out.push({ spec, series: scenario.granularity === "day" ? daily : toWeekly(daily) });
  }
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Outlets of a series: 1–4, with volumes and coverage that differ. */
function outlets(rand: () => number, perDay: [number, number], min = 1): SeriesSpec["strata"] {
  const n = int(rand, min, 4);
  const total = uniform(rand, perDay[0], perDay[1]);
  const weights = Array.from({ length: n }, () => uniform(rand, 0.5, 2));
  const sum = weights.reduce((s, w) => s + w, 0);
  return weights.map((w, i) => ({
    key: `outlet-${i}`,
    articles: (total * w) / sum,
    shareFactor: n === 1 ? 1 : uniform(rand, 0.4, 2),
  }));
}

const DAILY_DAYS = 180;
/** Events start after the daily detector's baseline has filled (28 days) and a margin. */
const FIRST_EVENT = 45;

function base(rand: () => number, options: Partial<SeriesSpec> = {}): SeriesSpec {
  return {
    days: DAILY_DAYS,
    startDay: START,
    strata: outlets(rand, [60, 600]),
    baseShare: uniform(rand, 0.01, 0.12),
    noiseSd: uniform(rand, 0.2, 0.35),
    noiseAr: uniform(rand, 0.3, 0.7),
    weekendVolume: uniform(rand, 0.5, 0.8),
    weekendShare: 1,
    events: [],
    outages: [],
    ...options,
  };
}

/** Non-overlapping event starts, at least `gap` days apart. */
function starts(rand: () => number, count: number, gap: number, last: number): number[] {
  const out: number[] = [];
  for (let tries = 0; out.length < count && tries < 1000; tries++) {
    const s = int(rand, FIRST_EVENT, last);
    if (out.every((o) => Math.abs(o - s) >= gap)) out.push(s);
  }
  return out.sort((a, b) => a - b);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "quiet",
    granularity: "day",
    description: "no event: drifting attention, weekday volume cycle (false-alarm check)",
    count: 120,
    spec: (rand) => base(rand),
  },
  {
    name: "quiet-seasonal",
    granularity: "day",
    description: "no event: weekends publish half as much and cover the theme 1.3× more",
    count: 80,
    spec: (rand) => base(rand, { weekendVolume: 0.5, weekendShare: 1.3 }),
  },
  {
    name: "quiet-heavy",
    granularity: "day",
    description: "no event: attention's day-to-day changes heavy-tailed (Student t, 4 df), not lognormal",
    count: 80,
    spec: (rand) => base(rand, { heavyTails: true }),
  },
  {
    name: "quiet-rare",
    granularity: "day",
    description: "no event: a rare theme (0.2–1% of articles)",
    count: 80,
    spec: (rand) => base(rand, { baseShare: uniform(rand, 0.002, 0.01) }),
  },
  {
    name: "spike",
    granularity: "day",
    description: "1–2 spikes of 1–4 days, share ×4–8",
    count: 120,
    spec: (rand) => {
      const s = base(rand);
      const events = starts(rand, int(rand, 1, 2), 30, DAILY_DAYS - 10).map((start) => ({
        kind: "spike" as const,
        start,
        days: int(rand, 1, 4),
        factor: uniform(rand, 4, 8),
      }));
      return { ...s, events };
    },
  },
  {
    name: "spike-small",
    granularity: "day",
    description: "one spike of 2–4 days, share ×2 (hard)",
    count: 80,
    spec: (rand) => ({
      ...base(rand),
      events: [
        { kind: "spike", start: int(rand, FIRST_EVENT, DAILY_DAYS - 10), days: int(rand, 2, 4), factor: 2 },
      ],
    }),
  },
  {
    name: "spike-rare",
    granularity: "day",
    description: "a rare theme (0.3–1%) spiking ×5–10 for 1–3 days",
    count: 80,
    spec: (rand) => ({
      ...base(rand, { baseShare: uniform(rand, 0.003, 0.01) }),
      events: [
        {
          kind: "spike",
          start: int(rand, FIRST_EVENT, DAILY_DAYS - 10),
          days: int(rand, 1, 3),
          factor: uniform(rand, 5, 10),
        },
      ],
    }),
  },
  {
    name: "double-spike",
    granularity: "day",
    description: "two 2-day spikes ×4, 8–14 days apart: two alerts",
    count: 60,
    spec: (rand) => {
      const first = int(rand, FIRST_EVENT, DAILY_DAYS - 30);
      const second = first + int(rand, 8, 14);
      return {
        ...base(rand),
        events: [first, second].map((start) => ({ kind: "spike" as const, start, days: 2, factor: 4 })),
      };
    },
  },
  {
    name: "level-shift",
    granularity: "day",
    description: "share ×2.5 from one day on: one alert, then quiet",
    count: 80,
    spec: (rand) => {
      const start = int(rand, FIRST_EVENT, DAILY_DAYS - 40);
      return { ...base(rand), events: [{ kind: "shift", start, days: DAILY_DAYS - start, factor: 2.5 }] };
    },
  },
  {
    name: "ramp",
    granularity: "day",
    description: "attention climbs ×3–6 over 3–5 weeks, then stays: one alert during the climb",
    count: 60,
    spec: (rand) => {
      const start = int(rand, FIRST_EVENT, DAILY_DAYS - 80);
      const days = int(rand, 21, 35);
      const target = uniform(rand, 3, 6);
      // Steps of a day each, multiplying up to the target; then the new level to the end.
      const events: TrueEvent[] = [];
      for (let d = 0; d < days; d++)
        events.push({ kind: "ramp", start: start + d, days: 1, factor: target ** ((d + 1) / days) });
      events.push({ kind: "ramp", start: start + days, days: DAILY_DAYS - start - days, factor: target });
      return { ...base(rand), events };
    },
  },
  {
    name: "drop",
    granularity: "day",
    description: "a frequent theme (8–20%) falls to 0.3× for 3–10 days",
    count: 80,
    spec: (rand) => ({
      ...base(rand, { baseShare: uniform(rand, 0.08, 0.2) }),
      events: [
        { kind: "drop", start: int(rand, FIRST_EVENT, DAILY_DAYS - 15), days: int(rand, 3, 10), factor: 0.3 },
      ],
    }),
  },
  {
    name: "outage",
    granularity: "day",
    description: "no event: whole days lost, days at 5–15% volume, outlets down for 3–10 days",
    count: 100,
    spec: (rand) => {
      // Outlets that cover the theme very differently, so losing some changes the mix a lot: without
      // the low-coverage outlet the share rises, without the others it falls.
      const strata = outlets(rand, [60, 600], 2).map((x, i) => ({
        ...x,
        shareFactor: i === 0 ? 0.25 : uniform(rand, 1, 2.5),
      }));
      const at = starts(rand, 4, 20, DAILY_DAYS - 12);
      const outages: Outage[] = [
        { start: at[0]!, days: int(rand, 1, 4), volume: 0 },
        { start: at[1]!, days: int(rand, 1, 3), volume: uniform(rand, 0.05, 0.15) },
        { start: at[2]!, days: int(rand, 3, 10), strata: ["outlet-0"], volume: 0 },
        { start: at[3]!, days: int(rand, 3, 10), strata: strata.slice(1).map((x) => x.key), volume: 0 },
      ];
      return { ...base(rand), strata, outages };
    },
  },
  {
    name: "low-volume",
    granularity: "day",
    description: "25–60 articles a day; one spike of 2–4 days, share ×4–6",
    count: 80,
    spec: (rand) => ({
      ...base(rand, { strata: outlets(rand, [25, 60]), baseShare: uniform(rand, 0.03, 0.1) }),
      events: [
        {
          kind: "spike",
          start: int(rand, FIRST_EVENT, DAILY_DAYS - 10),
          days: int(rand, 2, 4),
          factor: uniform(rand, 4, 6),
        },
      ],
    }),
  },
  {
    name: "weekly-quiet",
    granularity: "week",
    description: "no event, 2 years of weeks (false-alarm check)",
    count: 80,
    spec: (rand) => base(rand, { days: 7 * 104 }),
  },
  {
    name: "weekly-spike",
    granularity: "week",
    description: "a 7–14 day spike, share ×2.5–5",
    count: 80,
    spec: (rand) => ({
      ...base(rand, { days: 7 * 60 }),
      events: [
        {
          kind: "spike",
          start: int(rand, 7 * 14, 7 * 56),
          days: int(rand, 7, 14),
          factor: uniform(rand, 2.5, 5),
        },
      ],
    }),
  },
  {
    name: "weekly-outage",
    granularity: "week",
    description: "no event: outlets down for 1–3 weeks, a week at 10% volume",
    count: 80,
    spec: (rand) => {
      const strata = outlets(rand, [60, 600], 2).map((x, i) => ({
        ...x,
        shareFactor: i === 0 ? 0.25 : uniform(rand, 1, 2.5),
      }));
      const outages: Outage[] = [
        { start: 7 * int(rand, 14, 24), days: 7 * int(rand, 1, 3), strata: ["outlet-0"], volume: 0 },
        {
          start: 7 * int(rand, 30, 40),
          days: 7 * int(rand, 1, 3),
          strata: strata.slice(1).map((x) => x.key),
          volume: 0,
        },
        { start: 7 * int(rand, 46, 56), days: 7, volume: 0.1 },
      ];
      return { ...base(rand, { days: 7 * 60 }), strata, outages };
    },
  },
];
