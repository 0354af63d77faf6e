// ISO weeks as the analytics views count them: Monday to Sunday, UTC days.

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Monday (YYYY-MM-DD) of the ISO week that contains the UTC day of `d`. */
export function weekStartOf(d: Date): string {
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return isoDay(monday);
}

/** Monday of the last complete ISO week before `now`: what the Monday-morning digest reports on. */
export function lastCompleteWeek(now: Date): string {
  const monday = new Date(`${weekStartOf(now)}T00:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() - 7);
  return isoDay(monday);
}

/** "2026-W47" or any day of the week as YYYY-MM-DD → the week's Monday. */
export function parseWeek(value: string): string {
  const w = ISO_WEEK.exec(value.trim());
  if (w) {
    const year = Number(w[1]);
    const week = Number(w[2]);
    // ISO week 1 is the week with the year's first Thursday, i.e. the one that contains 4 January.
    const jan4 = new Date(Date.UTC(year, 0, 4));
    const monday = new Date(`${weekStartOf(jan4)}T00:00:00Z`);
    monday.setUTCDate(monday.getUTCDate() + 7 * (week - 1));
    if (week < 1 || week > 53 || isoWeekLabel(isoDay(monday)) !== value.trim())
      throw new Error(`no such ISO week: "${value}"`);
    return isoDay(monday);
  }
  if (DAY.test(value.trim()) && !Number.isNaN(Date.parse(`${value.trim()}T00:00:00Z`)))
    return weekStartOf(new Date(`${value.trim()}T00:00:00Z`));
  throw new Error(`a week is YYYY-Www (2026-W47) or a day YYYY-MM-DD, not "${value}"`);
}

/** "2026-W47" for the ISO week that contains the day `weekStart` (normally its Monday). */
export function isoWeekLabel(weekStart: string): string {
  const monday = new Date(`${weekStartOf(new Date(`${weekStart}T00:00:00Z`))}T00:00:00Z`);
  // The ISO year is the year of the week's Thursday; week 1 is the week that contains 4 January.
  const thursday = new Date(monday);
  thursday.setUTCDate(monday.getUTCDate() + 3);
  const year = thursday.getUTCFullYear();
  const week1 = new Date(`${weekStartOf(new Date(Date.UTC(year, 0, 4)))}T00:00:00Z`);
  const week = 1 + Math.round((monday.getTime() - week1.getTime()) / (7 * 86400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}
