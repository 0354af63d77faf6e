import { type Kysely, type RawBuilder, sql } from "kysely";
import { DIMENSIONS, type Dimension, type SeriesFilters, type SeriesQuery } from "../params";
import type { Database } from "../schema";
import { type FeedHealth, feedHealth } from "./feeds";
import type { AidAttentionWeeklyView } from "./trends";

// The trends page's reads (packages/web): series for any theme split or filtered by language, script,
// country, outlet and collection, per day, ISO week or month; the thesis and the Kosovo–Russia tie; the articles
// behind a point; outlets with their recent volume and feed health. All read the analytics views (weekly
// series the weekly rollups), so the numbers are the ones docs/sql.md documents, and all are meant to run
// inside asAnalyst, as the read-only role.

export type ExplorePeriod = "day" | "week" | "month";

/** Runs `fn` in a read-only transaction as vesti_analyst, with a statement timeout. */
export async function asAnalyst<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
  options: { statementTimeoutMs?: number } = {},
): Promise<T> {
  return db
    .transaction()
    .setAccessMode("read only")
    .execute(async (trx) => {
      await sql`SET LOCAL ROLE vesti_analyst`.execute(trx);
      await sql`SELECT set_config('statement_timeout', ${String(options.statementTimeoutMs ?? 15_000)}, true)`.execute(
        trx,
      );
      return fn(trx);
    });
}

export interface SeriesRow {
  /** The split dimension's value ("" when not split). */
  key: string;
  period: string;
  mentions: number;
  articles: number;
}

export interface ExploreSeriesQuery {
  query: SeriesQuery;
  by: ExplorePeriod;
  /** First day (YYYY-MM-DD): the period containing it is included whole. */
  since?: string;
  /** Last day: periods starting on or before it. */
  until?: string;
  split?: Dimension;
  /** At most this many split values (those with the most articles); default 10. */
  maxSplits?: number;
}

/** Conditions on the views' dimension columns (`t` is the view's alias). */
function filterSql(filters: SeriesFilters): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [];
  for (const [dim, values] of Object.entries(filters) as [Dimension, string[] | undefined][]) {
    if (!values || values.length === 0) continue;
    const column = DIMENSIONS[dim].column;
    if (column === null)
      out.push(
        sql`t.outlet IN (SELECT o.outlet FROM analytics.outlets o WHERE o.collections && ${values}::text[])`,
      );
    else out.push(sql`${sql.ref(`t.${column}`)} = ANY(${values}::text[])`);
  }
  return out;
}

const filtersOf = (q: SeriesQuery): SeriesFilters => {
  const { theme: _theme, ...filters } = q;
  return filters;
};

const and = (conditions: RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`TRUE` : sql.join(conditions, sql` AND `);

/**
 * One theme's series, summed over everything not split on: mentions and articles per period, for periods in
 * which the selected outlets published anything (a period without a row is a gap). Week and month shares
 * are then sum(mentions) / sum(articles) of the period, as in the views.
 */
export async function querySeries(db: Kysely<Database>, q: ExploreSeriesQuery): Promise<SeriesRow[]> {
  const where = [sql`t.theme = ${q.query.theme}`, ...filterSql(filtersOf(q.query))];
  const byWeek = q.by === "week";
  const view = byWeek ? sql`analytics.theme_weekly` : sql`analytics.theme_daily`;
  const dayCol = byWeek ? sql.ref("t.week_start") : sql.ref("t.day");
  const period =
    q.by === "month"
      ? sql`date_trunc('month', t.day::timestamp)::date`
      : byWeek
        ? sql`t.week_start`
        : sql`t.day`;
  const unit = sql.lit(q.by);
  // Range conditions on the view's own date column, so the indexes and the pushdown serve them.
  if (q.since) where.push(sql`${dayCol} >= date_trunc(${unit}, ${q.since}::date::timestamp)::date`);
  if (q.until)
    where.push(
      q.by === "month"
        ? sql`${dayCol} < (date_trunc('month', ${q.until}::date::timestamp) + interval '1 month')::date`
        : sql`${dayCol} <= ${q.until}::date`,
    );

  let key: RawBuilder<unknown> = sql`''`;
  let join: RawBuilder<unknown> = sql``;
  if (q.split) {
    const column = DIMENSIONS[q.split].column;
    if (column === null) {
      join = sql`JOIN (SELECT o.outlet, c.collection FROM analytics.outlets o
                       CROSS JOIN unnest(o.collections) AS c(collection)) oc ON oc.outlet = t.outlet`;
      key = sql`oc.collection`;
    } else key = sql`${sql.ref(`t.${column}`)}::text`;
  }
  const rows = await sql<SeriesRow>`
    SELECT ${key} AS key, ${period} AS period, sum(t.mentions)::int8 AS mentions, sum(t.articles)::int8 AS articles
    FROM ${view} t ${join}
    WHERE ${and(where)}
    GROUP BY 1, 2
    ORDER BY 1, 2`.execute(db);
  if (!q.split) return rows.rows;
  // Keep the split values with the most articles, so that a split by outlet stays readable.
  const totals = new Map<string, number>();
  for (const r of rows.rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.articles);
  const keep = new Set(
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, q.maxSplits ?? 10)
      .map(([k]) => k),
  );
  return rows.rows.filter((r) => keep.has(r.key));
}

/** A row of analytics.aid_attention_weekly, as the thesis chart reads it. */
export type AidWeekRow = AidAttentionWeeklyView;

/** analytics.aid_attention_weekly, every column, oldest week first. */
export async function queryAidAttention(
  db: Kysely<Database>,
  range: { since?: string; until?: string } = {},
): Promise<AidWeekRow[]> {
  const where: RawBuilder<unknown>[] = [];
  if (range.since) where.push(sql`week_start >= date_trunc('week', ${range.since}::date::timestamp)::date`);
  if (range.until) where.push(sql`week_start <= ${range.until}::date`);
  const rows = await sql<AidWeekRow>`
    SELECT week_start, iso_week, russian_aid, chinese_aid, eu_aid, articles, russian_aid_share,
           chinese_aid_share, eu_aid_share, taxonomy_version
    FROM analytics.aid_attention_weekly WHERE ${and(where)} ORDER BY week_start`.execute(db);
  return rows.rows;
}

/** The themes tied to Russia that the landing page pairs with Kosovo. */
export const TIE_THEMES = ["putin", "russian_aid"] as const;

export interface TieWeekRow {
  week_start: string;
  iso_week: string;
  /** The theme paired with kosovo. */
  theme: string;
  /** Articles of Serbian outlets tagged with both kosovo and `theme` (analytics.theme_cooccurrence). */
  articles: number;
  /** Articles of Serbian outlets tagged kosovo (theme_weekly). */
  kosovo: number;
  /** All articles of Serbian outlets (the share's denominator, as in aid_attention_weekly). */
  total: number;
}

/**
 * The Kosovo–Russia tie: per ISO week, Serbian outlets' articles tagged Kosovo together with Putin and with
 * Russian aid (theme_cooccurrence), next to all Kosovo articles and all articles of the week.
 */
export async function queryKosovoTie(
  db: Kysely<Database>,
  range: { since?: string; until?: string } = {},
): Promise<TieWeekRow[]> {
  const since = range.since ? sql`date_trunc('week', ${range.since}::date::timestamp)::date` : null;
  const until = range.until ? sql`${range.until}::date` : null;
  const bound = (col: RawBuilder<unknown>) =>
    and([...(since ? [sql`${col} >= ${since}`] : []), ...(until ? [sql`${col} <= ${until}`] : [])]);
  // theme_cooccurrence reads article_themes: a day range on the article keeps it to the index on day.
  const dayBound = and([
    ...(since ? [sql`c.week_start >= ${since}`] : []),
    ...(until ? [sql`c.week_start <= ${until}`] : []),
  ]);
  const rows = await sql<TieWeekRow>`
    WITH weeks AS (
      SELECT w.week_start, w.iso_week, sum(w.mentions)::int8 AS kosovo, sum(w.articles)::int8 AS total
      FROM analytics.theme_weekly w
      WHERE w.theme = 'kosovo' AND w.country = 'RS' AND ${bound(sql.ref("w.week_start"))}
      GROUP BY w.week_start, w.iso_week
    ), pairs AS (
      SELECT c.week_start, c.theme_b AS theme, sum(c.articles)::int8 AS articles
      FROM analytics.theme_cooccurrence c
      WHERE c.theme_a = 'kosovo' AND c.theme_b IN (${sql.join([...TIE_THEMES])}) AND c.country = 'RS' AND ${dayBound}
      GROUP BY 1, 2
    )
    SELECT w.week_start, w.iso_week, t.theme, coalesce(p.articles, 0)::int8 AS articles, w.kosovo, w.total
    FROM weeks w CROSS JOIN unnest(${[...TIE_THEMES]}::text[]) AS t(theme)
    LEFT JOIN pairs p ON p.week_start = w.week_start AND p.theme = t.theme
    ORDER BY w.week_start, t.theme`.execute(db);
  return rows.rows;
}

export interface EvidenceSpan {
  field: string;
  start: number;
  end: number;
  text: string;
}

export interface PeriodArticle {
  article_id: number;
  published_at: Date;
  outlet: string;
  outlet_name: string;
  country: string;
  lang: string;
  script: string;
  title: string;
  summary: string;
  url: string | null;
  evidence: EvidenceSpan[];
}

export interface PeriodArticlesQuery {
  query: SeriesQuery;
  /** First and last UTC day of the period (inclusive). */
  from: string;
  to: string;
  /** "time": newest first, paged; "sample": a fixed pseudo-random sample of the period. */
  order: "time" | "sample";
  limit: number;
  offset?: number;
  /** Only articles also tagged with this theme (a co-occurrence point); its evidence is shown too. */
  alsoTheme?: string;
}

/** The articles behind a point: tagged with the theme in the period, with their evidence (tagged_articles). */
export async function queryPeriodArticles(
  db: Kysely<Database>,
  q: PeriodArticlesQuery,
): Promise<{ total: number; articles: PeriodArticle[] }> {
  const where = and([
    sql`t.theme = ${q.query.theme}`,
    sql`t.day BETWEEN ${q.from}::date AND ${q.to}::date`,
    ...filterSql(filtersOf(q.query)),
  ]);
  const also = q.alsoTheme
    ? sql`JOIN analytics.tagged_articles t2 ON t2.article_id = t.article_id AND t2.theme = ${q.alsoTheme}`
    : sql``;
  const evidence = q.alsoTheme ? sql`t.evidence || t2.evidence` : sql`t.evidence`;
  const total = await sql<{ n: number }>`
    SELECT count(*)::int8 AS n FROM analytics.tagged_articles t ${also} WHERE ${where}`.execute(db);
  const order =
    q.order === "sample" ? sql`md5(t.article_id::text)` : sql`t.published_at DESC, t.article_id DESC`;
  const rows = await sql<PeriodArticle>`
    SELECT p.article_id, p.published_at, p.outlet, p.outlet_name, p.country, p.lang, p.script, p.title,
           a.summary, p.url, p.evidence
    FROM (
      SELECT t.article_id, t.published_at, t.outlet, t.outlet_name, t.country, t.lang, t.script, t.title, t.url,
             ${evidence} AS evidence
      FROM analytics.tagged_articles t ${also} WHERE ${where}
      ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset ?? 0}
    ) p
    JOIN public.articles a ON a.id = p.article_id
    ORDER BY ${q.order === "sample" ? sql`md5(p.article_id::text)` : sql`p.published_at DESC, p.article_id DESC`}`.execute(
    db,
  );
  return { total: total.rows[0]?.n ?? 0, articles: rows.rows };
}

export interface OutletActivity {
  outlet: string;
  name: string;
  country: string;
  language: string;
  active: boolean;
  ownership: string;
  alignment: string;
  collections: string[];
  articles: number;
  first_day: string | null;
  last_day: string | null;
  /** Articles per ISO week, oldest first, for the weeks asked for (0: nothing stored that week). */
  weekly: { week_start: string; articles: number }[];
  feeds: FeedHealth[];
}

/** Outlets (analytics.outlets) with their articles per week over `weeks` weeks up to `until`, and feed health. */
export async function queryOutletActivity(
  db: Kysely<Database>,
  options: { weeks: number; until: string },
): Promise<OutletActivity[]> {
  const outlets = await sql<Omit<OutletActivity, "weekly" | "feeds">>`
    SELECT outlet, name, country, language, active, ownership, alignment, collections, articles, first_day, last_day
    FROM analytics.outlets ORDER BY country, outlet`.execute(db);
  const weekly = await sql<{ outlet: string; week_start: string; articles: number }>`
    SELECT w.outlet_id AS outlet, w.week_start, sum(w.articles)::int8 AS articles
    FROM analytics.article_weekly_counts w
    WHERE w.week_start > date_trunc('week', ${options.until}::date::timestamp)::date - ${7 * options.weeks}::int
      AND w.week_start <= ${options.until}::date
    GROUP BY 1, 2`.execute(db);
  const weeks: string[] = [];
  const end = new Date(`${options.until}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - ((end.getUTCDay() + 6) % 7));
  for (let i = options.weeks - 1; i >= 0; i--)
    weeks.push(new Date(end.getTime() - i * 7 * 86_400_000).toISOString().slice(0, 10));
  const counts = new Map(weekly.rows.map((r) => [`${r.outlet}|${r.week_start}`, r.articles]));
  const feeds = await feedHealth(db);
  return outlets.rows.map((o) => ({
    ...o,
    weekly: weeks.map((w) => ({ week_start: w, articles: counts.get(`${o.outlet}|${w}`) ?? 0 })),
    feeds: feeds.filter((f) => f.outlet_id === o.outlet),
  }));
}

/** Distinct values of the filter dimensions (for the page's pickers), from small tables only. */
export async function queryDimensionValues(db: Kysely<Database>): Promise<Record<Dimension, string[]>> {
  const outlets = await sql<{ outlet: string; country: string; collections: string[] }>`
    SELECT outlet, country, collections FROM analytics.outlets ORDER BY outlet`.execute(db);
  // Languages and scripts from the weekly rollup's keys (a skip scan would be faster; the table is small
  // either way).
  const keys = await sql<{ lang: string; script: string }>`
    SELECT DISTINCT lang, script FROM analytics.article_weekly_counts`.execute(db);
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    lang: uniq(keys.rows.map((r) => r.lang)),
    script: uniq(keys.rows.map((r) => r.script)),
    country: uniq(outlets.rows.map((o) => o.country)),
    outlet: outlets.rows.map((o) => o.outlet),
    collection: uniq(outlets.rows.flatMap((o) => o.collections)),
  };
}

/** The last day with articles (the page's default end), or null for an empty database. */
export async function queryLastDay(db: Kysely<Database>): Promise<string | null> {
  // The primary key of article_daily_counts starts with day: one index probe.
  const r = await sql<{
    day: string | null;
  }>`SELECT max(day) AS day FROM public.article_daily_counts`.execute(db);
  return r.rows[0]?.day ?? null;
}
