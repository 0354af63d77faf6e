import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { parseConfig } from "@vesti/config";
import { feedHealth, syncSources } from "@vesti/db";
import { createRedis, RedisHostGate } from "@vesti/queue";
import { createLogger, createMetrics } from "@vesti/runtime";
import { defaultTaxonomy } from "@vesti/themes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { type FetchFeedDeps, type FetchFeedResult, processFetchFeed } from "../src/processors/fetch-feed";
import { checkRobots } from "../src/robots";

// Sources beyond plain feeds, against real HTTP servers on loopback, Postgres and Redis: robots.txt
// (allow, disallow, permission, unreachable), news sitemaps and indexes (children bounded, loops, both
// Serbian scripts, gzip), bot protection and per-feed headers.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const hits: string[] = [];
let main: Server;
let flaky: Server;
let base = "";
let flakyBase = "";
let t: TestDatabase;
let deps: FetchFeedDeps;
const redis = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");

const T0 = Date.now();
const iso = (msAgo: number) => new Date(T0 - msAgo).toISOString();
const rss = (title: string, link: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>${link}</link>` +
  `<item><title>${title}</title><link>${link}</link><pubDate>${new Date().toUTCString()}</pubDate></item></channel></rss>`;
const newsUrlset = (entries: { loc: string; title: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">${entries
    .map(
      (e) =>
        `<url><loc>${e.loc}</loc><news:news><news:publication><news:name>RT Balkan</news:name><news:language>sr</news:language></news:publication><news:publication_date>${iso(3_600_000)}</news:publication_date><news:title>${e.title}</news:title></news:news></url>`,
    )
    .join("")}</urlset>`;
const index = (children: { loc: string; lastmod?: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${children
    .map((c) => `<sitemap><loc>${c.loc}</loc>${c.lastmod ? `<lastmod>${c.lastmod}</lastmod>` : ""}</sitemap>`)
    .join("")}</sitemapindex>`;

function routes(): Record<string, Handler> {
  const xml =
    (body: string | Buffer, type = "application/xml"): Handler =>
    (_q, r) =>
      void r.writeHead(200, { "content-type": type }).end(body);
  return {
    "/robots.txt": (_q, r) =>
      void r
        .writeHead(200, { "content-type": "text/plain" })
        .end(
          `User-agent: *\nDisallow: /private/\n\nUser-agent: Vesti\nDisallow: /feed-disallowed/\nDisallow: /sm/private.xml\n\nSitemap: ${base}/sitemap.xml\n`,
        ),
    "/feed": xml(rss("Vučić u Moskvi", `${base}/a/1`), "application/rss+xml"),
    "/feed-redirects": (_q, r) => void r.writeHead(301, { location: "/feed-disallowed/" }).end(),
    "/feed-disallowed/": xml(rss("Kina donirala Srbiji maske", `${base}/a/2`), "application/rss+xml"),
    "/private/feed": xml(rss("Sutra kiša", `${base}/a/3`), "application/rss+xml"),
    "/sitemap.xml": xml(
      index([
        { loc: `${base}/sm/news.xml`, lastmod: iso(600_000) },
        { loc: `${base}/sm/nested.xml`, lastmod: iso(700_000) },
        { loc: `${base}/sm/private.xml`, lastmod: iso(800_000) },
        { loc: `${base}/sm/2020-01-01.xml`, lastmod: "2020-01-01T00:00:00Z" },
        { loc: `${base}/sitemap.xml`, lastmod: iso(1000) },
      ]),
    ),
    "/sm/news.xml": xml(
      newsUrlset([
        {
          loc: `${base}/world/101-kineski-lekari/`,
          title: "Кинески лекари стигли у Београд, донели респираторе",
        },
        { loc: `${base}/serbia/102-vucic-putin/`, title: "Вучић и Путин разговарали о Косову" },
      ]),
    ),
    // a nested index: back to the root (a loop), to a child the poll already has, and to a gzipped child
    "/sm/nested.xml": xml(
      index([
        { loc: `${base}/sitemap.xml`, lastmod: iso(1000) },
        { loc: `${base}/sm/news.xml`, lastmod: iso(600_000) },
        { loc: `${base}/sm/latin.xml.gz`, lastmod: iso(900_000) },
      ]),
    ),
    "/sm/latin.xml.gz": xml(
      zlib.gzipSync(
        newsUrlset([{ loc: `${base}/lat/103-eu-pomoc/`, title: "Stigla nova pomoć EU za bolnice u Nišu" }]),
      ),
      "application/x-gzip",
    ),
    "/sm/private.xml": xml(newsUrlset([{ loc: `${base}/x/1`, title: "Ne sme da se pročita" }])),
    "/sm/2020-01-01.xml": xml(newsUrlset([{ loc: `${base}/old/1`, title: "Stara vest" }])),
    "/cf": (_q, r) =>
      void r
        .writeHead(403, { "content-type": "text/html", server: "cloudflare", "cf-mitigated": "challenge" })
        .end("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf-chl</body></html>"),
    "/ddg": (_q, r) =>
      void r
        .writeHead(403, { "content-type": "text/html", server: "ddos-guard" })
        .end("<html><body>Checking your browser before accessing</body></html>"),
    "/plain403": (_q, r) => void r.writeHead(403, { "content-type": "text/plain" }).end("Forbidden"),
    "/needs-token": (q, r) =>
      q.headers["x-access-token"] === "granted-2026" && String(q.headers["user-agent"]).startsWith("Vesti/")
        ? void r
            .writeHead(200, { "content-type": "application/rss+xml" })
            .end(rss("Token radi", `${base}/a/9`))
        : void r.writeHead(403, { "content-type": "text/plain" }).end("Forbidden"),
  };
}

async function serve(handlers: () => Record<string, Handler>): Promise<[Server, string]> {
  const server = createServer((req, res) => {
    hits.push(`${req.socket.localPort} ${req.url}`);
    const h = handlers()[req.url ?? ""];
    if (h) h(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [main, base] = await serve(routes);
  // another origin whose robots.txt answers 503
  [flaky, flakyBase] = await serve(() => ({
    "/robots.txt": (_q, r) => void r.writeHead(503).end(),
    "/feed": (_q, r) =>
      void r
        .writeHead(200, { "content-type": "application/rss+xml" })
        .end(rss("Beta: vest", `${flakyBase}/b/1`)),
    "/sitemap.xml": (_q, r) =>
      void r
        .writeHead(200, { "content-type": "application/xml" })
        .end(newsUrlset([{ loc: `${flakyBase}/n`, title: "X" }])),
  }));
  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "rt-balkan",
      name: "RT Balkan",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: `${base}/sitemap.xml`, kind: "sitemap" }],
    },
    {
      id: "vreme",
      name: "Vreme",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: [
        { url: `${base}/feed-disallowed/` },
        { url: `${base}/feed-redirects` },
        { url: `${base}/feed` },
        { url: `${base}/private/feed`, robotsPermission: "e-mail from the editor, 2026-03-01" },
      ],
    },
    {
      id: "blocked",
      name: "Blocked",
      country: "RU",
      language: "ru",
      timeZone: "Europe/Moscow",
      feeds: [
        { url: `${base}/cf` },
        { url: `${base}/ddg` },
        { url: `${base}/plain403` },
        { url: `${base}/needs-token`, headers: { "X-Access-Token": "granted-2026" } },
      ],
    },
    {
      id: "flaky",
      name: "Flaky",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: `${flakyBase}/feed` }, { url: `${flakyBase}/sitemap.xml`, kind: "sitemap" }],
    },
  ]);
  const config = parseConfig({
    FETCH_ALLOW_PRIVATE_NETWORKS: "true",
    LOG_LEVEL: "silent",
    HOST_MIN_SPACING_MS: "30",
    SITEMAP_MAX_CHILDREN: "5",
  });
  deps = {
    db: t.db,
    config,
    taxonomy: defaultTaxonomy(),
    hostGate: new RedisHostGate(redis, {
      prefix: `vesti-sources-test-${process.pid}`,
      spacingMs: 30,
      holdMs: 5000,
    }),
    metrics: createMetrics("test"),
    logger: createLogger("test", "silent"),
  };
});
afterAll(async () => {
  main.close();
  flaky.close();
  await redis.quit();
  await t.destroy();
});

async function feed(url: string) {
  return t.db.selectFrom("feeds").selectAll().where("url", "=", url).executeTakeFirstOrThrow();
}
/** Runs the processor as the worker does: a host_busy result comes back after waitMs (bounded). */
async function poll(url: string): Promise<{ result: FetchFeedResult; steps: number }> {
  const f = await feed(url);
  for (let steps = 1; steps <= 50; steps++) {
    const result = await processFetchFeed(deps, { feedId: f.id, dueAt: f.next_fetch_at.toISOString() });
    if (result.status !== "host_busy") return { result, steps };
    await new Promise((r) => setTimeout(r, result.waitMs));
  }
  throw new Error("poll did not finish in 50 steps");
}
async function titles(feedUrl: string) {
  const f = await feed(feedUrl);
  const rows = await t.db
    .selectFrom("articles")
    .select("title")
    .where("feed_id", "=", f.id)
    .orderBy("title")
    .execute();
  return rows.map((r) => r.title);
}

describe("robots.txt", () => {
  it("fetches robots.txt once per origin, before the feed, and caches it in Postgres", async () => {
    hits.length = 0;
    const { result, steps } = await poll(`${base}/feed`);
    expect(result).toMatchObject({ status: "fetched", outcome: "ok", itemsNew: 1 });
    expect(steps).toBe(2); // robots.txt, then (after the host's spacing) the feed
    const port = new URL(base).port;
    expect(hits).toEqual([`${port} /robots.txt`, `${port} /feed`]);
    const cached = await t.db
      .selectFrom("robots_txt")
      .selectAll()
      .where("origin", "=", base)
      .executeTakeFirstOrThrow();
    expect(cached.outcome).toBe("ok");
    expect(cached.expires_at.getTime() - cached.fetched_at.getTime()).toBe(86_400_000);
  });

  it("records an explicit Disallow of the feed as a refusal, not an error, and checks again a day later", async () => {
    const { result } = await poll(`${base}/feed-disallowed/`);
    expect(result).toMatchObject({ outcome: "refused" });
    const f = await feed(`${base}/feed-disallowed/`);
    expect(f).toMatchObject({ last_error_kind: "robots_disallowed", failing: false, failure_count: 0 });
    expect(f.last_error).toMatch(/robots.txt disallows \/feed-disallowed\//);
    expect(f.next_fetch_at.getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const health = (await feedHealth(t.db)).find((h) => h.url === `${base}/feed-disallowed/`);
    expect(health?.state).toBe("refused");
    expect(await titles(`${base}/feed-disallowed/`)).toEqual([]);
  });

  it("refuses a feed whose redirect leads to a disallowed path", async () => {
    const { result } = await poll(`${base}/feed-redirects`);
    expect(result).toMatchObject({ outcome: "refused" });
    expect((await feed(`${base}/feed-redirects`)).last_error).toMatch(/redirected to .*\/feed-disallowed\//);
  });

  it("fetches a disallowed feed when the sources file records the operator's permission", async () => {
    // /private/ is disallowed for * only; Vesti has its own group, so test a Vesti rule via the other feed:
    expect((await checkRobots(deps, `${base}/private/feed`, "feed")).allowed).toBe(true);
    await t.db
      .updateTable("feeds")
      .set({ robots_permission: "e-mail from the editor, 2026-03-01", next_fetch_at: new Date() })
      .where("url", "=", `${base}/feed-disallowed/`)
      .execute();
    const { result } = await poll(`${base}/feed-disallowed/`);
    expect(result).toMatchObject({ outcome: "ok", itemsNew: 1 });
    expect((await feed(`${base}/feed-disallowed/`)).last_error_kind).toBeNull();
  });

  it("treats an unreachable robots.txt as disallow-all for sitemaps and pages (RFC 9309), not for feeds", async () => {
    expect(await checkRobots(deps, `${flakyBase}/page`, "page")).toMatchObject({
      allowed: false,
      fetched: true,
    });
    expect(await checkRobots(deps, `${flakyBase}/page`, "page")).toMatchObject({
      allowed: false,
      fetched: false,
    });
    const row = await t.db
      .selectFrom("robots_txt")
      .selectAll()
      .where("origin", "=", flakyBase)
      .executeTakeFirstOrThrow();
    expect(row.outcome).toBe("unreachable");
    expect(row.expires_at.getTime() - row.fetched_at.getTime()).toBe(3_600_000);
    expect((await poll(`${flakyBase}/feed`)).result).toMatchObject({ outcome: "ok", itemsNew: 1 });
    expect((await poll(`${flakyBase}/sitemap.xml`)).result).toMatchObject({ outcome: "refused" });
  });

  it("allows everything when robots.txt is missing (4xx)", async () => {
    const [s, b] = await serve(() => ({}));
    try {
      expect(await checkRobots(deps, `${b}/anything`, "page")).toMatchObject({
        allowed: true,
        fetched: true,
      });
      const row = await t.db
        .selectFrom("robots_txt")
        .selectAll()
        .where("origin", "=", b)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ outcome: "unavailable", status: 404 });
    } finally {
      s.close();
    }
  });
});

describe("news sitemaps", () => {
  it("polls an index: recent children only, never the index again, a nested loop cut, gzip, both scripts", async () => {
    hits.length = 0;
    const { result } = await poll(`${base}/sitemap.xml`);
    expect(result).toMatchObject({ status: "fetched", outcome: "ok", itemsNew: 3 });
    expect(await titles(`${base}/sitemap.xml`)).toEqual([
      "Stigla nova pomoć EU za bolnice u Nišu",
      "Вучић и Путин разговарали о Косову",
      "Кинески лекари стигли у Београд, донели респираторе",
    ]);
    const port = new URL(base).port;
    const paths = hits.filter((h) => h.startsWith(port)).map((h) => h.slice(port.length + 1));
    // each sitemap requested once; the old child, the disallowed one and the loop back never
    expect(paths.sort()).toEqual(["/sitemap.xml", "/sm/latin.xml.gz", "/sm/nested.xml", "/sm/news.xml"]);
    const children = await t.db
      .selectFrom("sitemap_children")
      .select(["url", "last_error", "items_new", "depth"])
      .orderBy("url")
      .execute();
    expect(children.find((c) => c.url.endsWith("/sm/private.xml"))?.last_error).toMatch(/robots_disallowed/);
    expect(children.find((c) => c.url.endsWith("/sm/latin.xml.gz"))?.depth).toBe(2);
    const f = await feed(`${base}/sitemap.xml`);
    expect(f.next_fetch_at.getTime()).toBeGreaterThan(Date.now());
    const themes = await t.db
      .selectFrom("article_themes")
      .select("theme")
      .distinct()
      .orderBy("theme")
      .execute();
    expect(themes.map((r) => r.theme)).toEqual(
      expect.arrayContaining(["chinese_aid", "eu_aid", "kosovo", "putin", "vucic"]),
    );
  });

  it("on the next poll fetches no child whose lastmod did not change", async () => {
    await t.db
      .updateTable("feeds")
      .set({ next_fetch_at: new Date() })
      .where("url", "=", `${base}/sitemap.xml`)
      .execute();
    hits.length = 0;
    const { result } = await poll(`${base}/sitemap.xml`);
    expect(result).toMatchObject({ outcome: "ok", itemsNew: 0 });
    const port = new URL(base).port;
    expect(hits.filter((h) => h.startsWith(port))).toEqual([`${port} /sitemap.xml`]);
  });
});

describe("blocked by the server", () => {
  it("recognises Cloudflare and DDoS-Guard challenges as their own kind, with a slow retry", async () => {
    for (const path of ["/cf", "/ddg"]) {
      const { result } = await poll(`${base}${path}`);
      expect(result).toMatchObject({ outcome: "error" });
      const f = await feed(`${base}${path}`);
      expect(f.last_error_kind).toBe("blocked_by_server");
      expect(f.last_status).toBe(403);
      expect(f.next_fetch_at.getTime() - Date.now()).toBeGreaterThan(5.9 * 3600 * 1000);
    }
    expect((await feed(`${base}/cf`)).last_error).toMatch(
      /cloudflare bot protection \(cf-mitigated: challenge\)/,
    );
    expect((await feed(`${base}/ddg`)).last_error).toMatch(/ddos-guard/);
    const health = await feedHealth(t.db);
    expect(health.find((h) => h.url === `${base}/cf`)?.state).toBe("blocked");
  });

  it("keeps a plain 403 an ordinary 4xx", async () => {
    await poll(`${base}/plain403`);
    expect((await feed(`${base}/plain403`)).last_error_kind).toBe("http_4xx");
  });

  it("sends a feed's own headers (set with permission) and keeps the honest user agent", async () => {
    const { result } = await poll(`${base}/needs-token`);
    expect(result).toMatchObject({ outcome: "ok", itemsNew: 1 });
  });
});
