import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activateTaxonomyVersion,
  type BodyToStore,
  findArticlesWithoutBody,
  type PreparedArticle,
  type RetagArticle,
  retagBatch,
  startRetagRun,
  storeArticleBody,
  storeArticles,
  syncSources,
  TaxonomyMismatchError,
} from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

// Article bodies: stored and counted exactly once, replaced without double counting, retagged with the
// headlines. Taggers here are plain functions of the text so that every expected count is obvious.

const v1 = (text: string) => [
  ...(/Kosovo/.test(text) ? ["kosovo"] : []),
  ...(/Putin/.test(text) ? ["putin"] : []),
];
const v2 = (text: string) => [...v1(text), ...(/Kina/.test(text) ? ["chinese_aid"] : [])];
const tags = (f: (t: string) => string[], text: string) =>
  f(text).map((id) => ({ id, evidence: [{ field: "body", start: 0, end: 1, text: id }] }));

function article(n: number, title: string, at = "2026-03-02T10:00:00Z", script = "Latn"): PreparedArticle {
  return {
    url_hash: `h${n}`,
    canonical_url: `https://n1.test/${n}`,
    link: null,
    guid: `g${n}`,
    title,
    summary: "",
    title_key: title.toLowerCase(),
    published_at: new Date(at),
    published_estimated: false,
    fetched_at: new Date(at),
    lang: "sr",
    script,
    lang_confidence: 1,
    themes: tags(v1, title),
  };
}

function body(text: string, over: Partial<BodyToStore> = {}): BodyToStore {
  return {
    status: "ok",
    method: "readability",
    text,
    reason: null,
    title: null,
    lang: "sr",
    script: "Latn",
    langConfidence: 0.9,
    langDiffers: false,
    finalUrl: "https://n1.test/x",
    httpStatus: 200,
    pageBytes: 1000,
    contentHash: `hash:${text}`,
    encoding: "utf-8",
    fetchedAt: new Date("2026-03-02T11:00:00Z"),
    themes: tags(v1, text),
    taxonomyVersion: "v1",
    ...over,
  };
}

let t: TestDatabase;
const ids: number[] = [];
const q = async <T = Record<string, unknown>>(text: string) =>
  (await sql.raw(text).execute(t.db)).rows as T[];

async function counts() {
  const themes = await q(
    "SELECT theme, day, script, taxonomy_version, mentions FROM theme_body_daily_counts ORDER BY theme, day, taxonomy_version",
  );
  const totals = await q(
    "SELECT day, lang, script, outlet_id, articles FROM article_body_daily_counts ORDER BY day",
  );
  return { themes, totals };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "n1",
      name: "N1",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      fulltext: { enabled: true, selectors: [".tekst"], minLength: 300 },
      feeds: [{ url: "http://n1.test/feed" }],
    },
  ]);
  await activateTaxonomyVersion(t.db, "v1");
  const feed = await t.db.selectFrom("feeds").select("id").executeTakeFirstOrThrow();
  const stored = await storeArticles(
    t.db,
    { feed_id: feed.id, outlet_id: "n1", country: "RS", taxonomy_version: "v1" },
    [
      article(1, "Kosovo: sastanak u Briselu"),
      article(2, "Vreme sutra"),
      article(3, "Cene goriva"),
      // stored as a Cyrillic article: its body counts follow the article's script
      article(4, "Sednica skupštine", "2026-03-09T10:00:00Z", "Cyrl"),
    ],
  );
  ids.push(...stored.insertedIds);
});
afterAll(() => t.destroy());

describe("outlet options", () => {
  it("are synced from the sources file, off by default", async () => {
    const o = await t.db.selectFrom("outlets").selectAll().executeTakeFirstOrThrow();
    expect(o).toMatchObject({
      fulltext: true,
      fulltext_selectors: [".tekst"],
      fulltext_exclude: null,
      fulltext_min_length: 300,
    });
    const report = await syncSources(t.db, [
      {
        id: "n1",
        name: "N1",
        country: "RS",
        language: "sr",
        timeZone: "Europe/Belgrade",
        feeds: [{ url: "http://n1.test/feed" }],
      },
    ]);
    expect(report.outlets.changed).toEqual(["n1"]);
    expect(await t.db.selectFrom("outlets").select("fulltext").executeTakeFirstOrThrow()).toEqual({
      fulltext: false,
    });
  });
});

describe("storeArticleBody", () => {
  it("stores a body once, counting body-only themes and the article's coverage", async () => {
    const first = await storeArticleBody(t.db, ids[0]!, body("Kosovo i Putin: razgovor je trajao dva sata."));
    expect(first).toEqual({ outcome: "stored", bodyOnly: ["putin"] });
    // A retried job with the same page: nothing changes.
    expect(
      await storeArticleBody(t.db, ids[0]!, body("Kosovo i Putin: razgovor je trajao dva sata.")),
    ).toEqual({
      outcome: "unchanged",
      bodyOnly: ["putin"],
    });
    expect(await counts()).toEqual({
      themes: [{ theme: "putin", day: "2026-03-02", script: "Latn", taxonomy_version: "v1", mentions: 1 }],
      totals: [{ day: "2026-03-02", lang: "sr", script: "Latn", outlet_id: "n1", articles: 1 }],
    });
    const rows = await t.db
      .selectFrom("article_body_themes")
      .select(["theme", "body_only"])
      .orderBy("theme")
      .execute();
    expect(rows).toEqual([
      { theme: "kosovo", body_only: false },
      { theme: "putin", body_only: true },
    ]);
    const stored = await t.db
      .selectFrom("article_bodies")
      .selectAll()
      .where("article_id", "=", ids[0]!)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      status: "ok",
      method: "readability",
      length: 44,
      attempts: 1,
      taxonomy_version: "v1",
    });
  });

  it("counts exactly once when the same article's page is stored by several jobs at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => storeArticleBody(t.db, ids[1]!, body("Putin je govorio o gasu."))),
    );
    expect(results.filter((r) => r.outcome === "stored")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "unchanged")).toHaveLength(5);
    const c = await counts();
    expect(c.themes).toEqual([
      { theme: "putin", day: "2026-03-02", script: "Latn", taxonomy_version: "v1", mentions: 2 },
    ]);
    expect(c.totals).toEqual([
      { day: "2026-03-02", lang: "sr", script: "Latn", outlet_id: "n1", articles: 2 },
    ]);
  });

  it("moves the counts when a body is replaced, and keeps an extracted body over a worse outcome", async () => {
    expect(
      await storeArticleBody(t.db, ids[1]!, body("Danas o Kosovu nije bilo reči, samo o vremenu: Kosovo.")),
    ).toEqual({
      outcome: "replaced",
      bodyOnly: ["kosovo"],
    });
    expect((await counts()).themes).toEqual([
      { theme: "kosovo", day: "2026-03-02", script: "Latn", taxonomy_version: "v1", mentions: 1 },
      { theme: "putin", day: "2026-03-02", script: "Latn", taxonomy_version: "v1", mentions: 1 },
    ]);
    const kept = await storeArticleBody(
      t.db,
      ids[1]!,
      body("Sažetak", { status: "paywalled", method: "fallback-summary", themes: [], contentHash: "other" }),
    );
    expect(kept.outcome).toBe("kept");
    const row = await t.db
      .selectFrom("article_bodies")
      .select(["status", "attempts"])
      .where("article_id", "=", ids[1]!)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "ok", attempts: 3 });
    expect((await counts()).totals[0]!.articles).toBe(2);
  });

  it("records a failure, then counts the article once when a later fetch succeeds", async () => {
    const failed = body("", {
      status: "failed",
      method: "none",
      reason: "timeout",
      themes: [tags(v1, "Putin")[0]!],
      contentHash: null,
    });
    expect((await storeArticleBody(t.db, ids[2]!, failed)).outcome).toBe("stored");
    // A failure's themes are never kept or counted.
    expect(
      await t.db
        .selectFrom("article_body_themes")
        .select("theme")
        .where("article_id", "=", ids[2]!)
        .execute(),
    ).toEqual([]);
    expect((await counts()).totals[0]!.articles).toBe(2);
    expect((await storeArticleBody(t.db, ids[2]!, body("Putin u Beogradu."))).outcome).toBe("replaced");
    expect(
      (
        await storeArticleBody(
          t.db,
          ids[2]!,
          body("Putin u Beogradu, drugi put.", { themes: tags(v1, "Putin") }),
        )
      ).outcome,
    ).toBe("replaced");
    const c = await counts();
    expect(c.totals[0]!.articles).toBe(3);
    expect(c.themes.find((r) => r.theme === "putin")!.mentions).toBe(2);
  });

  it("lists the articles of full-text outlets still waiting for their page", async () => {
    await t.db.updateTable("outlets").set({ fulltext: true }).execute();
    // Articles 1-3 have a body outcome by now (a failure counts: retrying is the fetch job's business).
    expect(await findArticlesWithoutBody(t.db)).toEqual([
      { id: ids[3]!, outlet_id: "n1", url: "https://n1.test/4" },
    ]);
    expect(await findArticlesWithoutBody(t.db, { afterId: ids[3]!, limit: 5 })).toEqual([]);
    await t.db.updateTable("outlets").set({ fulltext: false }).execute();
    expect(await findArticlesWithoutBody(t.db)).toEqual([]);
  });

  it("refuses a body tagged with a taxonomy that is not current, writing nothing", async () => {
    const before = await counts();
    await expect(
      storeArticleBody(t.db, ids[3]!, body("Kosovo", { taxonomyVersion: "v0" })),
    ).rejects.toBeInstanceOf(TaxonomyMismatchError);
    expect(
      await t.db
        .selectFrom("article_bodies")
        .select("article_id")
        .where("article_id", "=", ids[3]!)
        .execute(),
    ).toEqual([]);
    expect(await counts()).toEqual(before);
    expect(await storeArticleBody(t.db, 999_999, body("x"))).toEqual({ outcome: "missing", bodyOnly: [] });
  });

  it("keeps the weekly rollups and the any-mention views equal to the daily counts", async () => {
    await storeArticleBody(t.db, ids[3]!, body("Kina i Kosovo"));
    expect((await counts()).totals.at(-1)).toEqual({
      day: "2026-03-09",
      lang: "sr",
      script: "Cyrl",
      outlet_id: "n1",
      articles: 1,
    });
    const [w] = await q<{ m: number; a: number }>(
      "SELECT (SELECT sum(mentions) FROM analytics.theme_body_weekly_counts)::int AS m, (SELECT sum(articles) FROM analytics.article_body_weekly_counts)::int AS a",
    );
    const [d] = await q<{ m: number; a: number }>(
      "SELECT (SELECT sum(mentions) FROM theme_body_daily_counts)::int AS m, (SELECT sum(articles) FROM article_body_daily_counts)::int AS a",
    );
    expect(w).toEqual(d);
    const daily = await q(
      "SELECT day, theme, script, mentions::int, headline_mentions::int, body_only_mentions::int, articles::int, articles_with_body::int FROM analytics.theme_daily_any WHERE theme IN ('kosovo', 'putin') ORDER BY day, theme",
    );
    expect(daily).toEqual([
      {
        day: "2026-03-02",
        theme: "kosovo",
        script: "Latn",
        mentions: 2,
        headline_mentions: 1,
        body_only_mentions: 1,
        articles: 3,
        articles_with_body: 3,
      },
      {
        day: "2026-03-02",
        theme: "putin",
        script: "Latn",
        mentions: 2,
        headline_mentions: 0,
        body_only_mentions: 2,
        articles: 3,
        articles_with_body: 3,
      },
      {
        day: "2026-03-09",
        theme: "kosovo",
        script: "Cyrl",
        mentions: 1,
        headline_mentions: 0,
        body_only_mentions: 1,
        articles: 1,
        articles_with_body: 1,
      },
      {
        day: "2026-03-09",
        theme: "putin",
        script: "Cyrl",
        mentions: 0,
        headline_mentions: 0,
        body_only_mentions: 0,
        articles: 1,
        articles_with_body: 1,
      },
    ]);
    // The headline view keeps its meaning.
    const headline = await q(
      "SELECT day, mentions::int FROM analytics.theme_daily WHERE theme = 'putin' ORDER BY day",
    );
    expect(headline).toEqual([
      { day: "2026-03-02", mentions: 0 },
      { day: "2026-03-09", mentions: 0 },
    ]);
    const weekly = await q(
      "SELECT iso_week, sum(mentions)::int AS m, sum(headline_mentions)::int AS h, sum(articles_with_body)::int AS b FROM analytics.theme_weekly_any WHERE theme = 'kosovo' GROUP BY 1 ORDER BY 1",
    );
    expect(weekly).toEqual([
      { iso_week: "2026-W10", m: 2, h: 1, b: 3 },
      { iso_week: "2026-W11", m: 1, h: 0, b: 1 },
    ]);
    const bodies = await q(
      "SELECT article_id::int, status, body_only_themes FROM analytics.article_bodies ORDER BY article_id",
    );
    expect(bodies.map((b) => b.body_only_themes)).toEqual([["putin"], ["kosovo"], ["putin"], ["kosovo"]]);
    const mentions = await q(
      "SELECT script, count(*)::int AS n FROM analytics.body_mentions WHERE body_only GROUP BY 1 ORDER BY 1",
    );
    expect(mentions).toEqual([
      { script: "Cyrl", n: 1 },
      { script: "Latn", n: 3 },
    ]);
  });
});

describe("retagging bodies", () => {
  it("retags headlines and bodies and ends with the counts a fresh ingest would give", async () => {
    const tag = (a: RetagArticle) => tags(v2, a.body === null ? a.title : `${a.title}\n${a.body}`);
    expect((await activateTaxonomyVersion(t.db, "v2")).staleArticles).toBe(true);
    let p = await startRetagRun(t.db, "v2");
    while (!p.done) p = await retagBatch(t.db, "v2", p, tag, 2);
    // Fresh: every article's headline and body tagged with v2 from the start.
    const fresh = await createTestDatabase();
    try {
      await syncSources(fresh.db, [
        {
          id: "n1",
          name: "N1",
          country: "RS",
          language: "sr",
          timeZone: "Europe/Belgrade",
          feeds: [{ url: "http://n1.test/feed" }],
        },
      ]);
      await activateTaxonomyVersion(fresh.db, "v2");
      const feed = await fresh.db.selectFrom("feeds").select("id").executeTakeFirstOrThrow();
      const stored = await t.db
        .selectFrom("articles as a")
        .innerJoin("article_bodies as b", "b.article_id", "a.id")
        .select(["a.id", "a.title", "a.published_at", "a.script", "b.text", "b.status"])
        .orderBy("a.id")
        .execute();
      const res = await storeArticles(
        fresh.db,
        { feed_id: feed.id, outlet_id: "n1", country: "RS", taxonomy_version: "v2" },
        stored.map((s, i) => ({
          ...article(i + 1, s.title, s.published_at.toISOString(), s.script),
          themes: tags(v2, s.title),
        })),
      );
      for (const [i, s] of stored.entries())
        await storeArticleBody(
          fresh.db,
          res.insertedIds[i]!,
          body(s.text, { taxonomyVersion: "v2", themes: tags(v2, `${s.title}\n${s.text}`) }),
        );
      const norm = async (db: TestDatabase) => ({
        themes: (
          await sql`SELECT theme, day, script, mentions FROM theme_body_daily_counts WHERE taxonomy_version = 'v2' ORDER BY 1, 2, 3`.execute(
            db.db,
          )
        ).rows,
        all: (
          await sql`SELECT count(*)::int AS n FROM theme_body_daily_counts WHERE taxonomy_version <> 'v2'`.execute(
            db.db,
          )
        ).rows,
        totals: (
          await sql`SELECT day, script, articles FROM article_body_daily_counts ORDER BY 1, 2`.execute(db.db)
        ).rows,
        flags: (
          await sql`SELECT a.title, t.theme, t.body_only FROM article_body_themes t JOIN articles a ON a.id = t.article_id ORDER BY 1, 2`.execute(
            db.db,
          )
        ).rows,
      });
      const a = await norm(t);
      expect(a.all).toEqual([{ n: 0 }]);
      expect(a).toEqual(await norm(fresh));
      expect(a.flags).toContainEqual({ title: "Sednica skupštine", theme: "chinese_aid", body_only: true });
    } finally {
      await fresh.destroy();
    }
  });
});
