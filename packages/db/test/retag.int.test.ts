import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activateTaxonomyVersion,
  type PreparedArticle,
  type RetagArticle,
  retagBatch,
  startRetagRun,
  storeArticles,
  syncSources,
} from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

// Two taxonomies as plain functions of the text: v1 tags "kosovo" on "Kosovo", v2 also on "Priština"
// and tags "putin" on "Putin".
const v1 = (text: string) => (/Kosovo/.test(text) ? ["kosovo"] : []);
const v2 = (text: string) => [
  ...(/Kosovo|Priština/.test(text) ? ["kosovo"] : []),
  ...(/Putin/.test(text) ? ["putin"] : []),
];
const titles = ["Kosovo danas", "Priština i Beograd", "Putin u Beogradu", "Vreme sutra", "Kosovo i Putin"];

function articles(tagger: (t: string) => string[]): PreparedArticle[] {
  return Array.from({ length: 60 }, (_, i) => {
    const title = `${titles[i % titles.length]} ${i}`;
    return {
      url_hash: `h${i}`,
      canonical_url: null,
      link: null,
      guid: `g${i}`,
      title,
      summary: "",
      title_key: title.toLowerCase(),
      published_at: new Date(Date.UTC(2026, 0, 1 + (i % 9), 12)),
      published_estimated: false,
      fetched_at: new Date(Date.UTC(2026, 0, 20)),
      lang: i % 4 === 0 ? "ru" : "sr",
      // Serbian in both scripts, so that the moved counts are keyed by script too
      script: i % 4 === 0 || i % 3 === 0 ? "Cyrl" : "Latn",
      lang_confidence: 1,
      themes: tagger(title).map((id) => ({ id, evidence: [] })),
    };
  });
}

async function setup(t: TestDatabase, version: string, tagger: (t: string) => string[]) {
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
  await activateTaxonomyVersion(t.db, version);
  await storeArticles(
    t.db,
    { feed_id: feed.id, outlet_id: "n1", country: "RS", taxonomy_version: version },
    articles(tagger),
  );
}

async function counts(t: TestDatabase) {
  const themes = await t.db
    .selectFrom("theme_daily_counts")
    .select(["theme", "day", "lang", "script", "country", "outlet_id", "taxonomy_version", "mentions"])
    .orderBy(["theme", "day", "lang", "script"])
    .execute();
  const totals = await t.db
    .selectFrom("article_daily_counts")
    .selectAll()
    .orderBy(["day", "lang", "script"])
    .execute();
  const weekly = await sql`
    SELECT week_start, theme, lang, script, country, outlet_id, taxonomy_version, mentions
    FROM analytics.theme_weekly_counts ORDER BY 1, 2, 3, 4`.execute(t.db);
  const tags = await t.db
    .selectFrom("article_themes as t")
    .innerJoin("articles as a", "a.id", "t.article_id")
    .select(["a.url_hash", "t.theme", "t.taxonomy_version"])
    .orderBy(["a.url_hash", "t.theme"])
    .execute();
  return { themes, totals, tags, weekly: weekly.rows };
}

let retagged: TestDatabase;
let fresh: TestDatabase;
beforeAll(async () => {
  [retagged, fresh] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await setup(retagged, "v1", v1);
  await setup(fresh, "v2", v2);
});
afterAll(async () => {
  await Promise.all([retagged.destroy(), fresh.destroy()]);
});

describe("retagging", () => {
  it("flags stale articles when the taxonomy version changes", async () => {
    expect(await activateTaxonomyVersion(retagged.db, "v1")).toEqual({
      changed: false,
      staleArticles: false,
    });
    expect(await activateTaxonomyVersion(retagged.db, "v2")).toEqual({ changed: true, staleArticles: true });
  });

  it("resumes after a crash and leaves the counts exactly as a fresh ingest would", async () => {
    const tag = (a: RetagArticle) => v2(a.title).map((id) => ({ id, evidence: [] }));
    // First batch, then the process "dies": its in-memory progress is lost.
    const first = await retagBatch(retagged.db, "v2", await startRetagRun(retagged.db, "v2"), tag, 25);
    expect(first.articlesDone).toBe(25);

    let progress = await startRetagRun(retagged.db, "v2");
    expect(progress.runId).toBe(first.runId);
    expect(progress.lastArticleId).toBe(first.lastArticleId);
    while (!progress.done) progress = await retagBatch(retagged.db, "v2", progress, tag, 25);
    expect(progress.articlesDone).toBe(60);
    expect(progress.articlesChanged).toBeGreaterThan(0);

    const a = await counts(retagged);
    const b = await counts(fresh);
    expect(a.themes).toEqual(b.themes);
    expect(a.totals).toEqual(b.totals);
    expect(a.tags).toEqual(b.tags);
    expect(a.weekly).toEqual(b.weekly);
    expect(a.themes.every((r) => r.taxonomy_version === "v2")).toBe(true);
    // the moved mentions are keyed by script: Serbian Kosovo mentions in both scripts on one day
    const kosovoSr = a.themes.filter((r) => r.theme === "kosovo" && r.lang === "sr");
    expect(new Set(kosovoSr.map((r) => r.script))).toEqual(new Set(["Cyrl", "Latn"]));
  });
});
