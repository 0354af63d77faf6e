import type { JobHandler, JobPlatform, QueueName } from "@vesti/queue";
import { UnrecoverableError } from "bullmq";
import { ZodError } from "zod";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics";

/**
 * Wraps a job's logic with what every queue's jobs share: the latency metric, and a payload that does not
 * parse failing at once (retrying cannot fix it).
 */
export function timedHandler(ctx: { metrics: Metrics }, queue: QueueName, handler: JobHandler): JobHandler {
  return async (job, signal) => {
    const end = ctx.metrics.jobDuration.startTimer({ queue });
    try {
      const result = await handler(job, signal);
      end({ status: "ok" });
      return result;
    } catch (error) {
      end({ status: "error" });
      if (error instanceof ZodError)
        throw new UnrecoverableError(`invalid payload for job ${job.id}: ${error.message}`);
      throw error;
    }
  };
}

/** One log line per failed attempt, for every queue of a platform (registered once per process). */
export function logJobFailures(jobs: JobPlatform, logger: Logger): void {
  jobs.on("failed", (job, err, final) => {
    if (!job) return logger.error({ err: err.message }, "job failed");
    logger[final ? "error" : "warn"](
      { jobId: job.id, queue: job.queue, err: err.message, attempts: job.attemptsMade },
      final ? "job failed" : "job failed; it will be retried",
    );
  });
}
