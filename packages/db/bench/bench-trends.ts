import { execSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { type Kysely, sql } from "kysely";
import { createDb, ensureDatabase } from "../src/client";
import { migrateToLatest } from "../src/migrate";
import { queryTrends } from "../src/repositories/trends";
import type { Database } from "../src/schema";

// Trend-query benchmark: fills a database with BENCH_TREND_ARTICLES synthetic articles over five years (pure
// SQL, so 10M rows take minutes, not hours), derives the count tables from them exactly as ingest would,
// then times the analysts' two headline queries. Re-runs reuse the data when the size matches.

const URL_ = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/vesti_bench";
const N = Number.parseInt(process.env.BENCH_TREND_ARTICLES ?? "10000000", 10);
const RUNS = Math.max(30, Number.parseInt(process.env.BENCH_RUNS ?? "50", 10));
const CHUNK = 1_000_000;
const VERSION = "bench-v1";
const BUDGET_MS = 50;

// 20 outlets; each article picks one of 100 slots, so the slot counts are the outlets' weights.
const OUTLETS: { id: string; country: string; lang: string; script: string; slots: number }[] = [
  { id: "rts", country: "RS", lang: "sr", script: "Cyrl", slots: 10 },
  { id: "n1", country: "RS", lang: "sr", script: "Latn", slots: 6 },
  { id: "politika", country: "RS", lang: "sr", script: "Cyrl", slots: 6 },
  { id: "novosti", country: "RS", lang: "sr", script: "Cyrl", slots: 7 },
  { id: "informer", country: "RS", lang: "sr", script: "Latn", slots: 10 },
  { id: "danas", country: "RS", lang: "sr", script: "Latn", slots: 4 },
  { id: "blic", country: "RS", lang: "sr", script: "Latn", slots: 6 },
  { id: "b92", country: "RS", lang: "sr", script: "Latn", slots: 4 },
  { id: "nova", country: "RS", lang: "sr", script: "Latn", slots: 3 },
  { id: "tanjug", country: "RS", lang: "sr", script: "Cyrl", slots: 3 },
  { id: "tass", country: "RU", lang: "ru", script: "Cyrl", slots: 10 },
  { id: "ria", country: "RU", lang: "ru", script: "Cyrl", slots: 9 },
  { id: "rg", country: "RU", lang: "ru", script: "Cyrl", slots: 5 },
  { id: "kommersant", country: "RU", lang: "ru", script: "Cyrl", slots: 4 },
  { id: "izvestia", country: "RU", lang: "ru", script: "Cyrl", slots: 4 },
  { id: "interfax", country: "RU", lang: "ru", script: "Cyrl", slots: 4 },
  { id: "sputnik-rs", country: "RU", lang: "sr", script: "Latn", slots: 2 },
  { id: "rt-balkan", country: "RU", lang: "sr", script: "Cyrl", slots: 1 },
  { id: "meduza", country: "LV", lang: "ru", script: "Cyrl", slots: 1 },
  { id: "n1-ba", country: "BA", lang: "bs", script: "Latn", slots: 1 },
];

// Per-article theme probabilities by country (RS, RU, other).
const RATES: Record<string, [number, number, number]> = {
  kosovo: [0.08, 0.03, 0.04],
  russian_aid: [0.01, 0.015, 0.005],
  chinese_aid: [0.015, 0.008, 0.005],
  mask_diplomacy: [0.004, 0.003, 0.002],
  eu_aid: [0.015, 0.003, 0.01],
  vucic: [0.12, 0.02, 0.03],
  putin: [0.04, 0.14, 0.08],
  xi: [0.02, 0.03, 0.01],
};

const log = (msg: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function generate(db: Kysely<Database>): Promise<void> {
  const marked = await sql<{ t: string | null }>`SELECT to_regclass('bench_state')::text AS t`.execute(db);
  const have = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM articles`.execute(db);
  // Generating truncates every article table: never do that to a database this benchmark did not create.
  if (!marked.rows[0]?.t && (have.rows[0]?.n ?? 0) > 0)
    throw new Error(
      "BENCH_DATABASE_URL holds articles but no bench_state table: not a bench database, refusing",
    );
  await sql`CREATE TABLE IF NOT EXISTS bench_state (articles bigint NOT NULL, generated_at timestamptz NOT NULL)`.execute(
    db,
  );
  const state = await sql<{ articles: number }>`SELECT articles FROM bench_state`.execute(db);
  if (state.rows[0]?.articles === N && have.rows[0]?.n === N) {
    log(`reusing ${N.toLocaleString("en")} articles already in the bench database`);
    return;
  }
  log(`generating ${N.toLocaleString("en")} articles (previous: ${have.rows[0]?.n ?? 0})`);
  const t0 = performance.now();
  await sql`
    TRUNCATE bench_state, theme_daily_counts, article_daily_counts, article_themes, articles, feed_fetches,
      feeds, outlets, taxonomy_versions RESTART IDENTITY CASCADE
  `.execute(db);
  await sql`INSERT INTO taxonomy_versions (version, is_current) VALUES (${VERSION}, true)`.execute(db);
  for (const o of OUTLETS) {
    await sql`
      INSERT INTO outlets (id, name, country, language, script, time_zone, home_url)
      VALUES (${o.id}, ${`Bench ${o.id}`}, ${o.country}, ${o.lang}, ${o.script}, 'Europe/Belgrade',
              ${`https://${o.id}.example`})
    `.execute(db);
    await sql`INSERT INTO feeds (outlet_id, url) VALUES (${o.id}, ${`https://${o.id}.example/rss`})`.execute(
      db,
    );
  }
  // slot (1..100) -> outlet index (1..20)
  const slotOutlet = OUTLETS.flatMap((o, i) => Array.from({ length: o.slots }, () => i + 1));
  if (slotOutlet.length !== 100) throw new Error(`outlet slots must add up to 100, not ${slotOutlet.length}`);
  const ids = OUTLETS.map((o) => o.id);
  const countries = OUTLETS.map((o) => o.country);
  const langs = OUTLETS.map((o) => o.lang);
  const scripts = OUTLETS.map((o) => o.script);

  // Five years up to today; article g is published at an evenly spaced instant plus jitter, so ids follow
  // time as they do under ingest. hashint8extended() is the deterministic "random" source.
  await sql`SET synchronous_commit = off`.execute(db);
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(N, from + CHUNK - 1);
    await sql`
      WITH p AS (
        SELECT (current_date - interval '5 years')::timestamptz AS t0,
               extract(epoch FROM (current_date::timestamptz - (current_date - interval '5 years')::timestamptz))
                 / ${N}::float8 AS step
      ), g AS (
        SELECT g,
               (${slotOutlet}::int[])[1 + (abs(hashint8extended(g, 1)) % 100)::int] AS o,
               (abs(hashint8extended(g, 2)) % 1000)::int AS r,
               p.t0 + make_interval(secs => (g - 1) * p.step + (abs(hashint8extended(g, 3)) % 600)) AS at
        FROM generate_series(${from}::bigint, ${to}::bigint) AS g, p
      ), a AS (
        SELECT g.*, (${ids}::text[])[o] AS outlet_id, (${countries}::text[])[o] AS country,
               CASE WHEN r < 40 THEN 'en' WHEN r < 50 THEN 'und' ELSE (${langs}::text[])[o] END AS lang,
               CASE WHEN r < 50 THEN 'Latn' WHEN r < 300 AND (${langs}::text[])[o] = 'sr'
                    THEN CASE (${scripts}::text[])[o] WHEN 'Cyrl' THEN 'Latn' ELSE 'Cyrl' END
                    ELSE (${scripts}::text[])[o] END AS script
        FROM g
      )
      INSERT INTO articles (outlet_id, feed_id, url_hash, canonical_url, link, guid, title, summary, title_key,
                            published_at, published_estimated, day, fetched_at, lang, script, lang_confidence,
                            taxonomy_version)
      SELECT a.outlet_id, a.o, md5(a.g::text), 'https://' || a.outlet_id || '.example/news/' || a.g,
             'https://' || a.outlet_id || '.example/news/' || a.g || '?utm_source=rss', 'guid-' || a.g,
             'Bench: synthetic headline number ' || a.g || ' about politics and the economy',
             'Synthetic summary for benchmark article ' || a.g || '. It stands in for two sentences of a lead.',
             'bench synthetic headline number ' || a.g || ' about politics and the economy',
             a.at, false, (a.at AT TIME ZONE 'UTC')::date, a.at + interval '7 minutes', a.lang, a.script, 0.9,
             ${VERSION}
      FROM a
    `.execute(db);
    log(`  articles ${to.toLocaleString("en")} / ${N.toLocaleString("en")}`);
  }

  const themes = Object.keys(RATES);
  const col = (i: 0 | 1 | 2) => themes.map((t) => RATES[t]![i]);
  await sql`
    INSERT INTO article_themes (article_id, theme, taxonomy_version, evidence)
    SELECT a.id, t.theme, ${VERSION},
           jsonb_build_array(jsonb_build_object('field', 'title', 'start', 0, 'end', length(t.theme),
                                                'text', t.theme))
    FROM articles a
    JOIN outlets o ON o.id = a.outlet_id
    CROSS JOIN unnest(${themes}::text[], ${col(0)}::float8[], ${col(1)}::float8[], ${col(2)}::float8[])
      WITH ORDINALITY AS t(theme, rs, ru, other, k)
    WHERE (abs(hashint8extended(a.id * 16 + t.k, 4)) % 1000000) / 1e6
          < CASE o.country WHEN 'RS' THEN t.rs WHEN 'RU' THEN t.ru ELSE t.other END
            -- a slow yearly wave, so the series are not flat
            * (1 + 0.5 * sin(extract(epoch FROM a.published_at) / 5022000.0 + t.k))
  `.execute(db);
  log("  article_themes done");

  // The count tables exactly as ingest (addToCounts) would have left them.
  await sql`
    INSERT INTO article_daily_counts (day, lang, script, country, outlet_id, articles)
    SELECT a.day, a.lang, a.script, o.country, a.outlet_id, count(*)
    FROM articles a JOIN outlets o ON o.id = a.outlet_id
    GROUP BY 1, 2, 3, 4, 5
  `.execute(db);
  await sql`
    INSERT INTO theme_daily_counts (theme, day, lang, script, country, outlet_id, taxonomy_version, mentions)
    SELECT t.theme, a.day, a.lang, a.script, o.country, a.outlet_id, t.taxonomy_version, count(*)
    FROM article_themes t JOIN articles a ON a.id = t.article_id JOIN outlets o ON o.id = a.outlet_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
  `.execute(db);
  log("  count tables done; vacuum analyze");
  await sql`VACUUM ANALYZE`.execute(db);
  await sql`INSERT INTO bench_state VALUES (${N}, now())`.execute(db);
  log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

interface Case {
  name: string;
  run: () => Promise<number>;
  explain?: string;
}

async function time(c: Case): Promise<{ p50: number; p95: number; max: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < 3; i++) rows = await c.run(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    rows = await c.run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]!;
  return { p50: q(0.5), p95: q(0.95), max: ms[ms.length - 1]!, rows };
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1000) throw new Error("BENCH_TREND_ARTICLES must be an integer >= 1000");
  try {
    log(`disk: ${execSync("df -h /work 2>/dev/null || df -h .").toString().trim().split("\n").pop()}`);
  } catch {
    // df is informational only
  }
  await ensureDatabase(URL_);
  const db = createDb(URL_, { poolSize: 1, applicationName: "vesti-bench" });
  try {
    const m0 = performance.now();
    const migrated = (await migrateToLatest(db)).results ?? [];
    if (migrated.length > 0)
      log(
        `migrated (${migrated.map((r) => r.migrationName).join(", ")}) in ${((performance.now() - m0) / 1000).toFixed(1)} s`,
      );
    await generate(db);
    if (process.env.BENCH_GENERATE_ONLY === "1") return;
    const size = await sql<{ db: string; themes: number; counts: number; tcounts: number; articles: number }>`
      SELECT pg_size_pretty(pg_database_size(current_database())) AS db,
             (SELECT count(*) FROM article_themes)::bigint AS themes,
             (SELECT count(*) FROM article_daily_counts)::bigint AS counts,
             (SELECT count(*) FROM theme_daily_counts)::bigint AS tcounts,
             (SELECT count(*) FROM articles)::bigint AS articles
    `.execute(db);
    const s = size.rows[0]!;
    log(
      `database ${s.db}: ${s.articles.toLocaleString("en")} articles, ${s.themes.toLocaleString("en")} article_themes, ` +
        `${s.counts.toLocaleString("en")} article_daily_counts rows, ${s.tcounts.toLocaleString("en")} theme_daily_counts rows`,
    );

    const weekly = `
      SELECT week_start, iso_week, sum(mentions) AS mentions, sum(articles) AS articles,
             sum(mentions)::float8 / nullif(sum(articles), 0) AS share
      FROM analytics.theme_weekly WHERE theme = 'kosovo' AND country = 'RS'
      GROUP BY week_start, iso_week ORDER BY week_start`;
    const thesis = `
      SELECT * FROM analytics.aid_attention_weekly
      WHERE week_start >= now() - interval '1 year' ORDER BY week_start`;
    // The same series split by script (Serbian outlets write in both), and filtered on one script.
    const byScript = `
      SELECT week_start, script, sum(mentions) AS mentions, sum(articles) AS articles
      FROM analytics.theme_weekly WHERE theme = 'kosovo' AND country = 'RS' AND lang = 'sr'
      GROUP BY week_start, script ORDER BY week_start, script`;
    const daily = `
      SELECT day, sum(mentions) AS mentions, sum(articles) AS articles
      FROM analytics.theme_daily WHERE theme = 'putin' AND day >= current_date - 365
      GROUP BY day ORDER BY day`;
    const raw = (text: string) => async () => (await sql.raw(text).execute(db)).rows.length;
    const cases: Case[] = [
      {
        name: "weekly series of one theme, 5 years (theme_weekly kosovo/RS)",
        run: raw(weekly),
        explain: weekly,
      },
      { name: "thesis view, 1 year (aid_attention_weekly)", run: raw(thesis), explain: thesis },
      {
        name: "queryTrends kosovo by week, RS, 5 years",
        run: async () => (await queryTrends(db, { theme: "kosovo", by: "week", country: "RS" })).length,
      },
      {
        name: "weekly series of one theme split by script, 5 years (theme_weekly kosovo/RS/sr)",
        run: raw(byScript),
        explain: byScript,
      },
      {
        name: "queryTrends kosovo by week, RS, Cyrillic only, 5 years",
        run: async () =>
          (await queryTrends(db, { theme: "kosovo", by: "week", country: "RS", script: "Cyrl" })).length,
      },
      {
        name: "daily series of one theme, 1 year, all outlets (theme_daily putin)",
        run: raw(daily),
        explain: daily,
      },
    ];
    let failed = false;
    for (const c of cases) {
      const r = await time(c);
      const ok = r.p95 < BUDGET_MS;
      failed ||= !ok;
      log(
        `${c.name}: ${r.rows} rows, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms ` +
          `over ${RUNS} runs ${ok ? "(ok)" : `(OVER the ${BUDGET_MS} ms budget)`}`,
      );
      if (c.explain && process.env.BENCH_EXPLAIN === "1") {
        const plan = await sql.raw(`EXPLAIN (ANALYZE, BUFFERS) ${c.explain}`).execute(db);
        const lines = (plan.rows as { "QUERY PLAN": string }[]).map((r) => `    ${r["QUERY PLAN"]}`);
        process.stdout.write(`${lines.join("\n")}\n`);
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

await main();
