import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

/** A feed with what a fetch needs to know about it and its outlet. */
export interface FeedForFetch {
  id: number;
  url: string;
  outlet_id: string;
  country: string;
  outlet_language: string;
  feed_language: string | null;
  time_zone: string;
  active: boolean;
  next_fetch_at: Date;
  interval_seconds: number;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  failure_count: number;
  moved_to: string | null;
  kind: "feed" | "sitemap";
  headers: Record<string, string>;
  robots_permission: string | null;
  last_status: number | null;
  /** The outlet has full text on: each new article's page is fetched. */
  fulltext: boolean;
}

export async function getFeedForFetch(
  db: Kysely<Database>,
  feedId: number,
): Promise<FeedForFetch | undefined> {
  return db
    .selectFrom("feeds as f")
    .innerJoin("outlets as o", "o.id", "f.outlet_id")
    .select([
      "f.id",
      "f.url",
      "f.outlet_id",
      "o.country",
      "o.language as outlet_language",
      "f.language as feed_language",
      "o.time_zone",
      "f.active",
      "f.next_fetch_at",
      "f.interval_seconds",
      "f.etag",
      "f.last_modified",
      "f.content_hash",
      "f.failure_count",
      "f.moved_to",
      "f.kind",
      "f.headers",
      "f.robots_permission",
      "f.last_status",
      "o.fulltext",
    ])
    .where("f.id", "=", feedId)
    .executeTakeFirst();
}

/** Active feeds whose next fetch time has come, oldest first. */
export async function findDueFeeds(
  db: Kysely<Database>,
  now: Date,
  limit = 1000,
): Promise<{ id: number; next_fetch_at: Date }[]> {
  return db
    .selectFrom("feeds as f")
    .innerJoin("outlets as o", "o.id", "f.outlet_id")
    .select(["f.id", "f.next_fetch_at"])
    .where("f.active", "=", true)
    .where("o.active", "=", true)
    .where("f.next_fetch_at", "<=", now)
    .orderBy("f.next_fetch_at")
    .limit(limit)
    .execute();
}

export interface FetchOutcome {
  startedAt: Date;
  durationMs: number;
  status: number | null;
  /** ok | not_modified | unchanged | error | refused (robots.txt: not an error, not a success) */
  outcome: string;
  /** The failure kind (errors and refusals); null or absent on success. */
  errorKind?: string | null;
  itemsFound: number;
  itemsNew: number;
  encoding: string | null;
  error: string | null;
  nextFetchAt: Date;
  intervalSeconds: number;
  failureCount: number;
  failing: boolean;
  etag?: string | null;
  lastModified?: string | null;
  contentHash?: string | null;
  newestItemAt?: Date | null;
  /** Where permanent redirects led on this fetch (null: none); leave undefined when not known (errors). */
  movedTo?: string | null;
}

/** Records one fetch attempt and the feed's new polling state. */
export async function recordFetch(db: Kysely<Database>, feedId: number, o: FetchOutcome): Promise<void> {
  const success = o.outcome === "ok" || o.outcome === "not_modified" || o.outcome === "unchanged";
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("feeds")
      .set({
        next_fetch_at: o.nextFetchAt,
        interval_seconds: o.intervalSeconds,
        failure_count: o.failureCount,
        failing: o.failing,
        last_status: o.status,
        last_fetched_at: o.startedAt,
        items_seen: sql`items_seen + ${o.itemsFound}`,
        items_new: sql`items_new + ${o.itemsNew}`,
        updated_at: new Date(),
        ...(success
          ? { last_success_at: o.startedAt, last_error: null, last_error_kind: null }
          : { last_error: o.error, last_error_at: o.startedAt, last_error_kind: o.errorKind ?? null }),
        ...(o.etag !== undefined ? { etag: o.etag } : {}),
        ...(o.lastModified !== undefined ? { last_modified: o.lastModified } : {}),
        ...(o.contentHash !== undefined ? { content_hash: o.contentHash } : {}),
        ...(o.itemsNew > 0 ? { last_new_item_at: o.startedAt } : {}),
        ...(o.movedTo !== undefined
          ? {
              moved_to: o.movedTo,
              // keeps the first sighting of the same target
              moved_at:
                o.movedTo === null
                  ? null
                  : sql<Date>`CASE WHEN moved_to IS NOT DISTINCT FROM ${o.movedTo} THEN moved_at ELSE ${o.startedAt}::timestamptz END`,
            }
          : {}),
      })
      .where("id", "=", feedId)
      .execute();
    await trx
      .insertInto("feed_fetches")
      .values({
        feed_id: feedId,
        started_at: o.startedAt,
        duration_ms: Math.round(o.durationMs),
        status: o.status,
        outcome: o.outcome,
        items_found: o.itemsFound,
        items_new: o.itemsNew,
        encoding: o.encoding,
        error: o.error,
      })
      .execute();
  });
}

/** Publication times of a feed's latest articles, newest first: the adaptive interval's evidence. */
export async function recentPublicationTimes(
  db: Kysely<Database>,
  feedId: number,
  limit = 20,
): Promise<Date[]> {
  const rows = await db
    .selectFrom("articles")
    .select("published_at")
    .where("feed_id", "=", feedId)
    .where("published_estimated", "=", false)
    .orderBy("published_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => r.published_at);
}

export interface FeedHealth {
  outlet_id: string;
  url: string;
  kind: "feed" | "sitemap";
  active: boolean;
  /** refused: robots.txt disallows it (not retried as an error); blocked: bot protection answered. */
  state: "ok" | "failing" | "erroring" | "refused" | "blocked" | "never fetched" | "inactive";
  failure_count: number;
  interval_seconds: number;
  next_fetch_at: Date;
  last_fetched_at: Date | null;
  last_success_at: Date | null;
  last_new_item_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  /** Failure kind of the last fetch (robots_disallowed, blocked_by_server, http_5xx, ...). */
  last_error_kind: string | null;
  /** The operator has the site's permission to fetch despite robots.txt. */
  robots_permission: string | null;
  items_new: number;
  /** The feed answers with permanent redirects to this URL: update infra/sources.yaml. */
  moved_to: string | null;
}

export async function feedHealth(db: Kysely<Database>): Promise<FeedHealth[]> {
  const rows = await db
    .selectFrom("feeds")
    .select([
      "outlet_id",
      "url",
      "kind",
      "active",
      "failing",
      "failure_count",
      "interval_seconds",
      "next_fetch_at",
      "last_fetched_at",
      "last_success_at",
      "last_new_item_at",
      "last_status",
      "last_error",
      "last_error_kind",
      "robots_permission",
      "items_new",
      "moved_to",
    ])
    .orderBy("outlet_id")
    .orderBy("url")
    .execute();
  return rows.map(({ failing, ...r }) => ({
    ...r,
    state: !r.active
      ? "inactive"
      : r.last_error_kind === "robots_disallowed"
        ? "refused"
        : r.last_error_kind === "blocked_by_server" && !failing
          ? "blocked"
          : failing
            ? "failing"
            : r.failure_count > 0
              ? "erroring"
              : r.last_fetched_at
                ? "ok"
                : "never fetched",
  }));
}

/** Deletes per-fetch history older than `days`, at most `limit` rows per call (keeps each call short). */
export async function pruneFetchLog(db: Kysely<Database>, days: number, limit = 10_000): Promise<number> {
  const result = await sql`
    DELETE FROM feed_fetches WHERE id IN (
      SELECT id FROM feed_fetches WHERE started_at < now() - make_interval(days => ${days}) LIMIT ${limit})
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
