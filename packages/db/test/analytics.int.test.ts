import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMigrator,
  type Database,
  migrateToLatest,
  migrationNames,
  type PreparedArticle,
  queryTrends,
  seedDemo,
  storeArticles,
  syncSources,
} from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

let t: TestDatabase;
const feeds = new Map<string, number>();
const countries: Record<string, string> = { rs1: "RS", rs2: "RS", ru1: "RU", lv1: "LV" };

beforeAll(async () => {
  t = await createTestDatabase();
  await syncSources(
    t.db,
    Object.entries(countries).map(([id, country]) => ({
      id,
      name: id.toUpperCase(),
      country,
      language: country === "RS" ? "sr" : "ru",
      script: "Cyrl",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: `http://127.0.0.1:1/${id}.xml` }],
    })),
  );
  for (const f of await t.db.selectFrom("feeds").select(["id", "outlet_id"]).execute())
    feeds.set(f.outlet_id, f.id);
  await t.db
    .insertInto("taxonomy_versions")
    .values([
      { version: "v1", is_current: false, first_seen_at: "2020-01-01T00:00:00Z" },
      { version: "v2", is_current: true, first_seen_at: "2020-06-01T00:00:00Z" },
    ])
    .execute();

  // [outlet, published_at, lang, themes, taxonomy version]; English is in Latin script, rs2's eu_aid
  // article too, everything else in Cyrillic
  const items: [string, string, string, string[], string?][] = [
    // ISO week 2020-W53 (Mon 2020-12-28 .. Sun 2021-01-03): spans the year boundary
    ["rs1", "2020-12-29T10:00:00Z", "sr", ["kosovo", "putin"]],
    ["rs1", "2020-12-29T23:59:59Z", "sr", []],
    ["rs1", "2020-12-31T08:00:00Z", "sr", []],
    ["rs1", "2021-01-02T08:00:00Z", "sr", ["chinese_aid"]],
    // ISO week 2021-W01
    ["rs1", "2021-01-05T09:00:00Z", "en", ["russian_aid", "chinese_aid"]],
    ["rs2", "2021-01-05T09:00:00Z", "sr", ["eu_aid"]],
    ["rs2", "2021-01-05T10:00:00Z", "sr", ["vucic", "putin", "kosovo"]],
    ["ru1", "2021-01-05T10:00:00Z", "ru", ["russian_aid", "putin"]],
    ["lv1", "2021-01-05T10:00:00Z", "ru", ["russian_aid"]],
    // tagged under the old taxonomy: an article (denominator) but not a current mention
    ["rs1", "2021-01-06T10:00:00Z", "sr", ["kosovo"], "v1"],
    // 2024-12-30 is the Monday of ISO week 2025-W01
    ["rs2", "2024-12-31T12:00:00Z", "sr", ["kosovo"]],
  ];
  let n = 0;
  for (const [outlet, at, lang, themes, version] of items) {
    n++;
    const article: PreparedArticle = {
      url_hash: `hash-${n}`,
      canonical_url: `https://${outlet}.example/${n}`,
      link: null,
      guid: `g${n}`,
      title: `Title ${n}`,
      summary: "",
      title_key: `title ${n}`,
      published_at: new Date(at),
      published_estimated: false,
      fetched_at: new Date(at),
      lang,
      script: lang === "en" || themes.includes("eu_aid") ? "Latn" : "Cyrl",
      lang_confidence: 0.9,
      themes: themes.map((id) => ({
        id,
        evidence: [{ field: "title", start: 0, end: 5, text: `${id}-${n}` }],
      })),
    };
    const target = {
      feed_id: feeds.get(outlet)!,
      outlet_id: outlet,
      country: countries[outlet]!,
      taxonomy_version: version ?? "v2",
    };
    expect((await storeArticles(t.db, target, [article])).inserted).toBe(1);
  }
});
afterAll(() => t.destroy());

interface Row {
  [k: string]: unknown;
}
const q = async (text: string) => (await sql.raw(text).execute(t.db)).rows as Row[];

describe("analytics.theme_daily", () => {
  it("has a zero row for every theme on each day an outlet published, and no row on other days", async () => {
    const rows = await q(`
      SELECT day, mentions, articles, share, taxonomy_version, script FROM analytics.theme_daily
      WHERE theme = 'kosovo' AND outlet = 'rs1' AND lang = 'sr' ORDER BY day`);
    const v2 = { taxonomy_version: "v2", script: "Cyrl" };
    expect(rows).toEqual([
      { day: "2020-12-29", mentions: 1, articles: 2, share: 0.5, ...v2 },
      { day: "2020-12-31", mentions: 0, articles: 1, share: 0, ...v2 },
      { day: "2021-01-02", mentions: 0, articles: 1, share: 0, ...v2 },
      // the v1-tagged article counts as an article, not as a current mention
      { day: "2021-01-06", mentions: 0, articles: 1, share: 0, ...v2 },
    ]);
    const themes = await q(`SELECT count(DISTINCT theme)::int AS n FROM analytics.theme_daily`);
    expect(themes[0]!.n).toBe(8);
  });

  it("sums to the count tables", async () => {
    const [v] = await q(`SELECT sum(mentions)::int AS m, sum(articles)::int AS a FROM analytics.theme_daily`);
    const [c] = await q(`
      SELECT (SELECT sum(mentions) FROM theme_daily_counts WHERE taxonomy_version = 'v2')::int AS m,
             (SELECT sum(articles) FROM article_daily_counts)::int * 8 AS a`);
    expect(v).toEqual(c);
  });
});

describe("analytics.theme_weekly", () => {
  it("labels ISO weeks (a week spanning New Year belongs to the year of its Thursday)", async () => {
    const rows = await q(`
      SELECT week_start, iso_week, outlet, lang, script, mentions, articles, share FROM analytics.theme_weekly
      WHERE theme = 'kosovo' AND country = 'RS' ORDER BY week_start, outlet, lang, script`);
    const w53 = { week_start: "2020-12-28", iso_week: "2020-W53" };
    const w01 = { week_start: "2021-01-04", iso_week: "2021-W01" };
    expect(rows).toEqual([
      { ...w53, outlet: "rs1", lang: "sr", script: "Cyrl", mentions: 1, articles: 4, share: 0.25 },
      { ...w01, outlet: "rs1", lang: "en", script: "Latn", mentions: 0, articles: 1, share: 0 },
      { ...w01, outlet: "rs1", lang: "sr", script: "Cyrl", mentions: 0, articles: 1, share: 0 },
      // rs2's two Serbian articles of the week, one in each script: one row per script
      { ...w01, outlet: "rs2", lang: "sr", script: "Cyrl", mentions: 1, articles: 1, share: 1 },
      { ...w01, outlet: "rs2", lang: "sr", script: "Latn", mentions: 0, articles: 1, share: 0 },
      {
        week_start: "2024-12-30",
        iso_week: "2025-W01",
        outlet: "rs2",
        lang: "sr",
        script: "Cyrl",
        mentions: 1,
        articles: 1,
        share: 1,
      },
    ]);
  });

  it("sums over script to the rows per language, as before script was a key", async () => {
    const rows = await q(`
      SELECT outlet, lang, sum(mentions)::int AS mentions, sum(articles)::int AS articles FROM analytics.theme_weekly
      WHERE theme = 'kosovo' AND week_start = '2021-01-04' AND outlet = 'rs2' GROUP BY 1, 2`);
    expect(rows).toEqual([{ outlet: "rs2", lang: "sr", mentions: 1, articles: 2 }]);
  });

  it("reports zero weeks for a theme with no mentions", async () => {
    const rows = await q(`
      SELECT iso_week, sum(mentions)::int AS mentions, sum(articles)::int AS articles FROM analytics.theme_weekly
      WHERE theme = 'mask_diplomacy' GROUP BY iso_week ORDER BY iso_week`);
    expect(rows).toEqual([
      { iso_week: "2020-W53", mentions: 0, articles: 4 },
      { iso_week: "2021-W01", mentions: 0, articles: 6 },
      { iso_week: "2025-W01", mentions: 0, articles: 1 },
    ]);
  });
});

describe("weekly rollups", () => {
  // Rows where the rollups and the daily tables summed per ISO week disagree.
  const mismatches = async (db: Kysely<Database>) =>
    (
      await sql`
        (SELECT date_trunc('week', day::timestamp)::date AS w, lang || '/' || script, country, outlet_id,
                sum(articles)::int AS n
         FROM article_daily_counts GROUP BY 1, 2, 3, 4
         EXCEPT SELECT week_start, lang || '/' || script, country, outlet_id, articles::int
         FROM analytics.article_weekly_counts)
        UNION ALL
        (SELECT week_start, lang || '/' || script, country, outlet_id, articles::int FROM analytics.article_weekly_counts
         EXCEPT SELECT date_trunc('week', day::timestamp)::date, lang || '/' || script, country, outlet_id,
                sum(articles)::int
         FROM article_daily_counts GROUP BY 1, 2, 3, 4)
        UNION ALL
        (SELECT date_trunc('week', day::timestamp)::date, theme || '/' || taxonomy_version || '/' || lang || '/' || script,
                country, outlet_id, sum(mentions)::int FROM theme_daily_counts GROUP BY 1, 2, 3, 4
         EXCEPT SELECT week_start, theme || '/' || taxonomy_version || '/' || lang || '/' || script, country, outlet_id,
                mentions::int FROM analytics.theme_weekly_counts)
        UNION ALL
        (SELECT week_start, theme || '/' || taxonomy_version || '/' || lang || '/' || script, country, outlet_id,
                mentions::int
         FROM analytics.theme_weekly_counts
         EXCEPT SELECT date_trunc('week', day::timestamp)::date,
                theme || '/' || taxonomy_version || '/' || lang || '/' || script,
                country, outlet_id, sum(mentions)::int FROM theme_daily_counts GROUP BY 1, 2, 3, 4)`.execute(
        db,
      )
    ).rows;

  it("equal the daily count tables summed per ISO week, through inserts, updates, deletes and truncate", async () => {
    expect(await mismatches(t.db)).toEqual([]);
    const rollback = new Error("rollback");
    await expect(
      t.db.transaction().execute(async (trx) => {
        // what a retag does: move mentions between rows, delete rows that reach zero
        await sql`UPDATE theme_daily_counts SET mentions = mentions + 2 WHERE theme = 'kosovo'`.execute(trx);
        await sql`UPDATE theme_daily_counts SET mentions = 0 WHERE theme = 'putin'`.execute(trx);
        await sql`DELETE FROM theme_daily_counts WHERE mentions = 0`.execute(trx);
        // a key change moves the article count to another week, or to another script
        await sql`UPDATE article_daily_counts SET day = day + 7 WHERE outlet_id = 'lv1'`.execute(trx);
        await sql`UPDATE article_daily_counts SET script = 'mixed' WHERE outlet_id = 'rs2' AND script = 'Latn'`.execute(
          trx,
        );
        await sql`DELETE FROM article_daily_counts WHERE outlet_id = 'ru1'`.execute(trx);
        expect(await mismatches(trx)).toEqual([]);
        await sql`TRUNCATE article_daily_counts, theme_daily_counts`.execute(trx);
        const [left] = (
          await sql<{ n: number }>`
            SELECT (SELECT count(*) FROM analytics.article_weekly_counts)
                 + (SELECT count(*) FROM analytics.theme_weekly_counts) AS n`.execute(trx)
        ).rows;
        expect(left!.n).toBe(0);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await mismatches(t.db)).toEqual([]);
  });
});

describe("analytics.aid_attention_weekly", () => {
  it("covers Serbian outlets only, all languages together", async () => {
    const rows = await q(`
      SELECT iso_week, russian_aid, chinese_aid, eu_aid, articles, russian_aid_share, chinese_aid_share, eu_aid_share
      FROM analytics.aid_attention_weekly ORDER BY week_start`);
    expect(rows).toEqual([
      {
        iso_week: "2020-W53",
        russian_aid: 0,
        chinese_aid: 1,
        eu_aid: 0,
        articles: 4,
        russian_aid_share: 0,
        chinese_aid_share: 0.25,
        eu_aid_share: 0,
      },
      // rs1 en (russian + chinese), rs2 sr x2 (eu), rs1 sr (v1); RU and LV articles left out
      {
        iso_week: "2021-W01",
        russian_aid: 1,
        chinese_aid: 1,
        eu_aid: 1,
        articles: 4,
        russian_aid_share: 0.25,
        chinese_aid_share: 0.25,
        eu_aid_share: 0.25,
      },
      {
        iso_week: "2025-W01",
        russian_aid: 0,
        chinese_aid: 0,
        eu_aid: 0,
        articles: 1,
        russian_aid_share: 0,
        chinese_aid_share: 0,
        eu_aid_share: 0,
      },
    ]);
  });

  it("filters on week_start", async () => {
    const rows = await q(
      `SELECT iso_week FROM analytics.aid_attention_weekly WHERE week_start >= '2021-01-01'`,
    );
    expect(rows.map((r) => r.iso_week).sort()).toEqual(["2021-W01", "2025-W01"]);
  });
});

describe("analytics.theme_cooccurrence", () => {
  it("counts ordered pairs per article", async () => {
    const rows = await q(`
      SELECT iso_week, month, theme_a, theme_b, country, outlet, articles FROM analytics.theme_cooccurrence
      ORDER BY week_start, month, theme_a, theme_b, outlet`);
    expect(rows).toEqual([
      {
        iso_week: "2020-W53",
        month: "2020-12-01",
        theme_a: "kosovo",
        theme_b: "putin",
        country: "RS",
        outlet: "rs1",
        articles: 1,
      },
      {
        iso_week: "2021-W01",
        month: "2021-01-01",
        theme_a: "chinese_aid",
        theme_b: "russian_aid",
        country: "RS",
        outlet: "rs1",
        articles: 1,
      },
      {
        iso_week: "2021-W01",
        month: "2021-01-01",
        theme_a: "kosovo",
        theme_b: "putin",
        country: "RS",
        outlet: "rs2",
        articles: 1,
      },
      {
        iso_week: "2021-W01",
        month: "2021-01-01",
        theme_a: "kosovo",
        theme_b: "vucic",
        country: "RS",
        outlet: "rs2",
        articles: 1,
      },
      {
        iso_week: "2021-W01",
        month: "2021-01-01",
        theme_a: "putin",
        theme_b: "russian_aid",
        country: "RU",
        outlet: "ru1",
        articles: 1,
      },
      {
        iso_week: "2021-W01",
        month: "2021-01-01",
        theme_a: "putin",
        theme_b: "vucic",
        country: "RS",
        outlet: "rs2",
        articles: 1,
      },
    ]);
  });
});

describe("analytics.tagged_articles", () => {
  it("lists current-taxonomy tags with their evidence", async () => {
    const rows = await q(`
      SELECT outlet, country, lang, url, theme, evidence FROM analytics.tagged_articles
      WHERE theme = 'kosovo' ORDER BY published_at`);
    expect(rows).toEqual([
      {
        outlet: "rs1",
        country: "RS",
        lang: "sr",
        url: "https://rs1.example/1",
        theme: "kosovo",
        evidence: [{ field: "title", start: 0, end: 5, text: "kosovo-1" }],
      },
      expect.objectContaining({ outlet: "rs2", url: "https://rs2.example/7" }),
      expect.objectContaining({ outlet: "rs2", url: "https://rs2.example/11" }),
    ]);
  });
});

describe("taxonomy version", () => {
  it("follows is_current, and falls back to the newest version when none is current", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        const count = async () =>
          (
            await sql<{ v: string; n: number }>`
              SELECT max(taxonomy_version) AS v, sum(mentions)::int AS n FROM analytics.theme_daily
              WHERE theme = 'kosovo' AND day = '2021-01-06'`.execute(trx)
          ).rows[0];
        const before = await count();
        await sql`UPDATE taxonomy_versions SET is_current = false`.execute(trx);
        await sql`UPDATE taxonomy_versions SET is_current = true WHERE version = 'v1'`.execute(trx);
        const v1 = await count();
        await sql`UPDATE taxonomy_versions SET is_current = false`.execute(trx);
        await sql`UPDATE taxonomy_versions SET first_seen_at = '2030-01-01' WHERE version = 'v1'`.execute(
          trx,
        );
        const newest = await count();
        expect([before, v1, newest]).toEqual([
          { v: "v2", n: 0 },
          { v: "v1", n: 1 },
          { v: "v1", n: 1 },
        ]);
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
  });
});

describe("vesti_analyst", () => {
  const asAnalyst = (statement: string) =>
    t.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL ROLE vesti_analyst`.execute(trx);
      return (await sql.raw(statement).execute(trx)).rows;
    });

  it("reads the views and the public tables analysts need", async () => {
    for (const view of [
      "theme_daily",
      "theme_weekly",
      "aid_attention_weekly",
      "theme_cooccurrence",
      "tagged_articles",
      "articles",
      "outlets",
      "themes",
      "current_taxonomy",
    ])
      expect((await asAnalyst(`SELECT count(*) FROM analytics.${view}`)).length).toBe(1);
    // 9 (day, lang, country, outlet) keys, rs2's 2021-01-05 split in two by script
    expect(await asAnalyst("SELECT count(*)::int AS n FROM article_daily_counts")).toEqual([{ n: 10 }]);
  });

  it("cannot write, nor read subscribers", async () => {
    for (const statement of [
      "INSERT INTO outlets (id, name, country, language, time_zone) VALUES ('x', 'x', 'RS', 'sr', 'UTC')",
      "UPDATE theme_daily_counts SET mentions = mentions + 1",
      "DELETE FROM articles",
      "CREATE TABLE analytics.scratch (x int)",
      "SELECT * FROM subscribers",
    ])
      await expect(asAnalyst(statement)).rejects.toMatchObject({ code: "42501" });
  });
});

describe("queryTrends", () => {
  it("sums a theme per day over the other dimensions, with zeros", async () => {
    const rows = await queryTrends(t.db, { theme: "kosovo", by: "day", country: "RS", until: "2021-01-05" });
    expect(rows).toEqual([
      { period: "2020-12-29", mentions: 1, articles: 2, share: 0.5 },
      { period: "2020-12-31", mentions: 0, articles: 1, share: 0 },
      { period: "2021-01-02", mentions: 0, articles: 1, share: 0 },
      { period: "2021-01-05", mentions: 1, articles: 3, share: 1 / 3 },
    ]);
  });

  it("sums per ISO week, widening since to its whole week", async () => {
    const rows = await queryTrends(t.db, { theme: "putin", by: "week", since: "2021-01-06", share: true });
    expect(rows).toEqual([
      { period: "2021-01-04", iso_week: "2021-W01", mentions: 2, articles: 6, share: 2 / 6 },
      { period: "2024-12-30", iso_week: "2025-W01", mentions: 0, articles: 1, share: 0 },
    ]);
    const ru = await queryTrends(t.db, { theme: "putin", by: "week", lang: "ru", country: "RU" });
    expect(ru).toEqual([{ period: "2021-01-04", iso_week: "2021-W01", mentions: 1, articles: 1, share: 1 }]);
  });

  it("filters on the script; the scripts add up to the whole", async () => {
    const until = "2021-01-05";
    const all = await queryTrends(t.db, { theme: "kosovo", by: "day", country: "RS", until });
    const cyrl = await queryTrends(t.db, {
      theme: "kosovo",
      by: "day",
      country: "RS",
      until,
      script: "Cyrl",
    });
    const latn = await queryTrends(t.db, {
      theme: "kosovo",
      by: "day",
      country: "RS",
      until,
      script: "Latn",
    });
    // 2021-01-05 in RS: rs1's English article and rs2's eu_aid one in Latin, rs2's Kosovo one in Cyrillic
    expect(latn).toEqual([{ period: "2021-01-05", mentions: 0, articles: 2, share: 0 }]);
    expect(cyrl.find((r) => r.period === "2021-01-05")).toEqual({
      period: "2021-01-05",
      mentions: 1,
      articles: 1,
      share: 1,
    });
    const summed = new Map<string, [number, number]>();
    for (const r of [...cyrl, ...latn]) {
      const [m, a] = summed.get(r.period) ?? [0, 0];
      summed.set(r.period, [m + r.mentions, a + r.articles]);
    }
    expect(all.map((r) => [r.period, r.mentions, r.articles])).toEqual(
      [...summed].sort().map(([p, [m, a]]) => [p, m, a]),
    );
  });

  it("rejects malformed dates", async () => {
    await expect(queryTrends(t.db, { theme: "kosovo", by: "day", since: "2021-13-01x" })).rejects.toThrow(
      /YYYY-MM-DD/,
    );
  });
});

describe("seedDemo", () => {
  it("is deterministic and idempotent, and keeps the count tables exact", async () => {
    const demo = await createTestDatabase();
    try {
      const options = { from: "2020-03-28", to: "2020-04-03", perDay: 5 };
      const first = await seedDemo(demo.db, options);
      const again = await seedDemo(demo.db, options);
      expect(first.inserted).toBeGreaterThan(200);
      expect(first.taxonomyVersion).toBe("demo");
      expect(again).toMatchObject({ inserted: 0, duplicates: first.generated });
      const [check] = (
        await sql<Row>`
          SELECT (SELECT count(*) FROM articles)::int AS articles,
                 (SELECT sum(articles) FROM article_daily_counts)::int AS counted,
                 (SELECT count(*) FROM article_themes)::int AS tags,
                 (SELECT sum(mentions) FROM theme_daily_counts)::int AS mentions,
                 (SELECT sum(articles) FROM analytics.article_weekly_counts)::int AS weekly_articles,
                 (SELECT sum(mentions) FROM analytics.theme_weekly_counts)::int AS weekly_mentions,
                 (SELECT count(*) FROM articles WHERE title NOT LIKE 'Demo: %')::int AS not_demo`.execute(
          demo.db,
        )
      ).rows;
      expect(check!.articles).toBe(first.inserted);
      expect(check!.counted).toBe(first.inserted);
      expect(check!.mentions).toBe(check!.tags);
      expect(check!.weekly_articles).toBe(first.inserted);
      expect(check!.weekly_mentions).toBe(check!.tags);
      expect(check!.not_demo).toBe(0);
    } finally {
      await demo.destroy();
    }
  });

  it("refuses to mix demo data into a database with real articles", async () => {
    await expect(seedDemo(t.db, { from: "2020-01-01", to: "2020-01-02", perDay: 1 })).rejects.toThrow(
      /--force/,
    );
  });
});

describe("migrations after 0001", () => {
  it("go down and up again (the role survives)", async () => {
    const migrator = createMigrator(t.db);
    const down = await migrator.migrateTo("0001_initial");
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => `${r.migrationName} ${r.direction}`)).toEqual(
      migrationNames
        .slice(1)
        .reverse()
        .map((name) => `${name} Down`),
    );
    const gone = await q(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'analytics'`);
    expect(gone[0]!.n).toBe(0);
    await migrateToLatest(t.db);
    const back = await q(`SELECT count(*)::int AS n FROM pg_views WHERE schemaname = 'analytics'`);
    expect(back[0]!.n).toBeGreaterThanOrEqual(10);
  });
});
