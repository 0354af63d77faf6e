import { type Kysely, sql } from "kysely";

// Page fetches of full-text outlets (issue 15, phase 2: the page-fetch job).
//
// - page_fetch_retries: an article whose page answered 429 or 5xx (or whose host's robots.txt could not be
//   read) and will be tried again: how many times so far and not before when (the Retry-After, else a
//   backoff). Kept in Postgres rather than in the job, so the count and the wait survive a crash of the
//   in-process runner, whose jobs live in memory; removed once the page has its outcome in article_bodies.
// - article_bodies_fetched_idx: `vesti sources health` reads the last days' page outcomes per outlet.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE page_fetch_retries (
      article_id   bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
      attempts     integer NOT NULL CHECK (attempts > 0),
      last_error   text NOT NULL,
      last_status  integer,
      retry_at     timestamptz NOT NULL,
      updated_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX article_bodies_fetched_idx ON article_bodies (fetched_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX article_bodies_fetched_idx;
    DROP TABLE page_fetch_retries;
  `.execute(db);
}
