import { type Kysely, sql } from "kysely";

// Sources beyond RSS/Atom (docs/sources.md):
// - feeds.kind: a feed or a news sitemap (Google News sitemaps, sitemap indexes, .xml.gz); content decides
//   how it is read, the kind decides the robots.txt policy and whether index children are followed.
// - feeds.headers: request headers an operator who has the site's permission sets for one feed.
// - feeds.robots_permission: the operator's record of permission to fetch a feed that robots.txt disallows.
// - feeds.last_error_kind: the failure kind of the last fetch (robots_disallowed and blocked_by_server
//   are shown by `vesti sources health` with a hint), null after a success.
// - robots_txt: robots.txt per origin, cached in Postgres so that it works wherever the pipeline runs
//   (also the embedded mode without Redis). RFC 9309 semantics, see packages/feeds/src/robots.ts.
// - sitemap_children: the children of a sitemap index and their conditional-GET state; a poll selects
//   the recent ones, then fetches them one request at a time with host politeness, resumably.
// - analytics.theme_daily_by_collection / theme_weekly_by_collection: the trend views per outlet
//   collection (an outlet in two collections counts in each), over the count tables and rollups.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE feeds
      ADD COLUMN kind text NOT NULL DEFAULT 'feed' CHECK (kind IN ('feed', 'sitemap')),
      ADD COLUMN headers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object'),
      ADD COLUMN robots_permission text,
      ADD COLUMN last_error_kind text;

    CREATE TABLE robots_txt (
      origin             text PRIMARY KEY,
      -- ok: parsed body; unavailable: 4xx, allow all; unreachable: 5xx or no answer, disallow all for now
      outcome            text NOT NULL CHECK (outcome IN ('ok', 'unavailable', 'unreachable')),
      status             integer,
      body               text,
      error              text,
      fetched_at         timestamptz NOT NULL,
      expires_at         timestamptz NOT NULL,
      -- first failed attempt of the current run of failures (RFC 9309: after long enough, allow)
      unreachable_since  timestamptz
    );

    CREATE TABLE sitemap_children (
      feed_id          bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
      url              text NOT NULL,
      -- the <lastmod> the index gave for this child, and the one it had when last fetched
      lastmod          timestamptz,
      fetched_lastmod  timestamptz,
      depth            smallint NOT NULL DEFAULT 1,
      -- the poll (the feed's due time) that selected it, and the poll it was last fetched for;
      -- a child is pending while they differ
      selected_for     timestamptz,
      fetched_for      timestamptz,
      etag             text,
      last_modified    text,
      content_hash     text,
      last_status      integer,
      last_error       text,
      items_found      integer NOT NULL DEFAULT 0,
      items_new        integer NOT NULL DEFAULT 0,
      last_fetched_at  timestamptz,
      PRIMARY KEY (feed_id, url)
    );

    -- Per collection: the zero-filled union of article counts and theme counts, as theme_daily does per
    -- outlet, joined to each outlet's collections (a lateral unnest, so that a filter on collection is
    -- applied before the count rows are read).
    CREATE VIEW analytics.theme_daily_by_collection AS
    SELECT f.day, f.collection, f.theme, f.lang, f.country,
           sum(f.mentions)::bigint AS mentions,
           sum(f.articles)::bigint AS articles,
           sum(f.mentions)::float8 / nullif(sum(f.articles), 0)::float8 AS share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM (
      SELECT c.day, oc.collection, th.theme, c.lang, c.country, 0::bigint AS mentions, c.articles
      FROM public.article_daily_counts c
      JOIN public.outlets o ON o.id = c.outlet_id
      CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
      CROSS JOIN analytics.themes th
      UNION ALL
      SELECT t.day, oc.collection, t.theme, t.lang, t.country, t.mentions, 0::bigint
      FROM public.theme_daily_counts t
      JOIN public.outlets o ON o.id = t.outlet_id
      CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
      WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
    ) f
    GROUP BY f.day, f.collection, f.theme, f.lang, f.country;

    CREATE VIEW analytics.theme_weekly_by_collection AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.collection, w.theme, w.lang,
           w.country, w.mentions, w.articles, w.mentions::float8 / nullif(w.articles, 0)::float8 AS share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM (
      SELECT f.week_start, f.collection, f.theme, f.lang, f.country,
             sum(f.mentions)::bigint AS mentions, sum(f.articles)::bigint AS articles
      FROM (
        SELECT c.week_start, oc.collection, th.theme, c.lang, c.country, 0::bigint AS mentions, c.articles
        FROM analytics.article_weekly_counts c
        JOIN public.outlets o ON o.id = c.outlet_id
        CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
        CROSS JOIN analytics.themes th
        UNION ALL
        SELECT t.week_start, oc.collection, t.theme, t.lang, t.country, t.mentions, 0::bigint
        FROM analytics.theme_weekly_counts t
        JOIN public.outlets o ON o.id = t.outlet_id
        CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
        WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
      ) f
      GROUP BY 1, 2, 3, 4, 5
    ) w;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW analytics.theme_weekly_by_collection;
    DROP VIEW analytics.theme_daily_by_collection;
    DROP TABLE sitemap_children;
    DROP TABLE robots_txt;
    ALTER TABLE feeds DROP COLUMN kind, DROP COLUMN headers, DROP COLUMN robots_permission,
      DROP COLUMN last_error_kind;
  `.execute(db);
}
