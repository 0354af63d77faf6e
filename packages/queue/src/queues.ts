import type { QueueOptions } from "bullmq";
import { z } from "zod";

// Every queue's name and payload schema, in one place (langfuse's layout): producers and processors
// import from here and never spell a queue name or payload by hand.

export const QueueName = {
  /** Repeating tick: finds the feeds that are due and enqueues a fetch for each. */
  FeedTick: "feed-tick",
  /** Fetch, parse, classify and store one feed. */
  FeedFetch: "feed-fetch",
  /** Fetch one article's page (an outlet with full text on), extract, tag and store its body. */
  ArticleFetch: "article-fetch",
  /** Re-apply a new taxonomy version to stored articles. */
  Retag: "retag",
  /** E-mail the weekly digest to the subscribers who have not had it. */
  Digest: "digest",
  /** Run the spike detector on every active saved query, store new alerts and e-mail them. */
  Alerts: "alerts",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const payloadSchemas = {
  [QueueName.FeedTick]: z.object({}).passthrough(),
  [QueueName.FeedFetch]: z.object({
    feedId: z.number().int().positive(),
    /** The feed's next_fetch_at when it was enqueued: part of the job id, so a double enqueue is a no-op. */
    dueAt: z.string(),
  }),
  [QueueName.ArticleFetch]: z.object({
    articleId: z.number().int().positive(),
  }),
  [QueueName.Retag]: z.object({
    toVersion: z.string().min(1),
    batchSize: z.number().int().positive().optional(),
  }),
  [QueueName.Digest]: z.object({
    /** Monday (YYYY-MM-DD) of the ISO week to report on; the scheduler's job leaves it out: the last complete week. */
    weekStart: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
  [QueueName.Alerts]: z.object({
    /** Only this granularity's saved queries; the scheduler's job leaves it out: both. */
    granularity: z.enum(["day", "week"]).optional(),
    /** Only this saved query (alert_queries.id). */
    queryId: z.number().int().positive().optional(),
    /** Test as on the morning after this UTC day (YYYY-MM-DD), e.g. to re-run a missed night; default: now. */
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  }),
} satisfies Record<QueueName, z.ZodType>;

export type Payload<Q extends QueueName> = z.infer<(typeof payloadSchemas)[Q]>;

export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): Payload<Q> {
  return payloadSchemas[queue].parse(data) as Payload<Q>;
}

/** The job id that makes enqueueing the same due fetch twice harmless. */
export const feedFetchJobId = (feedId: number, dueAt: Date) => `feed-${feedId}-${dueAt.getTime()}`;

/** One page job per article, ever queued at once: the feed job and the tick's catch-up may both add it. */
export const articleFetchJobId = (articleId: number) => `article-${articleId}`;

/**
 * The page jobs for a batch of articles (just stored, or found without a body by the tick): one per
 * article, the articles of one host staggered `spacingMs` apart, so that they come due one after another at
 * the host's pace instead of all waking at once to find the host busy. The host gate still decides; the
 * stagger only saves the wasted wake-ups.
 */
export function articleFetchJobs(
  articles: readonly { id: number; url: string | null }[],
  spacingMs: number,
): { name: string; data: Payload<typeof QueueName.ArticleFetch>; opts: { jobId: string; delay?: number } }[] {
  const perHost = new Map<string, number>();
  return articles.map((a) => {
    const host = hostOf(a.url);
    const turn = perHost.get(host) ?? 0;
    perHost.set(host, turn + 1);
    const delay = turn * spacingMs;
    return {
      name: "page",
      data: { articleId: a.id },
      opts: { jobId: articleFetchJobId(a.id), ...(delay > 0 ? { delay } : {}) },
    };
  });
}

function hostOf(url: string | null): string {
  if (!url) return "";
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return "";
  }
}

export const FEED_TICK_SCHEDULER_ID = "feed-tick";
export const RETAG_JOB_ID = (version: string) => `retag-${version}`;
export const DIGEST_SCHEDULER_ID = "weekly-digest";
export const ALERTS_SCHEDULER_ID = "alerts-detect";

/** Default job options: retries with backoff for infrastructure faults (about 8 minutes in all); finished
 * jobs kept for an hour so their ids still dedupe a late duplicate enqueue. */
export const defaultJobOptions: QueueOptions["defaultJobOptions"] = {
  attempts: 8,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 24 * 3600, count: 10_000 },
};

const queueJobOptions: Partial<Record<QueueName, QueueOptions["defaultJobOptions"]>> = {
  // A fetch whose every attempt failed (a long Postgres outage) leaves its feed due. Its failed job must
  // not keep blocking the feed's job id for a day: after 15 minutes the tick enqueues the feed again.
  [QueueName.FeedFetch]: { ...defaultJobOptions, removeOnFail: { age: 15 * 60, count: 10_000 } },
  // Likewise a page job that failed on our side: after 15 minutes the tick's catch-up may enqueue it again
  // (the article still has no body). Pages' own faults (429, 5xx, timeouts) are not job failures.
  [QueueName.ArticleFetch]: { ...defaultJobOptions, removeOnFail: { age: 15 * 60, count: 10_000 } },
};

/** The job options of a queue: the same retries, backoff and retention on both job platforms. */
export function jobOptionsFor(name: QueueName): NonNullable<QueueOptions["defaultJobOptions"]> {
  return queueJobOptions[name] ?? defaultJobOptions ?? {};
}
