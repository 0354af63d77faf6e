import { type Kysely, sql } from "kysely";

// Article full text, opt-in per outlet (issue 15).
//
// - outlets.fulltext (off by default) and the outlet's extraction options, from infra/sources.yaml.
// - article_bodies: one row per article whose page was processed: the extracted text (never the page's
//   HTML), how it was obtained (method), its length, the outcome (status), the body's language and whether
//   it differs from the headline's.
// - article_body_themes: the themes of the whole article (title, summary and body read together), with
//   their evidence; body_only marks those the headline (title + summary) does not have.
// - Counts, written in the same transaction as the body: theme_body_daily_counts counts *body-only*
//   mentions (so headline + body-only = any mention, each article once per theme), and
//   article_body_daily_counts the articles that have an extracted body (the coverage). The existing
//   tables and views are untouched: they keep meaning "headline mentions".
// - Weekly rollups of both, kept by statement-level triggers exactly as 0002 does for the headline counts.
// - Views analytics.theme_daily_any / theme_weekly_any (headline, body-only and any-mention counts side by
//   side), analytics.article_bodies and analytics.body_mentions; documented in docs/sql.md.

const STATUSES = "'ok', 'fallback_summary', 'paywalled', 'empty', 'failed', 'blocked_robots'";
const METHODS = "'selector', 'readability', 'paragraphs', 'fallback-summary', 'none'";

/**
 * A rollup trigger function in the shape of 0002's: `keys` are the grouping columns besides the week,
 * `value` the counted column. Keys are upserted in sorted order and keys that fall to zero are deleted.
 */
function rollupFunction(name: string, weekly: string, keys: string[], value: string, order: string): string {
  const k = keys.join(", ");
  const rk = keys.map((c) => `r.${c}`).join(", ");
  const n = keys.length + 1;
  const groups = Array.from({ length: n }, (_, i) => i + 1).join(", ");
  const match = keys.map((c) => `w.${c} = k.${c}`).join(" AND ");
  const conflict = `ON CONFLICT (week_start, ${k}) DO UPDATE SET ${value} = w.${value} + excluded.${value}`;
  const prune = `DELETE FROM ${weekly} w
        USING (SELECT DISTINCT date_trunc('week', r.day::timestamp)::date AS week_start, ${rk} FROM old_rows r) k
        WHERE w.${value} = 0 AND w.week_start = k.week_start AND ${match};`;
  return `
    CREATE FUNCTION ${name}() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE ${weekly};
      ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO ${weekly} AS w (week_start, ${k}, ${value})
        SELECT date_trunc('week', r.day::timestamp)::date, ${rk}, sum(r.${value}) FROM new_rows r
        GROUP BY ${groups} ORDER BY ${order}
        ${conflict};
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO ${weekly} AS w (week_start, ${k}, ${value})
        SELECT date_trunc('week', r.day::timestamp)::date, ${rk}, sum(r.n)
        FROM (SELECT day, ${k}, ${value} AS n FROM new_rows UNION ALL SELECT day, ${k}, -${value} FROM old_rows) r
        GROUP BY ${groups} HAVING sum(r.n) <> 0 ORDER BY ${order}
        ${conflict};
        ${prune}
      ELSE
        INSERT INTO ${weekly} AS w (week_start, ${k}, ${value})
        SELECT date_trunc('week', r.day::timestamp)::date, ${rk}, -sum(r.${value}) FROM old_rows r
        GROUP BY ${groups} HAVING sum(r.${value}) <> 0 ORDER BY ${order}
        ${conflict};
        ${prune}
      END IF;
      RETURN NULL;
    END
    $fn$;`;
}

function rollupTriggers(table: string, fn: string): string {
  return `
    CREATE TRIGGER analytics_roll_insert AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
    CREATE TRIGGER analytics_roll_update AFTER UPDATE ON ${table}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
    CREATE TRIGGER analytics_roll_delete AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
    CREATE TRIGGER analytics_roll_truncate AFTER TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    ALTER TABLE outlets
      ADD COLUMN fulltext boolean NOT NULL DEFAULT false,
      ADD COLUMN fulltext_selectors text[],
      ADD COLUMN fulltext_exclude text[],
      ADD COLUMN fulltext_min_length integer CHECK (fulltext_min_length > 0);

    CREATE TABLE article_bodies (
      article_id        bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
      status            text NOT NULL CHECK (status IN (${STATUSES})),
      method            text NOT NULL CHECK (method IN (${METHODS})),
      -- the stored text: the extracted body, or the feed summary it fell back to; never the page's HTML
      text              text NOT NULL DEFAULT '',
      length            integer NOT NULL DEFAULT 0 CHECK (length >= 0),
      -- why the status is not ok (or what was unusual), for operators
      reason            text,
      -- the page's own headline
      title             text,
      -- language of the body (NULL unless the page gave a text) and whether it differs from the headline's
      lang              text,
      script            text,
      lang_confidence   real,
      lang_differs      boolean NOT NULL DEFAULT false,
      final_url         text,
      http_status       integer,
      page_bytes        integer,
      -- sha256 of the page's bytes: a re-fetch of the same page changes nothing
      content_hash      text,
      encoding          text,
      -- the taxonomy the body's themes were computed with
      taxonomy_version  text,
      attempts          integer NOT NULL DEFAULT 1,
      fetched_at        timestamptz NOT NULL,
      updated_at        timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX article_bodies_status_idx ON article_bodies (status);

    CREATE TABLE article_body_themes (
      article_id        bigint NOT NULL REFERENCES article_bodies (article_id) ON DELETE CASCADE,
      theme             text NOT NULL,
      taxonomy_version  text NOT NULL,
      evidence          jsonb NOT NULL DEFAULT '[]',
      -- true when the headline (title + summary) is not tagged with the theme: counted as a body-only mention
      body_only         boolean NOT NULL,
      PRIMARY KEY (article_id, theme)
    );
    CREATE INDEX article_body_themes_theme_idx ON article_body_themes (theme, article_id);

    -- Body-only mentions (same keys as theme_daily_counts) and articles with an extracted body.
    CREATE TABLE theme_body_daily_counts (
      day               date NOT NULL,
      theme             text NOT NULL,
      lang              text NOT NULL,
      country           char(2) NOT NULL,
      outlet_id         text NOT NULL REFERENCES outlets (id),
      taxonomy_version  text NOT NULL,
      mentions          bigint NOT NULL CHECK (mentions >= 0),
      PRIMARY KEY (theme, day, lang, country, outlet_id, taxonomy_version)
    );
    CREATE INDEX theme_body_daily_counts_day_idx ON theme_body_daily_counts (day);
    CREATE TABLE article_body_daily_counts (
      day        date NOT NULL,
      lang       text NOT NULL,
      country    char(2) NOT NULL,
      outlet_id  text NOT NULL REFERENCES outlets (id),
      articles   bigint NOT NULL CHECK (articles >= 0),
      PRIMARY KEY (day, lang, country, outlet_id)
    );

    CREATE TABLE analytics.article_body_weekly_counts (
      week_start  date NOT NULL,
      lang        text NOT NULL,
      country     char(2) NOT NULL,
      outlet_id   text NOT NULL,
      articles    bigint NOT NULL,
      PRIMARY KEY (week_start, lang, country, outlet_id)
    );
    CREATE TABLE analytics.theme_body_weekly_counts (
      week_start        date NOT NULL,
      theme             text NOT NULL,
      lang              text NOT NULL,
      country           char(2) NOT NULL,
      outlet_id         text NOT NULL,
      taxonomy_version  text NOT NULL,
      mentions          bigint NOT NULL,
      PRIMARY KEY (theme, week_start, lang, country, outlet_id, taxonomy_version)
    );
    ${rollupFunction("analytics.roll_article_body_counts", "analytics.article_body_weekly_counts", ["lang", "country", "outlet_id"], "articles", "1, 2, 3, 4")}
    ${rollupFunction("analytics.roll_theme_body_counts", "analytics.theme_body_weekly_counts", ["theme", "lang", "country", "outlet_id", "taxonomy_version"], "mentions", "2, 1, 3, 4, 5, 6")}
    ${rollupTriggers("public.article_body_daily_counts", "analytics.roll_article_body_counts")}
    ${rollupTriggers("public.theme_body_daily_counts", "analytics.roll_theme_body_counts")}

    -- Headline, body-only and any-mention counts per day, zero-filled like theme_daily (one row per theme on
    -- every day an outlet published in a language). The UNION ALL + GROUP BY shape lets filters on the
    -- grouping columns reach every count table.
    CREATE VIEW analytics.theme_daily_any AS
    SELECT f.day, f.theme, f.lang, f.country, f.outlet,
           (sum(f.headline) + sum(f.body_only))::bigint AS mentions,
           sum(f.headline)::bigint AS headline_mentions,
           sum(f.body_only)::bigint AS body_only_mentions,
           sum(f.articles)::bigint AS articles,
           sum(f.with_body)::bigint AS articles_with_body,
           (sum(f.headline) + sum(f.body_only))::float8 / nullif(sum(f.articles), 0)::float8 AS share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM (
      SELECT c.day, th.theme, c.lang, c.country, c.outlet_id AS outlet,
             0::bigint AS headline, 0::bigint AS body_only, c.articles, 0::bigint AS with_body
      FROM public.article_daily_counts c CROSS JOIN analytics.themes th
      UNION ALL
      SELECT b.day, th.theme, b.lang, b.country, b.outlet_id, 0, 0, 0, b.articles
      FROM public.article_body_daily_counts b CROSS JOIN analytics.themes th
      UNION ALL
      SELECT t.day, t.theme, t.lang, t.country, t.outlet_id, t.mentions, 0, 0, 0
      FROM public.theme_daily_counts t
      WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
      UNION ALL
      SELECT t.day, t.theme, t.lang, t.country, t.outlet_id, 0, t.mentions, 0, 0
      FROM public.theme_body_daily_counts t
      WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
    ) f
    GROUP BY f.day, f.theme, f.lang, f.country, f.outlet;

    CREATE VIEW analytics.theme_weekly_any AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.theme, w.lang, w.country, w.outlet,
           w.headline + w.body_only AS mentions, w.headline AS headline_mentions, w.body_only AS body_only_mentions,
           w.articles, w.with_body AS articles_with_body,
           (w.headline + w.body_only)::float8 / nullif(w.articles, 0)::float8 AS share,
           (SELECT version FROM analytics.current_taxonomy) AS taxonomy_version
    FROM (
      SELECT f.week_start, f.theme, f.lang, f.country, f.outlet,
             sum(f.headline)::bigint AS headline, sum(f.body_only)::bigint AS body_only,
             sum(f.articles)::bigint AS articles, sum(f.with_body)::bigint AS with_body
      FROM (
        SELECT c.week_start, th.theme, c.lang, c.country, c.outlet_id AS outlet,
               0::bigint AS headline, 0::bigint AS body_only, c.articles, 0::bigint AS with_body
        FROM analytics.article_weekly_counts c CROSS JOIN analytics.themes th
        UNION ALL
        SELECT b.week_start, th.theme, b.lang, b.country, b.outlet_id, 0, 0, 0, b.articles
        FROM analytics.article_body_weekly_counts b CROSS JOIN analytics.themes th
        UNION ALL
        SELECT t.week_start, t.theme, t.lang, t.country, t.outlet_id, t.mentions, 0, 0, 0
        FROM analytics.theme_weekly_counts t
        WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
        UNION ALL
        SELECT t.week_start, t.theme, t.lang, t.country, t.outlet_id, 0, t.mentions, 0, 0
        FROM analytics.theme_body_weekly_counts t
        WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
      ) f
      GROUP BY 1, 2, 3, 4, 5
    ) w;

    -- One row per article whose page was processed, with its headline's and its body's language.
    CREATE VIEW analytics.article_bodies AS
    SELECT a.id AS article_id, a.published_at, a.day, a.outlet_id AS outlet, o.country, a.lang AS headline_lang,
           b.lang AS body_lang, b.script AS body_script, b.lang_differs, b.status, b.method, b.length,
           b.reason, a.title, b.text, coalesce(a.canonical_url, a.link) AS url, b.final_url, b.fetched_at,
           ARRAY(SELECT t.theme FROM public.article_body_themes t
                 WHERE t.article_id = a.id AND t.body_only
                   AND t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy)
                 ORDER BY t.theme) AS body_only_themes
    FROM public.article_bodies b
    JOIN public.articles a ON a.id = b.article_id
    JOIN public.outlets o ON o.id = a.outlet_id;

    -- One row per article and theme found when the whole article (headline and body) is read, with the
    -- evidence (matches in the body have "field": "body").
    CREATE VIEW analytics.body_mentions AS
    SELECT a.id AS article_id, a.published_at, a.day, a.outlet_id AS outlet, o.country, a.lang, a.title,
           coalesce(a.canonical_url, a.link) AS url, t.theme, t.body_only, t.evidence, t.taxonomy_version
    FROM public.article_body_themes t
    JOIN public.articles a ON a.id = t.article_id
    JOIN public.outlets o ON o.id = a.outlet_id
    WHERE t.taxonomy_version = (SELECT version FROM analytics.current_taxonomy);

    GRANT SELECT ON public.article_bodies, public.article_body_themes, public.theme_body_daily_counts,
      public.article_body_daily_counts TO vesti_analyst;
    GRANT SELECT ON analytics.article_body_weekly_counts, analytics.theme_body_weekly_counts TO vesti_analyst;
  `)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    REVOKE SELECT ON public.article_bodies, public.article_body_themes, public.theme_body_daily_counts,
      public.article_body_daily_counts FROM vesti_analyst;
    DROP VIEW analytics.body_mentions, analytics.article_bodies, analytics.theme_weekly_any, analytics.theme_daily_any;
    DROP TABLE analytics.theme_body_weekly_counts, analytics.article_body_weekly_counts;
    DROP TABLE theme_body_daily_counts, article_body_daily_counts, article_body_themes, article_bodies;
    DROP FUNCTION analytics.roll_theme_body_counts(), analytics.roll_article_body_counts();
    ALTER TABLE outlets DROP COLUMN fulltext, DROP COLUMN fulltext_selectors, DROP COLUMN fulltext_exclude,
      DROP COLUMN fulltext_min_length;
  `.execute(db);
}
