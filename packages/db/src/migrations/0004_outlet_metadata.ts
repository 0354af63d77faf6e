import { type Kysely, sql } from "kysely";

// Who owns an outlet and where it stands, so analysts can slice trends by it (the report's claims are about
// *who* says what: Russian state media in Serbian, government-friendly outlets, independent ones). The
// vocabularies are documented in docs/sources.md and validated by the sources file's schema
// (packages/feeds/src/sources.ts); the database only keeps them well-formed slugs, so a new term needs no
// migration. `collections` are named groups in the Media Cloud sense (an outlet can be in several).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE outlets
      ADD COLUMN ownership text NOT NULL DEFAULT 'unknown' CHECK (ownership ~ '^[a-z][a-z0-9-]*$'),
      ADD COLUMN alignment text NOT NULL DEFAULT 'unknown' CHECK (alignment ~ '^[a-z][a-z0-9-]*$'),
      ADD COLUMN alignment_source text,
      ADD COLUMN collections text[] NOT NULL DEFAULT '{}'
        CHECK (array_position(collections, NULL) IS NULL);
    CREATE INDEX outlets_collections ON outlets USING gin (collections);

    -- New columns go at the end: CREATE OR REPLACE VIEW may only add columns.
    CREATE OR REPLACE VIEW analytics.outlets AS
    SELECT o.id AS outlet, o.name, o.country, o.language, o.script, o.time_zone, o.home_url, o.active,
           (SELECT count(*) FROM public.feeds f WHERE f.outlet_id = o.id AND f.active)::bigint AS active_feeds,
           coalesce(c.articles, 0)::bigint AS articles, c.first_day, c.last_day,
           o.ownership, o.alignment, o.alignment_source, o.collections
    FROM public.outlets o
    LEFT JOIN (
      SELECT outlet_id, sum(articles) AS articles, min(day) AS first_day, max(day) AS last_day
      FROM public.article_daily_counts GROUP BY outlet_id
    ) c ON c.outlet_id = o.id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW analytics.outlets;
    CREATE VIEW analytics.outlets AS
    SELECT o.id AS outlet, o.name, o.country, o.language, o.script, o.time_zone, o.home_url, o.active,
           (SELECT count(*) FROM public.feeds f WHERE f.outlet_id = o.id AND f.active)::bigint AS active_feeds,
           coalesce(c.articles, 0)::bigint AS articles, c.first_day, c.last_day
    FROM public.outlets o
    LEFT JOIN (
      SELECT outlet_id, sum(articles) AS articles, min(day) AS first_day, max(day) AS last_day
      FROM public.article_daily_counts GROUP BY outlet_id
    ) c ON c.outlet_id = o.id;
    GRANT SELECT ON analytics.outlets TO vesti_analyst;
    ALTER TABLE outlets DROP COLUMN ownership, DROP COLUMN alignment, DROP COLUMN alignment_source,
      DROP COLUMN collections;
  `.execute(db);
}
