import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

// The children of a sitemap index (migration 0005_sources). One poll of an index feed is identified by
// the feed's due time (`pollAt`): the children it selects get selected_for = pollAt and stay pending
// until fetched_for = pollAt. A job that stops half-way (host busy, crash) finds the rest pending the
// next time it runs for the same due time, so the poll resumes where it stopped; the articles it already
// stored are deduplicated by storeArticles as always.

export interface SitemapChildRow {
  url: string;
  lastmod: Date | null;
  fetchedLastmod: Date | null;
  depth: number;
  etag: string | null;
  lastModified: string | null;
  contentHash: string | null;
}

const columns = [
  "url",
  "lastmod",
  "fetched_lastmod",
  "depth",
  "etag",
  "last_modified",
  "content_hash",
] as const;
type Row = {
  url: string;
  lastmod: Date | null;
  fetched_lastmod: Date | null;
  depth: number;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
};
const toChild = (r: Row): SitemapChildRow => ({
  url: r.url,
  lastmod: r.lastmod,
  fetchedLastmod: r.fetched_lastmod,
  depth: r.depth,
  etag: r.etag,
  lastModified: r.last_modified,
  contentHash: r.content_hash,
});

/** Every child this feed's index ever listed (that a poll selected), for conditional GET and selection. */
export async function sitemapChildren(db: Kysely<Database>, feedId: number): Promise<SitemapChildRow[]> {
  const rows = await db
    .selectFrom("sitemap_children")
    .select(columns)
    .where("feed_id", "=", feedId)
    .execute();
  return rows.map(toChild);
}

/** Children selected by the poll `pollAt` and not fetched for it yet, shallowest and newest first. */
export async function pendingSitemapChildren(
  db: Kysely<Database>,
  feedId: number,
  pollAt: Date,
): Promise<SitemapChildRow[]> {
  const rows = await db
    .selectFrom("sitemap_children")
    .select(columns)
    .where("feed_id", "=", feedId)
    .where("selected_for", "=", pollAt)
    .where((eb) => eb.or([eb("fetched_for", "is", null), eb("fetched_for", "!=", pollAt)]))
    .orderBy("depth")
    .orderBy(sql`lastmod DESC NULLS LAST`)
    .orderBy("url")
    .execute();
  return rows.map(toChild);
}

/** URLs any step of the poll `pollAt` has selected (loop detection for nested indexes). */
export async function sitemapUrlsOfPoll(
  db: Kysely<Database>,
  feedId: number,
  pollAt: Date,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom("sitemap_children")
    .select("url")
    .where("feed_id", "=", feedId)
    .where("selected_for", "=", pollAt)
    .execute();
  return new Set(rows.map((r) => r.url));
}

/** Marks children as selected by the poll `pollAt` (inserting new ones). */
export async function selectSitemapChildrenForPoll(
  db: Kysely<Database>,
  feedId: number,
  pollAt: Date,
  children: readonly { url: string; lastmod: Date | null; depth: number }[],
): Promise<void> {
  if (children.length === 0) return;
  await sql`
    INSERT INTO sitemap_children (feed_id, url, lastmod, depth, selected_for)
    SELECT ${feedId}, c.url, c.lastmod, c.depth, ${pollAt}::timestamptz
    FROM unnest(${children.map((c) => c.url)}::text[],
                ${children.map((c) => c.lastmod?.toISOString() ?? null)}::timestamptz[],
                ${children.map((c) => c.depth)}::smallint[]) AS c(url, lastmod, depth)
    ON CONFLICT (feed_id, url) DO UPDATE
      SET lastmod = excluded.lastmod, depth = excluded.depth, selected_for = excluded.selected_for
  `.execute(db);
}

export interface SitemapChildFetch {
  pollAt: Date;
  fetchedAt: Date;
  status: number | null;
  /** null: success (or not modified). */
  error: string | null;
  itemsFound: number;
  itemsNew: number;
  /** Conditional-GET state to keep (undefined: leave as it was). */
  etag?: string | null;
  lastModified?: string | null;
  contentHash?: string | null;
}

/** Records one child's fetch for the poll; a success also remembers the lastmod it was fetched at. */
export async function recordSitemapChild(
  db: Kysely<Database>,
  feedId: number,
  url: string,
  f: SitemapChildFetch,
): Promise<void> {
  await db
    .updateTable("sitemap_children")
    .set({
      fetched_for: f.pollAt,
      last_fetched_at: f.fetchedAt,
      last_status: f.status,
      last_error: f.error,
      items_found: f.itemsFound,
      items_new: f.itemsNew,
      ...(f.error === null ? { fetched_lastmod: sql<Date>`lastmod` } : {}),
      ...(f.etag !== undefined ? { etag: f.etag } : {}),
      ...(f.lastModified !== undefined ? { last_modified: f.lastModified } : {}),
      ...(f.contentHash !== undefined ? { content_hash: f.contentHash } : {}),
    })
    .where("feed_id", "=", feedId)
    .where("url", "=", url)
    .execute();
}

/** Totals of the poll `pollAt` over its children. */
export async function sitemapPollTotals(
  db: Kysely<Database>,
  feedId: number,
  pollAt: Date,
): Promise<{
  children: number;
  failed: number;
  itemsFound: number;
  itemsNew: number;
  firstError: string | null;
}> {
  const r = await db
    .selectFrom("sitemap_children")
    .select((eb) => [
      eb.fn.countAll<number>().as("children"),
      sql<number>`count(*) FILTER (WHERE last_error NOT LIKE 'robots_disallowed:%')::int`.as("failed"),
      sql<number>`count(*) FILTER (WHERE last_error LIKE 'robots_disallowed:%')::int`.as("refused"),
      sql<number>`coalesce(sum(items_found), 0)::int`.as("itemsFound"),
      sql<number>`coalesce(sum(items_new), 0)::int`.as("itemsNew"),
      sql<string | null>`min(last_error) FILTER (WHERE last_error NOT LIKE 'robots_disallowed:%')`.as(
        "firstError",
      ),
    ])
    .where("feed_id", "=", feedId)
    .where("fetched_for", "=", pollAt)
    .executeTakeFirstOrThrow();
  return { ...r, children: Number(r.children) };
}

/** Stores the index's own conditional-GET state without ending the poll (recordFetch does that). */
export async function recordSitemapIndexFetch(
  db: Kysely<Database>,
  feedId: number,
  f: {
    fetchedAt: Date;
    status: number;
    etag: string | null;
    lastModified: string | null;
    contentHash?: string;
  },
): Promise<void> {
  await db
    .updateTable("feeds")
    .set({
      last_fetched_at: f.fetchedAt,
      last_status: f.status,
      etag: f.etag,
      last_modified: f.lastModified,
      ...(f.contentHash !== undefined ? { content_hash: f.contentHash } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", feedId)
    .execute();
}
