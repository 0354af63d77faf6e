import { type DigestDeps, type DigestRun, lastCompleteWeek, sendWeeklyDigest } from "@vesti/digest";
import type { Payload, QueueName } from "@vesti/queue";

/** The digest job: the week it names, or (the scheduler's weekly job) the last complete ISO week. */
export async function processSendDigest(
  deps: DigestDeps,
  payload: Payload<typeof QueueName.Digest>,
  now: Date,
): Promise<DigestRun> {
  return sendWeeklyDigest(deps, payload.weekStart ?? lastCompleteWeek(now));
}
