import { pruneFetchLog } from "@vesti/db";
import { createQueue, FEED_TICK_SCHEDULER_ID, parsePayload, QueueName } from "@vesti/queue";
import type { ServiceContext } from "@vesti/runtime";
import { Worker } from "bullmq";
import { enqueueDueFeeds } from "./processors/enqueue-due-feeds";

/**
 * Upserts the job schedulers (idempotent: two schedulers starting at once leave one) and runs the tick
 * worker that turns due feeds into fetch jobs. Used by services/scheduler and by `vesti run`.
 */
export async function startScheduler(ctx: ServiceContext, options: { tickSeconds?: number } = {}) {
  const { config, logger } = ctx;
  const tickQueue = createQueue(QueueName.FeedTick, ctx.queues);
  const fetchQueue = createQueue(QueueName.FeedFetch, ctx.queues);
  const every = (options.tickSeconds ?? config.SCHEDULER_TICK_SECONDS) * 1000;
  await tickQueue.upsertJobScheduler(
    FEED_TICK_SCHEDULER_ID,
    { every },
    { name: "tick", data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );

  const tickWorker = new Worker(
    QueueName.FeedTick,
    async (job) => {
      parsePayload(QueueName.FeedTick, job.data);
      const result = await enqueueDueFeeds(ctx.db, fetchQueue, new Date());
      if (result.due > 0) logger.info({ jobId: job.id, due: result.due }, "due feeds enqueued");
      const pruned = await pruneFetchLog(ctx.db, config.FETCH_LOG_RETENTION_DAYS);
      if (pruned > 0) logger.info({ pruned }, "old fetch history pruned");
      return { ...result, pruned };
    },
    { connection: ctx.redis, prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  tickWorker.on("failed", (job, err) => logger.error({ jobId: job?.id, err: err.message }, "tick failed"));
  tickWorker.on("error", (err) => logger.error({ err: err.message }, "tick worker error"));

  ctx.shutdown.add("scheduler", async () => {
    await tickWorker.close();
    await Promise.all([tickQueue.close(), fetchQueue.close()]);
  });
  logger.info({ everyMs: every }, "job schedulers upserted");
  return { tickQueue, fetchQueue, tickWorker };
}
