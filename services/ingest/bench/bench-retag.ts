// Retag throughput: N stored articles tagged by an old taxonomy version are re-tagged with the current
// one by the same code the retag job runs (keyset batches, themes + counts in one transaction each).
import {
  activateTaxonomyVersion,
  addToCounts,
  createDb,
  dropDatabase,
  ensureDatabase,
  migrateToLatest,
  syncSources,
} from "@vesti/db";
import { defaultTaxonomy } from "@vesti/themes";
import { sql } from "kysely";
import { TEMPLATES } from "../../../test/support/corpus";
import { processRetag, RETAG_BATCH_SIZE } from "../src/processors/retag";

const N = Number(process.env.BENCH_RETAG_ARTICLES ?? 200_000);
const BATCH = Number(process.env.BENCH_RETAG_BATCH ?? RETAG_BATCH_SIZE);
const DB_URL = process.env.BENCH_DATABASE_URL_RETAG ?? "postgres://postgres@127.0.0.1:5432/vesti_bench_retag";

async function main() {
  await dropDatabase(DB_URL);
  await ensureDatabase(DB_URL);
  const db = createDb(DB_URL, { poolSize: 4 });
  try {
    await migrateToLatest(db);
    await syncSources(db, [
      {
        id: "bench",
        name: "Bench",
        country: "RS",
        language: "sr",
        timeZone: "Europe/Belgrade",
        feeds: [{ url: "http://bench.example/feed" }],
      },
    ]);
    await activateTaxonomyVersion(db, "old");
    // N articles whose text cycles through the test templates; old tags: none.
    const titles = TEMPLATES.map((t) => t.title);
    const summaries = TEMPLATES.map((t) => t.summary);
    const langs = TEMPLATES.map((t) => t.lang);
    await sql`
      INSERT INTO articles (outlet_id, feed_id, url_hash, title, summary, title_key, published_at, day, fetched_at,
                            lang, script, lang_confidence, taxonomy_version)
      SELECT 'bench', (SELECT id FROM feeds LIMIT 1), 'h' || g, (${titles}::text[])[1 + g % ${titles.length}] || ' ' || g,
             (${summaries}::text[])[1 + g % ${titles.length}], 'k' || g,
             timestamptz '2025-01-01' + (g % 365) * interval '1 day', date '2025-01-01' + (g % 365), now(),
             (${langs}::text[])[1 + g % ${titles.length}], 'Latn', 1, 'old'
      FROM generate_series(1, ${N}) AS g`.execute(db);
    const days = await sql<{ day: string; lang: string; n: number }>`
      SELECT day::text, lang, count(*)::int AS n FROM articles GROUP BY 1, 2`.execute(db);
    await addToCounts(
      db,
      days.rows.flatMap((r) =>
        Array.from({ length: r.n }, () => ({
          day: r.day,
          lang: r.lang,
          script: "Latn",
          country: "RS",
          outlet_id: "bench",
          taxonomy_version: "old",
          themes: [],
        })),
      ),
    );
    await sql`ANALYZE`.execute(db);

    const taxonomy = defaultTaxonomy();
    await activateTaxonomyVersion(db, taxonomy.version);
    const t0 = performance.now();
    const result = await processRetag({ db, taxonomy }, { toVersion: taxonomy.version, batchSize: BATCH });
    const seconds = (performance.now() - t0) / 1000;
    const tags = await sql<{ n: number }>`SELECT count(*)::int AS n FROM article_themes`.execute(db);
    console.log(
      `retag: ${result.articlesDone} articles (${result.articlesChanged} changed, ${tags.rows[0]!.n} tags) in ${seconds.toFixed(2)} s ` +
        `= ${Math.round(result.articlesDone / seconds)} articles/s (batch ${BATCH}; goal ≥ 10000)`,
    );
  } finally {
    await db.destroy();
  }
}

await main();
