// Periods as the analytics views count them: UTC days, and ISO weeks named by their Monday (YYYY-MM-DD).

export type Granularity = "day" | "week";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function isDay(value: string): boolean {
  return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Monday of the ISO week that contains `day`. */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The period (day, or the Monday of the week) that contains `day`. */
export function periodOf(day: string, g: Granularity): string {
  return g === "day" ? day : mondayOf(day);
}

export function addPeriods(period: string, n: number, g: Granularity): string {
  return addDays(period, g === "day" ? n : 7 * n);
}

/** Last day of a period. */
export function periodEnd(period: string, g: Granularity): string {
  return g === "day" ? period : addDays(period, 6);
}

/** Every period from the one containing `from` to the one containing `to`, inclusive. */
export function periodRange(from: string, to: string, g: Granularity): string[] {
  const out: string[] = [];
  const last = periodOf(to, g);
  for (let p = periodOf(from, g); p <= last; p = addPeriods(p, 1, g)) out.push(p);
  return out;
}

/**
 * The last complete period before `now`: yesterday (UTC) by day; by week, the Monday of the last complete
 * ISO week. Only complete periods are tested: today's counts are still growing.
 */
export function lastCompletePeriod(now: Date, g: Granularity): string {
  const today = now.toISOString().slice(0, 10);
  return g === "day" ? addDays(today, -1) : addDays(mondayOf(today), -7);
}
