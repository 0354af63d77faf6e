import { activateTaxonomyVersion, type PreparedArticle, storeArticles, syncSources } from "@vesti/db";
import { defaultTaxonomy } from "@vesti/themes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { processRetag } from "../src/processors/retag";

// A retag that a shutdown interrupts stops at a batch boundary, says so in retag_runs, and the next run
// carries on from there to the end. Tags computed ahead (while the batch before is written) are used only
// for the very input they were computed from.

const taxonomy = defaultTaxonomy();
let t: TestDatabase;
let ahead: TestDatabase;

/** 30 articles under the taxonomy "old", half about Kosovo; then the current taxonomy is activated. */
async function seed(t: TestDatabase): Promise<void> {
  await syncSources(t.db, [
    {
      id: "n1",
      name: "N1",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: "http://x/1" }],
    },
  ]);
  const feed = await t.db.selectFrom("feeds").select("id").executeTakeFirstOrThrow();
  await activateTaxonomyVersion(t.db, "old");
  const articles: PreparedArticle[] = Array.from({ length: 30 }, (_, i) => ({
    url_hash: `h${i}`,
    canonical_url: null,
    link: null,
    guid: `g${i}`,
    title: i % 2 ? `Vučić o Kosovu ${i}` : `Vreme u Beogradu ${i}`,
    summary: "",
    title_key: `t${i}`,
    published_at: new Date(Date.UTC(2026, 10, 2 + (i % 5), 12)),
    published_estimated: false,
    fetched_at: new Date(Date.UTC(2026, 10, 20)),
    lang: "sr",
    script: "Latn",
    lang_confidence: 1,
    themes: [],
  }));
  await storeArticles(
    t.db,
    { feed_id: feed.id, outlet_id: "n1", country: "RS", taxonomy_version: "old" },
    articles,
  );
  await activateTaxonomyVersion(t.db, taxonomy.version);
}

beforeAll(async () => {
  t = await createTestDatabase();
  ahead = await createTestDatabase();
  await seed(t);
  await seed(ahead);
});
afterAll(async () => {
  await t.destroy();
  await ahead.destroy();
});

const kosovoMentions = async (db: TestDatabase["db"]) =>
  (
    await db
      .selectFrom("theme_daily_counts")
      .select((eb) => eb.fn.sum<number>("mentions").as("n"))
      .where("theme", "=", "kosovo")
      .where("taxonomy_version", "=", taxonomy.version)
      .executeTakeFirstOrThrow()
  ).n;

describe("processRetag on shutdown", () => {
  it("stops at a batch boundary, records the interruption, and the next run finishes", async () => {
    const abort = new AbortController();
    const first = await processRetag(
      { db: t.db, taxonomy, signal: abort.signal, onProgress: () => abort.abort() },
      { toVersion: taxonomy.version, batchSize: 10 },
    );
    expect(first).toMatchObject({ interrupted: true, done: false, articlesDone: 10, articlesTotal: 30 });
    const run = await t.db.selectFrom("retag_runs").selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({
      status: "interrupted",
      interruptions: 1,
      articles_done: 10,
      articles_total: 30,
    });
    expect(run.interrupted_at).toBeInstanceOf(Date);

    const second = await processRetag({ db: t.db, taxonomy }, { toVersion: taxonomy.version, batchSize: 10 });
    expect(second).toMatchObject({ interrupted: false, done: true, articlesDone: 30, runId: first.runId });
    const runs = await t.db.selectFrom("retag_runs").select(["status", "articles_done"]).execute();
    expect(runs).toEqual([{ status: "done", articles_done: 30 }]);
    expect(await kosovoMentions(t.db)).toBe(15);
  });
});

describe("processRetag tagging ahead", () => {
  it("re-tags an article whose text changed after it was read ahead", async () => {
    const ids = (await ahead.db.selectFrom("articles").select("id").orderBy("id").execute()).map((r) => r.id);
    const secondBatch = ids.slice(10, 20);
    let changed = false;
    const result = await processRetag(
      {
        db: ahead.db,
        taxonomy,
        onProgress: async (p) => {
          if (changed) return;
          changed = true;
          expect(p.articlesDone).toBe(10);
          // The second batch has been read ahead by now (it is read while the first one is written):
          // its articles about Kosovo stop being about it.
          await ahead.db
            .updateTable("articles")
            .set({ title: "Vreme u Beogradu" })
            .where("id", "in", secondBatch)
            .execute();
        },
      },
      { toVersion: taxonomy.version, batchSize: 10 },
    );
    expect(result).toMatchObject({ done: true, articlesDone: 30 });
    // 15 about Kosovo, less the 5 of the second batch that no longer are.
    expect(await kosovoMentions(ahead.db)).toBe(10);
    const tagged = await ahead.db
      .selectFrom("article_themes")
      .select("article_id")
      .where("theme", "=", "kosovo")
      .where("article_id", "in", secondBatch)
      .execute();
    expect(tagged).toEqual([]);
  });
});
