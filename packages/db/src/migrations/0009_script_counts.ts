import { type Kysely, sql } from "kysely";

// Script (Cyrillic/Latin) as a dimension of every count (issue 12: the page's explore view filters and
// splits by script). Serbian is written in both scripts, often by the same outlet, and which one an outlet
// uses for what is part of the story the analysts tell; articles.script already holds it (langid's
// 'Cyrl' | 'Latn' | 'mixed'), the counts did not.
//
// - `script` (the article's, i.e. the headline's) joins the keys of the four daily count tables
//   (headline and body counts), of their weekly rollups and of the rollup triggers, right after `lang`.
// - Backfill: the count tables are rebuilt from the article tables, exactly as ingest, page processing and
//   retagging write them (storeArticles, storeArticleBody, retagBatch): one article per (day, lang, script,
//   outlet country, outlet); one mention per article_themes row under its taxonomy version; one body-only
//   mention per article_body_themes row with body_only; one article with a body per article_bodies row
//   with status 'ok'. The country is the outlet's, as ingest and retag take it. The rollups are refilled by
//   their triggers from the rebuilt daily tables, so they equal them summed per ISO week.
// - Views: `script` is added as the last column (CREATE OR REPLACE VIEW may only add columns, and analysts'
//   queries and views on top of them keep working) of theme_count_facts, theme_daily, theme_weekly, the
//   by-collection and any-mention views, theme_cooccurrence and body_mentions. Summed over script, every
//   view gives what it gave before; aid_attention_weekly's output does not change at all.
// - The indexes stay as they were: the primary keys still lead with theme/day (week_start), which is what
//   the trend queries range over; a script filter is applied to the rows of that range like a lang filter.
//
// The whole migration runs in the migrator's transaction, with the count tables locked first, so a worker
// that is writing meanwhile either committed before (and is counted) or waits and then fails on the new
// key (its job retries, on code that writes the script).

type Flag = { script: boolean };

const ARTICLE_DAILY = ["public.article_daily_counts", "public.article_body_daily_counts"] as const;
const THEME_DAILY = ["public.theme_daily_counts", "public.theme_body_daily_counts"] as const;
const ARTICLE_WEEKLY = ["analytics.article_weekly_counts", "analytics.article_body_weekly_counts"] as const;
const THEME_WEEKLY = ["analytics.theme_weekly_counts", "analytics.theme_body_weekly_counts"] as const;

const articleKeys = ({ script }: Flag) => ["lang", ...(script ? ["script"] : []), "country", "outlet_id"];
const themeKeys = (f: Flag) => ["theme", ...articleKeys(f), "taxonomy_version"];

/** `, p.script` when the script is a key, else nothing: for the views' column lists. */
const sc = (f: Flag, prefix: string) => (f.script ? `, ${prefix}script` : "");

/**
 * A rollup trigger function (the shape of 0002's and 0007's): `keys` are the grouping columns besides the
 * week; keys are upserted in sorted order, and keys that fall to zero are deleted.
 */
function rollupFunction(name: string, weekly: string, keys: string[], value: string, order: string): string {
  const k = keys.join(", ");
  const rk = keys.map((c) => `r.${c}`).join(", ");
  const groups = Array.from({ length: keys.length + 1 }, (_, i) => i + 1).join(", ");
  const match = keys.map((c) => `w.${c} = k.${c}`).join(" AND ");
  const conflict = `ON CONFLICT (week_start, ${k}) DO UPDATE SET ${value} = w.${value} + excluded.${value}`;
  const prune = `DELETE FROM ${weekly} w
        USING (SELECT DISTINCT date_trunc('week', r.day::timestamp)::date AS week_start, ${rk} FROM old_rows r) k
        WHERE w.${value} = 0 AND w.week_start = k.week_start AND ${match};`;
  return `
    CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger
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

function rollupFunctions(f: Flag): string {
  const a = articleKeys(f);
  const t = themeKeys(f);
  // Article rollups in primary-key order; theme rollups theme first (their primary key's order).
  const aOrder = Array.from({ length: a.length + 1 }, (_, i) => i + 1).join(", ");
  const tOrder = ["2", "1", ...Array.from({ length: t.length - 1 }, (_, i) => String(i + 3))].join(", ");
  return [
    rollupFunction("analytics.roll_article_counts", ARTICLE_WEEKLY[0], a, "articles", aOrder),
    rollupFunction("analytics.roll_theme_counts", THEME_WEEKLY[0], t, "mentions", tOrder),
    rollupFunction("analytics.roll_article_body_counts", ARTICLE_WEEKLY[1], a, "articles", aOrder),
    rollupFunction("analytics.roll_theme_body_counts", THEME_WEEKLY[1], t, "mentions", tOrder),
  ].join("\n");
}

/** Swaps a table's primary key; the script column is added (empty tables) or dropped around it. */
function rekey(table: string, pk: string[], f: Flag): string {
  const name = `${table.split(".")[1]}_pkey`;
  return `
    ALTER TABLE ${table} DROP CONSTRAINT ${name}${f.script ? ", ADD COLUMN script text NOT NULL" : ", DROP COLUMN script"};
    ALTER TABLE ${table} ADD CONSTRAINT ${name} PRIMARY KEY (${pk.join(", ")});`;
}

function rekeyAll(f: Flag): string {
  const a = articleKeys(f);
  const t = themeKeys(f);
  return [
    ...ARTICLE_DAILY.map((x) => rekey(x, ["day", ...a], f)),
    ...THEME_DAILY.map((x) => rekey(x, [t[0]!, "day", ...t.slice(1)], f)),
    ...ARTICLE_WEEKLY.map((x) => rekey(x, ["week_start", ...a], f)),
    ...THEME_WEEKLY.map((x) => rekey(x, [t[0]!, "week_start", ...t.slice(1)], f)),
  ].join("\n");
}

/**
 * Refills the (empty) daily count tables from the article tables, as the write paths would have left them;
 * the INSERT triggers refill the weekly rollups. Sorted, like every count write.
 */
function backfill(f: Flag): string {
  const s = sc(f, "a.");
  const n = f.script ? 5 : 4;
  const g = Array.from({ length: n }, (_, i) => i + 1).join(", ");
  const gt = Array.from({ length: n + 2 }, (_, i) => i + 1).join(", ");
  const articleCols = `day, lang${f.script ? ", script" : ""}, country, outlet_id, articles`;
  const themeCols = `theme, day, lang${f.script ? ", script" : ""}, country, outlet_id, taxonomy_version, mentions`;
  return `
    INSERT INTO public.article_daily_counts (${articleCols})
    SELECT a.day, a.lang${s}, o.country, a.outlet_id, count(*)
    FROM public.articles a JOIN public.outlets o ON o.id = a.outlet_id
    GROUP BY ${g} ORDER BY ${g};

    INSERT INTO public.theme_daily_counts (${themeCols})
    SELECT t.theme, a.day, a.lang${s}, o.country, a.outlet_id, t.taxonomy_version, count(*)
    FROM public.article_themes t
    JOIN public.articles a ON a.id = t.article_id
    JOIN public.outlets o ON o.id = a.outlet_id
    GROUP BY ${gt} ORDER BY ${gt};

    INSERT INTO public.article_body_daily_counts (${articleCols})
    SELECT a.day, a.lang${s}, o.country, a.outlet_id, count(*)
    FROM public.article_bodies b
    JOIN public.articles a ON a.id = b.article_id
    JOIN public.outlets o ON o.id = a.outlet_id
    WHERE b.status = 'ok'
    GROUP BY ${g} ORDER BY ${g};

    INSERT INTO public.theme_body_daily_counts (${themeCols})
    SELECT t.theme, a.day, a.lang${s}, o.country, a.outlet_id, t.taxonomy_version, count(*)
    FROM public.article_body_themes t
    JOIN public.articles a ON a.id = t.article_id
    JOIN public.outlets o ON o.id = a.outlet_id
    WHERE t.body_only
    GROUP BY ${gt} ORDER BY ${gt};`;
}

const CURRENT = "(SELECT version FROM analytics.current_taxonomy)";

/** The views that carry the script (with it as their last column), or their pre-0009 definitions. */
function views(f: Flag, create: "CREATE" | "CREATE OR REPLACE"): string {
  const s = (p: string) => sc(f, p);
  return `
    ${create} VIEW analytics.theme_count_facts AS
    SELECT c.day, th.theme, c.lang, c.country, c.outlet_id AS outlet, 0::bigint AS mentions, c.articles${s("c.")}
    FROM public.article_daily_counts c CROSS JOIN analytics.themes th
    UNION ALL
    SELECT t.day, t.theme, t.lang, t.country, t.outlet_id, t.mentions, 0::bigint${s("t.")}
    FROM public.theme_daily_counts t
    WHERE t.taxonomy_version = ${CURRENT};

    ${create} VIEW analytics.theme_daily AS
    SELECT f.day, f.theme, f.lang, f.country, f.outlet,
           sum(f.mentions)::bigint AS mentions,
           sum(f.articles)::bigint AS articles,
           sum(f.mentions)::float8 / nullif(sum(f.articles), 0)::float8 AS share,
           ${CURRENT} AS taxonomy_version${s("f.")}
    FROM analytics.theme_count_facts f
    GROUP BY f.day, f.theme, f.lang, f.country, f.outlet${s("f.")};

    ${create} VIEW analytics.theme_weekly AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.theme, w.lang, w.country, w.outlet,
           w.mentions, w.articles, w.mentions::float8 / nullif(w.articles, 0)::float8 AS share,
           ${CURRENT} AS taxonomy_version${s("w.")}
    FROM (
      SELECT f.week_start, f.theme, f.lang, f.country, f.outlet${s("f.")},
             sum(f.mentions)::bigint AS mentions, sum(f.articles)::bigint AS articles
      FROM (
        SELECT c.week_start, th.theme, c.lang, c.country, c.outlet_id AS outlet${s("c.")}, 0::bigint AS mentions, c.articles
        FROM analytics.article_weekly_counts c CROSS JOIN analytics.themes th
        UNION ALL
        SELECT t.week_start, t.theme, t.lang, t.country, t.outlet_id${s("t.")}, t.mentions, 0::bigint
        FROM analytics.theme_weekly_counts t
        WHERE t.taxonomy_version = ${CURRENT}
      ) f
      GROUP BY ${f.script ? "1, 2, 3, 4, 5, 6" : "1, 2, 3, 4, 5"}
    ) w;

    ${create} VIEW analytics.theme_cooccurrence AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.month, w.theme_a, w.theme_b,
           w.country, w.outlet, w.lang, w.articles${s("w.")}
    FROM (
      SELECT date_trunc('week', a.day::timestamp)::date AS week_start,
             date_trunc('month', a.day::timestamp)::date AS month,
             x.theme AS theme_a, y.theme AS theme_b, o.country, a.outlet_id AS outlet, a.lang${s("a.")},
             count(*)::bigint AS articles
      FROM public.article_themes x
      JOIN public.article_themes y ON y.article_id = x.article_id AND y.theme > x.theme
      JOIN public.articles a ON a.id = x.article_id
      JOIN public.outlets o ON o.id = a.outlet_id
      WHERE x.taxonomy_version = ${CURRENT}
        AND y.taxonomy_version = ${CURRENT}
      GROUP BY ${f.script ? "1, 2, 3, 4, 5, 6, 7, 8" : "1, 2, 3, 4, 5, 6, 7"}
    ) w;

    ${create} VIEW analytics.theme_daily_by_collection AS
    SELECT f.day, f.collection, f.theme, f.lang, f.country,
           sum(f.mentions)::bigint AS mentions,
           sum(f.articles)::bigint AS articles,
           sum(f.mentions)::float8 / nullif(sum(f.articles), 0)::float8 AS share,
           ${CURRENT} AS taxonomy_version${s("f.")}
    FROM (
      SELECT c.day, oc.collection, th.theme, c.lang, c.country${s("c.")}, 0::bigint AS mentions, c.articles
      FROM public.article_daily_counts c
      JOIN public.outlets o ON o.id = c.outlet_id
      CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
      CROSS JOIN analytics.themes th
      UNION ALL
      SELECT t.day, oc.collection, t.theme, t.lang, t.country${s("t.")}, t.mentions, 0::bigint
      FROM public.theme_daily_counts t
      JOIN public.outlets o ON o.id = t.outlet_id
      CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
      WHERE t.taxonomy_version = ${CURRENT}
    ) f
    GROUP BY f.day, f.collection, f.theme, f.lang, f.country${s("f.")};

    ${create} VIEW analytics.theme_weekly_by_collection AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.collection, w.theme, w.lang,
           w.country, w.mentions, w.articles, w.mentions::float8 / nullif(w.articles, 0)::float8 AS share,
           ${CURRENT} AS taxonomy_version${s("w.")}
    FROM (
      SELECT f.week_start, f.collection, f.theme, f.lang, f.country${s("f.")},
             sum(f.mentions)::bigint AS mentions, sum(f.articles)::bigint AS articles
      FROM (
        SELECT c.week_start, oc.collection, th.theme, c.lang, c.country${s("c.")}, 0::bigint AS mentions, c.articles
        FROM analytics.article_weekly_counts c
        JOIN public.outlets o ON o.id = c.outlet_id
        CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
        CROSS JOIN analytics.themes th
        UNION ALL
        SELECT t.week_start, oc.collection, t.theme, t.lang, t.country${s("t.")}, t.mentions, 0::bigint
        FROM analytics.theme_weekly_counts t
        JOIN public.outlets o ON o.id = t.outlet_id
        CROSS JOIN LATERAL unnest(o.collections) AS oc(collection)
        WHERE t.taxonomy_version = ${CURRENT}
      ) f
      GROUP BY ${f.script ? "1, 2, 3, 4, 5, 6" : "1, 2, 3, 4, 5"}
    ) w;

    ${create} VIEW analytics.theme_daily_any AS
    SELECT f.day, f.theme, f.lang, f.country, f.outlet,
           (sum(f.headline) + sum(f.body_only))::bigint AS mentions,
           sum(f.headline)::bigint AS headline_mentions,
           sum(f.body_only)::bigint AS body_only_mentions,
           sum(f.articles)::bigint AS articles,
           sum(f.with_body)::bigint AS articles_with_body,
           (sum(f.headline) + sum(f.body_only))::float8 / nullif(sum(f.articles), 0)::float8 AS share,
           ${CURRENT} AS taxonomy_version${s("f.")}
    FROM (
      SELECT c.day, th.theme, c.lang, c.country, c.outlet_id AS outlet${s("c.")},
             0::bigint AS headline, 0::bigint AS body_only, c.articles, 0::bigint AS with_body
      FROM public.article_daily_counts c CROSS JOIN analytics.themes th
      UNION ALL
      SELECT b.day, th.theme, b.lang, b.country, b.outlet_id${s("b.")}, 0, 0, 0, b.articles
      FROM public.article_body_daily_counts b CROSS JOIN analytics.themes th
      UNION ALL
      SELECT t.day, t.theme, t.lang, t.country, t.outlet_id${s("t.")}, t.mentions, 0, 0, 0
      FROM public.theme_daily_counts t
      WHERE t.taxonomy_version = ${CURRENT}
      UNION ALL
      SELECT t.day, t.theme, t.lang, t.country, t.outlet_id${s("t.")}, 0, t.mentions, 0, 0
      FROM public.theme_body_daily_counts t
      WHERE t.taxonomy_version = ${CURRENT}
    ) f
    GROUP BY f.day, f.theme, f.lang, f.country, f.outlet${s("f.")};

    ${create} VIEW analytics.theme_weekly_any AS
    SELECT w.week_start, to_char(w.week_start, 'IYYY-"W"IW') AS iso_week, w.theme, w.lang, w.country, w.outlet,
           w.headline + w.body_only AS mentions, w.headline AS headline_mentions, w.body_only AS body_only_mentions,
           w.articles, w.with_body AS articles_with_body,
           (w.headline + w.body_only)::float8 / nullif(w.articles, 0)::float8 AS share,
           ${CURRENT} AS taxonomy_version${s("w.")}
    FROM (
      SELECT f.week_start, f.theme, f.lang, f.country, f.outlet${s("f.")},
             sum(f.headline)::bigint AS headline, sum(f.body_only)::bigint AS body_only,
             sum(f.articles)::bigint AS articles, sum(f.with_body)::bigint AS with_body
      FROM (
        SELECT c.week_start, th.theme, c.lang, c.country, c.outlet_id AS outlet${s("c.")},
               0::bigint AS headline, 0::bigint AS body_only, c.articles, 0::bigint AS with_body
        FROM analytics.article_weekly_counts c CROSS JOIN analytics.themes th
        UNION ALL
        SELECT b.week_start, th.theme, b.lang, b.country, b.outlet_id${s("b.")}, 0, 0, 0, b.articles
        FROM analytics.article_body_weekly_counts b CROSS JOIN analytics.themes th
        UNION ALL
        SELECT t.week_start, t.theme, t.lang, t.country, t.outlet_id${s("t.")}, t.mentions, 0, 0, 0
        FROM analytics.theme_weekly_counts t
        WHERE t.taxonomy_version = ${CURRENT}
        UNION ALL
        SELECT t.week_start, t.theme, t.lang, t.country, t.outlet_id${s("t.")}, 0, t.mentions, 0, 0
        FROM analytics.theme_body_weekly_counts t
        WHERE t.taxonomy_version = ${CURRENT}
      ) f
      GROUP BY ${f.script ? "1, 2, 3, 4, 5, 6" : "1, 2, 3, 4, 5"}
    ) w;

    ${create} VIEW analytics.body_mentions AS
    SELECT a.id AS article_id, a.published_at, a.day, a.outlet_id AS outlet, o.country, a.lang, a.title,
           coalesce(a.canonical_url, a.link) AS url, t.theme, t.body_only, t.evidence, t.taxonomy_version${s("a.")}
    FROM public.article_body_themes t
    JOIN public.articles a ON a.id = t.article_id
    JOIN public.outlets o ON o.id = a.outlet_id
    WHERE t.taxonomy_version = ${CURRENT};`;
}

const SCRIPT_VIEWS = [
  "theme_daily",
  "theme_count_facts",
  "theme_weekly",
  "theme_cooccurrence",
  "theme_daily_by_collection",
  "theme_weekly_by_collection",
  "theme_daily_any",
  "theme_weekly_any",
  "body_mentions",
].map((v) => `analytics.${v}`);

// In the order the write paths take them (ingest: articles then themes; a body: body-only mentions then
// articles with a body; retag: body-only then headline mentions), so that the lock cannot deadlock with
// a writer that already holds one of them.
const COUNT_TABLES = [
  "public.article_daily_counts",
  "public.theme_body_daily_counts",
  "public.article_body_daily_counts",
  "public.theme_daily_counts",
].join(", ");

/**
 * Re-keys the count tables and rebuilds them from the article tables. The TRUNCATE empties the rollups
 * (their TRUNCATE triggers), the re-keyed rollup functions then refill them from the backfill's INSERTs.
 */
function rebuildCounts(f: Flag): string {
  return `
    LOCK TABLE ${COUNT_TABLES} IN ACCESS EXCLUSIVE MODE;
    ${rollupFunctions(f)}
    TRUNCATE ${COUNT_TABLES};
    ${rekeyAll(f)}
    ${backfill(f)}
    -- Fresh statistics for the planner at once (autovacuum would take a while to notice).
    ANALYZE ${[...ARTICLE_DAILY, ...THEME_DAILY, ...ARTICLE_WEEKLY, ...THEME_WEEKLY].join(", ")};`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const f = { script: true };
  await sql.raw(`${rebuildCounts(f)}\n${views(f, "CREATE OR REPLACE")}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const f = { script: false };
  // Columns cannot be dropped from a view: the views go first and come back in their earlier shape.
  await sql
    .raw(`
    DROP VIEW ${SCRIPT_VIEWS.join(", ")};
    ${rebuildCounts(f)}
    ${views(f, "CREATE")}
    GRANT SELECT ON ${SCRIPT_VIEWS.join(", ")} TO vesti_analyst;`)
    .execute(db);
}
