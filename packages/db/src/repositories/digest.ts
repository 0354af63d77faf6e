import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";
import { listAlerts } from "./alerts";

// The weekly digest's reads (the analytics views, so the numbers are the ones analysts see) and its
// subscribers and deliveries.

export interface DigestThemeCount {
  theme: string;
  label: string;
  /** Outlet country, or "*" for all countries together. */
  country: string;
  mentions: number;
  articles: number;
  prevMentions: number;
  prevArticles: number;
}

export interface DigestAid {
  russian_aid: number;
  chinese_aid: number;
  eu_aid: number;
  articles: number;
}

/** Serbian outlets' attention to aid per editorial alignment of the outlet (docs/sources.md). */
export interface DigestAidByAlignment extends DigestAid {
  /** pro-government, independent, state-media or unknown */
  alignment: string;
  prev: DigestAid | null;
}

export interface DigestArticle {
  theme: string;
  title: string;
  url: string;
  outlet_name: string;
  country: string;
  lang: string;
  published_at: Date;
}

export interface DigestPair {
  theme_a: string;
  theme_b: string;
  articles: number;
}

/** An alert raised for a period of the week (a day of it, or the week itself). */
export interface DigestAlert {
  query: string;
  themes: string[];
  granularity: "day" | "week";
  direction: "up" | "down";
  period: string;
  message: string;
}

export interface DigestData {
  /** Monday of the ISO week (YYYY-MM-DD). */
  weekStart: string;
  /** All articles stored for the week, and the week before. */
  articles: number;
  prevArticles: number;
  themes: DigestThemeCount[];
  /** Serbian outlets' attention to aid (analytics.aid_attention_weekly); null when they published nothing. */
  aid: DigestAid | null;
  prevAid: DigestAid | null;
  /** The same split by the outlets' alignment (pro-government, independent, state media, unknown). */
  aidByAlignment: DigestAidByAlignment[];
  /** The thesis chart's weeks: aid_attention_weekly for the `historyWeeks` weeks up to this one, oldest first. */
  aidHistory: (DigestAid & { week_start: string })[];
  /** The latest articles per theme, at most `perTheme` each. */
  latest: DigestArticle[];
  /** Theme pairs tagged on the same articles, most frequent first. */
  pairs: DigestPair[];
  /** Alerts whose episode started in the week (docs/alerts.md), oldest first. */
  alerts: DigestAlert[];
}

const WEEK = /^\d{4}-\d{2}-\d{2}$/;

/** Everything the digest of the ISO week starting on `weekStart` (a Monday) shows. */
export async function loadDigestData(
  db: Kysely<Database>,
  weekStart: string,
  options: { perTheme?: number; pairs?: number; historyWeeks?: number } = {},
): Promise<DigestData> {
  if (!WEEK.test(weekStart) || new Date(`${weekStart}T00:00:00Z`).getUTCDay() !== 1)
    throw new Error(`weekStart must be a Monday as YYYY-MM-DD, not "${weekStart}"`);
  const perTheme = options.perTheme ?? 3;
  const week = sql`${weekStart}::date`;
  const prev = sql`(${weekStart}::date - 7)`;

  const totals = await sql<{ week_start: string; articles: number }>`
    SELECT week_start, sum(articles)::int8 AS articles FROM analytics.article_weekly_counts
    WHERE week_start IN (${week}, ${prev}) GROUP BY week_start`.execute(db);
  const total = (w: string) => totals.rows.find((r) => r.week_start === w)?.articles ?? 0;
  const prevStart = addDays(weekStart, -7);

  // Per theme and country, and for all countries ("*"), this week and the week before.
  const counts = await sql<{
    week_start: string;
    theme: string;
    label: string;
    country: string;
    mentions: number;
    articles: number;
  }>`
    SELECT w.week_start, w.theme, coalesce(t.label, w.theme) AS label, coalesce(w.country, '*') AS country,
           sum(w.mentions)::int8 AS mentions, sum(w.articles)::int8 AS articles
    FROM analytics.theme_weekly w LEFT JOIN analytics.themes t ON t.theme = w.theme
    WHERE w.week_start IN (${week}, ${prev})
    GROUP BY GROUPING SETS ((w.week_start, w.theme, t.label, w.country), (w.week_start, w.theme, t.label))
    ORDER BY w.theme, country`.execute(db);
  const themes = new Map<string, DigestThemeCount>();
  for (const r of counts.rows) {
    const key = `${r.theme}\u0000${r.country}`;
    const row = themes.get(key) ?? {
      theme: r.theme,
      label: r.label,
      country: r.country,
      mentions: 0,
      articles: 0,
      prevMentions: 0,
      prevArticles: 0,
    };
    if (r.week_start === weekStart) {
      row.mentions = r.mentions;
      row.articles = r.articles;
    } else {
      row.prevMentions = r.mentions;
      row.prevArticles = r.articles;
    }
    themes.set(key, row);
  }

  // One read of the aid view: the chart's weeks, and at least this week and the one before.
  const historyWeeks = options.historyWeeks ?? 26;
  const aidRows = await sql<DigestAid & { week_start: string }>`
    SELECT week_start, russian_aid, chinese_aid, eu_aid, articles FROM analytics.aid_attention_weekly
    WHERE week_start > ${week} - ${7 * Math.max(2, historyWeeks)}::int AND week_start <= ${week}
    ORDER BY week_start`.execute(db);
  const historyFrom = addDays(weekStart, -7 * historyWeeks);
  const aid = (w: string): DigestAid | null => {
    const r = aidRows.rows.find((x) => x.week_start === w);
    return r
      ? { russian_aid: r.russian_aid, chinese_aid: r.chinese_aid, eu_aid: r.eu_aid, articles: r.articles }
      : null;
  };

  // The aid view's numbers per outlet alignment: the same weekly rollups, joined to the outlets.
  const byAlignment = await sql<DigestAid & { week_start: string; alignment: string }>`
    SELECT f.week_start, o.alignment,
           coalesce(sum(f.mentions) FILTER (WHERE f.theme = 'russian_aid'), 0)::int8 AS russian_aid,
           coalesce(sum(f.mentions) FILTER (WHERE f.theme = 'chinese_aid'), 0)::int8 AS chinese_aid,
           coalesce(sum(f.mentions) FILTER (WHERE f.theme = 'eu_aid'), 0)::int8 AS eu_aid,
           sum(f.articles)::int8 AS articles
    FROM (
      SELECT c.week_start, c.outlet_id, NULL::text AS theme, 0::bigint AS mentions, c.articles
      FROM analytics.article_weekly_counts c
      WHERE c.country = 'RS' AND c.week_start IN (${week}, ${prev})
      UNION ALL
      SELECT t.week_start, t.outlet_id, t.theme, t.mentions, 0::bigint
      FROM analytics.theme_weekly_counts t
      WHERE t.country = 'RS' AND t.week_start IN (${week}, ${prev})
        AND t.theme IN ('russian_aid', 'chinese_aid', 'eu_aid')
        AND t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
    ) f
    JOIN public.outlets o ON o.id = f.outlet_id
    GROUP BY f.week_start, o.alignment`.execute(db);
  const pick = (r: DigestAid) => ({
    russian_aid: r.russian_aid,
    chinese_aid: r.chinese_aid,
    eu_aid: r.eu_aid,
    articles: r.articles,
  });
  const aidByAlignment: DigestAidByAlignment[] = byAlignment.rows
    .filter((r) => r.week_start === weekStart)
    .map((r) => {
      const p = byAlignment.rows.find((x) => x.week_start !== weekStart && x.alignment === r.alignment);
      return { alignment: r.alignment, ...pick(r), prev: p ? pick(p) : null };
    })
    .sort((a, b) => a.alignment.localeCompare(b.alignment));

  const latest = await sql<DigestArticle>`
    SELECT theme, title, url, outlet_name, country, lang, published_at FROM (
      SELECT a.*, row_number() OVER (PARTITION BY theme ORDER BY published_at DESC, article_id DESC) AS n
      FROM analytics.tagged_articles a
      WHERE day BETWEEN ${week} AND ${week} + 6
    ) ranked
    WHERE n <= ${perTheme}
    ORDER BY theme, published_at DESC`.execute(db);

  const pairs = await sql<DigestPair>`
    SELECT theme_a, theme_b, sum(articles)::int8 AS articles FROM analytics.theme_cooccurrence
    WHERE week_start = ${week} GROUP BY theme_a, theme_b
    ORDER BY articles DESC, theme_a, theme_b LIMIT ${options.pairs ?? 5}`.execute(db);

  const alerts = await listAlerts(db, { startingFrom: weekStart, startingTo: addDays(weekStart, 6) });

  return {
    weekStart,
    articles: total(weekStart),
    prevArticles: total(prevStart),
    themes: [...themes.values()],
    aid: aid(weekStart),
    prevAid: aid(prevStart),
    aidByAlignment,
    aidHistory: aidRows.rows.filter((r) => r.week_start > historyFrom),
    latest: latest.rows,
    pairs: pairs.rows,
    alerts: alerts.map((a) => ({
      query: a.query,
      themes: a.themes,
      granularity: a.granularity,
      direction: a.direction,
      period: a.period,
      message: a.message,
    })),
  };
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface Subscriber {
  id: number;
  email: string;
  /** Themes the subscriber follows; null for all. */
  themes: string[] | null;
  lang: string;
  active: boolean;
  unsubscribe_token: string;
  created_at: Date;
  unsubscribed_at: Date | null;
}

/** Adds a subscriber, or reactivates and updates one with the same e-mail address. */
export async function addSubscriber(
  db: Kysely<Database>,
  s: { email: string; themes?: string[] | null; lang?: string },
): Promise<Subscriber> {
  const email = s.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`not an e-mail address: "${s.email}"`);
  return db
    .insertInto("subscribers")
    .values({
      email,
      themes: s.themes ?? null,
      lang: s.lang ?? "en",
      unsubscribe_token: randomBytes(18).toString("base64url"),
    })
    .onConflict((oc) =>
      oc
        .column("email")
        .doUpdateSet({ active: true, unsubscribed_at: null, themes: s.themes ?? null, lang: s.lang ?? "en" }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deactivates a subscriber by e-mail address or unsubscribe token; false when there is no such one. */
export async function unsubscribe(db: Kysely<Database>, emailOrToken: string): Promise<boolean> {
  const key = emailOrToken.trim();
  const r = await db
    .updateTable("subscribers")
    .set({ active: false, unsubscribed_at: sql`coalesce(unsubscribed_at, now())` })
    .where((eb) => eb.or([eb("email", "=", key.toLowerCase()), eb("unsubscribe_token", "=", key)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * The digest's unsubscribe link: deactivates the subscriber whose token this is, through the one function
 * the page's read-only role may call (migration 0010). True when the token is (or was) a subscriber's.
 */
export async function unsubscribeByLink(db: Kysely<Database>, token: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT public.digest_unsubscribe(${token}) AS ok`.execute(db);
  return r.rows[0]?.ok === true;
}

export async function listSubscribers(db: Kysely<Database>): Promise<Subscriber[]> {
  return db.selectFrom("subscribers").selectAll().orderBy("email").execute();
}

/** Active subscribers who have not been sent the digest of this week yet. */
export async function pendingDigestSubscribers(
  db: Kysely<Database>,
  weekStart: string,
): Promise<Subscriber[]> {
  return db
    .selectFrom("subscribers as s")
    .selectAll("s")
    .where("s.active", "=", true)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("digest_deliveries as d")
            .select("d.subscriber_id")
            .whereRef("d.subscriber_id", "=", "s.id")
            .where("d.week_start", "=", weekStart),
        ),
      ),
    )
    .orderBy("s.id")
    .execute();
}

/** Records that a subscriber was sent a week's digest; false when it was already recorded. */
export async function recordDigestDelivery(
  db: Kysely<Database>,
  d: { subscriberId: number; weekStart: string; messageId: string; sentAt?: Date },
): Promise<boolean> {
  const r = await db
    .insertInto("digest_deliveries")
    .values({
      subscriber_id: d.subscriberId,
      week_start: d.weekStart,
      message_id: d.messageId,
      sent_at: d.sentAt ?? new Date(),
    })
    .onConflict((oc) => oc.columns(["subscriber_id", "week_start"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}
