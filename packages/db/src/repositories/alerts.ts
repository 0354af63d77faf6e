import { type Kysely, type RawBuilder, sql } from "kysely";
import { scriptParam } from "../params";
import type { Database } from "../schema";

// Saved alert queries, the series the detector reads for them, the alerts it raised, and their e-mails
// (docs/alerts.md). Filters mean the same everywhere: country and collection are the outlet's (outlets),
// language and script the article's; within one filter any value matches, and every filter must match.

export interface AlertQuery {
  id: number;
  name: string;
  themes: string[];
  langs: string[];
  countries: string[];
  outlets: string[];
  collections: string[];
  scripts: string[];
  granularity: "day" | "week";
  directions: ("up" | "down")[];
  params: Record<string, unknown>;
  recipients: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type AlertQueryFilters = Pick<
  AlertQuery,
  "themes" | "langs" | "countries" | "outlets" | "collections" | "scripts"
>;

export interface AlertQueryInput {
  name: string;
  themes: readonly string[];
  langs?: readonly string[];
  countries?: readonly string[];
  outlets?: readonly string[];
  collections?: readonly string[];
  /** Cyrl, Latn or mixed (any case; also "cyrillic", "latin"). */
  scripts?: readonly string[];
  granularity: "day" | "week";
  directions?: readonly ("up" | "down")[];
  params?: Record<string, unknown>;
  recipients?: readonly string[];
  active?: boolean;
}

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

function normalise(q: AlertQueryInput) {
  const name = q.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new Error("a saved query needs a name of 1 to 200 characters");
  const list = (xs: readonly string[] | undefined, f: (s: string) => string = (s) => s) => [
    ...new Set((xs ?? []).map((s) => f(s.trim())).filter(Boolean)),
  ];
  const themes = list(q.themes);
  if (themes.length === 0) throw new Error("a saved query needs at least one theme");
  if (q.granularity !== "day" && q.granularity !== "week")
    throw new Error(`granularity must be "day" or "week", not "${String(q.granularity)}"`);
  const recipients = list(q.recipients, (s) => s.toLowerCase());
  for (const r of recipients) if (!EMAIL.test(r)) throw new Error(`not an e-mail address: "${r}"`);
  const directions = list(q.directions ?? ["up"]) as ("up" | "down")[];
  if (directions.length === 0 || directions.some((d) => d !== "up" && d !== "down"))
    throw new Error('directions must be "up", "down" or both');
  return {
    name,
    themes,
    langs: list(q.langs, (s) => s.toLowerCase()),
    countries: list(q.countries, (s) => s.toUpperCase()),
    outlets: list(q.outlets),
    collections: list(q.collections),
    scripts: list(
      (q.scripts ?? []).map((s) => {
        const parsed = scriptParam.safeParse(s);
        if (!parsed.success) throw new Error(`not a script: "${s}" (Cyrl, Latn or mixed)`);
        return parsed.data;
      }),
    ),
    granularity: q.granularity,
    directions,
    params: JSON.stringify(q.params ?? {}),
    recipients,
    active: q.active ?? true,
  };
}

/** Adds a saved query, or replaces the one with the same name (case-insensitive). */
export async function saveAlertQuery(
  db: Kysely<Database>,
  input: AlertQueryInput,
): Promise<{ query: AlertQuery; created: boolean }> {
  const v = normalise(input);
  const row = await db
    .insertInto("alert_queries")
    .values(v)
    .onConflict((oc) =>
      oc.expression(sql`lower(name)`).doUpdateSet({
        name: v.name,
        themes: v.themes,
        langs: v.langs,
        countries: v.countries,
        outlets: v.outlets,
        collections: v.collections,
        scripts: v.scripts,
        granularity: v.granularity,
        directions: v.directions,
        params: v.params,
        recipients: v.recipients,
        active: v.active,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    // xmax is 0 on a row this statement inserted, not on one it updated.
    .returning(sql<boolean>`(xmax = 0)`.as("created"))
    .executeTakeFirstOrThrow();
  const { created, ...query } = row;
  return { query, created };
}

export async function listAlertQueries(
  db: Kysely<Database>,
  options: { activeOnly?: boolean; granularity?: "day" | "week"; id?: number } = {},
): Promise<AlertQuery[]> {
  let q = db.selectFrom("alert_queries").selectAll();
  if (options.activeOnly) q = q.where("active", "=", true);
  if (options.granularity) q = q.where("granularity", "=", options.granularity);
  if (options.id !== undefined) q = q.where("id", "=", options.id);
  return q.orderBy("id").execute();
}

export async function findAlertQuery(db: Kysely<Database>, name: string): Promise<AlertQuery | undefined> {
  return db
    .selectFrom("alert_queries")
    .selectAll()
    .where(sql`lower(name)`, "=", name.trim().toLowerCase())
    .executeTakeFirst();
}

/** Deletes a saved query with its alerts and their deliveries; false when there is no such query. */
export async function removeAlertQuery(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await db
    .deleteFrom("alert_queries")
    .where(sql`lower(name)`, "=", name.trim().toLowerCase())
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Pauses or resumes a saved query; false when there is no such query. */
export async function setAlertQueryActive(
  db: Kysely<Database>,
  name: string,
  active: boolean,
): Promise<boolean> {
  const r = await db
    .updateTable("alert_queries")
    .set({ active, updated_at: sql`now()` })
    .where(sql`lower(name)`, "=", name.trim().toLowerCase())
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The outlets a query's country, outlet and collection filters select (a CTE body). */
function selectedOutlets(f: AlertQueryFilters): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (f.outlets.length > 0) conditions.push(sql`o.id = ANY(${f.outlets}::text[])`);
  if (f.countries.length > 0) conditions.push(sql`o.country = ANY(${f.countries}::text[])`);
  if (f.collections.length > 0) conditions.push(sql`o.collections && ${f.collections}::text[]`);
  return sql`SELECT o.id FROM public.outlets o WHERE ${sql.join(conditions, sql` AND `)}`;
}

/** The article filters (language, script) on a table or view aliased `alias` ("" for none). */
const articleFilter = (alias: string, f: AlertQueryFilters) => {
  const col = (c: string) => sql.ref(alias ? `${alias}.${c}` : c);
  return sql`${f.langs.length > 0 ? sql`AND ${col("lang")} = ANY(${f.langs}::text[])` : sql``}
    ${f.scripts.length > 0 ? sql`AND ${col("script")} = ANY(${f.scripts}::text[])` : sql``}`;
};

/** True for an article (alias a) tagged with any of the themes in the current taxonomy. */
const taggedWithAny = (themes: readonly string[]) => sql`(
  SELECT true FROM public.article_themes t
  WHERE t.article_id = a.id AND t.theme = ANY(${themes}::text[])
    AND t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
  LIMIT 1)`;

/** One stratum's counts in one period: the rows the detector's series is made of. */
export interface AlertSeriesRow {
  /** The UTC day, or the Monday of the ISO week. */
  period: string;
  outlet: string;
  lang: string;
  mentions: number;
  articles: number;
}

/**
 * A saved query's counts per period, outlet and language, from `from` to `to` (UTC days; by week, the
 * weeks that contain them). Only periods in which a selected outlet published anything have rows; the
 * detector fills the rest as periods without data. One theme: the analysts' count views
 * (analytics.theme_daily / theme_weekly). Several: articles tagged with any of them, each counted once,
 * from articles and article_themes restricted to the range (the per-theme counts cannot say how many
 * articles carry two of the themes); articles are counted from the same rows, so both sides agree.
 */
export async function loadAlertSeries(
  db: Kysely<Database>,
  q: AlertQueryFilters & { granularity: "day" | "week" },
  range: { from: string; to: string },
): Promise<AlertSeriesRow[]> {
  const week = q.granularity === "week";
  const from = week ? sql`date_trunc('week', ${range.from}::date)::date` : sql`${range.from}::date`;
  const to = week ? sql`date_trunc('week', ${range.to}::date)::date` : sql`${range.to}::date`;
  if (q.themes.length === 1) {
    const view = week ? sql`analytics.theme_weekly` : sql`analytics.theme_daily`;
    const period = week ? sql`week_start` : sql`day`;
    const result = await sql<AlertSeriesRow>`
      WITH sel AS (${selectedOutlets(q)})
      SELECT ${period}::text AS period, outlet, lang, sum(mentions)::int8 AS mentions, sum(articles)::int8 AS articles
      FROM ${view}
      WHERE theme = ${q.themes[0]} AND ${period} BETWEEN ${from} AND ${to}
        AND outlet IN (SELECT id FROM sel) ${articleFilter("", q)}
      GROUP BY ${period}, outlet, lang
      ORDER BY 1, 2, 3`.execute(db);
    return result.rows;
  }
  const period = week ? sql`date_trunc('week', a.day::timestamp)::date` : sql`a.day`;
  // The scalar subquery (not EXISTS) keeps the plan driven by the day index over the range: one probe
  // of article_themes' primary key per article, rather than a scan of every article of the themes.
  // Grouped on the date (a hash aggregate), cast to text only for the few result rows.
  const result = await sql<AlertSeriesRow>`
    WITH sel AS (${selectedOutlets(q)})
    SELECT g.period::text AS period, g.outlet, g.lang, g.mentions, g.articles FROM (
      SELECT ${period} AS period, a.outlet_id AS outlet, a.lang,
             (count(*) FILTER (WHERE ${taggedWithAny(q.themes)}))::int8 AS mentions, count(*)::int8 AS articles
      FROM public.articles a
      WHERE a.day >= ${from} AND a.day <= ${week ? sql`${to} + 6` : to}
        AND a.outlet_id IN (SELECT id FROM sel) ${articleFilter("a", q)}
      GROUP BY 1, 2, 3
    ) g
    ORDER BY 1, 2, 3`.execute(db);
  return result.rows;
}

/** The latest articles behind an alert: tagged with any of the query's themes, in its period and filters. */
export async function alertArticles(
  db: Kysely<Database>,
  q: AlertQueryFilters,
  range: { from: string; to: string },
  limit = 5,
): Promise<{ title: string; url: string | null; outlet_name: string; published_at: Date }[]> {
  const result = await sql<{ title: string; url: string | null; outlet_name: string; published_at: Date }>`
    WITH sel AS (${selectedOutlets(q)})
    SELECT a.title, coalesce(a.canonical_url, a.link) AS url, o.name AS outlet_name, a.published_at
    FROM public.articles a JOIN public.outlets o ON o.id = a.outlet_id
    WHERE a.day BETWEEN ${range.from}::date AND ${range.to}::date
      AND a.outlet_id IN (SELECT id FROM sel) ${articleFilter("a", q)}
      AND ${taggedWithAny(q.themes)}
    ORDER BY a.published_at DESC, a.id DESC
    LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** What the detector found for one episode, as stored. */
export interface NewAlert {
  queryId: number;
  granularity: "day" | "week";
  direction: "up" | "down";
  period: string;
  lastPeriod: string;
  shift: boolean;
  mentions: number;
  articles: number;
  share: number;
  expectedShare: number;
  baselineShare: number;
  baselineSpread: number;
  baselinePeriods: number;
  z: number;
  pValue: number;
  method: string;
  message: string;
}

/**
 * Records an episode the detector found. An alert of the same query and direction whose episode overlaps
 * it (from `sameEpisodeFrom`, the episode's start less the detector's cooldown, to its last period) is the
 * same episode: it is extended, not raised again (late data can move where an episode seems to start).
 * Otherwise, when `raise` is true, a new alert is stored with one delivery row per recipient, in one
 * transaction. Call it while holding the query's lock (runs of one query must not interleave).
 */
export async function recordEpisode(
  db: Kysely<Database>,
  alert: NewAlert,
  options: {
    raise: boolean;
    sameEpisodeFrom: string;
    recipients: readonly string[];
    messageId: (alertId: number, email: string) => string;
  },
): Promise<{ outcome: "raised" | "extended" | "ignored"; alertId?: number }> {
  return db.transaction().execute(async (trx) => {
    const same = await trx
      .selectFrom("alerts")
      .select(["id", "last_period"])
      .where("query_id", "=", alert.queryId)
      .where("direction", "=", alert.direction)
      .where("period", "<=", alert.lastPeriod)
      .where("last_period", ">=", options.sameEpisodeFrom)
      .orderBy("period")
      .executeTakeFirst();
    if (same) {
      await trx
        .updateTable("alerts")
        .set({
          last_period: sql`greatest(last_period, ${alert.lastPeriod}::date)`,
          shift: sql`shift OR ${alert.shift}`,
        })
        .where("id", "=", same.id)
        .execute();
      return { outcome: "extended" as const, alertId: same.id };
    }
    if (!options.raise) return { outcome: "ignored" as const };
    const inserted = await trx
      .insertInto("alerts")
      .values({
        query_id: alert.queryId,
        granularity: alert.granularity,
        direction: alert.direction,
        period: alert.period,
        last_period: alert.lastPeriod,
        shift: alert.shift,
        mentions: alert.mentions,
        articles: alert.articles,
        share: alert.share,
        expected_share: alert.expectedShare,
        baseline_share: alert.baselineShare,
        baseline_spread: alert.baselineSpread,
        baseline_periods: alert.baselinePeriods,
        z: alert.z,
        p_value: alert.pValue,
        method: alert.method,
        message: alert.message,
      })
      .onConflict((oc) => oc.columns(["query_id", "direction", "period"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return { outcome: "extended" as const };
    if (options.recipients.length > 0)
      await trx
        .insertInto("alert_deliveries")
        .values(
          options.recipients.map((email) => ({
            alert_id: inserted.id,
            email,
            message_id: options.messageId(inserted.id, email),
          })),
        )
        .execute();
    return { outcome: "raised" as const, alertId: inserted.id };
  });
}

/** An alert with its query, as charts, the CLI, the digest and the e-mails show it. */
export interface AlertRow {
  id: number;
  query_id: number;
  query: string;
  themes: string[];
  langs: string[];
  countries: string[];
  outlets: string[];
  collections: string[];
  scripts: string[];
  granularity: "day" | "week";
  direction: "up" | "down";
  period: string;
  last_period: string;
  shift: boolean;
  raised_at: Date;
  mentions: number;
  articles: number;
  share: number;
  expected_share: number;
  baseline_share: number;
  baseline_spread: number;
  baseline_periods: number;
  z: number;
  p_value: number;
  method: string;
  message: string;
}

function alertsWithQuery(db: Kysely<Database>) {
  return db
    .selectFrom("alerts as a")
    .innerJoin("alert_queries as q", "q.id", "a.query_id")
    .select([
      "a.id",
      "a.query_id",
      "q.name as query",
      "q.themes",
      "q.langs",
      "q.countries",
      "q.outlets",
      "q.collections",
      "q.scripts",
      "a.granularity",
      "a.direction",
      "a.period",
      "a.last_period",
      "a.shift",
      "a.raised_at",
      "a.mentions",
      "a.articles",
      "a.share",
      "a.expected_share",
      "a.baseline_share",
      "a.baseline_spread",
      "a.baseline_periods",
      "a.z",
      "a.p_value",
      "a.method",
      "a.message",
    ]);
}

/**
 * Alerts for charts (a mark from `period` to `last_period` — by week, to the Sunday after it) and lists:
 * of one query (by id or name) or of every query on a theme, whose episode overlaps [from, to] (UTC days),
 * oldest first. `startingFrom`/`startingTo` instead select alerts whose episode starts in that range.
 */
export async function listAlerts(
  db: Kysely<Database>,
  f: {
    queryId?: number;
    query?: string;
    theme?: string;
    granularity?: "day" | "week";
    from?: string;
    to?: string;
    startingFrom?: string;
    startingTo?: string;
  } = {},
): Promise<AlertRow[]> {
  let q = alertsWithQuery(db);
  if (f.queryId !== undefined) q = q.where("a.query_id", "=", f.queryId);
  if (f.query !== undefined) q = q.where(sql`lower(q.name)`, "=", f.query.trim().toLowerCase());
  if (f.theme !== undefined) q = q.where(sql<boolean>`${f.theme} = ANY(q.themes)`);
  if (f.granularity) q = q.where("a.granularity", "=", f.granularity);
  if (f.to !== undefined) q = q.where("a.period", "<=", f.to);
  if (f.from !== undefined)
    q = q.where(
      sql<boolean>`a.last_period + CASE WHEN a.granularity = 'week' THEN 6 ELSE 0 END >= ${f.from}::date`,
    );
  if (f.startingFrom !== undefined) q = q.where("a.period", ">=", f.startingFrom);
  if (f.startingTo !== undefined) q = q.where("a.period", "<=", f.startingTo);
  return q.orderBy("a.period").orderBy("a.id").execute() as Promise<AlertRow[]>;
}

/** A delivery still to send, with its alert. */
export interface PendingAlertDelivery {
  alert: AlertRow;
  email: string;
  message_id: string;
  /** For the e-mail's unsubscribe link (alertUnsubscribeByLink). */
  unsubscribe_token: string;
}

/** Deliveries not yet accepted by the SMTP server, oldest alert first. */
export async function pendingAlertDeliveries(db: Kysely<Database>): Promise<PendingAlertDelivery[]> {
  const rows = await db
    .selectFrom("alert_deliveries")
    .select(["alert_id", "email", "message_id", "unsubscribe_token"])
    .where("sent_at", "is", null)
    .orderBy("alert_id")
    .orderBy("email")
    .execute();
  if (rows.length === 0) return [];
  const alerts = await alertsWithQuery(db)
    .where(
      "a.id",
      "in",
      rows.map((r) => r.alert_id),
    )
    .execute();
  const byId = new Map(alerts.map((a) => [a.id, a as AlertRow]));
  return rows.map((r) => ({
    alert: byId.get(r.alert_id)!,
    email: r.email,
    message_id: r.message_id,
    unsubscribe_token: r.unsubscribe_token,
  }));
}

/**
 * An alert e-mail's unsubscribe link: takes its recipient off the query's recipients (and drops the
 * query's e-mails still pending for them), through the one function the page's read-only role may call
 * for it (migration 0012). The query's name, or null when no e-mail had this token.
 */
export async function alertUnsubscribeByLink(db: Kysely<Database>, token: string): Promise<string | null> {
  const r = await sql<{ name: string | null }>`SELECT public.alert_unsubscribe(${token}) AS name`.execute(db);
  return r.rows[0]?.name ?? null;
}

/** Records that the SMTP server accepted an alert's e-mail to one recipient. */
export async function markAlertDelivered(
  db: Kysely<Database>,
  d: { alertId: number; email: string; sentAt?: Date },
): Promise<boolean> {
  const r = await db
    .updateTable("alert_deliveries")
    .set({ sent_at: d.sentAt ?? new Date() })
    .where("alert_id", "=", d.alertId)
    .where("email", "=", d.email)
    .where("sent_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Theme labels as the views show them (analytics.themes). */
export async function themeLabels(db: Kysely<Database>): Promise<Map<string, string>> {
  const r = await sql<{ theme: string; label: string }>`SELECT theme, label FROM analytics.themes`.execute(
    db,
  );
  return new Map(r.rows.map((x) => [x.theme, x.label]));
}

/**
 * True while a retag run is in progress (it wrote a batch in the last hour): shares are then too low
 * (docs/sql.md), so the detector waits. A run abandoned for longer does not hold alerts back forever.
 */
export async function retagInProgress(db: Kysely<Database>): Promise<boolean> {
  const r = await db
    .selectFrom("retag_runs")
    .select("id")
    .where("status", "=", "running")
    .where("updated_at", ">", sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirst();
  return r !== undefined;
}

/** What a chart needs to mark an alert: read from analytics.alerts, so the analysts' role can. */
export interface AlertMarkRow {
  alert_id: number;
  query: string;
  themes: string[];
  granularity: "day" | "week";
  direction: "up" | "down";
  period: string;
  share: number;
  message: string;
}

/**
 * Alerts on any of `themes` whose episode overlaps [from, to], newest first, at most `limit` (a chart
 * shows a handful of marks, not hundreds).
 */
export async function listAlertMarks(
  db: Kysely<Database>,
  f: { themes: readonly string[]; from?: string; to?: string; limit?: number },
): Promise<AlertMarkRow[]> {
  if (f.themes.length === 0) return [];
  const rows = await sql<AlertMarkRow>`
    SELECT alert_id, query, themes, granularity, direction, period::text AS period, share, message
    FROM analytics.alerts
    WHERE themes && ${sql.val([...f.themes])}::text[]
      ${f.to ? sql`AND period <= ${f.to}::date` : sql``}
      ${f.from ? sql`AND last_period + CASE WHEN granularity = 'week' THEN 6 ELSE 0 END >= ${f.from}::date` : sql``}
    ORDER BY period DESC, alert_id DESC
    LIMIT ${f.limit ?? 12}`.execute(db);
  return rows.rows;
}
