import { isIdle, QueueName } from "@vesti/queue";
import type { ServiceContext } from "@vesti/runtime";
import type { FetchFeedResult } from "./processors/fetch-feed";

/** What one poll cycle did: from the first fetch after an idle queue to the queue's next idle moment. */
export interface CycleSummary {
  startedAt: number;
  fetched: number;
  notModified: number;
  /** Not fetched: robots.txt does not allow it (or cannot be read yet). */
  refused: number;
  failed: number;
  failures: Record<string, number>;
  itemsSeen: number;
  itemsNew: number;
  themes: Record<string, number>;
}

const emptyCycle = (): CycleSummary => ({
  startedAt: Date.now(),
  fetched: 0,
  notModified: 0,
  refused: 0,
  failed: 0,
  failures: {},
  itemsSeen: 0,
  itemsNew: 0,
  themes: {},
});

/** One line a person can read: what the last poll cycle fetched, found and tagged. */
export function formatCycle(c: CycleSummary, failingFeeds: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - c.startedAt) / 1000));
  const parts = [
    `${c.fetched + c.notModified + c.refused + c.failed} feeds polled in ${seconds} s`,
    `${c.itemsNew} new items (${c.itemsSeen} seen)`,
  ];
  if (c.notModified) parts.push(`${c.notModified} unchanged`);
  if (c.refused) parts.push(`${c.refused} not fetched by robots.txt`);
  if (c.failed)
    parts.push(
      `${c.failed} failed (${Object.entries(c.failures)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")})`,
    );
  if (failingFeeds) parts.push(`${failingFeeds} feeds marked failing (see \`vesti sources health\`)`);
  const tags = Object.entries(c.themes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  parts.push(tags.length ? `tags: ${tags.map(([t, n]) => `${t} ${n}`).join(", ")}` : "no theme tags");
  return `poll cycle: ${parts.join(" · ")}`;
}

/**
 * Logs a summary line whenever the fetch queue drains after some work: the "is it doing anything?" answer
 * for the first hour, in the logs of `vesti run` and of every ingest worker.
 */
export function reportPollCycles(
  ctx: ServiceContext,
  onCycle?: (c: CycleSummary) => void,
): { flush: () => Promise<void> } {
  let cycle = emptyCycle();
  let jobs = 0;
  let timer: NodeJS.Timeout | undefined;
  const queue = ctx.jobs.queue(QueueName.FeedFetch);
  const report = async (force: boolean) => {
    if (jobs === 0 || (!force && !(await isIdle(queue)))) return;
    const done = cycle;
    cycle = emptyCycle();
    jobs = 0;
    const failing = await ctx.db
      .selectFrom("feeds")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("active", "=", true)
      .where("failing", "=", true)
      .executeTakeFirst()
      .catch(() => ({ n: 0 }));
    ctx.logger.info(formatCycle(done, failing?.n ?? 0));
    onCycle?.(done);
  };
  const check = () => {
    timer = undefined;
    void report(false).catch(() => {});
  };
  const touch = () => {
    if (jobs === 0) cycle = emptyCycle();
    jobs++;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 500);
    timer.unref();
  };
  ctx.jobs.on("completed", (job, result) => {
    if (job.queue !== QueueName.FeedFetch) return;
    const r = result as FetchFeedResult;
    if (r.status !== "fetched") return;
    touch();
    if (r.outcome === "error") {
      cycle.failed++;
      const kind = r.errorKind ?? "error";
      cycle.failures[kind] = (cycle.failures[kind] ?? 0) + 1;
    } else if (r.outcome === "ok") cycle.fetched++;
    else if (r.outcome === "refused") cycle.refused++;
    else cycle.notModified++;
    cycle.itemsSeen += r.itemsFound;
    cycle.itemsNew += r.itemsNew;
    for (const [t, n] of Object.entries(r.themes ?? {})) cycle.themes[t] = (cycle.themes[t] ?? 0) + n;
  });
  ctx.jobs.on("failed", (job, _err, final) => {
    if (job?.queue !== QueueName.FeedFetch || !final) return;
    touch();
    cycle.failed++;
    cycle.failures.job = (cycle.failures.job ?? 0) + 1;
  });
  return {
    /** Logs the cycle in progress now (`vesti run --once` ends before the idle check would). */
    flush: async () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await report(true).catch(() => {});
    },
  };
}
