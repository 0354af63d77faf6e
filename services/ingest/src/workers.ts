import { activateTaxonomyVersion } from "@vesti/db";
import { preloadLexicons } from "@vesti/langid";
import { articleFetchJobs, parsePayload, QueueName, RETAG_JOB_ID, retryLater } from "@vesti/queue";
import { retryWhileUnreachable, type ServiceContext, timedHandler } from "@vesti/runtime";
import { defaultTaxonomy, type Taxonomy } from "@vesti/themes";
import { processFetchArticle } from "./processors/fetch-article";
import { processFetchFeed } from "./processors/fetch-feed";
import { processRetag } from "./processors/retag";

export interface IngestOptions {
  taxonomy?: Taxonomy;
  concurrency?: number;
}

/**
 * Starts the ingest workers (feed fetches, article page fetches and retag runs) on a context's job platform: BullMQ in the
 * distributed mode, the in-process runner otherwise; the handlers are the same. Used by services/ingest
 * and by `vesti run`.
 */
export async function startIngestWorkers(ctx: ServiceContext, options: IngestOptions = {}) {
  const { config, logger, metrics } = ctx;
  const taxonomy = options.taxonomy ?? defaultTaxonomy();
  // Language ID's dictionaries take about a second to load: before the first job, not inside it.
  preloadLexicons();
  const concurrency = options.concurrency ?? config.INGEST_CONCURRENCY;
  const pageQueue = ctx.jobs.queue(QueueName.ArticleFetch);
  const pages = {
    enqueue: (articles: readonly { id: number; url: string | null }[]) =>
      pageQueue.addBulk(articleFetchJobs(articles, config.PAGE_FETCH_MIN_SPACING_MS)),
  };

  ctx.jobs.work(
    QueueName.FeedFetch,
    timedHandler(ctx, QueueName.FeedFetch, async (job) => {
      const payload = parsePayload(QueueName.FeedFetch, job.data);
      const result = await processFetchFeed(
        {
          db: ctx.db,
          config,
          taxonomy,
          hostGate: ctx.hostGate,
          metrics,
          logger: logger.child({ jobId: job.id }),
          pages,
        },
        payload,
      );
      // Politeness: come back when the host's slot frees, without holding a worker slot meanwhile.
      if (result.status === "host_busy") return retryLater(result.waitMs + Math.floor(Math.random() * 250));
      return result;
    }),
    // A crashed worker's job is retried once its lock expires; renewals run between classify chunks.
    { concurrency, lockMs: config.JOB_LOCK_MS, maxStalledCount: 3 },
  );

  ctx.jobs.work(
    QueueName.ArticleFetch,
    timedHandler(ctx, QueueName.ArticleFetch, async (job, signal) => {
      const payload = parsePayload(QueueName.ArticleFetch, job.data);
      const result = await processFetchArticle(
        {
          db: ctx.db,
          config,
          taxonomy,
          hostGate: ctx.hostGate,
          metrics,
          logger: logger.child({ jobId: job.id }),
          signal,
        },
        payload,
      );
      // Host busy, a 429/5xx to try again, or a shutdown: back later, not a failed attempt.
      if ("waitMs" in result) return retryLater(result.waitMs);
      return result;
    }),
    { concurrency: config.PAGE_FETCH_CONCURRENCY, lockMs: config.JOB_LOCK_MS },
  );

  ctx.jobs.work(
    QueueName.Retag,
    timedHandler(ctx, QueueName.Retag, async (job, signal) => {
      const payload = parsePayload(QueueName.Retag, job.data);
      const result = await processRetag(
        {
          db: ctx.db,
          taxonomy,
          signal,
          onProgress: async (p) => {
            await job.updateProgress({ articlesDone: p.articlesDone, lastArticleId: p.lastArticleId });
          },
        },
        payload,
      );
      if (result.interrupted) {
        logger.info(
          { articlesDone: result.articlesDone, articlesTotal: result.articlesTotal },
          "retag stopped at a batch boundary for shutdown; it resumes on the next start",
        );
        // Back to the queue, not failed and not an attempt: the next worker to start carries on.
        return retryLater(1_000);
      }
      return result;
    }),
    { concurrency: 1, lockMs: config.JOB_LOCK_MS },
  );

  // This process's taxonomy becomes the current one; articles tagged by another are retagged once.
  const activation = await retryWhileUnreachable(
    "taxonomy activation",
    config.STARTUP_RETRY_SECONDS,
    logger,
    () => activateTaxonomyVersion(ctx.db, taxonomy.version),
  );
  if (activation.staleArticles) {
    await ctx.jobs
      .queue(QueueName.Retag)
      .add("retag", { toVersion: taxonomy.version }, { jobId: RETAG_JOB_ID(taxonomy.version) });
    logger.info({ version: taxonomy.version }, "taxonomy changed; retag enqueued");
  }
  logger.info(
    {
      taxonomy: taxonomy.version,
      concurrency,
      pageConcurrency: config.PAGE_FETCH_CONCURRENCY,
      jobs: ctx.jobs.kind,
    },
    "ingest workers started",
  );
  return { taxonomy };
}
