import type { QueueOptions } from "bullmq";
import { z } from "zod";

// Every queue's name and payload schema, in one place (langfuse's layout): producers and processors
// import from here and never spell a queue name or payload by hand.

export const QueueName = {
  /** Repeating tick: finds the feeds that are due and enqueues a fetch for each. */
  FeedTick: "feed-tick",
  /** Fetch, parse, classify and store one feed. */
  FeedFetch: "feed-fetch",
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
};

/** The job options of a queue: the same retries, backoff and retention on both job platforms. */
export function jobOptionsFor(name: QueueName): NonNullable<QueueOptions["defaultJobOptions"]> {
  return queueJobOptions[name] ?? defaultJobOptions ?? {};
}
