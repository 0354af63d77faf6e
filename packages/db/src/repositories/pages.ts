import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

// The page-fetch job's own state (migration 0008_pages) and what operators see of it. The outcomes
// themselves are article_bodies rows (bodies.ts).

export interface PageRetry {
  /** Transient failures so far (429, 5xx, robots.txt unreachable). */
  attempts: number;
  /** Not before. */
  retryAt: Date;
  lastError: string;
}

export async function getPageRetry(db: Kysely<Database>, articleId: number): Promise<PageRetry | undefined> {
  const r = await db
    .selectFrom("page_fetch_retries")
    .select(["attempts", "retry_at", "last_error"])
    .where("article_id", "=", articleId)
    .executeTakeFirst();
  return r ? { attempts: r.attempts, retryAt: r.retry_at, lastError: r.last_error } : undefined;
}

/** Counts one more transient failure of an article's page and when to try again; returns the attempts so far. */
export async function recordPageRetry(
  db: Kysely<Database>,
  articleId: number,
  r: { error: string; status: number | null; retryAt: Date },
): Promise<number> {
  const row = {
    last_error: r.error.slice(0, 1000),
    last_status: r.status,
    retry_at: r.retryAt,
    updated_at: new Date(),
  };
  const out = await db
    .insertInto("page_fetch_retries")
    .values({ article_id: articleId, attempts: 1, ...row })
    .onConflict((oc) =>
      oc.column("article_id").doUpdateSet({ ...row, attempts: sql`page_fetch_retries.attempts + 1` }),
    )
    .returning("attempts")
    .executeTakeFirstOrThrow();
  return out.attempts;
}

/** The page has its outcome: its retry state goes. */
export async function clearPageRetry(db: Kysely<Database>, articleId: number): Promise<void> {
  await db.deleteFrom("page_fetch_retries").where("article_id", "=", articleId).execute();
}

/** Per outlet, what became of its article pages since a time (`vesti sources health`). */
export interface PageHealth {
  outlet_id: string;
  /** Full text is on for the outlet now (an outlet that turned it off still shows its recent pages). */
  fulltext: boolean;
  /** Pages fetched: every outcome but failed and blocked_robots. */
  fetched: number;
  /** Of those, with an extracted body (status ok). */
  extracted: number;
  /** Of those, kept the feed summary: paywalled, empty, or shorter than the outlet's minimum. */
  fell_back: number;
  /** Could not be had: 4xx, timeouts, too large, not HTML, 429/5xx after the last retry. */
  failed: number;
  blocked_robots: number;
  /** Articles published since then that have no outcome yet (queued, waiting for their host, or retrying). */
  waiting: number;
  /** Of those, answered 429 or 5xx and due for another try. */
  retrying: number;
  /** Median length of the extracted bodies, in characters. */
  median_length: number | null;
  last_fetched_at: Date | null;
  /** The latest failure or robots.txt refusal, as `status: reason`. */
  last_failure: string | null;
}

export async function pageHealth(db: Kysely<Database>, options: { since: Date }): Promise<PageHealth[]> {
  const rows = await sql<PageHealth>`
    WITH b AS (
      SELECT a.outlet_id,
             count(*) FILTER (WHERE b.status NOT IN ('failed', 'blocked_robots'))::int AS fetched,
             count(*) FILTER (WHERE b.status = 'ok')::int AS extracted,
             count(*) FILTER (WHERE b.status IN ('paywalled', 'empty', 'fallback_summary'))::int AS fell_back,
             count(*) FILTER (WHERE b.status = 'failed')::int AS failed,
             count(*) FILTER (WHERE b.status = 'blocked_robots')::int AS blocked_robots,
             (percentile_disc(0.5) WITHIN GROUP (ORDER BY b.length) FILTER (WHERE b.status = 'ok'))::int AS median_length,
             max(b.fetched_at) AS last_fetched_at,
             (array_agg(b.status || ': ' || coalesce(b.reason, '') ORDER BY b.fetched_at DESC)
                FILTER (WHERE b.status IN ('failed', 'blocked_robots')))[1] AS last_failure
      FROM article_bodies b JOIN articles a ON a.id = b.article_id
      WHERE b.fetched_at >= ${options.since}
      GROUP BY a.outlet_id
    ), w AS (
      SELECT a.outlet_id, count(*)::int AS waiting, count(r.article_id)::int AS retrying
      FROM articles a
      JOIN outlets o ON o.id = a.outlet_id AND o.fulltext AND o.active
      LEFT JOIN page_fetch_retries r ON r.article_id = a.id
      WHERE a.published_at >= ${options.since}
        AND NOT EXISTS (SELECT 1 FROM article_bodies x WHERE x.article_id = a.id)
      GROUP BY a.outlet_id
    )
    SELECT o.id AS outlet_id, (o.fulltext AND o.active) AS fulltext,
           coalesce(b.fetched, 0) AS fetched, coalesce(b.extracted, 0) AS extracted,
           coalesce(b.fell_back, 0) AS fell_back, coalesce(b.failed, 0) AS failed,
           coalesce(b.blocked_robots, 0) AS blocked_robots, coalesce(w.waiting, 0) AS waiting,
           coalesce(w.retrying, 0) AS retrying, b.median_length, b.last_fetched_at, b.last_failure
    FROM outlets o
    LEFT JOIN b ON b.outlet_id = o.id
    LEFT JOIN w ON w.outlet_id = o.id
    WHERE (o.fulltext AND o.active) OR b.outlet_id IS NOT NULL
    ORDER BY o.id`.execute(db);
  return rows.rows;
}
