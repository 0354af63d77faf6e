import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseConfig } from "@vesti/config";
import { syncSources } from "@vesti/db";
import { createRedis, RedisHostGate } from "@vesti/queue";
import { createLogger, createMetrics } from "@vesti/runtime";
import { defaultTaxonomy } from "@vesti/themes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { type FetchFeedDeps, processFetchFeed } from "../src/processors/fetch-feed";

// The fetch stage against a real HTTP server, Postgres and Redis: conditional GET, servers that ignore
// it, Retry-After, permanent failures, and the feed's polling state after each.

const rss = (items: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>http://x/</link>` +
  `<description>d</description><ttl>60</ttl>${items.map((t, i) => `<item><title>${t}</title><link>http://x/${i}</link><pubDate>Mon, 02 Mar 2026 10:0${i}:00 +0100</pubDate></item>`).join("")}</channel></rss>`;

const BODY = rss(["Vučić u Moskvi", "Kina donirala Srbiji maske", "Sutra kiša"]);
let server: Server;
let base = "";
let moved = true;
let t: TestDatabase;
let deps: FetchFeedDeps;
const redis = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case "/etag":
        if (req.headers["if-none-match"] === '"v1"') return void res.writeHead(304).end();
        return void res.writeHead(200, { etag: '"v1"', "content-type": "application/rss+xml" }).end(BODY);
      case "/liar":
        // ignores conditional GET, always 200 with the same bytes
        return void res.writeHead(200, { etag: `"${Math.random()}"` }).end(BODY);
      case "/busy":
        return void res.writeHead(429, { "retry-after": "1200" }).end();
      case "/gone":
        return void res.writeHead(410).end();
      case "/old":
        // moved for good while `moved` is set, served in place afterwards
        if (moved) return void res.writeHead(301, { location: "/new" }).end();
        return void res.writeHead(200, { "content-type": "application/rss+xml" }).end(BODY);
      case "/new":
        return void res.writeHead(200, { "content-type": "application/rss+xml" }).end(BODY);
      default:
        return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "n1",
      name: "N1",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: ["/etag", "/liar", "/busy", "/gone", "/old"].map((p) => ({ url: base + p })),
    },
  ]);
  const config = parseConfig({ FETCH_ALLOW_PRIVATE_NETWORKS: "true", LOG_LEVEL: "silent" });
  deps = {
    db: t.db,
    config,
    taxonomy: defaultTaxonomy(),
    hostGate: new RedisHostGate(redis, {
      prefix: `vesti-fetch-test-${process.pid}`,
      spacingMs: 0,
      holdMs: 5000,
    }),
    metrics: createMetrics("test"),
    logger: createLogger("test", "silent"),
  };
});
afterAll(async () => {
  server.close();
  await redis.quit();
  await t.destroy();
});

async function feed(path: string) {
  return t.db
    .selectFrom("feeds")
    .selectAll()
    .where("url", "=", base + path)
    .executeTakeFirstOrThrow();
}
async function fetchNow(path: string) {
  const f = await feed(path);
  return processFetchFeed(deps, { feedId: f.id, dueAt: f.next_fetch_at.toISOString() });
}

describe("processFetchFeed", () => {
  it("stores new items, then sends the ETag and stores nothing on 304", async () => {
    const first = await fetchNow("/etag");
    expect(first).toMatchObject({ status: "fetched", outcome: "ok", itemsFound: 3, itemsNew: 3 });
    const after = await feed("/etag");
    expect(after.etag).toBe('"v1"');
    // the feed's own ttl (60 min) is a floor for the next interval
    expect(after.interval_seconds).toBeGreaterThanOrEqual(3600);
    expect(after.next_fetch_at.getTime()).toBeGreaterThan(Date.now());
    // a job for the old due time is a no-op
    const stale = await processFetchFeed(deps, { feedId: after.id, dueAt: new Date(0).toISOString() });
    expect(stale.status).toBe("skipped");

    const second = await fetchNow("/etag");
    expect(second).toMatchObject({ outcome: "not_modified", itemsNew: 0 });
    const themes = await t.db.selectFrom("article_themes").select("theme").execute();
    expect(themes.map((r) => r.theme).sort()).toEqual(["chinese_aid", "mask_diplomacy", "vucic"]);
  });

  it("recognises a server that ignores conditional GET by the content hash", async () => {
    expect(await fetchNow("/liar")).toMatchObject({ outcome: "ok" });
    expect(await fetchNow("/liar")).toMatchObject({ outcome: "unchanged", itemsNew: 0 });
  });

  it("honours Retry-After and counts a 429 as a soft failure", async () => {
    expect(await fetchNow("/busy")).toMatchObject({ outcome: "error" });
    const f = await feed("/busy");
    expect(f.failure_count).toBeGreaterThan(0);
    expect(f.failure_count).toBeLessThan(1);
    expect(f.failing).toBe(false);
    expect(f.next_fetch_at.getTime() - Date.now()).toBeGreaterThan(1100 * 1000);
    expect(f.last_error).toMatch(/rate_limited/);
  });

  it("marks a 410 feed failing but still schedules a rare retry", async () => {
    expect(await fetchNow("/gone")).toMatchObject({ outcome: "error" });
    const f = await feed("/gone");
    expect(f.failing).toBe(true);
    expect(f.failure_count).toBeGreaterThanOrEqual(1);
    expect(f.next_fetch_at.getTime()).toBeGreaterThan(Date.now());
    const log = await t.db
      .selectFrom("feed_fetches")
      .select(["outcome", "status"])
      .where("feed_id", "=", f.id)
      .execute();
    expect(log).toEqual([{ outcome: "error", status: 410 }]);
  });

  it("records a permanent redirect for the operator, keeps the feed's URL, and clears it when it stops", async () => {
    expect(await fetchNow("/old")).toMatchObject({ outcome: "ok", itemsFound: 3 });
    const f = await feed("/old");
    expect(f.moved_to).toBe(`${base}/new`);
    expect(f.moved_at).not.toBeNull();
    moved = false;
    await t.db.updateTable("feeds").set({ next_fetch_at: new Date() }).where("id", "=", f.id).execute();
    expect(await fetchNow("/old")).toMatchObject({ outcome: "unchanged" });
    expect((await feed("/old")).moved_to).toBeNull();
  });
});
