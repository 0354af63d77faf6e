import type { PeriodCounts, StratumCounts } from "./detect";
import { type Granularity, periodRange } from "./period";

/** One stratum's counts in one period, as the database returns them (only periods with articles). */
export interface SeriesRow {
  period: string;
  outlet: string;
  lang: string;
  mentions: number;
  articles: number;
}

/**
 * The dense series the detector reads: every period from the one containing `from` to the one
 * containing `to`, strata keyed "outlet|lang", and no strata at all for a period without rows (no
 * articles: no data, not zero).
 */
export function seriesFromRows(
  rows: readonly SeriesRow[],
  range: { from: string; to: string },
  g: Granularity,
): PeriodCounts[] {
  const byPeriod = new Map<string, StratumCounts[]>();
  for (const r of rows) {
    const strata = byPeriod.get(r.period) ?? [];
    strata.push({ key: `${r.outlet}|${r.lang}`, mentions: Number(r.mentions), articles: Number(r.articles) });
    byPeriod.set(r.period, strata);
  }
  const periods = periodRange(range.from, range.to, g);
  const known = new Set(periods);
  for (const p of byPeriod.keys())
    if (!known.has(p)) throw new Error(`row for ${p} outside ${periods[0]}..${periods.at(-1)} (by ${g})`);
  return periods.map((period) => ({ period, strata: byPeriod.get(period) ?? [] }));
}
