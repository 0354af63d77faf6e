import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@vesti/config";
import {
  type Database,
  ensureDatabase,
  migrateToLatest,
  pageHealth,
  storeArticles,
  syncSources,
} from "@vesti/db";
import { FIXTURE_PAGES_DIR, loadFixturePages } from "@vesti/fulltext";
import { classifyItem, prepareArticles, startIngestWorkers } from "@vesti/ingest";
import { isIdle, QueueName } from "@vesti/queue";
import { openServiceContext, type ServiceContext } from "@vesti/runtime";
import { startScheduler } from "@vesti/scheduler";
import { defaultTaxonomy, THEME_IDS, tagItem } from "@vesti/themes";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db/test-support/test-database";
import {
  articleHtml,
  endlessHtml,
  html,
  type LoggedRequest,
  neverEnding,
  type PageRoute,
  type PageServer,
  startPageServer,
  text,
} from "../services/ingest/test-support/page-server";
import { embeddedHome } from "./support/embedded";
import { deleteRedisKeys, pipelineEnv, testEnv, uniquePrefix, waitFor } from "./support/pipeline";

// Full text end to end, in both modes: feeds of full-text outlets whose items link to pages on loopback
// servers; the scheduler's tick, the feed jobs, the page jobs (robots.txt, host gate, fetch, extract, tag,
// count). The labelled pages must come out with the statuses their labels say and the views with the
// headline and any-mention counts computed from the fixtures alone; the servers' request logs must show
// the politeness rules kept (one request at a time per host, the spacing or Crawl-delay between any two,
// Retry-After waited out), robots.txt refusals never requested, and the faults each recorded alone.

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SPACING_MS = 300;
const CRAWL_DELAY_S = 1;
const RETRY_AFTER_S = 2;
// The host gate keeps the end of a request in whole milliseconds (Redis's clock in distributed mode):
// a gap measured by the server's clock may come out up to this much short of the spacing.
const CLOCK_GRAIN_MS = 2;
const taxonomy = defaultTaxonomy();
const pagesDir = fileURLToPath(FIXTURE_PAGES_DIR);
const labelled = loadFixturePages();
const meta = (name: string) =>
  JSON.parse(readFileSync(join(pagesDir, `${name}.json`), "utf8")) as { title: string; summary: string };

const DAY = 86_400_000;
const today = new Date(Math.floor(Date.now() / DAY) * DAY + 9 * 3600_000);
const yesterday = new Date(today.getTime() - DAY);

/** One feed item of the fixtures, and what its page must give. */
interface Item {
  outlet: string;
  title: string;
  summary: string;
  path: string;
  published: Date;
  /** The page's article text when it must be extracted (status ok), else null. */
  truth: string | null;
  status: string;
  /** A reason the stored outcome must match. */
  reason?: RegExp;
}

const OUTLETS = [
  { id: "rs1", country: "RS", language: "sr", fulltext: true },
  { id: "ru1", country: "RU", language: "ru", fulltext: true },
  { id: "faults", country: "RS", language: "sr", fulltext: true },
  { id: "headlines", country: "RS", language: "sr", fulltext: false },
] as const;

const SIMPLE = [
  "Ruski vojni lekari stigli su u Beograd sa aparatima za disanje, testovima i zaštitnom opremom, a pomoć je poslala ruska vlada.",
  "U bolnicama u Nišu i Novom Sadu oprema je raspoređena već sutradan, rekli su predstavnici kriznog štaba na konferenciji za novinare.",
  "Lekari su naveli da će timovi ostati u Srbiji najmanje dve nedelje i pomagati u dezinfekciji domova za stare i bolnica.",
];
const simplePage = (title: string) => articleHtml(title, SIMPLE);

function buildItems(): Item[] {
  const items: Item[] = labelled.map((p, i) => ({
    outlet: p.name.startsWith("ru-") ? "ru1" : "rs1",
    ...meta(p.name),
    path: `/pages/${p.name}`,
    published: i % 2 === 0 ? yesterday : today,
    truth: p.expectedStatus === "ok" ? p.truth : null,
    status: p.expectedStatus ?? "ok",
  }));
  const fault = (path: string, title: string, status: string, reason?: RegExp, ok = false): Item => ({
    outlet: "faults",
    title,
    summary: "Kratak opis vesti iz feeda, bez pominjanja tema izveštaja.",
    path,
    published: today,
    truth: ok ? SIMPLE.join("\n") : null,
    status,
    ...(reason ? { reason } : {}),
  });
  for (let n = 1; n <= 4; n++)
    items.push(fault(`/cd/${n}`, `Vest sa sporog sajta broj ${n}`, "ok", undefined, true));
  items.push(
    fault("/private/a", "Zatvoreni deo sajta prvi", "blocked_robots", /robots\.txt disallows \/private\/a/),
    fault("/private/b", "Zatvoreni deo sajta drugi", "blocked_robots", /robots\.txt disallows/),
    fault("/rate-limited", "Vest sa ograničenjem brzine", "ok", undefined, true),
    fault("/unavailable", "Vest sa sajta u održavanju", "failed", /^http_5xx: HTTP 503 \(3 tries\)$/),
    fault("/huge", "Vest od pedeset megabajta", "failed", /^too_large: /),
    fault("/never-ends", "Vest koja se nikad ne učita", "failed", /^timeout: /),
    fault("/report.pdf", "Izveštaj u PDF-u", "failed", /^unsupported_type: /),
    fault("/missing", "Vest koje više nema", "failed", /^gone: HTTP 404$/),
  );
  for (let n = 1; n <= 3; n++)
    items.push({
      outlet: "headlines",
      title: `Vest bez punog teksta broj ${n}`,
      summary: "Samo naslov i kratak opis.",
      path: `/unlisted/${n}`,
      published: today,
      truth: null,
      status: "none",
    });
  return items;
}
const items = buildItems();
/** Stored directly, as if the feed job had crashed after storing it and before enqueueing its page. */
const orphan = items.find((it) => it.path === "/pages/sr-latn-wordpress-comments")!;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
function rss(outlet: string, hostOf: (it: Item) => string): string {
  const entries = items
    .filter((it) => it.outlet === outlet && it !== orphan)
    .map(
      (it) =>
        `<item><title>${esc(it.title)}</title><link>${hostOf(it)}${it.path}</link><guid>${esc(it.path)}</guid>` +
        `<pubDate>${it.published.toUTCString()}</pubDate><description>${esc(it.summary)}</description></item>`,
    );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${outlet}</title><link>https://example.org/</link><description>t</description>${entries.join("\n")}</channel></rss>`;
}

const fixturePage: PageRoute = (req, res) => {
  const name = decodeURIComponent((req.url ?? "").replace(/^\/pages\//, ""));
  const gz = join(pagesDir, `${name}.html.gz`);
  if (existsSync(gz))
    return void res
      .writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" })
      .end(readFileSync(gz));
  const plain = join(pagesDir, `${name}.html`);
  if (existsSync(plain))
    return void res.writeHead(200, { "content-type": "text/html" }).end(readFileSync(plain));
  res.writeHead(404).end();
};

/** Expected counts per (country, day, theme), from the fixtures alone: headline tags, and the page's text. */
function expectedCounts() {
  const out = new Map<string, { h: number; b: number; m: number; w: number; a: number }>();
  for (const it of items) {
    const o = OUTLETS.find((x) => x.id === it.outlet)!;
    const lang = classifyItem(taxonomy, {
      title: it.title,
      summary: it.summary,
      feedLanguage: o.language,
      country: o.country,
    }).lang;
    const headline = new Set(
      tagItem(taxonomy, { title: it.title, summary: it.summary, lang }).map((x) => x.id),
    );
    const whole = it.truth
      ? new Set(
          tagItem(taxonomy, { title: it.title, summary: it.summary, body: it.truth, lang }).map((x) => x.id),
        )
      : new Set<string>();
    for (const theme of THEME_IDS) {
      const k = `${o.country}|${it.published.toISOString().slice(0, 10)}|${theme}`;
      const e = out.get(k) ?? { h: 0, b: 0, m: 0, w: 0, a: 0 };
      e.a++;
      if (it.truth) e.w++;
      if (headline.has(theme)) e.h++;
      else if (whole.has(theme)) e.b++;
      e.m = e.h + e.b;
      out.set(k, e);
    }
  }
  return out;
}

/** Consecutive requests a server saw: each must start after the previous ended, and at least `gap` later. */
function spacingViolations(log: readonly LoggedRequest[], gapMs: number): string[] {
  const sorted = [...log].sort((a, b) => a.start - b.start);
  const out: string[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.end === null || cur.start < prev.end)
      out.push(`${cur.path} started while ${prev.path} was in flight`);
    else if (cur.start - prev.end < gapMs - CLOCK_GRAIN_MS)
      out.push(`${cur.path} ${Math.round(cur.start - prev.end)} ms after ${prev.path}`);
  }
  return out;
}

describe.each(["distributed", "embedded"] as const)("full text, end to end (%s mode)", (mode) => {
  let t: TestDatabase | undefined;
  let home: Awaited<ReturnType<typeof embeddedHome>> | undefined;
  let db: Kysely<Database>;
  let ctx: ServiceContext;
  let feeds: PageServer;
  let pages: PageServer;
  let slow: PageServer;
  let faults: PageServer;
  let articleIds: Map<string, number>;
  const prefix = uniquePrefix();
  let started = 0;

  beforeAll(async () => {
    started = performance.now();
    const env = {
      ...pipelineEnv(prefix),
      PAGE_FETCH_MIN_SPACING_MS: String(SPACING_MS),
      PAGE_FETCH_TIMEOUT_MS: "2000",
      PAGE_FETCH_RETRIES: "2",
      PAGE_FETCH_CONCURRENCY: "4",
    };
    if (mode === "distributed") {
      t = await createTestDatabase();
      ctx = await openServiceContext("e2e", {
        config: parseConfig({ ...env, ...testEnv(t.url, REDIS_URL, prefix) }),
      });
    } else {
      home = await embeddedHome();
      ctx = await openServiceContext("e2e", { config: parseConfig({ ...env, ...home.env }) });
      await ensureDatabase(ctx.databaseUrl);
      await migrateToLatest(ctx.db);
    }
    db = ctx.db;

    pages = await startPageServer(
      (path) =>
        path === "/robots.txt"
          ? text("User-agent: *\nAllow: /\n")
          : path.startsWith("/pages/")
            ? fixturePage
            : undefined,
      { host: "127.0.0.2" },
    );
    slow = await startPageServer(
      (path) =>
        path === "/robots.txt"
          ? text(`User-agent: *\nCrawl-delay: ${CRAWL_DELAY_S}\n`)
          : path.startsWith("/cd/")
            ? html(simplePage(`Vest sa sporog sajta ${path}`))
            : undefined,
      { host: "127.0.0.3" },
    );
    faults = await startPageServer(
      (path) => {
        switch (path) {
          case "/robots.txt":
            return text("User-agent: *\nDisallow: /private/\n");
          case "/private/a":
          case "/private/b":
            return html(simplePage("Zatvoreno"));
          case "/rate-limited":
            return (req, res, n) =>
              n === 1
                ? void res.writeHead(429, { "retry-after": String(RETRY_AFTER_S) }).end("too many requests")
                : html(simplePage("Vest sa ograničenjem brzine"))(req, res, n);
          case "/unavailable":
            return text("down for maintenance", 503, { "retry-after": "1" });
          case "/huge":
            return endlessHtml(50 * 1024 * 1024);
          case "/never-ends":
            return neverEnding;
          case "/report.pdf":
            return (_req, res) =>
              void res.writeHead(200, { "content-type": "application/pdf" }).end("%PDF-1.7");
          default:
            return undefined;
        }
      },
      { host: "127.0.0.4" },
    );
    const hostOf = (it: Item) =>
      it.path.startsWith("/pages/") || it.path.startsWith("/unlisted/")
        ? pages.baseUrl
        : it.path.startsWith("/cd/")
          ? slow.baseUrl
          : faults.baseUrl;
    feeds = await startPageServer((path) => {
      if (path === "/robots.txt") return text("User-agent: *\nAllow: /\n");
      const outlet = /^\/feed\/(\w+)\.xml$/.exec(path)?.[1];
      return outlet
        ? (_req, res) =>
            void res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss(outlet, hostOf))
        : undefined;
    });

    await syncSources(
      db,
      OUTLETS.map((o) => ({
        id: o.id,
        name: o.id,
        country: o.country,
        language: o.language,
        timeZone: "Europe/Belgrade",
        ...(o.fulltext ? { fulltext: { enabled: true } } : {}),
        feeds: [{ url: `${feeds.baseUrl}/feed/${o.id}.xml` }],
      })),
    );
    // The orphan: stored, its page job never enqueued (a crash in between). The tick must catch it up.
    const feed = await db
      .selectFrom("feeds")
      .select("id")
      .where("outlet_id", "=", "rs1")
      .executeTakeFirstOrThrow();
    const link = `${pages.baseUrl}${orphan.path}`;
    const prepared = await prepareArticles(
      taxonomy,
      { id: feed.id, outlet_id: "rs1", feed_language: null, outlet_language: "sr", country: "RS" },
      [
        {
          guid: orphan.path,
          title: orphan.title,
          summary: orphan.summary,
          link,
          canonicalUrl: link,
          urlHash: `orphan:${orphan.path}`,
          titleKey: "orphan",
          identityKey: "orphan",
          publishedAt: orphan.published,
          publishedEstimated: false,
          author: null,
          categories: [],
        },
      ],
      new Date(),
    );
    await storeArticles(
      db,
      { feed_id: feed.id, outlet_id: "rs1", country: "RS", taxonomy_version: taxonomy.version },
      prepared,
    );
    await startIngestWorkers(ctx, { taxonomy });
    await startScheduler(ctx);
  });

  afterAll(async () => {
    await ctx?.shutdown.shutdown("test done");
    await deleteRedisKeys(REDIS_URL, prefix);
    await Promise.all([feeds?.close(), pages?.close(), slow?.close(), faults?.close()]);
    await t?.destroy();
    await home?.remove();
  });

  it("gives every article of the full-text outlets its page outcome, each fault recorded alone", async () => {
    const fulltext = items.filter((it) => it.outlet !== "headlines").length;
    await waitFor(
      "every full-text article's page outcome",
      async () => {
        const n = await db
          .selectFrom("article_bodies")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
        return Number(n.n) === fulltext;
      },
      180_000,
    );
    await waitFor("idle page jobs", () => isIdle(ctx.jobs.queue(QueueName.ArticleFetch)), 30_000);
    const rows = await db
      .selectFrom("articles as a")
      .leftJoin("article_bodies as b", "b.article_id", "a.id")
      .select(["a.id", "a.link", "a.title", "a.outlet_id", "b.status", "b.reason", "b.text"])
      .execute();
    expect(rows).toHaveLength(items.length);
    articleIds = new Map(rows.map((r) => [new URL(r.link!).pathname, r.id]));
    for (const it of items) {
      const r = rows.find((x) => new URL(x.link!).pathname === it.path);
      expect(r, it.path).toBeDefined();
      expect(r!.title, it.path).toBe(it.title); // the feed carried the fixture's headline unchanged
      expect(r!.status ?? "none", it.path).toBe(it.status);
      if (it.reason) expect(r!.reason, it.path).toMatch(it.reason);
      if (it.status !== "ok" && it.status !== "none") expect(r!.text, it.path).toBe(it.summary);
    }
    const elapsed = (performance.now() - started) / 1000;
    const rss = process.memoryUsage().rss / 2 ** 20;
    process.stdout.write(
      `[pages e2e ${mode}] ${fulltext} page outcomes (${pages.log.length + slow.log.length + faults.log.length} page-host requests) in ${elapsed.toFixed(1)} s, RSS ${rss.toFixed(0)} MiB\n`,
    );
  });

  it("requests nothing robots.txt disallows, nothing of a headlines-only outlet, robots.txt once per host", () => {
    expect(faults.log.filter((l) => l.path.startsWith("/private/"))).toEqual([]);
    expect(pages.log.filter((l) => l.path.startsWith("/unlisted/"))).toEqual([]);
    for (const server of [pages, slow, faults]) expect(server.count("/robots.txt")).toBe(1);
    // every page once, but the retried ones
    expect(pages.log.filter((l) => l.path.startsWith("/pages/"))).toHaveLength(labelled.length);
    expect(faults.count("/huge")).toBe(1);
    expect(faults.count("/never-ends")).toBe(1);
  });

  it("keeps one request at a time per host, spaced by PAGE_FETCH_MIN_SPACING_MS or the Crawl-delay", () => {
    expect(spacingViolations(pages.log, SPACING_MS)).toEqual([]);
    expect(spacingViolations(faults.log, SPACING_MS)).toEqual([]);
    expect(spacingViolations(slow.log, CRAWL_DELAY_S * 1000)).toEqual([]);
  });

  it("waits out a 429's Retry-After before any request to that host, and retries a 5xx twice", () => {
    const tries = faults.log.filter((l) => l.path === "/rate-limited");
    expect(tries).toHaveLength(2);
    const after = faults.log.filter((l) => l.start > tries[0]!.start);
    expect(after.length).toBeGreaterThan(0);
    for (const l of after)
      expect(l.start - tries[0]!.end!).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - CLOCK_GRAIN_MS);
    const unavailable = faults.log.filter((l) => l.path === "/unavailable");
    expect(unavailable).toHaveLength(3);
    for (let i = 1; i < unavailable.length; i++)
      expect(unavailable[i]!.start - unavailable[i - 1]!.end!).toBeGreaterThanOrEqual(1000 - CLOCK_GRAIN_MS);
  });

  it("answers headline-only and any-mention attention as the fixtures say", async () => {
    const expected = expectedCounts();
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
      SELECT country, day::text AS day, theme, sum(headline_mentions)::int AS h, sum(body_only_mentions)::int AS b,
             sum(mentions)::int AS m, sum(articles_with_body)::int AS w, sum(articles)::int AS a
      FROM analytics.theme_daily_any GROUP BY 1, 2, 3`.execute(db);
    const actual = new Map(
      rows.rows.map((r) => [`${r.country}|${r.day}|${r.theme}`, { h: r.h, b: r.b, m: r.m, w: r.w, a: r.a }]),
    );
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    const bodyOnly = [...expected.values()].reduce((s, e) => s + e.b, 0);
    expect(bodyOnly).toBeGreaterThanOrEqual(10); // not vacuous: the pages carry themes their headlines miss
    // the headline view keeps its meaning
    const headline = await sql<{
      m: number;
    }>`SELECT sum(mentions)::int AS m FROM analytics.theme_daily`.execute(db);
    expect(headline.rows[0]!.m).toBe([...expected.values()].reduce((s, e) => s + e.h, 0));
    const weekly = await sql<{ m: number; b: number }>`
      SELECT sum(mentions)::int AS m, sum(body_only_mentions)::int AS b FROM analytics.theme_weekly_any`.execute(
      db,
    );
    expect(weekly.rows[0]).toEqual({ m: [...expected.values()].reduce((s, e) => s + e.m, 0), b: bodyOnly });
  });

  it("shows operators each outlet's pages in /metrics and in sources health", async () => {
    const statuses = await db
      .selectFrom("article_bodies as b")
      .innerJoin("articles as a", "a.id", "b.article_id")
      .select(["a.outlet_id", "b.status", "b.length"])
      .execute();
    const metric = await ctx.metrics.registry.getSingleMetric("vesti_pages_fetched_total")!.get();
    for (const o of OUTLETS.filter((x) => x.fulltext))
      for (const status of ["ok", "paywalled", "empty", "fallback_summary", "failed", "blocked_robots"]) {
        const want = statuses.filter((s) => s.outlet_id === o.id && s.status === status).length;
        const got =
          metric.values.find((v) => v.labels.outlet === o.id && v.labels.outcome === status)?.value ?? 0;
        expect(got, `${o.id} ${status}`).toBe(want);
      }
    const retries = metric.values.find((v) => v.labels.outlet === "faults" && v.labels.outcome === "retry");
    expect(retries?.value).toBe(3); // the 429 once, the 503 twice

    const health = await pageHealth(db, { since: new Date(Date.now() - 7 * DAY) });
    expect(health.map((h) => h.outlet_id)).toEqual(["faults", "rs1", "ru1"]);
    for (const h of health) {
      const mine = statuses.filter((s) => s.outlet_id === h.outlet_id);
      const ok = mine
        .filter((s) => s.status === "ok")
        .map((s) => s.length)
        .sort((x, y) => x - y);
      expect(h).toMatchObject({
        extracted: ok.length,
        failed: mine.filter((s) => s.status === "failed").length,
        blocked_robots: mine.filter((s) => s.status === "blocked_robots").length,
        waiting: 0,
        retrying: 0,
        median_length: ok[Math.ceil(ok.length / 2) - 1],
      });
    }
    expect(health.find((h) => h.outlet_id === "faults")).toMatchObject({
      failed: 5,
      blocked_robots: 2,
      extracted: 5,
    });
    expect(articleIds.size).toBe(items.length);
  });
});
