import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { activateTaxonomyVersion, type PreparedArticle, storeArticles, syncSources } from "@vesti/db";
import { fetchDocument } from "@vesti/feeds";
import { FIXTURE_PAGES_DIR, loadFixturePages } from "@vesti/fulltext";
import { createLogger } from "@vesti/runtime";
import { defaultTaxonomy, tagItem } from "@vesti/themes";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { classifyItem } from "../src/classify";
import {
  type ArticleBodyDeps,
  processArticleBody,
  processArticleBodyFailure,
} from "../src/processors/article-body";

// The labelled pages end to end: served by a loopback HTTP server, fetched with fetchDocument (the worker's
// fetch path), extracted, language-identified, tagged and counted by processArticleBody into a real
// Postgres. The any-mention views must then equal counts computed independently from the fixtures: the
// headline tagged alone, and the headline with the page's ground-truth text.

const taxonomy = defaultTaxonomy();
const pages = loadFixturePages();
const dir = fileURLToPath(FIXTURE_PAGES_DIR);
const meta = (name: string) =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as {
    title: string;
    summary: string;
    url: string;
  };
// Russian-language pages belong to a Russian outlet, the rest to a Serbian one.
const outletOf = (name: string) => (name.startsWith("ru-") ? "ru1" : "rs1");
const COUNTRY: Record<string, string> = { rs1: "RS", ru1: "RU" };
// Two days in two ISO weeks (Sunday 2026-03-08 and Monday 2026-03-09).
const dayOf = (i: number) => (i % 2 === 0 ? "2026-03-08T10:00:00Z" : "2026-03-09T10:00:00Z");

let t: TestDatabase;
let server: Server;
let base = "";
let deps: ArticleBodyDeps;
const articleIds = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "").replace(/^\/pages\//, ""));
    const gz = join(dir, `${name}.html.gz`);
    try {
      const raw = readFileSync(gz);
      return void res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" }).end(raw);
    } catch {
      // not gzipped
    }
    try {
      // No charset in the header: the page's <meta charset> must decide (the windows-1251 page).
      return void res
        .writeHead(200, { "content-type": "text/html" })
        .end(readFileSync(join(dir, `${name}.html`)));
    } catch {
      return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "rs1",
      name: "RS1",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      fulltext: { enabled: true },
      feeds: [{ url: "http://rs1.test/feed" }],
    },
    {
      id: "ru1",
      name: "RU1",
      country: "RU",
      language: "ru",
      timeZone: "Europe/Moscow",
      fulltext: { enabled: true },
      feeds: [{ url: "http://ru1.test/feed" }],
    },
  ]);
  await activateTaxonomyVersion(t.db, taxonomy.version);
  const feeds = new Map(
    (await t.db.selectFrom("feeds").select(["id", "outlet_id"]).execute()).map((f) => [f.outlet_id, f.id]),
  );
  for (const [i, p] of pages.entries()) {
    const m = meta(p.name);
    const outlet = outletOf(p.name);
    const c = classifyItem(taxonomy, {
      title: m.title,
      summary: m.summary,
      feedLanguage: outlet === "ru1" ? "ru" : "sr",
      country: COUNTRY[outlet],
    });
    const article: PreparedArticle = {
      url_hash: `hash:${p.name}`,
      canonical_url: `${base}/pages/${p.name}`,
      link: `${base}/pages/${p.name}`,
      guid: p.name,
      title: m.title,
      summary: m.summary,
      title_key: p.name,
      published_at: new Date(dayOf(i)),
      published_estimated: false,
      fetched_at: new Date(dayOf(i)),
      lang: c.lang,
      script: c.script,
      lang_confidence: c.langConfidence,
      themes: c.themes.map((x) => ({ id: x.id, evidence: x.evidence })),
    };
    const r = await storeArticles(
      t.db,
      {
        feed_id: feeds.get(outlet)!,
        outlet_id: outlet,
        country: COUNTRY[outlet]!,
        taxonomy_version: taxonomy.version,
      },
      [article],
    );
    articleIds.set(p.name, r.insertedIds[0]!);
  }
  deps = { db: t.db, taxonomy, logger: createLogger("test", "silent") };
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await t.destroy();
});

async function processAll() {
  const results = new Map<string, Awaited<ReturnType<typeof processArticleBody>>>();
  for (const p of pages) {
    const page = await fetchDocument(`${base}/pages/${encodeURIComponent(p.name)}`, {
      allowedCidrs: ["127.0.0.0/8"],
    });
    results.set(p.name, await processArticleBody(deps, { articleId: articleIds.get(p.name)!, page }));
  }
  return results;
}

/** Expected counts per (country, day, theme), from the fixtures alone. */
function expectedCounts() {
  const out = new Map<string, { headline: number; bodyOnly: number; withBody: number; articles: number }>();
  for (const [i, p] of pages.entries()) {
    const m = meta(p.name);
    const outlet = outletOf(p.name);
    const lang = classifyItem(taxonomy, {
      title: m.title,
      summary: m.summary,
      feedLanguage: outlet === "ru1" ? "ru" : "sr",
      country: COUNTRY[outlet],
    }).lang;
    const headline: Set<string> = new Set(
      tagItem(taxonomy, { title: m.title, summary: m.summary, lang }).map((x) => x.id),
    );
    const ok = p.expectedStatus === "ok";
    const whole: Set<string> = ok
      ? new Set(
          tagItem(taxonomy, { title: m.title, summary: m.summary, body: p.truth, lang }).map((x) => x.id),
        )
      : new Set();
    for (const theme of [
      "kosovo",
      "russian_aid",
      "chinese_aid",
      "mask_diplomacy",
      "eu_aid",
      "vucic",
      "putin",
      "xi",
    ]) {
      const k = `${COUNTRY[outlet]}|${dayOf(i).slice(0, 10)}|${theme}`;
      const e = out.get(k) ?? { headline: 0, bodyOnly: 0, withBody: 0, articles: 0 };
      e.articles++;
      if (ok) e.withBody++;
      if (headline.has(theme)) e.headline++;
      else if (whole.has(theme)) e.bodyOnly++;
      out.set(k, e);
    }
  }
  return out;
}

async function viewCounts() {
  const rows = await sql<{
    country: string;
    day: string;
    theme: string;
    h: number;
    b: number;
    m: number;
    w: number;
    a: number;
  }>`
    SELECT country, day, theme, sum(headline_mentions)::int AS h, sum(body_only_mentions)::int AS b,
           sum(mentions)::int AS m, sum(articles_with_body)::int AS w, sum(articles)::int AS a
    FROM analytics.theme_daily_any GROUP BY 1, 2, 3`.execute(t.db);
  return new Map(rows.rows.map((r) => [`${r.country}|${r.day}|${r.theme}`, r]));
}

describe("processArticleBody on the labelled pages", () => {
  it("stores every page with the status its label says, and counts what the fixtures say", async () => {
    const results = await processAll();
    for (const p of pages) {
      const r = results.get(p.name)!;
      expect(r.status, p.name).toBe("stored");
      if (r.status === "stored") {
        expect(r.outcome, p.name).toBe("stored");
        expect(r.bodyStatus, p.name).toBe(p.expectedStatus);
      }
    }
    const expected = expectedCounts();
    const actual = await viewCounts();
    let bodyOnly = 0;
    for (const [k, e] of expected) {
      const a = actual.get(k);
      expect(a, k).toBeDefined();
      expect({ h: a!.h, b: a!.b, m: a!.m, w: a!.w, a: a!.a }, k).toEqual({
        h: e.headline,
        b: e.bodyOnly,
        m: e.headline + e.bodyOnly,
        w: e.withBody,
        a: e.articles,
      });
      bodyOnly += e.bodyOnly;
    }
    expect(actual.size).toBe(expected.size);
    // The pages carry themes their headlines miss: the test is not vacuous.
    expect(bodyOnly).toBeGreaterThanOrEqual(5);
    // The headline view is what it was: headline mentions only.
    const headline = await sql<{
      m: number;
    }>`SELECT sum(mentions)::int AS m FROM analytics.theme_daily`.execute(t.db);
    expect(headline.rows[0]!.m).toBe([...expected.values()].reduce((s, e) => s + e.headline, 0));
    const weekly = await sql<{
      m: number;
      b: number;
    }>`SELECT sum(mentions)::int AS m, sum(body_only_mentions)::int AS b FROM analytics.theme_weekly_any`.execute(
      t.db,
    );
    expect(weekly.rows[0]).toEqual({
      m: [...expected.values()].reduce((s, e) => s + e.headline + e.bodyOnly, 0),
      b: bodyOnly,
    });
  });

  it("is idempotent: the same pages again change nothing", async () => {
    const before = await viewCounts();
    const results = await processAll();
    for (const [name, r] of results) expect(r.status === "stored" && r.outcome, name).toBe("unchanged");
    expect(await viewCounts()).toEqual(before);
  });

  it("stores the body's language and flags one that differs from the headline's", async () => {
    const rows = await sql<{
      name: string;
      lang: string | null;
      lang_differs: boolean;
      headline_lang: string;
    }>`
      SELECT a.guid AS name, b.lang, b.lang_differs, a.lang AS headline_lang
      FROM article_bodies b JOIN articles a ON a.id = b.article_id`.execute(t.db);
    const by = new Map(rows.rows.map((r) => [r.name, r]));
    expect(by.get("sr-page-english-body")).toMatchObject({
      lang: "en",
      lang_differs: true,
      headline_lang: "sr",
    });
    expect(by.get("ru-cp1251-meta-charset")).toMatchObject({ lang: "ru", lang_differs: false });
    expect(by.get("sr-cyrl-table-layout")).toMatchObject({ lang: "sr", lang_differs: false });
    expect(by.get("sr-latn-paywalled-teaser")).toMatchObject({ lang: null, lang_differs: false });
    expect(rows.rows.filter((r) => r.lang_differs).map((r) => r.name)).toEqual(["sr-page-english-body"]);
  });

  it("falls back to the summary behind a paywall and keeps no page HTML", async () => {
    const row = await t.db
      .selectFrom("article_bodies")
      .selectAll()
      .where("article_id", "=", articleIds.get("sr-latn-paywalled-teaser")!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: "paywalled",
      method: "fallback-summary",
      text: meta("sr-latn-paywalled-teaser").summary,
    });
    expect(row.reason).toMatch(/paywall/);
    const html = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM article_bodies WHERE text ~ '<(p|div|script)[ >]'`.execute(t.db);
    expect(html.rows[0]!.n).toBe(0);
  });

  it("records a page that could not be had, without touching an extracted body", async () => {
    const id = articleIds.get("empty-not-found")!;
    const failed = await processArticleBodyFailure(deps, {
      articleId: id,
      status: "blocked_robots",
      reason: "robots.txt disallows /",
    });
    expect(failed.outcome).toBe("replaced");
    const row = await t.db
      .selectFrom("article_bodies")
      .select(["status", "reason", "text"])
      .where("article_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: "blocked_robots",
      reason: "robots.txt disallows /",
      text: meta("empty-not-found").summary,
    });
    const okId = articleIds.get("sr-latn-wordpress-comments")!;
    expect(
      (await processArticleBodyFailure(deps, { articleId: okId, status: "failed", reason: "timeout" }))
        .outcome,
    ).toBe("kept");
    expect(
      await processArticleBody(deps, {
        articleId: 987_654,
        page: { body: Buffer.from(""), contentType: null, finalUrl: base },
      }),
    ).toEqual({ status: "missing" });
  });
});
