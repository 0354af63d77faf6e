// End-to-end ingest throughput: local feeds → scheduler tick → ingest workers → Postgres, on this machine.
// Prints new items/s next to the parse-only rate (decode + parse + normalise) and the classify-only rate,
// so the ratio shows the pipeline's overhead. Figures are printed, never asserted.
import { parseConfig } from "@vesti/config";
import { createDb, dropDatabase, ensureDatabase, migrateToLatest, syncSources } from "@vesti/db";
import { readFeed } from "@vesti/feeds";
import { createQueue, isQueueIdle, QueueName } from "@vesti/queue";
import { createServiceContext } from "@vesti/runtime";
import { enqueueDueFeeds } from "@vesti/scheduler";
import { defaultTaxonomy } from "@vesti/themes";
import { buildCorpus, rssFor } from "../../../test/support/corpus";
import { corpusSources, serveCorpus } from "../../../test/support/pipeline";
import { classifyItem } from "../src/classify";
import { startIngestWorkers } from "../src/workers";

const FEEDS = Number(process.env.BENCH_INGEST_FEEDS ?? 40);
const ITEMS = Number(process.env.BENCH_INGEST_ITEMS ?? 500);
const DB_URL =
  process.env.BENCH_DATABASE_URL_INGEST ?? "postgres://postgres@127.0.0.1:5432/vesti_bench_ingest";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const HOSTS = [
  "127.0.0.1",
  "127.0.0.2",
  "127.0.0.3",
  "127.0.0.4",
  "127.0.0.5",
  "127.0.0.6",
  "127.0.0.7",
  "127.0.0.8",
];

async function resetDatabase(url: string) {
  await dropDatabase(url);
  await ensureDatabase(url);
  const db = createDb(url, { poolSize: 1 });
  await migrateToLatest(db);
  await db.destroy();
}

async function main() {
  const corpus = buildCorpus({ feedCount: FEEDS, itemsPerFeed: ITEMS, days: 30, seed: 1 });
  const bodies = Array.from({ length: FEEDS }, (_, f) => Buffer.from(rssFor(corpus, f)));
  const megabytes = bodies.reduce((s, b) => s + b.length, 0) / 1e6;
  console.log(
    `corpus: ${FEEDS} feeds × ${ITEMS} items = ${corpus.items.length} items, ${megabytes.toFixed(1)} MB`,
  );

  // 1. parse only
  let t0 = performance.now();
  let parsed = 0;
  const allItems = [];
  for (const body of bodies) {
    const r = await readFeed(body, {
      feedUrl: "http://127.0.0.1/feed.xml",
      timeZone: "Europe/Belgrade",
      fetchedAt: new Date(),
    });
    parsed += r.items.length;
    allItems.push(...r.items);
  }
  const parseRate = parsed / ((performance.now() - t0) / 1000);
  // 2. classify only (language + themes)
  const taxonomy = defaultTaxonomy();
  t0 = performance.now();
  for (const it of allItems)
    classifyItem(taxonomy, { title: it.title ?? "", summary: it.summary, country: "RS" });
  const classifyRate = allItems.length / ((performance.now() - t0) / 1000);

  // 3. the whole pipeline
  await resetDatabase(DB_URL);
  const served = await serveCorpus(corpus, HOSTS);
  const ctx = createServiceContext(
    "bench",
    parseConfig({
      DATABASE_URL: DB_URL,
      REDIS_URL,
      QUEUE_PREFIX: `vesti-bench-${process.pid}`,
      FETCH_ALLOW_PRIVATE_NETWORKS: "true",
      HOST_MIN_SPACING_MS: "0",
      INGEST_CONCURRENCY: String(HOSTS.length),
      LOG_LEVEL: "warn",
    }),
  );
  try {
    await syncSources(ctx.db, corpusSources(corpus, served.urls));
    await startIngestWorkers(ctx);
    const fetchQueue = createQueue(QueueName.FeedFetch, ctx.queues);
    ctx.shutdown.add("bench queue", async () => {
      await fetchQueue.obliterate({ force: true });
      await fetchQueue.close();
    });
    t0 = performance.now();
    await enqueueDueFeeds(ctx.db, fetchQueue, new Date());
    while (!(await isQueueIdle(fetchQueue))) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t0) / 1000;
    const stored = await ctx.db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const pipelineRate = stored.n / seconds;
    console.log(`parse only (decode+parse+normalise): ${Math.round(parseRate)} items/s`);
    console.log(`classify only (language+themes):     ${Math.round(classifyRate)} items/s`);
    console.log(
      `end-to-end ingest: ${stored.n} new items in ${seconds.toFixed(2)} s = ${Math.round(pipelineRate)} new items/s ` +
        `(goal ≥ 1500; ${((pipelineRate / parseRate) * 100).toFixed(0)}% of the parse-only rate)`,
    );
  } finally {
    await ctx.shutdown.shutdown("bench done");
    await served.close();
  }
}

await main();
