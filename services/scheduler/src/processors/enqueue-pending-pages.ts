import { type Database, findArticlesWithoutBody } from "@vesti/db";
import { articleFetchJobs, type JobQueue, type QueueName } from "@vesti/queue";
import type { Kysely } from "kysely";

/** Articles looked at per tick, at most: the rest waits for the next tick (the hosts' pace is slower). */
const MAX_PER_TICK = 5_000;
const PAGE = 1_000;

/**
 * The tick's catch-up for page fetches: articles of full-text outlets, published in the last `days`, that
 * have no page outcome yet get their page job. The feed job enqueues them as it stores them; this catches
 * what a crash between the two, a Redis outage, the in-process runner's restart (its jobs live in memory)
 * or an outlet turning full text on left out. The job id is the article's, so an article whose job is
 * already queued, delayed or running adds nothing.
 */
export async function enqueuePendingPages(
  db: Kysely<Database>,
  pageQueue: JobQueue<typeof QueueName.ArticleFetch>,
  options: { now: Date; days: number; spacingMs: number },
): Promise<{ pending: number }> {
  if (options.days <= 0) return { pending: 0 };
  const publishedSince = new Date(options.now.getTime() - options.days * 86_400_000);
  let afterId = 0;
  let pending = 0;
  while (pending < MAX_PER_TICK) {
    const batch = await findArticlesWithoutBody(db, { afterId, limit: PAGE, publishedSince });
    if (batch.length === 0) break;
    await pageQueue.addBulk(articleFetchJobs(batch, options.spacingMs));
    pending += batch.length;
    afterId = batch[batch.length - 1]!.id;
    if (batch.length < PAGE) break;
  }
  return { pending };
}
