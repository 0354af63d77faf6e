import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDigestData, queryTrends, seedDemo } from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

// The collection dimension (migration 0005_sources) on the demo data: the by-collection views agree with
// the per-outlet views, an outlet in two collections counts in each, and queryTrends and the digest read them.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t.db, { from: "2020-03-02", to: "2020-04-12", perDay: 20, seed: 7 });
});
afterAll(() => t.destroy());

const PRO_GOV = ["informer", "novosti", "politika", "rts"];

describe("trend views by collection", () => {
  it("equal theme_weekly summed over the collection's outlets", async () => {
    const byCollection = await sql<{ week_start: string; mentions: number; articles: number }>`
      SELECT week_start, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_weekly_by_collection
      WHERE collection = 'pro-government-rs' AND theme = 'chinese_aid'
      GROUP BY 1 ORDER BY 1`.execute(t.db);
    const byOutlet = await sql<{ week_start: string; mentions: number; articles: number }>`
      SELECT week_start, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_weekly
      WHERE outlet = ANY(${PRO_GOV}) AND theme = 'chinese_aid'
      GROUP BY 1 ORDER BY 1`.execute(t.db);
    expect(byCollection.rows.length).toBe(6);
    expect(byCollection.rows).toEqual(byOutlet.rows);
    expect(byCollection.rows.some((r) => r.mentions > 0)).toBe(true);
  });

  it("carry the script, per collection as per outlet", async () => {
    const byCollection = await sql<{
      week_start: string;
      script: string;
      mentions: number;
      articles: number;
    }>`
      SELECT week_start, script, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_weekly_by_collection
      WHERE collection = 'pro-government-rs' AND theme = 'chinese_aid'
      GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.db);
    const byOutlet = await sql<{ week_start: string; script: string; mentions: number; articles: number }>`
      SELECT week_start, script, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_weekly
      WHERE outlet = ANY(${PRO_GOV}) AND theme = 'chinese_aid'
      GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.db);
    expect(byCollection.rows).toEqual(byOutlet.rows);
    expect(new Set(byCollection.rows.map((r) => r.script))).toEqual(new Set(["Cyrl", "Latn"]));
    const cyrl = await queryTrends(t.db, {
      theme: "chinese_aid",
      by: "day",
      collection: "pro-government-rs",
      script: "Cyrl",
    });
    const daily = await sql<{ period: string; mentions: number; articles: number }>`
      SELECT day AS period, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_daily_by_collection
      WHERE collection = 'pro-government-rs' AND theme = 'chinese_aid' AND script = 'Cyrl'
      GROUP BY 1 ORDER BY 1`.execute(t.db);
    expect(
      cyrl.map((r) => ({ period: r.period, mentions: Number(r.mentions), articles: Number(r.articles) })),
    ).toEqual(daily.rows);
    expect(daily.rows.length).toBe(42);
  });

  it("count an outlet in every collection it belongs to, daily as weekly", async () => {
    const daily = await sql<{ collection: string; mentions: number; articles: number }>`
      SELECT collection, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_daily_by_collection WHERE theme = 'kosovo' GROUP BY 1 ORDER BY 1`.execute(t.db);
    const weekly = await sql<{ collection: string; mentions: number; articles: number }>`
      SELECT collection, sum(mentions)::int AS mentions, sum(articles)::int AS articles
      FROM analytics.theme_weekly_by_collection WHERE theme = 'kosovo' GROUP BY 1 ORDER BY 1`.execute(t.db);
    expect(daily.rows).toEqual(weekly.rows);
    const get = (c: string) => daily.rows.find((r) => r.collection === c)!;
    // every Serbian demo outlet is national and either pro-government or independent
    expect(get("serbia-national").articles).toBe(
      get("pro-government-rs").articles + get("independent-rs").articles,
    );
    expect(get("russia-national")).toEqual({ ...get("russian-state"), collection: "russia-national" });
    const total = await sql<{
      articles: number;
    }>`SELECT sum(articles)::int AS articles FROM article_daily_counts`.execute(t.db);
    expect(get("serbia-national").articles + get("russia-national").articles).toBe(total.rows[0]!.articles);
  });

  it("are what queryTrends reads for a collection filter", async () => {
    const rows = await queryTrends(t.db, {
      theme: "chinese_aid",
      by: "week",
      collection: "pro-government-rs",
    });
    const outletSum = await Promise.all(
      PRO_GOV.map((outlet) => queryTrends(t.db, { theme: "chinese_aid", by: "week", outlet })),
    );
    expect(rows.map((r) => Number(r.mentions))).toEqual(
      rows.map((r) =>
        outletSum.reduce((s, list) => s + Number(list.find((x) => x.period === r.period)?.mentions ?? 0), 0),
      ),
    );
    const daily = await queryTrends(t.db, {
      theme: "kosovo",
      by: "day",
      collection: "independent-rs",
      since: "2020-03-09",
      until: "2020-03-15",
    });
    expect(daily).toHaveLength(7);
    expect(
      await queryTrends(t.db, { theme: "kosovo", by: "week", collection: "no-such-collection" }),
    ).toEqual([]);
    await expect(
      queryTrends(t.db, { theme: "kosovo", by: "week", collection: "independent-rs", outlet: "n1" }),
    ).rejects.toThrow(/not both/);
  });
});

describe("digest aid attention by alignment", () => {
  it("splits the Serbian outlets' aid attention by alignment, adding up to the whole", async () => {
    const d = await loadDigestData(t.db, "2020-03-30");
    expect(d.aidByAlignment.map((g) => g.alignment)).toEqual(["independent", "pro-government"]);
    for (const k of ["russian_aid", "chinese_aid", "eu_aid", "articles"] as const)
      expect(d.aidByAlignment.reduce((s, g) => s + Number(g[k]), 0)).toBe(Number(d.aid![k]));
    expect(d.aidByAlignment[0]!.prev).not.toBeNull();
  });
});
