import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";
import { addToCounts } from "./counts";
import { insertArticleThemes } from "./theme-rows";

/** An article ready to store: normalised, language-identified and tagged. */
export interface PreparedArticle {
  url_hash: string;
  canonical_url: string | null;
  link: string | null;
  guid: string | null;
  title: string;
  summary: string;
  title_key: string;
  published_at: Date;
  published_estimated: boolean;
  fetched_at: Date;
  lang: string;
  script: string;
  lang_confidence: number;
  themes: { id: string; evidence: unknown[] }[];
}

export interface StoreTarget {
  feed_id: number;
  outlet_id: string;
  country: string;
  taxonomy_version: string;
}

export interface StoreResult {
  inserted: number;
  duplicates: number;
  insertedIds: number[];
  insertedHashes: string[];
}

/** Window in which the same normalised title from one outlet counts as a copy (wire copies across feeds). */
export const TITLE_DEDUPE_DAYS = 7;

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Stores a feed's items exactly once. In one transaction: the articles are inserted with ON CONFLICT DO
 * NOTHING (URL hash, or GUID within the feed), skipping titles the outlet already published within
 * TITLE_DEDUPE_DAYS; then the themes and the count changes are written for exactly the rows that were
 * inserted. A retried or crashed job therefore neither loses an item nor counts one twice.
 */
export async function storeArticles(
  db: Kysely<Database>,
  target: StoreTarget,
  items: readonly PreparedArticle[],
): Promise<StoreResult> {
  const batch = dedupeBatch(items);
  if (batch.length === 0)
    return { inserted: 0, duplicates: items.length, insertedIds: [], insertedHashes: [] };

  return db.transaction().execute(async (trx) => {
    // Serialise writers of the same outlet titles (two feeds of one outlet fetched at once), in sorted
    // order so that two transactions never wait on each other in a cycle.
    const titleLocks = [...new Set(batch.filter((a) => a.title_key).map((a) => a.title_key))].sort();
    if (titleLocks.length > 0)
      await sql`
        SELECT pg_advisory_xact_lock(hashtextextended(${target.outlet_id} || ':' || k, 0))
        FROM unnest(${titleLocks}::text[]) AS k ORDER BY k
      `.execute(trx);

    const col = <K extends keyof PreparedArticle>(k: K) => batch.map((a) => a[k]);
    const inserted = await sql<{ id: number; url_hash: string }>`
      INSERT INTO articles (outlet_id, feed_id, url_hash, canonical_url, link, guid, title, summary, title_key,
                            published_at, published_estimated, day, fetched_at, lang, script, lang_confidence,
                            taxonomy_version)
      SELECT ${target.outlet_id}, ${target.feed_id}, v.url_hash, v.canonical_url, v.link, v.guid, v.title,
             v.summary, v.title_key, v.published_at, v.published_estimated, (v.published_at AT TIME ZONE 'UTC')::date,
             v.fetched_at, v.lang, v.script, v.lang_confidence, ${target.taxonomy_version}
      FROM unnest(${col("url_hash")}::text[], ${col("canonical_url")}::text[], ${col("link")}::text[],
                  ${col("guid")}::text[], ${col("title")}::text[], ${col("summary")}::text[],
                  ${col("title_key")}::text[], ${col("published_at").map((d) => d.toISOString())}::timestamptz[],
                  ${col("published_estimated")}::boolean[], ${col("fetched_at").map((d) => d.toISOString())}::timestamptz[],
                  ${col("lang")}::text[], ${col("script")}::text[], ${col("lang_confidence")}::real[])
        AS v(url_hash, canonical_url, link, guid, title, summary, title_key, published_at, published_estimated,
             fetched_at, lang, script, lang_confidence)
      WHERE v.title_key = '' OR NOT EXISTS (
        SELECT 1 FROM articles a
        WHERE a.outlet_id = ${target.outlet_id} AND a.title_key = v.title_key
          AND a.published_at > v.published_at - make_interval(days => ${TITLE_DEDUPE_DAYS})
          AND a.published_at < v.published_at + make_interval(days => ${TITLE_DEDUPE_DAYS}))
      ON CONFLICT DO NOTHING
      RETURNING id, url_hash
    `.execute(trx);

    const byHash = new Map(batch.map((a) => [a.url_hash, a]));
    const rows = inserted.rows.map((r) => ({ id: r.id, article: byHash.get(r.url_hash)! }));
    const themeRows = rows.flatMap(({ id, article }) =>
      article.themes.map((t) => ({
        article_id: id,
        theme: t.id,
        taxonomy_version: target.taxonomy_version,
        evidence: t.evidence,
      })),
    );
    await insertArticleThemes(trx, themeRows);

    await addToCounts(
      trx,
      rows.map(({ article }) => ({
        day: utcDay(article.published_at),
        lang: article.lang,
        script: article.script,
        country: target.country,
        outlet_id: target.outlet_id,
        taxonomy_version: target.taxonomy_version,
        themes: article.themes.map((t) => t.id),
      })),
    );
    return {
      inserted: rows.length,
      duplicates: items.length - rows.length,
      insertedIds: rows.map((r) => r.id),
      insertedHashes: rows.map((r) => r.article.url_hash),
    };
  });
}

/** Keeps the first of several items in one batch that share a URL hash, a GUID or a title. */
function dedupeBatch(items: readonly PreparedArticle[]): PreparedArticle[] {
  const seen = new Set<string>();
  const out: PreparedArticle[] = [];
  for (const a of items) {
    const keys = [`u:${a.url_hash}`];
    if (a.guid) keys.push(`g:${a.guid}`);
    if (a.title_key) keys.push(`t:${a.title_key}`);
    if (keys.some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    out.push(a);
  }
  return out;
}
