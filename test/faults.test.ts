import { createQueue, isQueueIdle, QueueName } from "@vesti/queue";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db/test-support/test-database";
import { buildCorpus, expectedCounts } from "./support/corpus";
import {
  seedSources,
  serveCorpus,
  sorted,
  storedCounts,
  testEnv,
  uniquePrefix,
  waitFor,
  weeklyRollupMismatches,
} from "./support/pipeline";
import { freePort, RedisInstance, RefusingProxy, startService, stopProcess } from "./support/processes";

// Faults during a run: the ingest worker is SIGKILLed and restarted, Redis restarts, Postgres refuses
// connections for a while. Afterwards the counts must be exactly right: nothing lost, nothing twice.
const corpus = buildCorpus({ feedCount: 60, itemsPerFeed: 25, days: 7, seed: 7 });
const expected = expectedCounts(corpus);

let t: TestDatabase;
let redis: RedisInstance;
let proxy: RefusingProxy;
let served: Awaited<ReturnType<typeof serveCorpus>>;
let env: Record<string, string>;
const children: ReturnType<typeof startService>[] = [];

async function fetchedFeeds(): Promise<number> {
  const row = await t.db
    .selectFrom("feeds")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("last_success_at", "is not", null)
    .executeTakeFirstOrThrow();
  return row.n;
}

beforeAll(async () => {
  t = await createTestDatabase();
  redis = new RedisInstance(await freePort());
  await redis.start();
  const pg = new URL(t.url);
  proxy = new RefusingProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  await proxy.listen();
  const viaProxy = new URL(t.url);
  viaProxy.port = String(proxy.port);
  // Slow responses so that the run lasts long enough to be interrupted three times.
  served = await serveCorpus(corpus, ["127.0.0.1", "127.0.0.2", "127.0.0.3"], 350);
  await seedSources(t.db, corpus, served.urls);
  env = {
    ...testEnv(viaProxy.toString(), redis.url, uniquePrefix()),
    // A killed worker's host slots expire after the longest request they allow (plus 5 s): keep that
    // short, so the restarted worker is not kept waiting past the test's patience.
    FETCH_TOTAL_TIMEOUT_MS: "5000",
    PAGE_FETCH_TIMEOUT_MS: "5000",
  };
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopProcess(c, "SIGKILL")));
  await served?.close();
  await proxy?.close();
  await redis?.destroy();
  await t?.destroy();
});

describe("faults during a run", () => {
  it("recovers from a killed worker, a Redis restart and a Postgres outage with exact counts", async () => {
    children.push(startService("scheduler", env));
    let ingest = startService("ingest", env);
    children.push(ingest);

    await waitFor("a first batch of feeds", async () => (await fetchedFeeds()) >= 8, 60_000, 50);
    await stopProcess(ingest, "SIGKILL");
    const atKill = await fetchedFeeds();
    expect(atKill).toBeLessThan(corpus.feedCount);
    ingest = startService("ingest", env);
    children.push(ingest);

    await waitFor(
      "more feeds after the restart",
      async () => (await fetchedFeeds()) >= atKill + 8,
      60_000,
      50,
    );
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();

    const atRedis = await fetchedFeeds();
    await waitFor(
      "more feeds after Redis came back",
      async () => (await fetchedFeeds()) >= atRedis + 8,
      90_000,
      50,
    );
    expect(await fetchedFeeds()).toBeLessThan(corpus.feedCount);
    await proxy.refuseFor(3000);

    await waitFor("every feed", async () => (await fetchedFeeds()) === corpus.feedCount, 180_000, 250);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = createQueue(QueueName.FeedFetch, { connection, prefix: env.QUEUE_PREFIX! });
    await waitFor("an idle fetch queue", () => isQueueIdle(queue), 60_000);
    await queue.close();
    connection.disconnect();

    const stored = await storedCounts(t.db);
    expect(stored.total).toBe(expected.total);
    expect(sorted(stored.articles)).toEqual(sorted(expected.articles));
    expect(sorted(stored.mentions)).toEqual(sorted(expected.mentions));
    expect(await weeklyRollupMismatches(t.db)).toEqual([]);
    const themes = await t.db
      .selectFrom("article_themes")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(themes.n).toBe([...expected.mentions.values()].reduce((a, b) => a + b, 0));
  });
});
