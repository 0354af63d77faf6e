import { type AliasedRawBuilder, type Kysely, sql } from "kysely";
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
 * analytics views, so the semantics (current taxonomy only, UTC days, shares) are those of docs/sql.md.
 */
export async function queryTrends(db: Kysely<Database>, q: TrendQuery): Promise<TrendRow[]> {
  for (const [name, value] of [
    ["since", q.since],
    ["until", q.until],
  ] as const)
    if (value !== undefined && (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))))
      throw new Error(`${name} must be a date as YYYY-MM-DD, not "${value}"`);
  const share = sql<number | null>`sum(mentions)::float8 / nullif(sum(articles), 0)::float8`.as("share");
  if (q.collection !== undefined) {
    if (q.outlet !== undefined) throw new Error("filter on an outlet or on a collection, not both");
    return queryCollectionTrends(
      db as unknown as Kysely<AnalyticsViews>,
      { ...q, collection: q.collection },
      share,
    );
  }
  // The per-outlet views; queryCollectionTrends below reads their by-collection twins the same way.
  const adb = db as unknown as Kysely<AnalyticsViews>;

  if (q.by === "day") {
    let query = adb
      .selectFrom("analytics.theme_daily")
      .select((eb) => [
        "day as period",
        eb.fn.sum<number>("mentions").as("mentions"),
        eb.fn.sum<number>("articles").as("articles"),
        share,
      ])
      .where("theme", "=", q.theme);
    if (q.since) query = query.where("day", ">=", q.since);
    if (q.until) query = query.where("day", "<=", q.until);
    if (q.lang) query = query.where("lang", "=", q.lang);
    if (q.country) query = query.where("country", "=", q.country);
    if (q.outlet) query = query.where("outlet", "=", q.outlet);
    return query.groupBy("day").orderBy("day").execute();
  }
  if (q.by !== "week") throw new Error(`by must be "day" or "week", not "${String(q.by)}"`);

  let query = adb
    .selectFrom("analytics.theme_weekly")
    .select((eb) => [
      "week_start as period",
      "iso_week",
      eb.fn.sum<number>("mentions").as("mentions"),
      eb.fn.sum<number>("articles").as("articles"),
      share,
    ])
    .where("theme", "=", q.theme);
  // Compared as week_start so that the expression indexes of migration 0002 serve the range.
  if (q.since)
    query = query.where("week_start", ">=", sql<string>`date_trunc('week', ${q.since}::date)::date`);
  if (q.until) query = query.where("week_start", "<=", sql<string>`${q.until}::date`);
  if (q.lang) query = query.where("lang", "=", q.lang);
  if (q.country) query = query.where("country", "=", q.country);
  if (q.outlet) query = query.where("outlet", "=", q.outlet);
  return query.groupBy(["week_start", "iso_week"]).orderBy("week_start").execute();
}

async function queryCollectionTrends(
  adb: Kysely<AnalyticsViews>,
  q: TrendQuery & { collection: string },
  share: AliasedRawBuilder<number | null, "share">,
): Promise<TrendRow[]> {
  if (q.by === "day") {
    let query = adb
      .selectFrom("analytics.theme_daily_by_collection")
      .select((eb) => [
        "day as period",
        eb.fn.sum<number>("mentions").as("mentions"),
        eb.fn.sum<number>("articles").as("articles"),
        share,
      ])
      .where("theme", "=", q.theme)
      .where("collection", "=", q.collection);
    if (q.since) query = query.where("day", ">=", q.since);
    if (q.until) query = query.where("day", "<=", q.until);
    if (q.lang) query = query.where("lang", "=", q.lang);
    if (q.country) query = query.where("country", "=", q.country);
    return query.groupBy("day").orderBy("day").execute() as Promise<TrendRow[]>;
  }
  if (q.by !== "week") throw new Error(`by must be "day" or "week", not "${String(q.by)}"`);
  let query = adb
    .selectFrom("analytics.theme_weekly_by_collection")
    .select((eb) => [
      "week_start as period",
      "iso_week",
      eb.fn.sum<number>("mentions").as("mentions"),
      eb.fn.sum<number>("articles").as("articles"),
      share,
    ])
    .where("theme", "=", q.theme)
    .where("collection", "=", q.collection);
  if (q.since)
    query = query.where("week_start", ">=", sql<string>`date_trunc('week', ${q.since}::date)::date`);
  if (q.until) query = query.where("week_start", "<=", sql<string>`${q.until}::date`);
  if (q.lang) query = query.where("lang", "=", q.lang);
  if (q.country) query = query.where("country", "=", q.country);
  return query.groupBy(["week_start", "iso_week"]).orderBy("week_start").execute() as Promise<TrendRow[]>;
}
