import { addPeriods, type Granularity } from "./period";
import {
  binomialLower,
  binomialUpper,
  madSigma,
  mean,
  median,
  negBinomialLower,
  negBinomialUpper,
  normalCdf,
  poissonLognormalLower,
  poissonLognormalUpper,
  stdev,
  studentQuantileUpper,
  zOfUpperTail,
} from "./stats";

// The spike detector: a pure function of a zero-filled series of mentions and articles. docs/alerts.md
// describes the method and why its defaults are what they are (`pnpm eval:alerts` measures them).
//
// The series is split into strata (outlet × language): the expected mentions of a period are each
// stratum's articles times that stratum's baseline share, so an outage of some outlets (which changes
// the mix of what was collected, not what was written) moves the expectation with it instead of looking
// like a spike or a drop.

export type Direction = "up" | "down";
export type Method = "pln" | "nb" | "zscore" | "mad" | "binomial";

/** One stratum's counts in one period. */
export interface StratumCounts {
  /** Any stable key, e.g. "outlet|lang". */
  key: string;
  mentions: number;
  articles: number;
}

/** One period of a dense series: every period in order, with no strata (or zeros) when nothing was collected. */
export interface PeriodCounts {
  period: string;
  strata: readonly StratumCounts[];
}

export interface DetectorParams {
  /** The test: see docs/alerts.md. */
  method: Method;
  /** Baseline: the last `window` periods with data before the period under test. */
  window: number;
  /** Fewest baseline periods with data for a test; fewer: the period is not tested. */
  minBaseline: number;
  /** How far back (in periods) the baseline may reach to find `window` periods with data. */
  maxLookback: number;
  /** A period with fewer articles is "no data": never tested, never part of a baseline. */
  minArticles: number;
  /** ... and so is one with fewer than this fraction of its baseline's median articles (an outage). */
  minVolumeRatio: number;
  /** Up: at least this many mentions in the period; down: at least this many expected. */
  minMentions: number;
  /** Up: share at least minLift × expected; down: at most expected / minLift. */
  minLift: number;
  /** |z| at which a period fires (for the p-value tests, z = Φ⁻¹(1 − p)). */
  z: number;
  /** An open episode goes on while |z| stays at or above this, in its direction. */
  continueZ: number;
  /** Periods at |z| ≥ this (in an alerted direction) are left out of later baselines. */
  elevatedZ: number;
  /** An open episode ends after this many tested periods below continueZ. */
  cooldown: number;
  /** With an episode open, more than half of the last maxEpisode tested periods elevated: a new level. */
  maxEpisode: number;
  directions: readonly Direction[];
}

const DAILY: DetectorParams = {
  method: "nb",
  window: 28,
  minBaseline: 14,
  maxLookback: 56,
  minArticles: 20,
  minVolumeRatio: 0.3,
  minMentions: 5,
  minLift: 1.5,
  z: 3.75,
  continueZ: 1,
  elevatedZ: 2,
  cooldown: 3,
  maxEpisode: 14,
  directions: ["up"],
};

const WEEKLY: DetectorParams = {
  ...DAILY,
  window: 12,
  minBaseline: 6,
  maxLookback: 24,
  minArticles: 100,
  minMentions: 10,
  z: 3,
  cooldown: 2,
  maxEpisode: 6,
};

/** The documented defaults (docs/alerts.md), per granularity. */
export const DEFAULT_PARAMS: Readonly<Record<Granularity, Readonly<DetectorParams>>> = {
  day: DAILY,
  week: WEEKLY,
};

export interface Baseline {
  /** Periods with data the baseline is made of. */
  periods: number;
  /** Share of all the baseline's articles (sum of mentions / sum of articles). */
  share: number;
  /** Standard deviation of the baseline periods' shares. */
  spread: number;
  /** Median articles per baseline period. */
  medianArticles: number;
}

export interface PeriodResult {
  period: string;
  mentions: number;
  articles: number;
  /** mentions / articles; null without articles. */
  share: number | null;
  /** "no-data": too few articles (or none); "no-baseline": too few earlier periods with data. */
  status: "tested" | "no-data" | "no-baseline";
  baseline?: Baseline;
  /** The share the test expected for this period (for `nb`: given which strata published how much). */
  expected?: number;
  /** Signed: positive above the expectation. */
  z?: number;
  /** One-sided p-value in the direction of the deviation (normal tail of z for zscore and mad). */
  p?: number;
  /** share / expected. */
  lift?: number;
  /** The direction in which this period passes every test, if any. */
  fires?: Direction | null;
}

export interface Episode {
  direction: Direction;
  /** The period that fired: an episode is known (and alerted) by it. */
  start: string;
  /** The last period that was still elevated. */
  end: string;
  trigger: PeriodResult;
  /** The most extreme tested period of the episode (largest |z| in its direction). */
  peak: PeriodResult;
  /** True while the episode had not ended at the last period of the series. */
  open: boolean;
  /** Its level lasted: the baseline took it in while the episode went on (a level shift, or a climb). */
  shift: boolean;
}

export interface Detection {
  periods: PeriodResult[];
  episodes: Episode[];
}

/**
 * Tests every period of a dense, chronological series against its own trailing baseline and groups the
 * periods that fire into episodes. Causal: a period's result depends only on it and earlier periods, so
 * running on a longer series never changes the result for an earlier period.
 *
 * Episodes: a period that fires opens one (when none of its direction is open); it goes on while tested
 * periods stay at |z| ≥ continueZ in its direction (attention not back near its baseline), and ends
 * after `cooldown` tested periods that are; periods without data neither extend nor end it. Only then
 * can a new episode of that direction start. Elevated periods (|z| ≥ elevatedZ) are left out of later
 * baselines, so
 * that one spike does not hide the next and a slow climb does not raise its own baseline until it passes
 * unnoticed. A new level is accepted into the baseline when more than half of the recent tested periods
 * were elevated: the last maxEpisode while an episode is open (it is then a shift, alerted once at its
 * start, and goes on until attention is back near the new baseline), the last `window` otherwise.
 */
export function detect(series: readonly PeriodCounts[], g: Granularity, params: DetectorParams): Detection {
  validateParams(params);
  for (let i = 1; i < series.length; i++)
    if (series[i]!.period !== addPeriods(series[i - 1]!.period, 1, g))
      throw new Error(
        `the series must list every ${g} in order: ${series[i - 1]!.period} is followed by ${series[i]!.period}`,
      );

  const totals = series.map((p) => ({
    mentions: p.strata.reduce((s, x) => s + x.mentions, 0),
    articles: p.strata.reduce((s, x) => s + x.articles, 0),
  }));
  const hasData: boolean[] = [];
  /** Periods that belong to an episode (open, or closed without becoming a shift). */
  const inEpisode: boolean[] = [];
  const results: PeriodResult[] = [];
  const episodes: Episode[] = [];
  const state = new Map<Direction, { episode: Episode; quiet: number }>();
  const testedIdx: number[] = [];

  for (let t = 0; t < series.length; t++) {
    const result = testPeriod(t);
    results.push(result);
    if (result.status === "tested") testedIdx.push(t);
    // An elevated period (|z| ≥ elevatedZ in an alerted direction) is kept out of later baselines even
    // when it does not fire: a slow rise must not raise its own baseline until it passes unnoticed.
    inEpisode.push(
      result.status === "tested" &&
        params.directions.some((d) => (d === "up" ? result.z! : -result.z!) >= params.elevatedZ),
    );
    if (result.status !== "tested") continue;
    for (const direction of params.directions) {
      const sign = direction === "up" ? 1 : -1;
      const z = sign * result.z!;
      const open = state.get(direction);
      if (open) {
        if (z >= params.continueZ || result.fires === direction) {
          open.episode.end = result.period;
          open.quiet = 0;
          inEpisode[t] ||= z >= params.elevatedZ;
          if (z > sign * open.episode.peak.z!) open.episode.peak = result;
        } else if (++open.quiet >= params.cooldown) {
          open.episode.open = false;
          state.delete(direction);
        }
      } else if (result.fires === direction) {
        const episode: Episode = {
          direction,
          start: result.period,
          end: result.period,
          trigger: result,
          peak: result,
          open: true,
          shift: false,
        };
        episodes.push(episode);
        state.set(direction, { episode, quiet: 0 });
        inEpisode[t] = true;
      }
    }
    // A new level. With an episode open (it was alerted once), when more than half of the last
    // maxEpisode tested periods were elevated; without one (a change too gradual to fire), when more
    // than half of the last `window` were: the elevated periods then join the baseline, which follows
    // the level from now on. An open episode is marked a shift and goes on until attention is back near
    // the new baseline, so a climb that continues is still one episode.
    const span = state.size > 0 ? params.maxEpisode : params.window;
    const recent = testedIdx.slice(-span);
    if (recent.length === span && recent.filter((j) => inEpisode[j]).length * 2 > recent.length) {
      for (const j of recent) inEpisode[j] = false;
      for (const open of state.values()) open.episode.shift = true;
    }
  }
  episodes.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return { periods: results, episodes };

  function testPeriod(t: number): PeriodResult {
    const { mentions, articles } = totals[t]!;
    const base: PeriodResult = {
      period: series[t]!.period,
      mentions,
      articles,
      share: articles > 0 ? mentions / articles : null,
      status: "no-data",
    };
    const baselineIdx: number[] = [];
    for (let j = t - 1; j >= 0 && t - j <= params.maxLookback && baselineIdx.length < params.window; j--)
      if (hasData[j] && !inEpisode[j]) baselineIdx.push(j);
    const medianArticles = median(baselineIdx.map((j) => totals[j]!.articles));
    const enough =
      articles >= params.minArticles &&
      !(baselineIdx.length > 0 && articles < params.minVolumeRatio * medianArticles);
    hasData.push(enough);
    if (!enough) return base;
    if (baselineIdx.length < params.minBaseline) return { ...base, status: "no-baseline" };
    const shares = baselineIdx.map((j) => totals[j]!.mentions / totals[j]!.articles);
    const sumK = baselineIdx.reduce((s, j) => s + totals[j]!.mentions, 0);
    const sumN = baselineIdx.reduce((s, j) => s + totals[j]!.articles, 0);
    const baseline: Baseline = {
      periods: baselineIdx.length,
      share: sumK / sumN,
      spread: stdev(shares),
      medianArticles,
    };
    const test = TESTS[params.method](
      series[t]!.strata,
      baselineIdx.map((j) => series[j]!.strata),
      { mentions, articles },
      baselineIdx.map((j) => totals[j]!),
      params.z,
    );
    const share = mentions / articles;
    const lift = test.expected > 0 ? share / test.expected : share > 0 ? Number.POSITIVE_INFINITY : 1;
    const expectedMentions = test.expected * articles;
    let fires: Direction | null = null;
    if (
      params.directions.includes("up") &&
      test.z >= params.z &&
      mentions >= params.minMentions &&
      lift >= params.minLift
    )
      fires = "up";
    else if (
      params.directions.includes("down") &&
      test.z <= -params.z &&
      expectedMentions >= params.minMentions &&
      lift <= 1 / params.minLift
    )
      fires = "down";
    return {
      ...base,
      status: "tested",
      baseline,
      expected: test.expected,
      z: test.z,
      p: test.p,
      lift,
      fires,
    };
  }
}

interface TestResult {
  /** Expected share of the period under test. */
  expected: number;
  z: number;
  p: number;
}

type Test = (
  current: readonly StratumCounts[],
  baseline: readonly (readonly StratumCounts[])[],
  total: { mentions: number; articles: number },
  baselineTotals: readonly { mentions: number; articles: number }[],
  /** The firing threshold, for the tests that widen their spread for a small baseline. */
  z: number,
) => TestResult;

/** A share's binomial standard error at `articles`, for a share floored at half a mention of the baseline. */
function samplingFloor(share: number, sumArticles: number, articles: number): number {
  const p = Math.max(share, 0.5 / sumArticles);
  return Math.sqrt((p * (1 - p)) / articles);
}

function normalTest(share: number, center: number, spread: number): { z: number; p: number } {
  const z = (share - center) / spread;
  return { z, p: normalCdf(-Math.abs(z)) };
}

const zscore: Test = (_current, _baseline, total, baselineTotals) => {
  const shares = baselineTotals.map((b) => b.mentions / b.articles);
  const center = mean(shares);
  const sumN = baselineTotals.reduce((s, b) => s + b.articles, 0);
  const spread = Math.max(stdev(shares), samplingFloor(center, sumN, total.articles));
  return { expected: center, ...normalTest(total.mentions / total.articles, center, spread) };
};

const mad: Test = (_current, _baseline, total, baselineTotals) => {
  const shares = baselineTotals.map((b) => b.mentions / b.articles);
  const center = median(shares);
  const sumN = baselineTotals.reduce((s, b) => s + b.articles, 0);
  const spread = Math.max(madSigma(shares, center), samplingFloor(center, sumN, total.articles));
  return { expected: center, ...normalTest(total.mentions / total.articles, center, spread) };
};

const binomial: Test = (_current, _baseline, total, baselineTotals) => {
  const sumK = baselineTotals.reduce((s, b) => s + b.mentions, 0);
  const sumN = baselineTotals.reduce((s, b) => s + b.articles, 0);
  const p0 = (sumK + 0.5) / (sumN + 1);
  return exactTest(
    total.mentions,
    p0 * total.articles,
    (k) => binomialUpper(k, total.articles, p0),
    (k) => binomialLower(k, total.articles, p0),
  ).withExpected(p0);
};

function exactTest(
  k: number,
  expectedCount: number,
  upper: (k: number) => number,
  lower: (k: number) => number,
) {
  const up = k >= expectedCount;
  const p = up ? upper(k) : lower(k);
  const z = up ? Math.max(0, zOfUpperTail(p)) : -Math.max(0, zOfUpperTail(p));
  return { withExpected: (expected: number): TestResult => ({ expected, z, p }) };
}

/** Pseudo-articles at the pooled share that a stratum's own baseline share is shrunk towards. */
const STRATUM_PRIOR_ARTICLES = 50;
interface StratifiedFit {
  /** Expected mentions of the period under test. */
  lambda: number;
  /** Variation of attention beyond counting noise: σ of the log rate (`log`), NB2 dispersion (`ratio`). */
  dispersion: number;
}

/**
 * The baseline of the stratified tests (pln, nb). Each stratum's share is its baseline share (shrunk
 * towards the pooled one when it has few articles), and a period's expected mentions are its strata's
 * articles times those shares, times a level that undoes the shrinkage (observed / expected over the
 * baseline). The variation of attention is the standard deviation of the baseline periods' log ratios
 * (observed / expected) less the part counting noise explains, widened for having been estimated from
 * m periods: by √(1 + 1/m), and by the ratio of Student's t (m − 1 degrees of freedom) to the normal
 * quantile at the firing threshold (at most 2), so that a threshold of z means what it says for an
 * 8-week baseline.
 */
function fitStratified(
  current: readonly StratumCounts[],
  baseline: readonly (readonly StratumCounts[])[],
  scale: "ratio" | "log",
  z: number,
): StratifiedFit {
  const index = new Map<string, number>();
  for (const b of baseline) for (const s of b) if (!index.has(s.key)) index.set(s.key, index.size);
  for (const s of current) if (!index.has(s.key)) index.set(s.key, index.size);
  const k = new Float64Array(index.size);
  const n = new Float64Array(index.size);
  let sumK = 0;
  let sumN = 0;
  for (const strata of baseline)
    for (const s of strata) {
      const j = index.get(s.key)!;
      k[j]! += s.mentions;
      n[j]! += s.articles;
      sumK += s.mentions;
      sumN += s.articles;
    }
  // Half a mention over the whole baseline: a theme never seen before is rare, not impossible.
  const pooled = (sumK + 0.5) / (sumN + 1);
  const shares = k.map((kj, j) => (kj + STRATUM_PRIOR_ARTICLES * pooled) / (n[j]! + STRATUM_PRIOR_ARTICLES));
  const expectedOf = (strata: readonly StratumCounts[]) =>
    strata.reduce((sum, s) => sum + s.articles * shares[index.get(s.key)!]!, 0);
  const expected = baseline.map(expectedOf);
  const observed = baseline.map((b) => b.reduce((sum, s) => sum + s.mentions, 0));
  const level = (sumK + 0.5) / (expected.reduce((s, e) => s + e, 0) + 0.5);
  const lambda = level * expectedOf(current);

  // The spread is estimated from m periods: a new period's deviation follows Student's t with m − 1
  // degrees of freedom and scale S·√(1 + 1/m) (S: the baseline's standard deviation, counting noise
  // included). The tail below is Poisson–lognormal (or NB), so S² is widened by √(1 + 1/m) and by the
  // ratio of the t to the normal quantile at the threshold, and only then is the baseline's counting
  // variance taken out: at the threshold the test then matches the t prediction.
  const m = baseline.length;
  // At most 2: at extreme thresholds (z ≫ 4) the quantile ratio explodes for small m, and so would σ.
  const widen = m > 2 ? Math.min(2, studentQuantileUpper(normalCdf(-z), m - 1) / z) : 2;
  const predictive = (1 + 1 / m) * widen * widen;
  if (scale === "log") {
    // Var(ln((K + ½)/(λ + ½))) ≈ σ² + 1/(λ + ½) (the delta method; the halves keep zeros finite).
    const logs = observed.map((x, i) => Math.log((x + 0.5) / (level * expected[i]! + 0.5)));
    const countingVar = mean(expected.map((e) => 1 / (level * e + 0.5)));
    return { lambda, dispersion: Math.sqrt(Math.max(0, variance(logs) * predictive - countingVar)) };
  }
  // Var(K/E) under NB2 = level/E (counting) + dispersion·level².
  const ratios = observed.map((x, i) => x / expected[i]!);
  const countingVar = mean(expected.map((e) => level / e));
  return { lambda, dispersion: Math.max(0, variance(ratios) * predictive - countingVar) / (level * level) };
}

const variance = (xs: readonly number[]) => stdev(xs) ** 2;

/**
 * The default: a negative binomial tail on the stratified expectation (attention gamma-distributed
 * around its level, counts Poisson given it). `pnpm eval:alerts` chose it over the Poisson–lognormal
 * below: as good on spikes at an equal false-alarm rate, and more robust when attention's changes are
 * heavier-tailed than lognormal.
 */
const nb: Test = (current, baseline, total, _totals, z) => {
  const { lambda, dispersion } = fitStratified(current, baseline, "ratio", z);
  return exactTest(
    total.mentions,
    lambda,
    (k) => negBinomialUpper(k, lambda, dispersion),
    (k) => negBinomialLower(k, lambda, dispersion),
  ).withExpected(lambda / total.articles);
};

/**
 * Poisson–lognormal tail on the stratified expectation. Attention varies multiplicatively
 * (a theme at 10% moves by points, one at 1% by tenths), so its variation is a σ on the log scale; the
 * count given the day's rate is Poisson.
 */
const pln: Test = (current, baseline, total, _totals, z) => {
  const { lambda, dispersion } = fitStratified(current, baseline, "log", z);
  return exactTest(
    total.mentions,
    lambda,
    (k) => poissonLognormalUpper(k, lambda, dispersion),
    (k) => poissonLognormalLower(k, lambda, dispersion),
  ).withExpected(lambda / total.articles);
};

const TESTS: Record<Method, Test> = { pln, nb, zscore, mad, binomial };

export function validateParams(p: DetectorParams): void {
  const problems: string[] = [];
  if (!(p.method in TESTS)) problems.push(`method must be one of ${Object.keys(TESTS).join(", ")}`);
  for (const k of ["window", "minBaseline", "maxLookback", "cooldown", "maxEpisode"] as const)
    if (!Number.isInteger(p[k]) || p[k] < 1) problems.push(`${k} must be a positive integer`);
  if (p.minBaseline > p.window) problems.push("minBaseline must not exceed window");
  if (p.maxLookback < p.window) problems.push("maxLookback must be at least window");
  for (const k of ["minArticles", "minMentions"] as const)
    if (!Number.isInteger(p[k]) || p[k] < 1) problems.push(`${k} must be a positive integer`);
  if (!(p.minVolumeRatio >= 0 && p.minVolumeRatio < 1)) problems.push("minVolumeRatio must be in [0, 1)");
  if (!(p.minLift >= 1)) problems.push("minLift must be at least 1");
  if (!(p.z > 0)) problems.push("z must be positive");
  if (!(p.continueZ > 0 && p.continueZ <= p.z)) problems.push("continueZ must be positive and at most z");
  if (!(p.elevatedZ > 0 && p.elevatedZ <= p.z)) problems.push("elevatedZ must be positive and at most z");
  if (p.directions.length === 0 || p.directions.some((d) => d !== "up" && d !== "down"))
    problems.push('directions must be "up", "down" or both');
  if (problems.length > 0) throw new Error(`invalid detector parameters: ${problems.join("; ")}`);
}
