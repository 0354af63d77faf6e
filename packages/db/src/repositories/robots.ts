import type { Kysely } from "kysely";
import type { Database } from "../schema";

// The robots.txt cache (migration 0005_sources), one row per origin. The rules of what a row means live
// in @vesti/feeds (robots.ts); this file only reads and writes rows.

export interface StoredRobots {
  origin: string;
  outcome: "ok" | "unavailable" | "unreachable";
  status: number | null;
  body: string | null;
  error: string | null;
  fetchedAt: Date;
  expiresAt: Date;
  unreachableSince: Date | null;
}

export async function getRobots(db: Kysely<Database>, origin: string): Promise<StoredRobots | null> {
  const r = await db.selectFrom("robots_txt").selectAll().where("origin", "=", origin).executeTakeFirst();
  return r
    ? {
        origin: r.origin,
        outcome: r.outcome,
        status: r.status,
        body: r.body,
        error: r.error,
        fetchedAt: r.fetched_at,
        expiresAt: r.expires_at,
        unreachableSince: r.unreachable_since,
      }
    : null;
}

export async function saveRobots(db: Kysely<Database>, r: StoredRobots): Promise<void> {
  const row = {
    origin: r.origin,
    outcome: r.outcome,
    status: r.status,
    body: r.body,
    error: r.error,
    fetched_at: r.fetchedAt,
    expires_at: r.expiresAt,
    unreachable_since: r.unreachableSince,
  };
  await db
    .insertInto("robots_txt")
    .values(row)
    .onConflict((oc) => oc.column("origin").doUpdateSet(row))
    .execute();
}
