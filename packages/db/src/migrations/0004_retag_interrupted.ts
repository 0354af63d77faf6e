import { type Kysely, sql } from "kysely";

// A retag stops at a batch boundary when its process shuts down and says so: status 'interrupted' (with
// when and how often), resumed by the next start. articles_total is the number of articles to retag when
// the run started, so progress can be told as "172,000 of 240,000".
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE retag_runs DROP CONSTRAINT retag_runs_status_check;
    ALTER TABLE retag_runs ADD CONSTRAINT retag_runs_status_check CHECK (status IN ('running', 'interrupted', 'done'));
    ALTER TABLE retag_runs
      ADD COLUMN articles_total bigint,
      ADD COLUMN interrupted_at timestamptz,
      ADD COLUMN interruptions integer NOT NULL DEFAULT 0;
    DROP INDEX retag_runs_one_running;
    CREATE UNIQUE INDEX retag_runs_one_open ON retag_runs (to_version) WHERE status IN ('running', 'interrupted');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE retag_runs SET status = 'running' WHERE status = 'interrupted';
    DROP INDEX retag_runs_one_open;
    CREATE UNIQUE INDEX retag_runs_one_running ON retag_runs (to_version) WHERE status = 'running';
    ALTER TABLE retag_runs DROP COLUMN articles_total, DROP COLUMN interrupted_at, DROP COLUMN interruptions;
    ALTER TABLE retag_runs DROP CONSTRAINT retag_runs_status_check;
    ALTER TABLE retag_runs ADD CONSTRAINT retag_runs_status_check CHECK (status IN ('running', 'done'));
  `.execute(db);
}
