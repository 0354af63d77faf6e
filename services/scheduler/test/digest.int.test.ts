import { randomBytes } from "node:crypto";
import { parseConfig } from "@vesti/config";
import { addSubscriber, seedDemo } from "@vesti/db";
import { createRedis, DIGEST_SCHEDULER_ID } from "@vesti/queue";
import { createServiceContext, type ServiceContext } from "@vesti/runtime";
import { QueueEvents } from "bullmq";
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

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestDatabase();
  await seedDemo(t.db, { from: "2026-11-16", to: "2026-11-22", perDay: 5 });
  await addSubscriber(t.db, { email: "reader@example.org" });
  ctx = createServiceContext(
    "test",
    parseConfig({
      DATABASE_URL: t.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      DIGEST_CRON: "30 6 * * 1",
      DIGEST_TIME_ZONE: "Europe/Moscow",
      SCHEDULER_TICK_SECONDS: "3600",
      LOG_LEVEL: "silent",
    }),
  );
});
afterAll(async () => {
  await ctx?.shutdown.shutdown("test done");
  const redis = createRedis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await smtp?.close();
  await t?.destroy();
});

describe("the scheduler's weekly digest", () => {
  it("upserts one cron job scheduler, however many schedulers start", async () => {
    const { digestQueue } = await startScheduler(ctx);
    await startScheduler(ctx);
    const scheduler = await digestQueue.getJobScheduler(DIGEST_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ pattern: "30 6 * * 1", tz: "Europe/Moscow" });
    expect(await digestQueue.getJobSchedulersCount()).toBe(1);
  });

  it("runs a digest job: the subscriber gets the week's digest once", async () => {
    const { digestQueue } = await startScheduler(ctx);
    const events = new QueueEvents(digestQueue.name, { connection: ctx.redis.duplicate(), prefix });
    try {
      await events.waitUntilReady();
      const job = await digestQueue.add("digest", { weekStart: "2026-11-16" });
      expect(await job.waitUntilFinished(events, 30_000)).toMatchObject({ weekStart: "2026-11-16", sent: 1 });
      const again = await digestQueue.add("digest", { weekStart: "2026-11-16" });
      expect(await again.waitUntilFinished(events, 30_000)).toMatchObject({
        sent: 0,
        skipped: "everyone has it",
      });
      expect(smtp.received.map((m) => m.to)).toEqual([["reader@example.org"]]);
      const counted = (await ctx.metrics.digestMessages.get()).values;
      expect(counted.find((v) => v.labels.outcome === "sent")?.value).toBe(1);
    } finally {
      await events.close();
    }
  });
});
