import { activateTaxonomyVersion } from "@vesti/db";
import { preloadLexicons } from "@vesti/langid";
import { createQueue, parsePayload, QueueName, RETAG_JOB_ID } from "@vesti/queue";
import type { ServiceContext } from "@vesti/runtime";
import { defaultTaxonomy, type Taxonomy } from "@vesti/themes";
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import { ZodError } from "zod";
import { HostGate } from "./host-gate";
import { processFetchFeed } from "./processors/fetch-feed";
import { processRetag } from "./processors/retag";

export interface IngestOptions {
  taxonomy?: Taxonomy;
  concurrency?: number;
}

/**
 * Starts the ingest workers (feed fetches and retag runs) on an existing service context and registers
 * them with its shutdown path. Used by services/ingest and by `vesti run`.
 */
export async function startIngestWorkers(ctx: ServiceContext, options: IngestOptions = {}) {
  const { config, logger, metrics } = ctx;
  const taxonomy = options.taxonomy ?? defaultTaxonomy();
  // Language ID's dictionaries take about a second to load: before the first job, not inside it.
  preloadLexicons();
  const hostGate = new HostGate(ctx.redis, {
    prefix: `${config.QUEUE_PREFIX}:politeness`,
    spacingMs: config.HOST_MIN_SPACING_MS,
    holdMs: config.FETCH_TOTAL_TIMEOUT_MS + 5_000,
  });

  const timed = async <T>(queue: string, job: Job, fn: () => Promise<T>): Promise<T> => {
    const end = metrics.jobDuration.startTimer({ queue });
    try {
      const result = await fn();
      end({ status: "ok" });
      return result;
    } catch (error) {
      end({ status: error instanceof DelayedError ? "delayed" : "error" });
      if (error instanceof ZodError)
        throw new UnrecoverableError(`invalid payload for job ${job.id}: ${error.message}`);
      throw error;
    }
  };

  const fetchWorker = new Worker(
    QueueName.FeedFetch,
    async (job, token) =>
      timed(QueueName.FeedFetch, job, async () => {
        const payload = parsePayload(QueueName.FeedFetch, job.data);
        const result = await processFetchFeed(
          { db: ctx.db, config, taxonomy, hostGate, metrics, logger: logger.child({ jobId: job.id }) },
          payload,
        );
        if (result.status === "host_busy") {
          // Politeness: come back when the host's slot frees, without holding a worker slot meanwhile.
          await job.moveToDelayed(Date.now() + result.waitMs + Math.floor(Math.random() * 250), token);
          throw new DelayedError();
        }
        return result;
      }),
    {
      connection: ctx.redis,
      prefix: config.QUEUE_PREFIX,
      concurrency: options.concurrency ?? config.INGEST_CONCURRENCY,
      // A crashed worker's job is retried once its lock expires; renewals run between classify chunks.
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.JOB_LOCK_MS,
      maxStalledCount: 3,
    },
  );

  const retagWorker = new Worker(
    QueueName.Retag,
    async (job) =>
      timed(QueueName.Retag, job, async () => {
        const payload = parsePayload(QueueName.Retag, job.data);
        return processRetag(
          {
            db: ctx.db,
            taxonomy,
            onProgress: async (p) => {
              await job.updateProgress({ articlesDone: p.articlesDone, lastArticleId: p.lastArticleId });
            },
          },
          payload,
        );
      }),
    {
      connection: ctx.redis,
      prefix: config.QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.JOB_LOCK_MS,
    },
  );

  for (const w of [fetchWorker, retagWorker]) {
    w.on("failed", (job, err) =>
      logger.error(
        { jobId: job?.id, queue: w.name, err: err.message, attempts: job?.attemptsMade },
        "job failed",
      ),
    );
    w.on("error", (err) => logger.error({ queue: w.name, err: err.message }, "worker error"));
  }
  ctx.shutdown.add("ingest workers", () => Promise.all([fetchWorker.close(), retagWorker.close()]));

  // This process's taxonomy becomes the current one; articles tagged by another are retagged once.
  const activation = await activateTaxonomyVersion(ctx.db, taxonomy.version);
  if (activation.staleArticles) {
    const retagQueue = createQueue(QueueName.Retag, ctx.queues);
    await retagQueue.add("retag", { toVersion: taxonomy.version }, { jobId: RETAG_JOB_ID(taxonomy.version) });
    await retagQueue.close();
    logger.info({ version: taxonomy.version }, "taxonomy changed; retag enqueued");
  }
  logger.info(
    { taxonomy: taxonomy.version, concurrency: options.concurrency ?? config.INGEST_CONCURRENCY },
    "ingest workers started",
  );
  return { fetchWorker, retagWorker, taxonomy };
}
