import { pruneFetchLog } from "@vesti/db";
import { createMailTransport, DigestDeliveryError, type DigestRun } from "@vesti/digest";
import {
  ALERTS_SCHEDULER_ID,
  DIGEST_SCHEDULER_ID,
  FEED_TICK_SCHEDULER_ID,
  parsePayload,
  QueueName,
} from "@vesti/queue";
import { type ServiceContext, timedHandler } from "@vesti/runtime";
import { processDetectAlerts } from "./processors/detect-alerts";
import { enqueueDueFeeds } from "./processors/enqueue-due-feeds";
import { enqueuePendingPages } from "./processors/enqueue-pending-pages";
import { processSendDigest } from "./processors/send-digest";

/**
 * Upserts the job schedulers (idempotent: two schedulers starting at once leave one) and runs their
 * handlers on the context's job platform: the tick that turns due feeds into fetch jobs (and enqueues the
 * page fetches of articles still without a body), and the weekly digest. Used by services/scheduler and by `vesti run`.
 */
export async function startScheduler(ctx: ServiceContext, options: { tickSeconds?: number } = {}) {
  const { config, logger } = ctx;
  const fetchQueue = ctx.jobs.queue(QueueName.FeedFetch);
  const pageQueue = ctx.jobs.queue(QueueName.ArticleFetch);
  const every = (options.tickSeconds ?? config.SCHEDULER_TICK_SECONDS) * 1000;

  ctx.jobs.work(
    QueueName.FeedTick,
    timedHandler(ctx, QueueName.FeedTick, async (job) => {
      parsePayload(QueueName.FeedTick, job.data);
      const now = new Date();
      const result = await enqueueDueFeeds(ctx.db, fetchQueue, now);
      if (result.due > 0) logger.info({ jobId: job.id, due: result.due }, "due feeds enqueued");
      // Page fetches the feed jobs did not get to enqueue (a crash, a restart): deduplicated by job id.
      const pages = await enqueuePendingPages(ctx.db, pageQueue, {
        now,
        days: config.PAGE_FETCH_CATCH_UP_DAYS,
        spacingMs: config.PAGE_FETCH_MIN_SPACING_MS,
      });
      if (pages.pending > 0) logger.debug({ pending: pages.pending }, "articles without a body (re)enqueued");
      const pruned = await pruneFetchLog(ctx.db, config.FETCH_LOG_RETENTION_DAYS);
      if (pruned > 0) logger.info({ pruned }, "old fetch history pruned");
      return { ...result, pendingPages: pages.pending, pruned };
    }),
    { concurrency: 1 },
  );

  // The weekly digest: a cron job scheduler. Its job names no week, so it reports on the last complete
  // one; `vesti digest send --week` enqueues a job for a given week instead.
  const transport = createMailTransport(config.SMTP_URL);
  ctx.shutdown.add("mail transport", async () => transport.close());
  ctx.jobs.work(
    QueueName.Digest,
    timedHandler(ctx, QueueName.Digest, async (job) => {
      const count = (run: DigestRun) => {
        ctx.metrics.digestMessages.inc({ outcome: "sent" }, run.sent);
        ctx.metrics.digestMessages.inc({ outcome: "failed" }, run.failed.length);
      };
      try {
        const run = await processSendDigest(
          {
            db: ctx.db,
            transport,
            from: config.DIGEST_FROM,
            logger: logger.child({ jobId: job.id }),
            ...(config.WEB_PUBLIC_URL ? { publicUrl: config.WEB_PUBLIC_URL } : {}),
          },
          parsePayload(QueueName.Digest, job.data),
          new Date(),
        );
        count(run);
        return run;
      } catch (error) {
        if (error instanceof DigestDeliveryError) count(error.run);
        throw error;
      }
    }),
    { concurrency: 1 },
  );

  // The spike detector on every saved query, after each day's counts settle (ALERTS_CRON); weekly
  // queries are tested on the first run after their ISO week ends (docs/alerts.md).
  ctx.jobs.work(
    QueueName.Alerts,
    timedHandler(ctx, QueueName.Alerts, async (job) =>
      processDetectAlerts(
        {
          db: ctx.db,
          transport,
          from: config.DIGEST_FROM,
          logger: logger.child({ jobId: job.id }),
          ...(config.WEB_PUBLIC_URL ? { publicUrl: config.WEB_PUBLIC_URL } : {}),
          metrics: ctx.metrics,
          now: () => new Date(),
        },
        parsePayload(QueueName.Alerts, job.data),
      ),
    ),
    { concurrency: 1 },
  );

  await ctx.jobs.schedule(FEED_TICK_SCHEDULER_ID, QueueName.FeedTick, { every }, { name: "tick", data: {} });
  await ctx.jobs.schedule(
    DIGEST_SCHEDULER_ID,
    QueueName.Digest,
    { pattern: config.DIGEST_CRON, tz: config.DIGEST_TIME_ZONE },
    { name: "digest", data: {} },
  );
  await ctx.jobs.schedule(
    ALERTS_SCHEDULER_ID,
    QueueName.Alerts,
    { pattern: config.ALERTS_CRON, tz: config.DIGEST_TIME_ZONE },
    { name: "alerts", data: {} },
  );
  logger.info(
    {
      everyMs: every,
      digest: config.DIGEST_CRON,
      alerts: config.ALERTS_CRON,
      tz: config.DIGEST_TIME_ZONE,
      jobs: ctx.jobs.kind,
    },
    "job schedulers upserted",
  );
}
