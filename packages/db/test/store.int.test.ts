import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, type PreparedArticle, storeArticles, syncSources } from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "rts",
      name: "RTS",
      country: "RS",
      language: "sr",
      script: "Cyrl",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: "http://127.0.0.1:1/rts.xml" }, { url: "http://127.0.0.1:1/rts-lat.xml" }],
    },
  ]);
});
afterAll(() => t.destroy());

function article(n: number, over: Partial<PreparedArticle> = {}): PreparedArticle {
  return {
    url_hash: `hash-${n}`,
    canonical_url: `https://rts.rs/a/${n}`,
    link: `https://rts.rs/a/${n}`,
    guid: `guid-${n}`,
    title: `Naslov ${n}`,
    summary: "",
    title_key: `naslov ${n}`,
    published_at: new Date(`2026-03-0${1 + (n % 3)}T10:00:00Z`),
    published_estimated: false,
    fetched_at: new Date("2026-03-05T00:00:00Z"),
    lang: "sr",
    script: "Latn",
    lang_confidence: 0.9,
    themes:
      n % 2 === 0 ? [{ id: "kosovo", evidence: [{ field: "title", start: 0, end: 6, text: "Kosovo" }] }] : [],
    ...over,
  };
}

async function feedIds() {
  const rows = await t.db.selectFrom("feeds").select(["id", "url"]).orderBy("id").execute();
  return rows.map((r) => r.id);
}

describe("migrations", () => {
  it("are idempotent: running them again changes nothing", async () => {
    const result = await migrateToLatest(t.db);
    expect(result.results).toEqual([]);
  });

  it("return bigint counts as numbers and days as strings", async () => {
    const row = await t.db
      .selectFrom("feeds")
      .select((eb) => [eb.fn.countAll<number>().as("n")])
      .executeTakeFirstOrThrow();
    expect(row.n).toBe(2);
  });
});

describe("storeArticles", () => {
  it("inserts each article once, however often the same batch is stored", async () => {
    const [feed] = await feedIds();
    const target = { feed_id: feed!, outlet_id: "rts", country: "RS", taxonomy_version: "v1" };
    const batch = [1, 2, 3, 4].map((n) => article(n));
    const first = await storeArticles(t.db, target, batch);
    const second = await storeArticles(t.db, target, batch);
    expect(first.inserted).toBe(4);
    expect(second.inserted).toBe(0);
    expect(second.duplicates).toBe(4);

    const articles = await t.db.selectFrom("articles").select("id").execute();
    expect(articles).toHaveLength(4);
    const themes = await t.db.selectFrom("article_themes").selectAll().execute();
    expect(themes).toHaveLength(2);
    const totals = await t.db.selectFrom("article_daily_counts").selectAll().orderBy("day").execute();
    expect(totals.reduce((s, r) => s + r.articles, 0)).toBe(4);
    expect(typeof totals[0]!.articles).toBe("number");
    expect(totals[0]!.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const mentions = await t.db.selectFrom("theme_daily_counts").selectAll().execute();
    expect(mentions.reduce((s, r) => s + r.mentions, 0)).toBe(2);
  });

  it("dedupes by GUID within a feed and by title within an outlet across feeds", async () => {
    const [feedA, feedB] = await feedIds();
    const a = { feed_id: feedA!, outlet_id: "rts", country: "RS", taxonomy_version: "v1" };
    const b = { feed_id: feedB!, outlet_id: "rts", country: "RS", taxonomy_version: "v1" };
    // same GUID, new URL, same feed: a duplicate
    const sameGuid = await storeArticles(t.db, a, [article(10, { guid: "guid-1", title_key: "x10" })]);
    expect(sameGuid.inserted).toBe(0);
    // the wire copy of article 2 in the other feed of the outlet, two days later: a duplicate
    const copy = await storeArticles(t.db, b, [
      article(11, { title_key: "naslov 2", published_at: new Date("2026-03-05T10:00:00Z") }),
    ]);
    expect(copy.inserted).toBe(0);
    // the same title eight days later is news again
    const later = await storeArticles(t.db, b, [
      article(12, { title_key: "naslov 2", published_at: new Date("2026-03-12T10:00:00Z") }),
    ]);
    expect(later.inserted).toBe(1);
  });

  it("keeps exactly one row when two writers store the same items concurrently", async () => {
    const [feed] = await feedIds();
    const target = { feed_id: feed!, outlet_id: "rts", country: "RS", taxonomy_version: "v1" };
    const batch = [20, 21, 22, 23, 24, 25].map((n) => article(n));
    const results = await Promise.all([1, 2, 3].map(() => storeArticles(t.db, target, batch)));
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(6);
    const totals = await t.db
      .selectFrom("article_daily_counts")
      .select((eb) => eb.fn.sum<number>("articles").as("n"))
      .executeTakeFirstOrThrow();
    const articles = await t.db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(totals.n).toBe(articles.n);
  });
});
