import { loadConfig } from "@vesti/config";
import { startIngestWorkers } from "@vesti/ingest";
import { createQueue, isQueueIdle, QueueName } from "@vesti/queue";
import { createServiceContext, startContextOpsServer } from "@vesti/runtime";
import { enqueueDueFeeds, startScheduler } from "@vesti/scheduler";
import type { Command } from "commander";
import { migrateDatabase } from "./db";
import { syncSourcesFile } from "./sources";

/**
 * The main job in one process: migrate, sync the sources file, then run the scheduler and the ingest
 * workers together. This is the single entry point the README's quick start runs; services/* run the same
 * pieces as separate processes.
 */
export async function runPipeline(options: { once: boolean; timeoutSeconds: number }): Promise<void> {
  const config = loadConfig();
  await migrateDatabase(config.DATABASE_URL);
  const ctx = createServiceContext("vesti");
  ctx.shutdown.listen();
  const report = await syncSourcesFile(ctx.db, config.SOURCES_FILE);
  ctx.logger.info(
    { outlets: report.outlets, feeds: { ...report.feeds, added: report.feeds.added.length } },
    "sources synced",
  );
  await startIngestWorkers(ctx);
  await startScheduler(ctx);
  await startContextOpsServer(ctx);
  if (!options.once) return;

  // --once: every active feed is due now; wait until the fetch queue is empty, then stop.
  await ctx.db.updateTable("feeds").set({ next_fetch_at: new Date() }).where("active", "=", true).execute();
  const fetchQueue = createQueue(QueueName.FeedFetch, ctx.queues);
  ctx.shutdown.add("once queue", () => fetchQueue.close());
  const { due } = await enqueueDueFeeds(ctx.db, fetchQueue, new Date());
  ctx.logger.info({ feeds: due }, "fetching every feed once");
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    if (await isQueueIdle(fetchQueue)) break;
    if (Date.now() > deadline) {
      ctx.logger.warn(await fetchQueue.getJobCounts(), "timed out waiting for the fetch queue");
      break;
    }
  }
  const summary = await ctx.db
    .selectFrom("feed_fetches")
    .select([
      "outcome",
      (eb) => eb.fn.countAll<number>().as("fetches"),
      (eb) => eb.fn.sum<number>("items_new").as("new"),
    ])
    .groupBy("outcome")
    .execute();
  ctx.logger.info({ summary }, "run complete");
  await ctx.shutdown.shutdown("--once finished");
}

export function registerRunCommands(program: Command): void {
  program
    .command("run")
    .description("migrate, sync sources, then schedule and ingest every feed (Ctrl-C to stop)")
    .option("--once", "fetch every active feed once, then exit", false)
    .option("--timeout <seconds>", "with --once: give up waiting after this long", "600")
    .action(async (opts: { once: boolean; timeout: string }) => {
      await runPipeline({ once: opts.once, timeoutSeconds: Number(opts.timeout) });
    });
}
