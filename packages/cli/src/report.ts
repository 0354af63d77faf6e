import { type Database, queryTrends } from "@vesti/db";
import { THEME_IDS } from "@vesti/themes";
import { type Kysely, sql } from "kysely";
import { renderRows } from "./output";

// What `vesti run --once` and `vesti demo` print at the end: per outlet, what the run fetched; per theme,
// the recent weekly attention as a line of bars.

/** Per outlet: feeds polled, items seen, new and duplicate items, and failed fetches since `since`. */
export async function outletRunTable(db: Kysely<Database>, since: Date): Promise<string> {
  const rows = await db
    .selectFrom("feed_fetches as ff")
    .innerJoin("feeds as f", "f.id", "ff.feed_id")
    .select((eb) => [
      "f.outlet_id as outlet",
      sql<number>`count(DISTINCT ff.feed_id)::int`.as("feeds"),
      sql<number>`count(*) FILTER (WHERE ff.outcome <> 'error')::int`.as("fetched"),
      eb.fn.sum<number>("ff.items_found").as("items"),
      eb.fn.sum<number>("ff.items_new").as("new"),
      sql<number>`(sum(ff.items_found) - sum(ff.items_new))::int`.as("duplicates"),
      sql<number>`count(*) FILTER (WHERE ff.outcome = 'error')::int`.as("errors"),
      sql<string>`coalesce(max(ff.error) FILTER (WHERE ff.outcome = 'error'), '')`.as("last_error"),
    ])
    .where("ff.started_at", ">=", since)
    .groupBy("f.outlet_id")
    .orderBy("f.outlet_id")
    .execute();
  const total = {
    outlet: "(all)",
    feeds: rows.reduce((n, r) => n + r.feeds, 0),
    fetched: rows.reduce((n, r) => n + r.fetched, 0),
    items: rows.reduce((n, r) => n + Number(r.items), 0),
    new: rows.reduce((n, r) => n + Number(r.new), 0),
    duplicates: rows.reduce((n, r) => n + r.duplicates, 0),
    errors: rows.reduce((n, r) => n + r.errors, 0),
    last_error: "",
  };
  return renderRows(
    [
      ...rows.map((r) => ({ ...r, last_error: r.last_error.slice(0, 60) })),
      ...(rows.length > 1 ? [total] : []),
    ],
    "table",
    { empty: "(no feed was fetched)" },
  );
}

const BARS = "▁▂▃▄▅▆▇█";

/** A sparkline of shares: one bar per period scaled to the largest, "·" for a period without articles. */
export function sparkline(values: readonly (number | null)[]): string {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  return values
    .map((v) => {
      if (v === null) return "·";
      if (max === 0 || v === 0) return v === 0 ? " " : BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))];
    })
    .join("");
}

/** Monday (UTC) of the ISO week containing `d`, as YYYY-MM-DD. */
function weekStart(d: Date): string {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  m.setUTCDate(m.getUTCDate() - ((m.getUTCDay() + 6) % 7));
  return m.toISOString().slice(0, 10);
}

/**
 * For each of the report's themes, its weekly share of all articles over the last `weeks` ISO weeks (up
 * to the week of `until`) as a sparkline, and the latest week's numbers.
 */
export async function themeTrendLines(
  db: Kysely<Database>,
  options: { weeks?: number; until?: Date; filter?: { country?: string } } = {},
): Promise<string> {
  const weeks = options.weeks ?? 8;
  const until = options.until ?? new Date();
  const starts: string[] = [];
  for (let i = weeks - 1; i >= 0; i--) starts.push(weekStart(new Date(until.getTime() - i * 7 * 86_400_000)));
  const lines: string[] = [];
  for (const theme of THEME_IDS) {
    const rows = await queryTrends(db, {
      theme,
      by: "week",
      since: starts[0],
      until: until.toISOString().slice(0, 10),
      ...(options.filter?.country ? { country: options.filter.country } : {}),
    });
    const byWeek = new Map(rows.map((r) => [r.period, r]));
    const shares = starts.map((w) => byWeek.get(w)?.share ?? null);
    const last = [...starts]
      .reverse()
      .map((w) => byWeek.get(w))
      .find((r) => r !== undefined);
    const latest = last
      ? `${((last.share ?? 0) * 100).toFixed(1).padStart(5)}% in the week of ${last.period} (${last.mentions} of ${last.articles} articles)`
      : "no articles";
    lines.push(`  ${theme.padEnd(15)} ${sparkline(shares)}  ${latest}`);
  }
  return `${lines.join("\n")}\n`;
}
