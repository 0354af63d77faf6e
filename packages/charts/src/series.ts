// The pure part of a chart: counts per period → the values drawn, on a calendar that makes missing periods
// explicit. A period with no articles (nothing fetched, or the outlets published nothing) is a gap, never a
// zero; a period with articles but no mentions is a zero.

export type Period = "day" | "week" | "month";
export type Measure = "share" | "count";

/** One period's numbers as the analytics views give them. */
export interface PeriodCount {
  /** The UTC day, the Monday of the ISO week, or the first day of the month (YYYY-MM-DD). */
  period: string;
  mentions: number;
  articles: number;
}

export interface PreparedPoint {
  period: string;
  date: Date;
  /** null: no articles in the period (a gap). */
  mentions: number | null;
  articles: number | null;
  /** The raw value (share or count); null for a gap. */
  raw: number | null;
  /** The value drawn: the raw value or its rolling average; null for a gap. */
  value: number | null;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function parseDay(day: string): Date {
  if (!DAY_RE.test(day)) throw new Error(`not a day (YYYY-MM-DD): "${day}"`);
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new Error(`not a day (YYYY-MM-DD): "${day}"`);
  return d;
}

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The start of the period that contains `day`. */
export function periodStart(day: string, by: Period): string {
  const d = parseDay(day);
  if (by === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  else if (by === "month") d.setUTCDate(1);
  return isoDay(d);
}

/** The start of the period after the one starting on `start`. */
export function nextPeriod(start: string, by: Period): string {
  const d = parseDay(start);
  if (by === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (by === "week") d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1, 1);
  return isoDay(d);
}

/** The last day of the period starting on `start`. */
export function periodEnd(start: string, by: Period): string {
  return isoDay(new Date(parseDay(nextPeriod(start, by)).getTime() - DAY_MS));
}

/** "2026-W47" for the ISO week containing `day`. */
export function isoWeekLabel(day: string): string {
  const monday = parseDay(periodStart(day, "week"));
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week1 = parseDay(periodStart(`${year}-01-04`, "week"));
  const week = 1 + Math.round((monday.getTime() - week1.getTime()) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** How a period is named on axes, tooltips and in CSV files. */
export function periodLabel(start: string, by: Period): string {
  if (by === "week") return isoWeekLabel(start);
  if (by === "month") return start.slice(0, 7);
  return start;
}

/** Every period start from the period containing `from` to the one containing `to`, inclusive. */
export function calendar(from: string, to: string, by: Period, limit = 20_000): string[] {
  const out: string[] = [];
  const last = periodStart(to, by);
  for (let p = periodStart(from, by); p <= last; p = nextPeriod(p, by)) {
    out.push(p);
    if (out.length > limit) throw new Error(`more than ${limit} periods from ${from} to ${to}`);
  }
  return out;
}

/**
 * The drawn series on the calendar `periods`: a period absent from `counts` or with no articles is a gap
 * (null); `smooth` > 1 replaces each present value by the average over the trailing `smooth` periods,
 * counting only the present ones (a gap neither drags the average to zero nor is filled in). A share is
 * averaged as sum(mentions) / sum(articles) over the window, the way the views define a share over
 * several days, not as an average of shares.
 */
export function prepareSeries(
  counts: readonly PeriodCount[],
  periods: readonly string[],
  measure: Measure,
  smooth = 0,
): PreparedPoint[] {
  if (!Number.isInteger(smooth) || smooth < 0 || smooth > 30)
    throw new Error(`smoothing must be an integer from 0 to 30 periods, not ${smooth}`);
  const byPeriod = new Map<string, PeriodCount>();
  for (const c of counts) {
    const had = byPeriod.get(c.period);
    byPeriod.set(
      c.period,
      had
        ? { period: c.period, mentions: had.mentions + c.mentions, articles: had.articles + c.articles }
        : c,
    );
  }
  const present = periods.map((p) => {
    const c = byPeriod.get(p);
    return c && c.articles > 0 ? c : null;
  });
  const rawOf = (c: PeriodCount) => (measure === "share" ? c.mentions / c.articles : c.mentions);
  const window = Math.max(1, smooth);
  return periods.map((period, i) => {
    const c = present[i] ?? null;
    let value: number | null = null;
    if (c) {
      if (window === 1) value = rawOf(c);
      else {
        let m = 0;
        let a = 0;
        let n = 0;
        for (let j = Math.max(0, i - window + 1); j <= i; j++) {
          const w = present[j];
          if (!w) continue;
          m += w.mentions;
          a += w.articles;
          n++;
        }
        value = measure === "share" ? m / a : m / n;
      }
    }
    return {
      period,
      date: parseDay(period),
      mentions: c ? c.mentions : null,
      articles: c ? c.articles : null,
      raw: c ? rawOf(c) : null,
      value,
    };
  });
}

/** "2.5%" with as many decimals as small shares need. */
export function formatShare(v: number, max = v): string {
  const digits = max < 0.02 ? 2 : max < 0.2 ? 1 : 0;
  return `${(100 * v).toFixed(digits)}%`;
}
