import { type Kysely, sql } from "kysely";

// A feed whose URL answers with permanent redirects (301/308 on every hop) has moved. The feed keeps its
// URL, which is its key in infra/sources.yaml (a sync would otherwise see a new feed and a removed one),
// and records where it went, for operators to update the sources file (`vesti sources health`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE feeds
      ADD COLUMN moved_to text,
      ADD COLUMN moved_at timestamptz
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE feeds DROP COLUMN moved_to, DROP COLUMN moved_at`.execute(db);
}
