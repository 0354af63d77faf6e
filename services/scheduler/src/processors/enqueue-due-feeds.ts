import { type Database, findDueFeeds } from "@vesti/db";
import { feedFetchJobId, type JobQueue, type QueueName } from "@vesti/queue";
import type { Kysely } from "kysely";

/**
 * The tick: one fetch job per due feed. The job id is the feed and its due time, so a second tick (or a
 * second scheduler) before the feed is fetched adds nothing.
 */
export async function enqueueDueFeeds(
  db: Kysely<Database>,
  fetchQueue: JobQueue<typeof QueueName.FeedFetch>,
  now: Date,
): Promise<{ due: number }> {
  const due = await findDueFeeds(db, now, 5000);
  if (due.length > 0)
    await fetchQueue.addBulk(
      due.map((f) => ({
        name: "fetch",
        data: { feedId: f.id, dueAt: f.next_fetch_at.toISOString() },
        opts: { jobId: feedFetchJobId(f.id, f.next_fetch_at) },
      })),
    );
  return { due: due.length };
}
