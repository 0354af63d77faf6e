import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

/** Row types of the analytics views (migration 0002_analytics; documented in docs/sql.md). */
export interface ThemeDailyView {
  day: string;
  theme: string;
  lang: string;
  country: string;
  outlet: string;
  mentions: number;
  articles: number;
  share: number | null;
  taxonomy_version: string | null;
  /** The articles' script (the last column: added by migration 0009_script_counts). */
  script: string;
}

export interface ThemeWeeklyView extends Omit<ThemeDailyView, "day"> {
  week_start: string;
  iso_week: string;
}

export interface AidAttentionWeeklyView {
  week_start: string;
  iso_week: string;
  russian_aid: number;
  chinese_aid: number;
  eu_aid: number;
  articles: number;
  russian_aid_share: number | null;
  chinese_aid_share: number | null;
  eu_aid_share: number | null;
  taxonomy_version: string | null;
}

/** Migration 0005_sources: the trend views per outlet collection (an outlet in two collections counts in each). */
export interface ThemeDailyByCollectionView extends Omit<ThemeDailyView, "outlet"> {
  collection: string;
}
export interface ThemeWeeklyByCollectionView extends Omit<ThemeWeeklyView, "outlet"> {
  collection: string;
}

export interface AnalyticsViews {
  "analytics.theme_daily": ThemeDailyView;
  "analytics.theme_weekly": ThemeWeeklyView;
  "analytics.aid_attention_weekly": AidAttentionWeeklyView;
  "analytics.theme_daily_by_collection": ThemeDailyByCollectionView;
  "analytics.theme_weekly_by_collection": ThemeWeeklyByCollectionView;
}

export interface TrendQuery {
  theme: string;
  by: "day" | "week";
  /** First UTC day (YYYY-MM-DD), inclusive. By week: the whole ISO week that contains it. */
  since?: string;
  /** Last UTC day (YYYY-MM-DD), inclusive. By week: weeks that start on or before it. */
  until?: string;
  lang?: string;
  /** Only articles in this script: Cyrl, Latn or mixed (articles.script). */
  script?: string;
  country?: string;
  outlet?: string;
  /** Only outlets of this collection (docs/sources.md); read from the by-collection views. Not with outlet. */
  collection?: string;
  /**
   * The CLI's --share flag. The share is always computed (it costs nothing); callers use this to decide
   * whether to show it.
   */
  share?: boolean;
}

export interface TrendRow {
  /** The UTC day, or the Monday that starts the ISO week (YYYY-MM-DD). */
  period: string;
  /** ISO week label such as 2026-W09 (by week only). */
  iso_week?: string;
  mentions: number;
  articles: number;
  /** mentions / articles; null when there are no articles in the period (cannot happen for listed rows). */
  share: number | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The series of one theme, summed over every dimension not filtered on: one row per day (or ISO week) on
 * which the selected outlets published anything, with zeros where the theme was not mentioned. Reads the
 * analytics views (their by-collection twins with a collection filter), so the semantics (current taxonomy
 * only, UTC days, shares) are those of docs/sql.md.
 */
export async function queryTrends(db: Kysely<Database>, q: TrendQuery): Promise<TrendRow[]> {
  for (const [name, value] of [
    ["since", q.since],
    ["until", q.until],
  ] as const)
    if (value !== undefined && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))))
      throw new Error(`${name} must be a date as YYYY-MM-DD, not "${value}"`);
  if (q.by !== "day" && q.by !== "week") throw new Error(`by must be "day" or "week", not "${String(q.by)}"`);
  if (q.collection !== undefined && q.outlet !== undefined)
    throw new Error("filter on an outlet or on a collection, not both");
  const daily = q.by === "day";
  const view = sql.table(
    `analytics.theme_${daily ? "daily" : "weekly"}${q.collection !== undefined ? "_by_collection" : ""}`,
  );
  const period = sql.ref(daily ? "day" : "week_start");
  const where = [sql`theme = ${q.theme}`];
  if (q.collection !== undefined) where.push(sql`collection = ${q.collection}`);
  // By week, compared as week_start so that the expression indexes of migration 0002 serve the range.
  if (q.since)
    where.push(
      daily ? sql`day >= ${q.since}` : sql`week_start >= date_trunc('week', ${q.since}::date)::date`,
    );
  if (q.until) where.push(daily ? sql`day <= ${q.until}` : sql`week_start <= ${q.until}::date`);
  if (q.lang) where.push(sql`lang = ${q.lang}`);
  if (q.script) where.push(sql`script = ${q.script}`);
  if (q.country) where.push(sql`country = ${q.country}`);
  if (q.outlet) where.push(sql`outlet = ${q.outlet}`);
  const groups = daily ? period : sql`${period}, iso_week`;
  const rows = await sql<TrendRow>`
    SELECT ${period} AS period${daily ? sql`` : sql`, iso_week`},
           sum(mentions) AS mentions, sum(articles) AS articles,
           sum(mentions)::float8 / nullif(sum(articles), 0)::float8 AS share
    FROM ${view}
    WHERE ${sql.join(where, sql` AND `)}
    GROUP BY ${groups}
    ORDER BY ${period}`.execute(db);
  return rows.rows;
}
