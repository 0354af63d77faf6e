import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  activateTaxonomyVersion,
  createDb,
  ensureDatabase,
  migrateToLatest,
  storeArticles,
  syncSources,
} from "@vesti/db";
import { FIXTURE_PAGES_DIR, loadFixturePages } from "@vesti/fulltext";
import { createLogger } from "@vesti/runtime";
import { defaultTaxonomy } from "@vesti/themes";
import { classifyItem } from "../src/classify";
import { processArticleBody } from "../src/processors/article-body";

// Stores the labelled pages (packages/fulltext/fixtures/pages) as articles of two outlets, a Serbian and a
// Russian one, on 6 and 9 March 2026, and runs each page through processArticleBody: the database behind
// the full-text examples in docs/sql.md. Usage:
//   SEED_DATABASE_URL=postgres://postgres@127.0.0.1:5432/vesti_docs_fulltext pnpm exec tsx services/ingest/test-support/seed-labelled-pages.ts
const url = process.env["SEED_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/vesti_docs_fulltext";
await ensureDatabase(url);
const db = createDb(url);
await migrateToLatest(db);
const taxonomy = defaultTaxonomy();
const dir = fileURLToPath(FIXTURE_PAGES_DIR);
const C: Record<string, string> = { rs1: "RS", ru1: "RU" };
await syncSources(db, [
  {
    id: "rs1",
    name: "Serbian pages",
    country: "RS",
    language: "sr",
    timeZone: "Europe/Belgrade",
    fulltext: { enabled: true },
    feeds: [{ url: "http://rs1.test/feed" }],
  },
  {
    id: "ru1",
    name: "Russian pages",
    country: "RU",
    language: "ru",
    timeZone: "Europe/Moscow",
    fulltext: { enabled: true },
    feeds: [{ url: "http://ru1.test/feed" }],
  },
]);
await activateTaxonomyVersion(db, taxonomy.version);
const feeds = new Map(
  (await db.selectFrom("feeds").select(["id", "outlet_id"]).execute()).map((f) => [f.outlet_id, f.id]),
);
for (const [i, p] of loadFixturePages().entries()) {
  const m = JSON.parse(readFileSync(join(dir, `${p.name}.json`), "utf8"));
  const outlet = p.name.startsWith("ru-") ? "ru1" : "rs1";
  const c = classifyItem(taxonomy, {
    title: m.title,
    summary: m.summary,
    feedLanguage: outlet === "ru1" ? "ru" : "sr",
    country: C[outlet],
  });
  const at = new Date(i % 2 === 0 ? "2026-03-06T10:00:00Z" : "2026-03-09T10:00:00Z");
  const r = await storeArticles(
    db,
    {
      feed_id: feeds.get(outlet)!,
      outlet_id: outlet,
      country: C[outlet]!,
      taxonomy_version: taxonomy.version,
    },
    [
      {
        url_hash: p.name,
        canonical_url: m.url,
        link: m.url,
        guid: p.name,
        title: m.title,
        summary: m.summary,
        title_key: p.name,
        published_at: at,
        published_estimated: false,
        fetched_at: at,
        lang: c.lang,
        script: c.script,
        lang_confidence: c.langConfidence,
        themes: c.themes,
      },
    ],
  );
  if (r.insertedIds[0])
    await processArticleBody(
      { db, taxonomy, logger: createLogger("docs", "silent") },
      { articleId: r.insertedIds[0], page: { body: p.html, contentType: null, finalUrl: m.url } },
    );
}
await db.destroy();
