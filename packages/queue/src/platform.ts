import type { Payload, QueueName } from "./queues";

// What the services need from a job system, so that one set of handlers runs on either platform: BullMQ
// over Redis (the distributed mode: any number of processes) or the in-process runner (one process, no
// Redis). Processors never see either: the services wrap them in handlers of this shape.

export type JobState = "waiting" | "active" | "delayed" | "completed" | "failed";

export interface JobInfo {
  id: string;
  name: string;
  queue: QueueName;
  /** Raw payload; handlers parse it with the queue's zod schema (packages/queue). */
  data: unknown;
  /** Failed attempts so far (0 on the first run). */
  attemptsMade: number;
  updateProgress(progress: object): Promise<void>;
}

const RETRY_LATER = Symbol.for("vesti.retryLater");

/** A handler's answer meaning "not now, and not a failure": run the job again after `ms` (politeness). */
export interface RetryLater {
  readonly [RETRY_LATER]: number;
}
export const retryLater = (ms: number): RetryLater => ({ [RETRY_LATER]: Math.max(0, Math.round(ms)) });
export function retryLaterMs(result: unknown): number | undefined {
  return typeof result === "object" && result !== null && RETRY_LATER in result
    ? (result as RetryLater)[RETRY_LATER]
    : undefined;
}

/**
 * A job's logic. `signal` is aborted when the platform closes: a long job (a retag) stops at its next safe
 * point and returns. Throwing retries the job with backoff; throwing bullmq's UnrecoverableError fails it
 * at once (both platforms honour it).
 */
export type JobHandler = (job: JobInfo, signal: AbortSignal) => Promise<unknown>;

export interface EnqueueOptions {
  /** Deduplicates: adding a job whose id exists (waiting, running or recently finished) adds nothing. */
  jobId?: string;
  delay?: number;
}

export interface JobQueue<Q extends QueueName> {
  readonly name: Q;
  add(name: string, data: Payload<Q>, opts?: EnqueueOptions): Promise<void>;
  addBulk(jobs: { name: string; data: Payload<Q>; opts?: EnqueueOptions }[]): Promise<void>;
  counts(): Promise<Record<JobState, number>>;
}

export type Repeat = { every: number } | { pattern: string; tz?: string };

export interface WorkOptions {
  concurrency: number;
  /** BullMQ only: the lock on an active job (a crashed process's jobs are retried once it expires). */
  lockMs?: number;
  maxStalledCount?: number;
}

export interface JobEvents {
  completed: (job: JobInfo, result: unknown) => void;
  failed: (job: JobInfo | undefined, error: Error, final: boolean) => void;
}

export interface JobPlatform {
  readonly kind: "bullmq" | "in-process";
  queue<Q extends QueueName>(name: Q): JobQueue<Q>;
  /** Runs `handler` for the queue's jobs in this process. */
  work(queue: QueueName, handler: JobHandler, options: WorkOptions): void;
  /** Creates or updates a repeating job (BullMQ's job schedulers); idempotent. */
  schedule<Q extends QueueName>(
    schedulerId: string,
    queue: Q,
    repeat: Repeat,
    job: { name: string; data: Payload<Q> },
  ): Promise<void>;
  on<E extends keyof JobEvents>(event: E, listener: JobEvents[E]): void;
  /** Stops taking jobs, aborts the handlers' signal, waits for running jobs, closes connections. */
  close(): Promise<void>;
}

/** True when nothing is waiting, running or delayed. */
export async function isIdle(queue: JobQueue<QueueName>): Promise<boolean> {
  const c = await queue.counts();
  return c.waiting === 0 && c.active === 0 && c.delayed === 0;
}
