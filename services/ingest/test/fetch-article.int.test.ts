import { parseConfig } from "@vesti/config";
import { activateTaxonomyVersion, getPageRetry, pageHealth, storeArticles, syncSources } from "@vesti/db";
import { InProcessPlatform, MemoryHostGate, QueueName } from "@vesti/queue";
import { createLogger, createMetrics } from "@vesti/runtime";
import { enqueuePendingPages } from "@vesti/scheduler";
import { defaultTaxonomy, tagItem } from "@vesti/themes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { classifyItem } from "../src/classify";
import { type FetchArticleDeps, processFetchArticle, retryWaitMs } from "../src/processors/fetch-article";
import { processFetchFeed } from "../src/processors/fetch-feed";
import {
  articleHtml,
  endlessHtml,
  html,
  neverEnding,
  type PageServer,
  startPageServer,
  text,
} from "../test-support/page-server";

// processFetchArticle against a real Postgres and loopback servers: every outcome a page can have, with
// the requests the server saw. The clock of the retries is the test's (deps.now); the host gate's is real.

const taxonomy = defaultTaxonomy();
const UA = "VestiTest/1.0 (+https://example.org/vesti-test)";
const config = parseConfig({
  FETCH_ALLOW_PRIVATE_NETWORKS: "true",
  FETCH_USER_AGENT: UA,
  HOST_MIN_SPACING_MS: "0",
  PAGE_FETCH_MIN_SPACING_MS: "0",
  PAGE_FETCH_TIMEOUT_MS: "1500",
  PAGE_FETCH_RETRIES: "2",
});

const BODY = [
  "Na današnjoj sednici Vlade Srbije ministri su razgovarali o stanju u zdravstvenom sistemu i o opremi koja stiže u bolnice širom zemlje.",
  "Kina je donirala Srbiji respiratore i pola miliona maski, a avion sa medicinskom opremom iz Pekinga sleteo je na beogradski aerodrom. Pomoć je dar kineske vlade.",
  "Ministar zdravlja rekao je da će oprema biti raspoređena u kliničke centre u Beogradu, Nišu, Kragujevcu i Novom Sadu tokom naredne nedelje.",
];
const TITLE = "Sednica Vlade Srbije o zdravstvu";
const SUMMARY = "Vlada je razmatrala stanje u bolnicama i planove za narednu godinu.";
const PAGE = articleHtml(TITLE, BODY);

let t: TestDatabase;
let main: PageServer;
let slow: PageServer;
let down: PageServer;
let clock = Date.now();
let feedIds: Map<string, number>;
let seq = 0;

function deps(over: Partial<FetchArticleDeps> = {}): FetchArticleDeps {
  return {
    db: t.db,
    config,
    taxonomy,
    hostGate: new MemoryHostGate({ spacingMs: 0, holdMs: 10_000 }),
    metrics: createMetrics("test"),
    logger: createLogger("test", "silent"),
    now: () => new Date(clock),
    random: () => 0,
    ...over,
  };
}

/** Stores one article of `outlet` whose link is `url` (null: none); returns its id. */
async function article(outlet: string, url: string | null, title = `${TITLE} ${++seq}`): Promise<number> {
  const c = classifyItem(taxonomy, { title, summary: SUMMARY, feedLanguage: "sr", country: "RS" });
  const r = await storeArticles(
    t.db,
    { feed_id: feedIds.get(outlet)!, outlet_id: outlet, country: "RS", taxonomy_version: taxonomy.version },
    [
      {
        url_hash: `h:${seq}:${url}`,
        canonical_url: url,
        link: url,
        guid: `g${seq}`,
        title,
        summary: SUMMARY,
        title_key: `k${seq}`,
        published_at: new Date(clock - 3600_000),
        published_estimated: false,
        fetched_at: new Date(clock),
        lang: c.lang,
        script: c.script,
        lang_confidence: c.langConfidence,
        themes: c.themes.map((x) => ({ id: x.id, evidence: x.evidence })),
      },
    ],
  );
  return r.insertedIds[0]!;
}

/** Runs the processor until it stops saying "host busy" (it asks again after this job's robots.txt request). */
async function fetchArticle(id: number, d = deps()) {
  for (let i = 0; i < 5; i++) {
    const r = await processFetchArticle(d, { articleId: id });
    if (r.status !== "host_busy") return r;
    await new Promise((resolve) => setTimeout(resolve, r.waitMs));
  }
  throw new Error("host stayed busy");
}

const body = (id: number) =>
  t.db.selectFrom("article_bodies").selectAll().where("article_id", "=", id).executeTakeFirst();

beforeAll(async () => {
  main = await startPageServer((path) => {
    if (path === "/robots.txt") return text("User-agent: *\nDisallow: /private/\n");
    if (path === "/article" || path.startsWith("/article?")) return html(PAGE);
    if (path === "/private/report") return html(PAGE);
    if (path === "/moved")
      return (_req, res) => void res.writeHead(302, { location: "/private/moved" }).end();
    if (path === "/rate-limited")
      return (req, res, n) =>
        n === 1 ? void res.writeHead(429, { "retry-after": "1" }).end("slow down") : html(PAGE)(req, res, n);
    if (path === "/unavailable") return text("maintenance", 503);
    if (path === "/missing") return undefined;
    if (path === "/forbidden") return text("no", 403);
    if (path === "/huge") return endlessHtml(50 * 1024 * 1024);
    if (path === "/huge-declared")
      return (_req, res) =>
        void res
          .writeHead(200, { "content-type": "text/html", "content-length": String(50 * 1024 * 1024) })
          .end();
    if (path === "/never-ends") return neverEnding;
    if (path === "/report.pdf")
      return (_req, res) =>
        void res.writeHead(200, { "content-type": "application/pdf" }).end("%PDF-1.7 ...");
    if (path === "/paywall")
      return html(
        articleHtml("Ekskluzivno", [
          "Ovaj tekst je dostupan samo pretplatnicima. Prijavite se da biste pročitali ceo tekst.",
        ]),
      );
    if (path.startsWith("/feed.xml"))
      return (_req, res) =>
        void res
          .writeHead(200, { "content-type": "application/rss+xml" })
          .end(
            `<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>` +
              [1, 2]
                .map(
                  (i) =>
                    `<item><title>Vest broj ${i} iz feeda ${path}</title>` +
                    `<link>${main.baseUrl}/article?feed=${encodeURIComponent(path)}&amp;n=${i}</link>` +
                    `<guid>feed-${path}-${i}</guid><pubDate>${new Date(clock).toUTCString()}</pubDate></item>`,
                )
                .join("") +
              "</channel></rss>",
          );
    return undefined;
  });
  slow = await startPageServer(
    (path) => (path === "/robots.txt" ? text("User-agent: *\nCrawl-delay: 1\n") : html(PAGE)),
    { host: "127.0.0.2" },
  );
  down = await startPageServer((path) => (path === "/robots.txt" ? text("oops", 500) : html(PAGE)), {
    host: "127.0.0.3",
  });

  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "full",
      name: "Full text",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      fulltext: { enabled: true },
      feeds: [{ url: `${main.baseUrl}/feed.xml` }],
    },
    {
      id: "headlines",
      name: "Headlines only",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: `${main.baseUrl}/feed.xml?headlines` }],
    },
  ]);
  await activateTaxonomyVersion(t.db, taxonomy.version);
  feedIds = new Map(
    (await t.db.selectFrom("feeds").select(["id", "outlet_id"]).execute()).map((f) => [f.outlet_id, f.id]),
  );
});

afterAll(async () => {
  await Promise.all([main?.close(), slow?.close(), down?.close()]);
  await t?.destroy();
});

describe("processFetchArticle", () => {
  it("fetches a page with the identifying user agent, extracts it and counts its body-only themes", async () => {
    // The fixture is not vacuous: the body carries a theme the headline does not.
    const headline = tagItem(taxonomy, { title: TITLE, summary: SUMMARY, lang: "sr" }).map((x) => x.id);
    const whole = tagItem(taxonomy, { title: TITLE, summary: SUMMARY, body: BODY.join("\n"), lang: "sr" });
    expect(headline).not.toContain("chinese_aid");
    expect(whole.map((x) => x.id)).toContain("chinese_aid");

    const id = await article("full", `${main.baseUrl}/article`);
    const first = await processFetchArticle(deps(), { articleId: id });
    // robots.txt was this job's request to the host: the page waits for the host's spacing
    expect(first.status).toBe("host_busy");
    const r = await fetchArticle(id);
    expect(r).toMatchObject({ status: "stored", bodyStatus: "ok", outcome: "stored" });
    if (r.status === "stored") expect(r.bodyOnly).toContain("chinese_aid");
    expect(main.log.map((l) => l.path)).toEqual(["/robots.txt", "/article"]);
    expect(main.log.every((l) => l.userAgent === UA)).toBe(true);
    const b = await body(id);
    expect(b).toMatchObject({ status: "ok", lang: "sr", http_status: 200 });
    expect(b!.text).toContain("respiratore");
    const counted = await t.db
      .selectFrom("theme_body_daily_counts")
      .select(["theme", "mentions"])
      .where("outlet_id", "=", "full")
      .execute();
    expect(counted).toContainEqual({ theme: "chinese_aid", mentions: 1 });

    // a job that runs again (a duplicate, a retry after a crash) neither fetches nor counts again
    expect(await processFetchArticle(deps(), { articleId: id })).toMatchObject({ status: "skipped" });
    expect(main.count("/article")).toBe(1);
  });

  it("records a page robots.txt disallows as blocked_robots without requesting it", async () => {
    const id = await article("full", `${main.baseUrl}/private/report`);
    const r = await fetchArticle(id);
    expect(r).toMatchObject({ status: "stored", bodyStatus: "blocked_robots" });
    expect(main.count("/private/report")).toBe(0);
    const b = await body(id);
    expect(b).toMatchObject({ status: "blocked_robots", method: "fallback-summary", text: SUMMARY });
    expect(b!.reason).toMatch(/robots\.txt disallows \/private\/report/);
    // so is a page that redirects into a disallowed path (the redirect is not followed)
    const moved = await article("full", `${main.baseUrl}/moved`);
    expect(await fetchArticle(moved)).toMatchObject({ status: "stored", bodyStatus: "blocked_robots" });
    expect(main.count("/private/moved")).toBe(0);
    expect((await body(moved))!.reason).toMatch(/redirected to .*\/private\/moved/);
  });

  it("waits out a 429's Retry-After, holding the whole host, then succeeds", async () => {
    const d = deps();
    const id = await article("full", `${main.baseUrl}/rate-limited`);
    const r = await fetchArticle(id, d);
    expect(r).toMatchObject({ status: "retry_later", attempt: 1 });
    if (r.status === "retry_later") expect(r.waitMs).toBeGreaterThanOrEqual(1000);
    expect((await getPageRetry(t.db, id))?.attempts).toBe(1);
    expect(await body(id)).toBeUndefined();
    // Before the Retry-After: no request, for this page or any other of the host.
    expect(await processFetchArticle(d, { articleId: id })).toMatchObject({ status: "retry_later" });
    const other = await article("full", `${main.baseUrl}/article?other`);
    const held = await processFetchArticle(d, { articleId: other });
    expect(held.status).toBe("host_busy");
    if (held.status === "host_busy") expect(held.waitMs).toBeGreaterThan(700);
    expect(main.count("/rate-limited")).toBe(1);
    expect(main.count("/article?other")).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    clock += 1_050;
    expect(await fetchArticle(id, d)).toMatchObject({ status: "stored", bodyStatus: "ok" });
    expect(main.count("/rate-limited")).toBe(2);
    expect(await getPageRetry(t.db, id)).toBeUndefined();
  });

  it("retries a 5xx PAGE_FETCH_RETRIES times with a doubling backoff, then records it as failed", async () => {
    const id = await article("full", `${main.baseUrl}/unavailable`);
    const waits: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await fetchArticle(id);
      expect(r).toMatchObject({ status: "retry_later", attempt: i + 1 });
      if (r.status === "retry_later") waits.push(r.waitMs);
      clock += r.status === "retry_later" ? r.waitMs : 0;
    }
    expect(waits).toEqual([60_000, 120_000]);
    const last = await fetchArticle(id);
    expect(last).toMatchObject({ status: "stored", bodyStatus: "failed" });
    expect(main.count("/unavailable")).toBe(3);
    expect((await body(id))!.reason).toMatch(/^http_5xx: HTTP 503 \(3 tries\)$/);
    expect(await getPageRetry(t.db, id)).toBeUndefined();
  });

  it.each([
    ["/missing", /^gone: HTTP 404$/],
    ["/forbidden", /^http_4xx: HTTP 403$/],
    ["/huge", /^too_large: body exceeds 5242880 bytes/],
    ["/huge-declared", /^too_large: Content-Length 52428800 exceeds 5242880 bytes/],
    ["/never-ends", /^timeout: /],
    ["/report.pdf", /^unsupported_type: Content-Type "application\/pdf" is not text\/html/],
  ])("records %s as failed at once, with its reason", async (path, reason) => {
    const id = await article("full", `${main.baseUrl}${path}`);
    const r = await fetchArticle(id);
    expect(r).toMatchObject({ status: "stored", bodyStatus: "failed" });
    const b = await body(id);
    expect(b!.reason).toMatch(reason);
    expect(b).toMatchObject({ method: "fallback-summary", text: SUMMARY });
    expect(main.count(path)).toBe(1);
    expect(await getPageRetry(t.db, id)).toBeUndefined();
  });

  it("falls back to the summary behind a paywall, recorded as such", async () => {
    const id = await article("full", `${main.baseUrl}/paywall`);
    expect(await fetchArticle(id)).toMatchObject({ status: "stored", bodyStatus: "paywalled" });
    expect(await body(id)).toMatchObject({ status: "paywalled", text: SUMMARY });
  });

  it("spaces requests to a host by its robots.txt Crawl-delay, and its pages by PAGE_FETCH_MIN_SPACING_MS", async () => {
    const gate = new MemoryHostGate({ spacingMs: 0, holdMs: 10_000 });
    const d = deps({ hostGate: gate });
    const [a, b] = [await article("full", `${slow.baseUrl}/a`), await article("full", `${slow.baseUrl}/b`)];
    expect(await fetchArticle(a, d)).toMatchObject({ status: "stored", bodyStatus: "ok" });
    const busy = await processFetchArticle(d, { articleId: b });
    expect(busy.status).toBe("host_busy");
    if (busy.status === "host_busy") expect(busy.waitMs).toBeGreaterThan(800);
    expect(slow.count("/b")).toBe(0);

    // Without a Crawl-delay, the setting: 600 ms after a page, before the next request of any kind.
    const spaced = deps({ hostGate: gate, config: { ...config, PAGE_FETCH_MIN_SPACING_MS: 600 } });
    const [c, e] = [
      await article("full", `${main.baseUrl}/article?c`),
      await article("full", `${main.baseUrl}/article?e`),
    ];
    expect(await fetchArticle(c, spaced)).toMatchObject({ status: "stored" });
    const next = await processFetchArticle(spaced, { articleId: e });
    expect(next.status).toBe("host_busy");
    if (next.status === "host_busy") expect(next.waitMs).toBeGreaterThan(400);
    expect(await gate.tryAcquire(main.host)).toMatchObject({ acquired: false }); // a feed request waits too
  });

  it("waits for an unreachable robots.txt instead of fetching or refusing the page for good", async () => {
    const id = await article("full", `${down.baseUrl}/page`);
    const r = await fetchArticle(id);
    expect(r).toMatchObject({ status: "retry_later", attempt: 1 });
    if (r.status === "retry_later") {
      expect(r.reason).toMatch(/robots\.txt unreachable/);
      expect(r.waitMs).toBeGreaterThan(3_000_000); // until the cached answer is read again (an hour)
    }
    expect(down.count("/page")).toBe(0);
    expect(await body(id)).toBeUndefined();
  });

  it("skips what it has no business fetching, and records a link it cannot fetch", async () => {
    const off = await article("headlines", `${main.baseUrl}/article?off`);
    expect(await processFetchArticle(deps(), { articleId: off })).toEqual({
      status: "skipped",
      reason: "full text is off for the outlet",
    });
    expect(await processFetchArticle(deps(), { articleId: 987_654_321 })).toMatchObject({
      status: "skipped",
    });
    expect(main.count("/article?off")).toBe(0);
    const none = await article("full", null);
    expect(await processFetchArticle(deps(), { articleId: none })).toMatchObject({ bodyStatus: "failed" });
    expect((await body(none))!.reason).toBe("the feed item has no link");
    const mail = await article("full", "mailto:desk@example.org");
    expect(await processFetchArticle(deps(), { articleId: mail })).toMatchObject({ bodyStatus: "failed" });
  });

  it("counts outcomes in /metrics and in the outlet's page health", async () => {
    const d = deps();
    const id = await article("full", `${main.baseUrl}/article?metrics`);
    await fetchArticle(id, d);
    const fetched = await d.metrics.registry.getSingleMetric("vesti_pages_fetched_total")?.get();
    expect(fetched?.values).toContainEqual(
      expect.objectContaining({ labels: { outlet: "full", outcome: "ok" }, value: 1 }),
    );
    const exposition = await d.metrics.registry.metrics();
    expect(exposition).toMatch(/^vesti_page_text_chars_count\{[^}]*outlet="full"[^}]*\} 1$/m);

    const [health] = await pageHealth(t.db, { since: new Date(clock - 86_400_000) });
    const statuses = await t.db
      .selectFrom("article_bodies as b")
      .innerJoin("articles as a", "a.id", "b.article_id")
      .select(["b.status", "b.length"])
      .where("a.outlet_id", "=", "full")
      .execute();
    const n = (s: string) => statuses.filter((x) => x.status === s).length;
    const ok = statuses
      .filter((x) => x.status === "ok")
      .map((x) => x.length)
      .sort((x, y) => x - y);
    expect(health).toMatchObject({
      outlet_id: "full",
      fulltext: true,
      extracted: n("ok"),
      fetched: n("ok") + n("paywalled") + n("empty") + n("fallback_summary"),
      failed: n("failed"),
      blocked_robots: n("blocked_robots"),
      median_length: ok[Math.ceil(ok.length / 2) - 1],
    });
    // the unreachable robots.txt's page: waiting, and retrying
    expect(health!.waiting).toBeGreaterThanOrEqual(1);
    expect(health!.retrying).toBe(1);
  });
});

describe("page jobs", () => {
  it("are enqueued by the feed job for the new articles of a full-text outlet only", async () => {
    const enqueued: { id: number; url: string | null }[][] = [];
    const feedDeps = {
      ...deps(),
      pages: {
        enqueue: async (a: readonly { id: number; url: string | null }[]) => void enqueued.push([...a]),
      },
    };
    for (const outlet of ["full", "headlines"]) {
      const feed = await t.db
        .selectFrom("feeds")
        .select(["id", "next_fetch_at"])
        .where("outlet_id", "=", outlet)
        .executeTakeFirstOrThrow();
      const payload = { feedId: feed.id, dueAt: feed.next_fetch_at.toISOString() };
      let r = await processFetchFeed(feedDeps, payload);
      while (r.status === "host_busy") {
        await new Promise((resolve) => setTimeout(resolve, r.status === "host_busy" ? r.waitMs : 0));
        r = await processFetchFeed(feedDeps, payload);
      }
      expect(r).toMatchObject({ status: "fetched", itemsNew: 2 });
    }
    expect(enqueued).toHaveLength(1);
    const stored = await t.db
      .selectFrom("articles")
      .select(["id", "link"])
      .where("outlet_id", "=", "full")
      .where("guid", "like", "feed-%")
      .orderBy("id")
      .execute();
    expect(enqueued[0]!.map((a) => a.id).sort()).toEqual(stored.map((a) => a.id).sort());
    expect(enqueued[0]!.map((a) => a.url).sort()).toEqual(stored.map((a) => a.link).sort());
  });

  it("are enqueued again by the tick for articles still without a body, once per article", async () => {
    const platform = new InProcessPlatform(createLogger("test", "silent"));
    try {
      const queue = platform.queue(QueueName.ArticleFetch);
      const options = { now: new Date(clock), days: 2, spacingMs: 5_000 };
      const first = await enqueuePendingPages(t.db, queue, options);
      const pending = await t.db
        .selectFrom("articles as a")
        .leftJoin("article_bodies as b", "b.article_id", "a.id")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("a.outlet_id", "=", "full")
        .where("b.article_id", "is", null)
        .executeTakeFirstOrThrow();
      expect(first.pending).toBe(Number(pending.n));
      expect(first.pending).toBeGreaterThanOrEqual(3);
      const again = await enqueuePendingPages(t.db, queue, options);
      expect(again.pending).toBe(first.pending);
      const counts = await queue.counts();
      // one job per article, and the articles of one host staggered by the spacing
      expect(counts.waiting + counts.delayed).toBe(first.pending);
      expect(counts.delayed).toBeGreaterThan(0);
      expect(await enqueuePendingPages(t.db, queue, { ...options, days: 0 })).toEqual({ pending: 0 });
    } finally {
      await platform.close();
    }
  });
});

describe("retryWaitMs", () => {
  it("honours Retry-After, else doubles from a minute, never below the host's spacing", () => {
    expect(retryWaitMs({ attempt: 1, retryAfterSeconds: 7, spacingMs: 5_000 })).toBe(7_000);
    expect(retryWaitMs({ attempt: 3, retryAfterSeconds: 0, spacingMs: 5_000 })).toBe(5_000);
    expect(
      [1, 2, 3].map((attempt) => retryWaitMs({ attempt, retryAfterSeconds: undefined, spacingMs: 0 })),
    ).toEqual([60_000, 120_000, 240_000]);
  });
});
