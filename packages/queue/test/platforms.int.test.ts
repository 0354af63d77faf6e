import { randomBytes } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  BullmqPlatform,
  createRedis,
  InProcessPlatform,
  isIdle,
  type JobInfo,
  type JobPlatform,
  QueueName,
  retryLater,
} from "../src/index";

// The contract both job platforms keep, checked on each: the services' handlers rely on it whether they run
// on BullMQ over Redis (distributed mode) or in the in-process runner (embedded mode).

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = createRedis(REDIS_URL);
const silent = { info() {}, warn() {} };
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

const platforms: [string, () => JobPlatform][] = [
  [
    "BullMQ",
    () => {
      const prefix = `vesti-platform-test-${randomBytes(4).toString("hex")}`;
      prefixes.push(prefix);
      return new BullmqPlatform(redis.duplicate(), prefix, silent);
    },
  ],
  ["in-process", () => new InProcessPlatform(silent)],
];

/** Waits until `check` holds (a job platform reports asynchronously). */
async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(platforms)("the %s job platform", (_name, make) => {
  let jobs: JobPlatform;
  afterEach(async () => {
    await jobs?.close();
  });

  it("runs each job id once: a second add of the same id is a no-op", async () => {
    jobs = make();
    const seen: string[] = [];
    jobs.work(
      QueueName.FeedFetch,
      async (job) => {
        seen.push(job.id);
        return "done";
      },
      { concurrency: 2 },
    );
    const q = jobs.queue(QueueName.FeedFetch);
    await q.add("fetch", { feedId: 1, dueAt: "2026-01-01T00:00:00Z" }, { jobId: "feed-1-1" });
    await q.add("fetch", { feedId: 1, dueAt: "2026-01-01T00:00:00Z" }, { jobId: "feed-1-1" });
    await q.addBulk([
      { name: "fetch", data: { feedId: 2, dueAt: "x" }, opts: { jobId: "feed-2-1" } },
      { name: "fetch", data: { feedId: 1, dueAt: "x" }, opts: { jobId: "feed-1-1" } },
    ]);
    await until(async () => seen.length >= 2 && (await isIdle(q)));
    // a late duplicate after completion is still a no-op (finished jobs are kept for an hour)
    await q.add("fetch", { feedId: 1, dueAt: "x" }, { jobId: "feed-1-1" });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.sort()).toEqual(["feed-1-1", "feed-2-1"]);
  });

  it("retries a failed job with backoff and reports the final outcome", async () => {
    jobs = make();
    const attempts: number[] = [];
    const failures: boolean[] = [];
    const completed: unknown[] = [];
    jobs.on("failed", (_job, _err, final) => failures.push(final));
    jobs.on("completed", (_job, result) => completed.push(result));
    jobs.work(
      QueueName.Digest,
      async (job) => {
        attempts.push(job.attemptsMade);
        if (job.attemptsMade === 0) throw new Error("SMTP is down");
        return { sent: 1 };
      },
      { concurrency: 1 },
    );
    await jobs.queue(QueueName.Digest).add("digest", {}, { jobId: "retry-me" });
    await until(() => completed.length === 1);
    expect(attempts).toEqual([0, 1]);
    expect(failures).toEqual([false]);
    expect(completed).toEqual([{ sent: 1 }]);
  });

  it("fails an UnrecoverableError at once", async () => {
    jobs = make();
    let runs = 0;
    const failures: { final: boolean; message: string }[] = [];
    jobs.on("failed", (_job, err, final) => failures.push({ final, message: err.message }));
    jobs.work(
      QueueName.Digest,
      async () => {
        runs++;
        throw new UnrecoverableError("invalid payload");
      },
      { concurrency: 1 },
    );
    await jobs.queue(QueueName.Digest).add("digest", {}, { jobId: "hopeless" });
    await until(() => failures.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1);
    expect(failures).toEqual([{ final: true, message: "invalid payload" }]);
  });

  it("runs a job again after retryLater without counting an attempt (politeness)", async () => {
    jobs = make();
    const runs: { at: number; attemptsMade: number }[] = [];
    jobs.work(
      QueueName.FeedFetch,
      async (job) => {
        runs.push({ at: Date.now(), attemptsMade: job.attemptsMade });
        return runs.length === 1 ? retryLater(400) : "fetched";
      },
      { concurrency: 1 },
    );
    const q = jobs.queue(QueueName.FeedFetch);
    await q.add("fetch", { feedId: 3, dueAt: "x" }, { jobId: "busy-host" });
    await until(async () => runs.length === 2 && (await isIdle(q)));
    expect(runs.map((r) => r.attemptsMade)).toEqual([0, 0]);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(350);
  });

  it("never runs more jobs of a queue at once than its concurrency", async () => {
    jobs = make();
    let running = 0;
    let most = 0;
    const done: string[] = [];
    jobs.work(
      QueueName.FeedFetch,
      async (job: JobInfo) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        done.push(job.id);
      },
      { concurrency: 3 },
    );
    const q = jobs.queue(QueueName.FeedFetch);
    await q.addBulk(
      Array.from({ length: 12 }, (_, i) => ({
        name: "fetch",
        data: { feedId: i + 1, dueAt: "x" },
        opts: { jobId: `c-${i}` },
      })),
    );
    await until(() => done.length === 12);
    expect(most).toBe(3);
  });

  it("fires a repeating schedule, and an upsert replaces it instead of adding a second", async () => {
    jobs = make();
    const ticks: string[] = [];
    jobs.work(
      QueueName.FeedTick,
      async (job) => {
        ticks.push(job.id);
      },
      { concurrency: 1 },
    );
    const t0 = Date.now();
    await jobs.schedule("tick", QueueName.FeedTick, { every: 300 }, { name: "tick", data: {} });
    await jobs.schedule("tick", QueueName.FeedTick, { every: 300 }, { name: "tick", data: {} });
    await until(() => ticks.length >= 4);
    await new Promise((r) => setTimeout(r, 600));
    // one scheduler: about one tick per 300 ms (and the first at once), not twice as many
    const periods = (Date.now() - t0) / 300;
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil(periods) + 2);
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it("aborts the handlers' signal on close and waits for the running job to return", async () => {
    jobs = make();
    let stoppedCleanly = false;
    let started = false;
    jobs.work(
      QueueName.Retag,
      async (_job, signal) => {
        started = true;
        while (!signal.aborted) await new Promise((r) => setTimeout(r, 10));
        stoppedCleanly = true;
        return retryLater(1_000);
      },
      { concurrency: 1 },
    );
    await jobs.queue(QueueName.Retag).add("retag", { toVersion: "v2" }, { jobId: "retag-v2" });
    await until(() => started);
    await jobs.close();
    expect(stoppedCleanly).toBe(true);
  });
});
