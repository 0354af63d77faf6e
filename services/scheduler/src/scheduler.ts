import { pruneFetchLog } from "@vesti/db";
import { createMailTransport, DigestDeliveryError, type DigestRun } from "@vesti/digest";
import {
  ALERTS_SCHEDULER_ID,
  createQueue,
  DIGEST_SCHEDULER_ID,
  FEED_TICK_SCHEDULER_ID,
  parsePayload,
  QueueName,
} from "@vesti/queue";
import type { ServiceContext } from "@vesti/runtime";
import { Worker } from "bullmq";
import { type AlertsRun, AlertsRunError, processDetectAlerts } from "./processors/detect-alerts";
import { enqueueDueFeeds } from "./processors/enqueue-due-feeds";
import { processSendDigest } from "./processors/send-digest";

/**
 * Upserts the job schedulers (idempotent: two schedulers starting at once leave one) and runs their
 * workers: the tick that turns due feeds into fetch jobs, and the weekly digest. Used by
 * services/scheduler and by `vesti run`.
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

  // The weekly digest: a cron job scheduler. Its job names no week, so it reports on the last complete
  // one; `vesti digest send --week` enqueues a job for a given week instead.
  const digestQueue = createQueue(QueueName.Digest, ctx.queues);
  await digestQueue.upsertJobScheduler(
    DIGEST_SCHEDULER_ID,
    { pattern: config.DIGEST_CRON, tz: config.DIGEST_TIME_ZONE },
    { name: "digest", data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  const transport = createMailTransport(config.SMTP_URL);
  const digestWorker = new Worker(
    QueueName.Digest,
    async (job) => {
      const count = (run: DigestRun) => {
        ctx.metrics.digestMessages.inc({ outcome: "sent" }, run.sent);
        ctx.metrics.digestMessages.inc({ outcome: "failed" }, run.failed.length);
      };
      try {
        const run = await processSendDigest(
          { db: ctx.db, transport, from: config.DIGEST_FROM, logger: logger.child({ jobId: job.id }) },
          parsePayload(QueueName.Digest, job.data),
          new Date(),
        );
        count(run);
        return run;
      } catch (error) {
        if (error instanceof DigestDeliveryError) count(error.run);
        throw error;
      }
    },
    { connection: ctx.redis, prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  digestWorker.on("failed", (job, err) =>
    logger.error({ jobId: job?.id, err: err.message }, "digest failed"),
  );
  digestWorker.on("error", (err) => logger.error({ err: err.message }, "digest worker error"));

  // The spike detector on every saved query, after each day's counts settle (ALERTS_CRON); weekly
  // queries are tested on the first run after their ISO week ends (docs/alerts.md).
  const alertsQueue = createQueue(QueueName.Alerts, ctx.queues);
  await alertsQueue.upsertJobScheduler(
    ALERTS_SCHEDULER_ID,
    { pattern: config.ALERTS_CRON, tz: config.DIGEST_TIME_ZONE },
    { name: "alerts", data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  const alertsWorker = new Worker(
    QueueName.Alerts,
    async (job): Promise<AlertsRun> =>
      processDetectAlerts(
        {
          db: ctx.db,
          transport,
          from: config.DIGEST_FROM,
          logger: logger.child({ jobId: job.id }),
          metrics: ctx.metrics,
          now: () => new Date(),
        },
        parsePayload(QueueName.Alerts, job.data),
      ),
    { connection: ctx.redis, prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  alertsWorker.on("failed", (job, err) =>
    logger.error(
      { jobId: job?.id, err: err.message, partial: err instanceof AlertsRunError },
      "alerts failed",
    ),
  );
  alertsWorker.on("error", (err) => logger.error({ err: err.message }, "alerts worker error"));

  ctx.shutdown.add("scheduler", async () => {
    await Promise.all([tickWorker.close(), digestWorker.close(), alertsWorker.close()]);
    await Promise.all([tickQueue.close(), fetchQueue.close(), digestQueue.close(), alertsQueue.close()]);
    transport.close();
  });
  logger.info(
    { everyMs: every, digest: config.DIGEST_CRON, alerts: config.ALERTS_CRON, tz: config.DIGEST_TIME_ZONE },
    "job schedulers upserted",
  );
  return { tickQueue, fetchQueue, tickWorker, digestQueue, digestWorker, alertsQueue, alertsWorker };
}
