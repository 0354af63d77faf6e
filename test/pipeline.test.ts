import { parseConfig } from "@vesti/config";
import { type Database, ensureDatabase, migrateToLatest, syncSources } from "@vesti/db";
import { startIngestWorkers } from "@vesti/ingest";
import { isIdle, QueueName } from "@vesti/queue";
import { openServiceContext, type ServiceContext } from "@vesti/runtime";
import { startScheduler } from "@vesti/scheduler";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db/test-support/test-database";
import { buildCorpus, expectedCounts } from "./support/corpus";
import { embeddedHome } from "./support/embedded";
import { type FeedServer, startFeedServer } from "./support/feed-server";
import {
  allFeedsFetched,
  corpusSources,
  deleteRedisKeys,
  pipelineEnv,
  serveCorpus,
  sorted,
  storedCounts,
  testEnv,
  uniquePrefix,
  waitFor,
  weeklyRollupMismatches,
} from "./support/pipeline";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
// 60 feeds on four loopback hosts, 30 items each, over ten days.
const corpus = buildCorpus({ feedCount: 60, itemsPerFeed: 30, days: 10 });
const expected = expectedCounts(corpus);

// The same feeds, through the same processors, in both modes: the distributed one (BullMQ over Redis, a
// PostgreSQL server) and the embedded one (the in-process runner, an embedded PostgreSQL); the same
// counts and tags must come out.
describe.each(["distributed", "embedded"] as const)("the pipeline, end to end (%s mode)", (mode) => {
  let t: TestDatabase | undefined;
  let home: Awaited<ReturnType<typeof embeddedHome>> | undefined;
  let db: Kysely<Database>;
  let ctx: ServiceContext;
  let served: Awaited<ReturnType<typeof serveCorpus>>;
  let broken: FeedServer;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    if (mode === "distributed") {
      t = await createTestDatabase();
      ctx = await openServiceContext("e2e", { config: parseConfig(testEnv(t.url, REDIS_URL, prefix)) });
    } else {
      home = await embeddedHome();
      ctx = await openServiceContext("e2e", { config: parseConfig({ ...pipelineEnv(prefix), ...home.env }) });
      await ensureDatabase(ctx.databaseUrl);
      await migrateToLatest(ctx.db);
    }
    db = ctx.db;
    served = await serveCorpus(corpus, ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]);

    // Broken feeds beside the good ones, on the same hosts: each must fail alone.
    broken = await startFeedServer(
      new Map([
        ["/html", "<!doctype html><html><body><h1>Not a feed</h1></body></html>"],
        ["/truncated", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>cut'],
        ["/json", '{"items": []}'],
        ["/empty", ""],
      ]),
      { host: "127.0.0.2" },
    );
    await syncSources(db, [
      ...corpusSources(corpus, served.urls),
      {
        id: "broken",
        name: "Broken outlet",
        country: "RS",
        language: "sr",
        timeZone: "Europe/Belgrade",
        feeds: ["/html", "/truncated", "/json", "/empty", "/missing"].map((p) => ({
          url: `${broken.baseUrl}${p}`,
        })),
      },
    ]);
    await startIngestWorkers(ctx);
    await startScheduler(ctx);
  });

  afterAll(async () => {
    await ctx?.shutdown.shutdown("test done");
    await deleteRedisKeys(REDIS_URL, prefix);
    await served?.close();
    await broken?.close();
    await t?.destroy();
    await home?.remove();
  });

  it("ingests every feed through the scheduler tick and the workers", async () => {
    expect(ctx.jobs.kind).toBe(mode === "distributed" ? "bullmq" : "in-process");
    await waitFor("every good feed fetched", () => allFeedsFetched(db, "broken"), 120_000);
    const fetchQueue = ctx.jobs.queue(QueueName.FeedFetch);
    await waitFor("an idle fetch queue", () => isIdle(fetchQueue), 30_000);
    for (const server of served.servers) expect(server.requests.size).toBe(15);
  });

  it("records each broken feed's own error and keeps the others unaffected", async () => {
    await waitFor(
      "every broken feed tried",
      async () =>
        (
          await db
            .selectFrom("feeds")
            .select("id")
            .where("outlet_id", "=", "broken")
            .where("last_error", "is", null)
            .execute()
        ).length === 0,
      30_000,
    );
    const rows = await db
      .selectFrom("feeds")
      .select(["url", "last_error", "failure_count", "last_success_at"])
      .where("outlet_id", "=", "broken")
      .execute();
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r.last_success_at).toBeNull();
      expect(r.failure_count).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.url.endsWith("/missing"))?.last_error).toMatch(/404/);
    expect(rows.find((r) => r.url.endsWith("/html"))?.last_error).toMatch(/^parse: /);
  });

  it("stores each distinct item once (wire copies across an outlet's feeds included)", async () => {
    const n = await db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(expected.total);
    expect(expected.total).toBeLessThan(corpus.items.length);
  });

  it("gives every article the language of its text", async () => {
    const rows = await db.selectFrom("articles").select(["title", "lang", "script"]).execute();
    const byTitle = new Map(corpus.items.map((it) => [it.title, it.template]));
    const wrong = rows.filter(
      (r) => byTitle.get(r.title)?.lang !== r.lang || byTitle.get(r.title)?.script !== r.script,
    );
    expect(wrong).toEqual([]);
  });

  it("counts exactly what the fixtures hold, theme by theme and day by day", async () => {
    const stored = await storedCounts(db);
    expect(stored.total).toBe(expected.total);
    expect(sorted(stored.articles)).toEqual(sorted(expected.articles));
    expect(sorted(stored.mentions)).toEqual(sorted(expected.mentions));
    expect(await weeklyRollupMismatches(db)).toEqual([]);
  });

  it("shows days without mentions as zeros in the analysts' view", async () => {
    const zeros = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM analytics.theme_daily WHERE mentions = 0 AND articles > 0`.execute(db);
    expect(zeros.rows[0]!.n).toBeGreaterThan(0);
  });
});
