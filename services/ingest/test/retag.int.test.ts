import { activateTaxonomyVersion, type PreparedArticle, storeArticles, syncSources } from "@vesti/db";
import { defaultTaxonomy } from "@vesti/themes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { processRetag } from "../src/processors/retag";

// A retag that a shutdown interrupts stops at a batch boundary, says so in retag_runs, and the next run
// carries on from there to the end.

const taxonomy = defaultTaxonomy();
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
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
});
afterAll(() => t.destroy());

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
    const kosovo = await t.db
      .selectFrom("theme_daily_counts")
      .select((eb) => eb.fn.sum<number>("mentions").as("n"))
      .where("theme", "=", "kosovo")
      .where("taxonomy_version", "=", taxonomy.version)
      .executeTakeFirstOrThrow();
    expect(kosovo.n).toBe(15);
  });
});
