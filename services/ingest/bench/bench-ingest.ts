// End-to-end ingest throughput: local feeds → scheduler tick → ingest workers → Postgres, on this machine.
// Prints new items/s next to the parse-only rate (decode + parse + normalise) and the classify-only rate,
// so the ratio shows the pipeline's overhead. Figures are printed, never asserted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "@vesti/config";
import { createDb, dropDatabase, ensureDatabase, migrateToLatest, syncSources } from "@vesti/db";
import { readFeed } from "@vesti/feeds";
import { isIdle, QueueName } from "@vesti/queue";
import { openServiceContext } from "@vesti/runtime";
import { enqueueDueFeeds } from "@vesti/scheduler";
import { defaultTaxonomy } from "@vesti/themes";
import { buildCorpus, rssFor } from "../../../test/support/corpus";
import { corpusSources, deleteRedisKeys, serveCorpus } from "../../../test/support/pipeline";
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

  console.log(`parse only (decode+parse+normalise): ${Math.round(parseRate)} items/s`);
  console.log(`classify only (language+themes):     ${Math.round(classifyRate)} items/s`);

  // 3. the whole pipeline, in both modes, on the same corpus and servers
  const served = await serveCorpus(corpus, HOSTS);
  const common = {
    FETCH_ALLOW_PRIVATE_NETWORKS: "true",
    HOST_MIN_SPACING_MS: "0",
    INGEST_CONCURRENCY: String(HOSTS.length),
    LOG_LEVEL: "warn",
  };
  const home = mkdtempSync(join(tmpdir(), "vesti-bench-embedded-"));
  try {
    await resetDatabase(DB_URL);
    const prefix = `vesti-bench-${process.pid}`;
    const distributed = await pipelineRun(
      { ...common, DATABASE_URL: DB_URL, REDIS_URL, QUEUE_PREFIX: prefix },
      corpus,
      served.urls,
    );
    await deleteRedisKeys(REDIS_URL, prefix);
    report("distributed (BullMQ on Redis, PostgreSQL server)", distributed, parseRate);

    const port = String(54400 + (process.pid % 500));
    const embeddedEnv = { ...common, VESTI_HOME: home, EMBEDDED_PG_PORT: port };
    const embedded = await pipelineRun(embeddedEnv, corpus, served.urls);
    report("embedded (in-process jobs, embedded PostgreSQL)", embedded, parseRate);
    // A second start on the same folder: the server is created already.
    const restart = await pipelineRun(embeddedEnv, corpus, served.urls, { startOnly: true });
    console.log(
      `embedded start-up: ${embedded.startupMs.toFixed(0)} ms the first time (initdb + start + migrate), ` +
        `${restart.startupMs.toFixed(0)} ms on a restart`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
    await served.close();
  }
}

interface RunFigures {
  startupMs: number;
  stored: number;
  seconds: number;
}

function report(label: string, r: RunFigures, parseRate: number) {
  const rate = r.stored / r.seconds;
  console.log(
    `end-to-end ingest, ${label}: ${r.stored} new items in ${r.seconds.toFixed(2)} s = ${Math.round(rate)} new items/s ` +
      `(goal ≥ 1500; ${((rate / parseRate) * 100).toFixed(0)}% of the parse-only rate)`,
  );
}

/** Opens a context on `env`'s mode, syncs the corpus's sources, fetches every feed once and counts. */
async function pipelineRun(
  env: Record<string, string>,
  corpus: ReturnType<typeof buildCorpus>,
  urls: string[],
  options: { startOnly?: boolean } = {},
): Promise<RunFigures> {
  const t0 = performance.now();
  const ctx = await openServiceContext("bench", { config: parseConfig(env) });
  try {
    await ensureDatabase(ctx.databaseUrl);
    await migrateToLatest(ctx.db);
    const startupMs = performance.now() - t0;
    if (options.startOnly) return { startupMs, stored: 0, seconds: 0 };
    await syncSources(ctx.db, corpusSources(corpus, urls));
    await startIngestWorkers(ctx);
    const fetchQueue = ctx.jobs.queue(QueueName.FeedFetch);
    const t1 = performance.now();
    await enqueueDueFeeds(ctx.db, fetchQueue, new Date());
    while (!(await isIdle(fetchQueue))) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t1) / 1000;
    const stored = await ctx.db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return { startupMs, stored: stored.n, seconds };
  } finally {
    await ctx.shutdown.shutdown("bench done");
  }
}

await main();
