import { randomBytes } from "node:crypto";
import { parseConfig } from "@vesti/config";
import { addSubscriber, seedDemo } from "@vesti/db";
import { createQueue, createRedis, DIGEST_SCHEDULER_ID, type JobPlatform, QueueName } from "@vesti/queue";
import { openServiceContext, type ServiceContext } from "@vesti/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { startTestSmtpServer, type TestSmtpServer } from "../../../packages/digest/test-support/smtp-server";
import { startScheduler } from "../src/index";

// The scheduler's digest wiring: the cron job scheduler it upserts, and a digest job run by its worker
// against a real SMTP server, Postgres and Redis.

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `vesti-test-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let smtp: TestSmtpServer;
let ctx: ServiceContext;
let other: ServiceContext;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestDatabase();
  await seedDemo(t.db, { from: "2026-11-16", to: "2026-11-22", perDay: 5 });
  await addSubscriber(t.db, { email: "reader@example.org" });
  const config = parseConfig({
    DATABASE_URL: t.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    SMTP_URL: smtp.url,
    DIGEST_CRON: "30 6 * * 1",
    DIGEST_TIME_ZONE: "Europe/Moscow",
    SCHEDULER_TICK_SECONDS: "3600",
    LOG_LEVEL: "silent",
  });
  // two scheduler processes on one Redis
  ctx = await openServiceContext("test", { config });
  other = await openServiceContext("test-2", { config });
});
afterAll(async () => {
  await other?.shutdown.shutdown("test done");
  await ctx?.shutdown.shutdown("test done");
  const redis = createRedis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await smtp?.close();
  await t?.destroy();
});

/** Resolves with a job's result once the platform reports it done (this process runs its handler). */
function finished(jobs: JobPlatform, id: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    jobs.on("completed", (job, result) => job.id === id && resolve(result));
    jobs.on("failed", (job, err, final) => job?.id === id && final && reject(err));
  });
}

describe("the scheduler's weekly digest", () => {
  it("upserts one cron job scheduler, however many schedulers start", async () => {
    await startScheduler(ctx);
    await startScheduler(other);
    const digestQueue = createQueue(QueueName.Digest, { connection: ctx.redis!, prefix });
    try {
      const scheduler = await digestQueue.getJobScheduler(DIGEST_SCHEDULER_ID);
      expect(scheduler).toMatchObject({ pattern: "30 6 * * 1", tz: "Europe/Moscow" });
      expect(await digestQueue.getJobSchedulersCount()).toBe(1);
    } finally {
      await digestQueue.close();
    }
  });

  it("runs a digest job: the subscriber gets the week's digest once", async () => {
    const digest = ctx.jobs.queue(QueueName.Digest);
    const first = Promise.race([finished(ctx.jobs, "d1"), finished(other.jobs, "d1")]);
    await digest.add("digest", { weekStart: "2026-11-16" }, { jobId: "d1" });
    expect(await first).toMatchObject({ weekStart: "2026-11-16", sent: 1 });
    const second = Promise.race([finished(ctx.jobs, "d2"), finished(other.jobs, "d2")]);
    await digest.add("digest", { weekStart: "2026-11-16" }, { jobId: "d2" });
    expect(await second).toMatchObject({ sent: 0, skipped: "everyone has it" });
    expect(smtp.received.map((m) => m.to)).toEqual([["reader@example.org"]]);
    const sent = async (c: ServiceContext) =>
      (await c.metrics.digestMessages.get()).values.find((v) => v.labels.outcome === "sent")?.value ?? 0;
    expect((await sent(ctx)) + (await sent(other))).toBe(1);
  });
});
