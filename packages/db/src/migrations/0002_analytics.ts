import { type Kysely, sql } from "kysely";

// The analysts' SQL surface: schema `analytics` with stable, documented views (docs/sql.md) over the count
// tables, plus the read-only role vesti_analyst.
//
// Design, briefly (docs/sql.md has the long form):
// - The trend views read the small count tables, never `articles`, so they stay fast at any article count.
// - Zeros: every (day, lang, country, outlet) key of article_daily_counts (the days an outlet published
//   something in that language) gets a row for every theme, with mentions 0 when nothing was tagged. A day
//   on which the outlet published nothing has no denominator and no row.
// - The zero fill is a UNION ALL of "articles" rows and "mentions" rows followed by GROUP BY, not a join:
//   a filter on any grouping column (theme, country, outlet, lang, day, week_start) is pushed into both
//   branches by the planner, so a one-theme or one-year query reads only the matching count rows.
// - Weekly views read weekly rollups of the two count tables, kept exact by statement-level triggers in
//   the ingest transaction: five years of one theme is then ~15k rows to sum instead of ~100k, which is
//   what keeps it well under 50 ms at 10M articles (packages/db/bench).
// - Only the current taxonomy version is counted (analytics.current_taxonomy).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE SCHEMA analytics;
    COMMENT ON SCHEMA analytics IS 'Read-only views for analysts; documented in docs/sql.md.';

    -- Weekly rollups of the count tables (ISO weeks, Monday start), kept by the triggers below in the same
    -- transaction as the daily counts, so they always equal the daily tables summed per week.
    CREATE TABLE analytics.article_weekly_counts (
      week_start  date NOT NULL,
      lang        text NOT NULL,
      country     char(2) NOT NULL,
      outlet_id   text NOT NULL,
      articles    bigint NOT NULL,
      PRIMARY KEY (week_start, lang, country, outlet_id)
    );
    CREATE TABLE analytics.theme_weekly_counts (
      week_start        date NOT NULL,
      theme             text NOT NULL,
      lang              text NOT NULL,
      country           char(2) NOT NULL,
      outlet_id         text NOT NULL,
      taxonomy_version  text NOT NULL,
      mentions          bigint NOT NULL,
      PRIMARY KEY (theme, week_start, lang, country, outlet_id, taxonomy_version)
    );
    INSERT INTO analytics.article_weekly_counts
    SELECT date_trunc('week', c.day::timestamp)::date, c.lang, c.country, c.outlet_id, sum(c.articles)
    FROM public.article_daily_counts c GROUP BY 1, 2, 3, 4;
    INSERT INTO analytics.theme_weekly_counts
    SELECT date_trunc('week', t.day::timestamp)::date, t.theme, t.lang, t.country, t.outlet_id, t.taxonomy_version, sum(t.mentions)
    FROM public.theme_daily_counts t GROUP BY 1, 2, 3, 4, 5, 6;

    -- Statement-level triggers with transition tables: one extra statement per count statement, however
    -- many rows it touched. Keys are upserted in sorted order (as addToCounts does), so concurrent ingest
    -- transactions lock rollup rows in one order. SECURITY DEFINER: the ingest role needs no grant here.
    -- Each branch reads only the transition tables its own trigger defines.
    CREATE FUNCTION analytics.roll_article_counts() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE analytics.article_weekly_counts;
      ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO analytics.article_weekly_counts AS w (week_start, lang, country, outlet_id, articles)
        SELECT date_trunc('week', r.day::timestamp)::date, r.lang, r.country, r.outlet_id, sum(r.articles) FROM new_rows r
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (week_start, lang, country, outlet_id) DO UPDATE SET articles = w.articles + excluded.articles;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO analytics.article_weekly_counts AS w (week_start, lang, country, outlet_id, articles)
        SELECT date_trunc('week', r.day::timestamp)::date, r.lang, r.country, r.outlet_id, sum(r.n)
        FROM (SELECT day, lang, country, outlet_id, articles AS n FROM new_rows
              UNION ALL SELECT day, lang, country, outlet_id, -articles FROM old_rows) r
        GROUP BY 1, 2, 3, 4 HAVING sum(r.n) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (week_start, lang, country, outlet_id) DO UPDATE SET articles = w.articles + excluded.articles;
        -- Keys whose count fell to zero go, as in the daily tables (a zero denominator is no row).
        DELETE FROM analytics.article_weekly_counts w
        USING (SELECT DISTINCT date_trunc('week', r.day::timestamp)::date AS week_start, r.lang, r.country, r.outlet_id FROM old_rows r) k
        WHERE w.articles = 0 AND w.week_start = k.week_start AND w.lang = k.lang AND w.country = k.country
          AND w.outlet_id = k.outlet_id;
      ELSE
        INSERT INTO analytics.article_weekly_counts AS w (week_start, lang, country, outlet_id, articles)
        SELECT date_trunc('week', r.day::timestamp)::date, r.lang, r.country, r.outlet_id, -sum(r.articles) FROM old_rows r
        GROUP BY 1, 2, 3, 4 HAVING sum(r.articles) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (week_start, lang, country, outlet_id) DO UPDATE SET articles = w.articles + excluded.articles;
        -- Keys whose count fell to zero go, as in the daily tables (a zero denominator is no row).
        DELETE FROM analytics.article_weekly_counts w
        USING (SELECT DISTINCT date_trunc('week', r.day::timestamp)::date AS week_start, r.lang, r.country, r.outlet_id FROM old_rows r) k
        WHERE w.articles = 0 AND w.week_start = k.week_start AND w.lang = k.lang AND w.country = k.country
          AND w.outlet_id = k.outlet_id;
      END IF;
      RETURN NULL;
    END
    $fn$;

    CREATE FUNCTION analytics.roll_theme_counts() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE analytics.theme_weekly_counts;
      ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO analytics.theme_weekly_counts AS w
          (week_start, theme, lang, country, outlet_id, taxonomy_version, mentions)
        SELECT date_trunc('week', r.day::timestamp)::date, r.theme, r.lang, r.country, r.outlet_id, r.taxonomy_version, sum(r.mentions)
        FROM new_rows r
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 2, 1, 3, 4, 5, 6
        ON CONFLICT (theme, week_start, lang, country, outlet_id, taxonomy_version)
        DO UPDATE SET mentions = w.mentions + excluded.mentions;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO analytics.theme_weekly_counts AS w
          (week_start, theme, lang, country, outlet_id, taxonomy_version, mentions)
        SELECT date_trunc('week', r.day::timestamp)::date, r.theme, r.lang, r.country, r.outlet_id, r.taxonomy_version, sum(r.n)
        FROM (SELECT day, theme, lang, country, outlet_id, taxonomy_version, mentions AS n FROM new_rows
              UNION ALL
              SELECT day, theme, lang, country, outlet_id, taxonomy_version, -mentions FROM old_rows) r
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(r.n) <> 0 ORDER BY 2, 1, 3, 4, 5, 6
        ON CONFLICT (theme, week_start, lang, country, outlet_id, taxonomy_version)
        DO UPDATE SET mentions = w.mentions + excluded.mentions;
        DELETE FROM analytics.theme_weekly_counts w
        USING (SELECT DISTINCT date_trunc('week', r.day::timestamp)::date AS week_start, r.theme, r.lang, r.country, r.outlet_id, r.taxonomy_version
               FROM old_rows r) k
        WHERE w.mentions = 0 AND w.theme = k.theme AND w.week_start = k.week_start AND w.lang = k.lang
          AND w.country = k.country AND w.outlet_id = k.outlet_id AND w.taxonomy_version = k.taxonomy_version;
      ELSE
        INSERT INTO analytics.theme_weekly_counts AS w
          (week_start, theme, lang, country, outlet_id, taxonomy_version, mentions)
        SELECT date_trunc('week', r.day::timestamp)::date, r.theme, r.lang, r.country, r.outlet_id, r.taxonomy_version, -sum(r.mentions)
        FROM old_rows r
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(r.mentions) <> 0 ORDER BY 2, 1, 3, 4, 5, 6
        ON CONFLICT (theme, week_start, lang, country, outlet_id, taxonomy_version)
        DO UPDATE SET mentions = w.mentions + excluded.mentions;
        DELETE FROM analytics.theme_weekly_counts w
        USING (SELECT DISTINCT date_trunc('week', r.day::timestamp)::date AS week_start, r.theme, r.lang, r.country, r.outlet_id, r.taxonomy_version
               FROM old_rows r) k
        WHERE w.mentions = 0 AND w.theme = k.theme AND w.week_start = k.week_start AND w.lang = k.lang
          AND w.country = k.country AND w.outlet_id = k.outlet_id AND w.taxonomy_version = k.taxonomy_version;
      END IF;
      RETURN NULL;
    END
    $fn$;

    CREATE TRIGGER analytics_roll_insert AFTER INSERT ON public.article_daily_counts
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_article_counts();
    CREATE TRIGGER analytics_roll_update AFTER UPDATE ON public.article_daily_counts
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_article_counts();
    CREATE TRIGGER analytics_roll_delete AFTER DELETE ON public.article_daily_counts
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_article_counts();
    CREATE TRIGGER analytics_roll_truncate AFTER TRUNCATE ON public.article_daily_counts
      FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_article_counts();
    CREATE TRIGGER analytics_roll_insert AFTER INSERT ON public.theme_daily_counts
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_theme_counts();
    CREATE TRIGGER analytics_roll_update AFTER UPDATE ON public.theme_daily_counts
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_theme_counts();
    CREATE TRIGGER analytics_roll_delete AFTER DELETE ON public.theme_daily_counts
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_theme_counts();
    CREATE TRIGGER analytics_roll_truncate AFTER TRUNCATE ON public.theme_daily_counts
      FOR EACH STATEMENT EXECUTE FUNCTION analytics.roll_theme_counts();

    -- The taxonomy version the views count: the current one; if none is marked current, the newest; if the
    -- table is empty, the version of the most recently stored article.
    CREATE VIEW analytics.current_taxonomy AS
    SELECT coalesce(
             (SELECT v.version FROM public.taxonomy_versions v
              ORDER BY v.is_current DESC, v.first_seen_at DESC, v.version DESC LIMIT 1),
             (SELECT a.taxonomy_version FROM public.articles a ORDER BY a.id DESC LIMIT 1)
           ) AS version;

    -- The themes the views zero-fill: the documented eight, plus any other theme that has counts (a
    -- recursive skip scan of the count table's primary key: one index probe per theme).
    CREATE VIEW analytics.themes AS
    WITH RECURSIVE counted(theme) AS (
      (SELECT t.theme FROM public.theme_daily_counts t ORDER BY t.theme LIMIT 1)
      UNION ALL
      SELECT (SELECT t.theme FROM public.theme_daily_counts t WHERE t.theme > c.theme ORDER BY t.theme LIMIT 1)
      FROM counted c WHERE c.theme IS NOT NULL
    ), known(theme, label, description) AS (
      VALUES
        ('kosovo', 'Kosovo', 'Kosovo, Pristina, the Belgrade-Pristina dialogue'),
        ('russian_aid', 'Russian aid', 'Russian (medical) aid, e.g. the 2020 military medical mission'),
        ('chinese_aid', 'Chinese aid', 'Chinese aid: masks, ventilators, doctors, vaccines'),
        ('mask_diplomacy', 'Mask diplomacy', 'Pandemic "mask diplomacy" and its framing'),
        ('eu_aid', 'EU aid', 'Aid and funding from the European Union'),
        ('vucic', 'Vucic', 'Aleksandar Vucic'),
        ('putin', 'Putin', 'Vladimir Putin'),
        ('xi', 'Xi', 'Xi Jinping')
    )
    SELECT theme, label, description FROM known
    UNION ALL
    SELECT c.theme, c.theme, NULL FROM counted c
    WHERE c.theme IS NOT NULL AND c.theme NOT IN (SELECT k.theme FROM known k);

    -- Internal building block of theme_daily: one row per article-count key and theme (with mentions 0)
    -- plus one row per theme-count key of the current taxonomy (with articles 0); theme_weekly does the same
    -- on the weekly rollups.
    CREATE VIEW analytics.theme_count_facts AS
    SELECT c.day, th.theme, c.lang, c.country, c.outlet_id AS outlet, 0::bigint AS mentions, c.articles
    FROM public.article_daily_counts c CROSS JOIN analytics.themes th
    UNION ALL
    SELECT t.day, t.theme, t.lang, t.country, t.outlet_id, t.mentions, 0::bigint
    FROM public.theme_daily_counts t
    WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy);

    CREATE VIEW analytics.theme_daily AS
    SELECT f.day, f.theme, f.lang, f.country, f.outlet,
           sum(f.mentions)::bigint AS mentions,
           sum(f.articles)::bigint AS articles,
           sum(f.mentions)::float8 / nullif(sum(f.articles), 0)::float8 AS share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM analytics.theme_count_facts f
    GROUP BY f.day, f.theme, f.lang, f.country, f.outlet;

    CREATE VIEW analytics.theme_weekly AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.theme, w.lang, w.country, w.outlet,
           w.mentions, w.articles, w.mentions::float8 / nullif(w.articles, 0)::float8 AS share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM (
      SELECT f.week_start, f.theme, f.lang, f.country, f.outlet,
             sum(f.mentions)::bigint AS mentions, sum(f.articles)::bigint AS articles
      FROM (
        SELECT c.week_start, th.theme, c.lang, c.country, c.outlet_id AS outlet, 0::bigint AS mentions, c.articles
        FROM analytics.article_weekly_counts c CROSS JOIN analytics.themes th
        UNION ALL
        SELECT t.week_start, t.theme, t.lang, t.country, t.outlet_id, t.mentions, 0::bigint
        FROM analytics.theme_weekly_counts t
        WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
      ) f
      GROUP BY 1, 2, 3, 4, 5
    ) w;

    -- The thesis view: attention to Russian, Chinese and EU aid in Serbian outlets (all languages), per week.
    CREATE VIEW analytics.aid_attention_weekly AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week,
           w.russian_aid, w.chinese_aid, w.eu_aid, w.articles,
           w.russian_aid::float8 / nullif(w.articles, 0)::float8 AS russian_aid_share,
           w.chinese_aid::float8 / nullif(w.articles, 0)::float8 AS chinese_aid_share,
           w.eu_aid::float8 / nullif(w.articles, 0)::float8 AS eu_aid_share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM (
      SELECT f.week_start,
             coalesce(sum(f.mentions) FILTER (WHERE f.theme = 'russian_aid'), 0)::bigint AS russian_aid,
             coalesce(sum(f.mentions) FILTER (WHERE f.theme = 'chinese_aid'), 0)::bigint AS chinese_aid,
             coalesce(sum(f.mentions) FILTER (WHERE f.theme = 'eu_aid'), 0)::bigint AS eu_aid,
             sum(f.articles)::bigint AS articles
      FROM (
        SELECT c.week_start, NULL::text AS theme, 0::bigint AS mentions, c.articles
        FROM analytics.article_weekly_counts c
        WHERE c.country = 'RS'
        UNION ALL
        SELECT t.week_start, t.theme, t.mentions, 0::bigint
        FROM analytics.theme_weekly_counts t
        WHERE t.country = 'RS' AND t.theme IN ('russian_aid', 'chinese_aid', 'eu_aid')
          AND t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
      ) f
      GROUP BY f.week_start
    ) w;

    -- Pairs of themes tagged on the same article (current taxonomy), per week. A week that spans two months
    -- is split into one row per month, so sums by week_start and by month are both exact.
    CREATE VIEW analytics.theme_cooccurrence AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.month, w.theme_a, w.theme_b,
           w.country, w.outlet, w.lang, w.articles
    FROM (
      SELECT date_trunc('week', a.day::timestamp)::date AS week_start,
             date_trunc('month', a.day::timestamp)::date AS month,
             x.theme AS theme_a, y.theme AS theme_b, o.country, a.outlet_id AS outlet, a.lang,
             count(*)::bigint AS articles
      FROM public.article_themes x
      JOIN public.article_themes y ON y.article_id = x.article_id AND y.theme > x.theme
      JOIN public.articles a ON a.id = x.article_id
      JOIN public.outlets o ON o.id = a.outlet_id
      WHERE x.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
        AND y.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
      GROUP BY 1, 2, 3, 4, 5, 6, 7
    ) w;

    -- One row per article and theme (current taxonomy), with the evidence the tagger recorded.
    CREATE VIEW analytics.tagged_articles AS
    SELECT a.id AS article_id, a.published_at, a.day, a.outlet_id AS outlet, o.name AS outlet_name, o.country,
           a.lang, a.script, a.title, coalesce(a.canonical_url, a.link) AS url, t.theme, t.evidence,
           t.taxonomy_version
    FROM public.article_themes t
    JOIN public.articles a ON a.id = t.article_id
    JOIN public.outlets o ON o.id = a.outlet_id
    WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy);

    -- Articles with their outlet's country and their themes (current taxonomy) as a sorted array.
    CREATE VIEW analytics.articles AS
    SELECT a.id AS article_id, a.published_at, a.published_estimated, a.day, a.fetched_at,
           a.outlet_id AS outlet, o.name AS outlet_name, o.country, a.lang, a.script, a.lang_confidence,
           a.title, a.summary, coalesce(a.canonical_url, a.link) AS url,
           ARRAY(SELECT t.theme FROM public.article_themes t
                 WHERE t.article_id = a.id
                   AND t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
                 ORDER BY t.theme) AS themes,
           a.taxonomy_version
    FROM public.articles a
    JOIN public.outlets o ON o.id = a.outlet_id;

    -- Outlets with their article totals (from the count tables).
    CREATE VIEW analytics.outlets AS
    SELECT o.id AS outlet, o.name, o.country, o.language, o.script, o.time_zone, o.home_url, o.active,
           (SELECT count(*) FROM public.feeds f WHERE f.outlet_id = o.id AND f.active)::bigint AS active_feeds,
           coalesce(c.articles, 0)::bigint AS articles, c.first_day, c.last_day
    FROM public.outlets o
    LEFT JOIN (
      SELECT outlet_id, sum(articles) AS articles, min(day) AS first_day, max(day) AS last_day
      FROM public.article_daily_counts GROUP BY outlet_id
    ) c ON c.outlet_id = o.id;

    -- The read-only analyst role. Roles are cluster-wide: create it only if missing, and tolerate another
    -- database's migration creating it at the same moment.
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vesti_analyst') THEN
        BEGIN
          CREATE ROLE vesti_analyst NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL;
        END;
      END IF;
    END
    $$;

    GRANT USAGE ON SCHEMA analytics TO vesti_analyst;
    GRANT USAGE ON SCHEMA public TO vesti_analyst;
    GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO vesti_analyst;
    GRANT SELECT ON public.articles, public.article_themes, public.outlets, public.feeds,
      public.article_daily_counts, public.theme_daily_counts, public.taxonomy_versions TO vesti_analyst;
    -- Views that later migrations add to the schema are readable too.
    ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO vesti_analyst;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The role stays: it is cluster-wide and other databases may use it.
  await sql`
    ALTER DEFAULT PRIVILEGES IN SCHEMA analytics REVOKE SELECT ON TABLES FROM vesti_analyst;
    REVOKE SELECT ON public.articles, public.article_themes, public.outlets, public.feeds,
      public.article_daily_counts, public.theme_daily_counts, public.taxonomy_versions FROM vesti_analyst;
    REVOKE USAGE ON SCHEMA public FROM vesti_analyst;
    DROP TRIGGER analytics_roll_insert ON article_daily_counts;
    DROP TRIGGER analytics_roll_update ON article_daily_counts;
    DROP TRIGGER analytics_roll_delete ON article_daily_counts;
    DROP TRIGGER analytics_roll_truncate ON article_daily_counts;
    DROP TRIGGER analytics_roll_insert ON theme_daily_counts;
    DROP TRIGGER analytics_roll_update ON theme_daily_counts;
    DROP TRIGGER analytics_roll_delete ON theme_daily_counts;
    DROP TRIGGER analytics_roll_truncate ON theme_daily_counts;
    DROP SCHEMA analytics CASCADE;
  `.execute(db);
}
