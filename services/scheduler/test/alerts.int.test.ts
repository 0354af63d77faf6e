import { randomBytes } from "node:crypto";
import { parseConfig } from "@vesti/config";
import { listAlerts, mulberry32, saveAlertQuery } from "@vesti/db";
import { createMailTransport } from "@vesti/mail";
import { ALERTS_SCHEDULER_ID, createQueue, createRedis, QueueName } from "@vesti/queue";
import { createLogger, createMetrics, openServiceContext, type ServiceContext } from "@vesti/runtime";
import { sql } from "kysely";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOutlets, storeTestArticles } from "../../../packages/db/test-support/articles";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { startTestSmtpServer, type TestSmtpServer } from "../../../packages/digest/test-support/smtp-server";
import {
  type AlertsRun,
  AlertsRunError,
  alertMessageId,
  type DetectAlertsDeps,
  processDetectAlerts,
  startScheduler,
} from "../src/index";

// The alerts job against a real Postgres and a real SMTP server (and Redis for the scheduler's wiring):
// a spike in stored articles is raised once and e-mailed once per recipient, whatever runs again, runs
// at once, or dies between the SMTP server's acceptance and the delivery record.

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const FROM = "Vesti <alerts@vesti.example>";
let t: TestDatabase;
let smtp: TestSmtpServer;
let deps: DetectAlertsDeps;
const metrics = createMetrics("test");
/** The morning after the spike's second day (2026-04-30, UTC). */
const NOW = new Date("2026-05-01T00:30:00Z");

const received: ParsedMail[] = [];
const receivedNow = async () => {
  for (const m of smtp.received.slice(received.length)) received.push(await simpleParser(m.raw));
  return received;
};
const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestDatabase();
  await createTestOutlets(t.db, [
    { id: "rs-a", country: "RS", collections: ["serbia-national"] },
    { id: "rs-b", country: "RS" },
    { id: "ru-a", country: "RU" },
  ]);
  // 2026-03-01 to 2026-04-30: about 5% of articles on Kosovo, 2026-04-29 and -30 far more in RS.
  const rand = mulberry32(11);
  for (let d = Date.parse("2026-03-01"); d <= Date.parse("2026-04-30"); d += 86_400_000) {
    const day = new Date(d).toISOString().slice(0, 10);
    const spike = day === "2026-04-29" ? 8 : day === "2026-04-30" ? 5 : 1;
    for (const [outlet, count] of [
      ["rs-a", 40],
      ["rs-b", 30],
      ["ru-a", 30],
    ] as const) {
      const k = Math.min(count, Math.round((outlet === "ru-a" ? 1 : spike) * (1 + 2 * rand())));
      await storeTestArticles(t.db, { outlet, day, count, themesOf: (i) => (i < k ? ["kosovo"] : []) });
    }
  }
  deps = {
    db: t.db,
    transport: createMailTransport(smtp.url),
    from: FROM,
    logger: createLogger("test", "silent"),
    metrics,
    now: () => NOW,
    publicUrl: "https://vesti.example.org",
  };
});
afterAll(async () => {
  deps?.transport.close();
  await smtp?.close();
  await t?.destroy();
});

const counter = async (
  c: typeof metrics.alertsRaised | typeof metrics.alertEmails,
  labels: Record<string, string>,
) =>
  (await c.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k as never] === x))
    ?.value ?? 0;

describe("processDetectAlerts", () => {
  let first: AlertsRun;

  it("raises a spike once, with the numbers that triggered it, and e-mails each recipient once", async () => {
    await saveAlertQuery(t.db, {
      name: "Kosovo in Serbian outlets",
      themes: ["kosovo"],
      countries: ["RS"],
      granularity: "day",
      recipients: ["analyst@example.org", "editor@example.org"],
    });
    first = await processDetectAlerts(deps, {});
    expect(first).toMatchObject({ queries: 1, errors: [], emails: { sent: 2, failed: [] } });
    expect(first.raised).toHaveLength(1);
    const [alert] = await listAlerts(t.db, { query: "Kosovo in Serbian outlets" });
    expect(alert).toMatchObject({
      period: "2026-04-29",
      direction: "up",
      granularity: "day",
      articles: 70,
      method: "nb",
    });
    expect(alert!.share).toBeGreaterThan(0.15);
    expect(alert!.baseline_share).toBeLessThan(0.07);
    expect(alert!.baseline_periods).toBe(28);
    expect(alert!.z).toBeGreaterThan(3.75);
    expect(alert!.message).toMatch(
      /^Kosovo in Serbian outlets: \d+\.\d% of articles \(\d+ of 70\) on Wed 29 Apr 2026, against \d\.\d% ± \d\.\d% over the previous 28 days/,
    );

    const mails = await receivedNow();
    expect(mails.map(to).sort()).toEqual(["analyst@example.org", "editor@example.org"]);
    for (const m of mails) {
      expect(m.subject).toMatch(
        /^Vesti alert: Kosovo in Serbian outlets: \d+\.\d% of articles on Wed 29 Apr 2026$/,
      );
      expect(m.text).toContain(alert!.message);
      expect(m.text).toContain("filters: outlet country RS");
      expect(m.text).toMatch(/LATEST ARTICLES, Wed 29 Apr 2026\n {2}- Test rs-[ab] 2026-04-29 a \d+ kosovo/);
      expect(m.messageId).toBe(alertMessageId(alert!.id, to(m)!, FROM));
      expect(m.html).toContain("<table");
      // each recipient's own unsubscribe link, in the footer and one-click in the headers
      const { unsubscribe_token: token } = await t.db
        .selectFrom("alert_deliveries")
        .select("unsubscribe_token")
        .where("alert_id", "=", alert!.id)
        .where("email", "=", to(m)!)
        .executeTakeFirstOrThrow();
      const link = `https://vesti.example.org/unsubscribe?token=${token}`;
      const header = (key: string) =>
        (m.headerLines.find((h) => h.key === key)?.line ?? "").replace(/\r\n\s+/g, " ");
      expect(header("list-unsubscribe")).toBe(`List-Unsubscribe: <${link}>`);
      expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      expect(m.text).toContain(`To stop these e-mails, open ${link} (or ask the Vesti operator`);
      expect(m.html).toContain(`<a href="${link}">Stop these e-mails</a>`);
    }
    const tokens = await t.db.selectFrom("alert_deliveries").select("unsubscribe_token").execute();
    expect(new Set(tokens.map((r) => r.unsubscribe_token)).size).toBe(2);
    expect(tokens.every((r) => /^[0-9a-f]{32}$/.test(r.unsubscribe_token))).toBe(true);
    expect(await counter(metrics.alertsRaised, { granularity: "day", direction: "up" })).toBe(1);
    expect(await counter(metrics.alertEmails, { outcome: "sent" })).toBe(2);
  });

  it("raises and sends nothing more on a second run, or the next day while the episode goes on", async () => {
    const again = await processDetectAlerts(deps, {});
    expect(again).toMatchObject({ raised: [], emails: { sent: 0 } });
    expect(again.extended).toBe(1);
    const nextDay = await processDetectAlerts({ ...deps, now: () => new Date("2026-05-02T00:30:00Z") }, {});
    expect(nextDay.raised).toEqual([]);
    expect(await receivedNow()).toHaveLength(2);
    expect(await counter(metrics.alertsRaised, { granularity: "day", direction: "up" })).toBe(1);
  });

  it("sends only the unrecorded message again after a crash between the SMTP server's acceptance and the record", async () => {
    await saveAlertQuery(t.db, {
      name: "Kosovo anywhere",
      themes: ["kosovo"],
      granularity: "day",
      recipients: ["c@example.org", "d@example.org", "e@example.org"],
    });
    const before = (await receivedNow()).length;
    // When d's message has arrived, and before the server answers 250, the sender's database session
    // dies (as if its process had been killed): the message is accepted but never recorded.
    smtp.beforeAccept = async (m) => {
      if (!m.to.includes("d@example.org")) return;
      smtp.beforeAccept = undefined;
      await sql`
        SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(t.db);
    };
    await expect(processDetectAlerts(deps, {})).rejects.toThrow(/terminat|Connection/i);
    const crashed = (await receivedNow()).slice(before);
    expect(crashed.map(to)).toEqual(["c@example.org", "d@example.org"]);
    const [alert] = await listAlerts(t.db, { query: "Kosovo anywhere" });
    const rows = await t.db
      .selectFrom("alert_deliveries")
      .select(["email", "sent_at", "message_id"])
      .where("alert_id", "=", alert!.id)
      .orderBy("email")
      .execute();
    expect(rows.map((r) => [r.email, r.sent_at !== null])).toEqual([
      ["c@example.org", true],
      ["d@example.org", false],
      ["e@example.org", false],
    ]);

    // The retry (two at once, as two workers might): d again, with the same Message-ID, and e; nobody else.
    const retries = await Promise.all([processDetectAlerts(deps, {}), processDetectAlerts(deps, {})]);
    expect(retries.map((r) => r.emails.sent).sort()).toEqual([0, 2]);
    expect(retries.flatMap((r) => r.raised)).toEqual([]);
    const retried = (await receivedNow()).slice(before + crashed.length);
    expect(retried.map(to)).toEqual(["d@example.org", "e@example.org"]);
    expect(retried[0]!.messageId).toBe(crashed[1]!.messageId);
    expect((await processDetectAlerts(deps, {})).emails.sent).toBe(0);

    // Each recipient has this alert exactly once, as far as Message-IDs tell.
    const ids = new Map<string, Set<string>>();
    for (const m of (await receivedNow()).slice(before))
      ids.set(to(m)!, (ids.get(to(m)!) ?? new Set()).add(m.messageId!));
    expect([...ids.values()].map((s) => s.size)).toEqual([1, 1, 1]);
    expect((await receivedNow()).length - before).toBe(4);
  });

  it("waits while a retag runs (shares are too low then), and sends what is pending", async () => {
    await saveAlertQuery(t.db, {
      name: "Kosovo, Latin script outlets",
      themes: ["kosovo"],
      outlets: ["rs-a"],
      granularity: "day",
    });
    await t.db.insertInto("retag_runs").values({ to_version: "next" }).execute();
    try {
      expect(await processDetectAlerts(deps, {})).toMatchObject({
        skipped: "retag in progress",
        queries: 0,
        raised: [],
      });
    } finally {
      await t.db.updateTable("retag_runs").set({ status: "done" }).execute();
    }
    const after = await processDetectAlerts(deps, {});
    expect(after.raised.map((r) => r.query)).toEqual(["Kosovo, Latin script outlets"]);
  });

  it("raises one alert when two runs test a query at once", async () => {
    await saveAlertQuery(t.db, {
      name: "Kosovo, collection",
      themes: ["kosovo"],
      collections: ["serbia-national"],
      granularity: "day",
      recipients: ["f@example.org"],
    });
    const before = (await receivedNow()).length;
    const runs = await Promise.all([processDetectAlerts(deps, {}), processDetectAlerts(deps, {})]);
    expect(runs.flatMap((r) => r.raised).map((r) => r.query)).toEqual(["Kosovo, collection"]);
    expect((await receivedNow()).slice(before).map(to)).toEqual(["f@example.org"]);
  });

  it("tests every other query when one is broken, then fails the job so it is retried", async () => {
    await saveAlertQuery(t.db, {
      name: "Broken",
      themes: ["kosovo"],
      granularity: "day",
      params: { window: 0 },
    });
    await saveAlertQuery(t.db, {
      name: "Kosovo, Russian outlets too",
      themes: ["kosovo", "putin"],
      granularity: "day",
    });
    const error = await processDetectAlerts(deps, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertsRunError);
    const run = (error as AlertsRunError).run;
    expect(run.errors).toEqual([
      { query: "Broken", error: expect.stringMatching(/window must be a positive integer/) },
    ]);
    expect(run.queries).toBeGreaterThanOrEqual(4);
  });
});

describe("the scheduler's alerts job", () => {
  const prefix = `vesti-test-${randomBytes(4).toString("hex")}`;
  let ctx: ServiceContext;
  afterAll(async () => {
    await ctx?.shutdown.shutdown("test done");
    const redis = createRedis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  /** Resolves with a job's result once the platform reports it done. */
  const finished = (c: ServiceContext, id: string) =>
    new Promise<unknown>((resolve, reject) => {
      c.jobs.on("completed", (job, result) => job.id === id && resolve(result));
      c.jobs.on("failed", (job, err, final) => job?.id === id && final && reject(err));
    });
  const config = (extra: Record<string, string>) =>
    parseConfig({
      DATABASE_URL: t.url,
      QUEUE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      ALERTS_CRON: "15 3 * * *",
      DIGEST_TIME_ZONE: "Europe/Moscow",
      SCHEDULER_TICK_SECONDS: "3600",
      LOG_LEVEL: "silent",
      ...extra,
    });

  it("upserts one cron job scheduler (BullMQ) and runs the processor on a job", async () => {
    ctx = await openServiceContext("test", { config: config({ REDIS_URL }) });
    await startScheduler(ctx);
    const other = await openServiceContext("test-2", { config: config({ REDIS_URL }) });
    try {
      await startScheduler(other);
      const alertsQueue = createQueue(QueueName.Alerts, { connection: ctx.redis!, prefix });
      expect(await alertsQueue.getJobScheduler(ALERTS_SCHEDULER_ID)).toMatchObject({
        pattern: "15 3 * * *",
        tz: "Europe/Moscow",
      });
      expect(await alertsQueue.getJobSchedulersCount()).toBe(1);
      await alertsQueue.close();
    } finally {
      await other.shutdown.shutdown("test done");
    }
    // The worker tests as of today: these articles are months old, so nothing is raised.
    const week = finished(ctx, "w1");
    await ctx.jobs.queue(QueueName.Alerts).add("alerts", { granularity: "week" }, { jobId: "w1" });
    expect(await week).toMatchObject({ queries: 0, raised: [], errors: [] });
    const day = finished(ctx, "d1");
    await ctx.jobs.queue(QueueName.Alerts).add("alerts", { queryId: 1 }, { jobId: "d1" });
    expect(await day).toMatchObject({ queries: 1, raised: [] });
  });

  it("runs the same job on the in-process runner (no Redis)", async () => {
    const local = await openServiceContext("test-local", { config: config({}) });
    try {
      expect(local.jobs.kind).toBe("in-process");
      await startScheduler(local);
      const day = finished(local, "d2");
      await local.jobs.queue(QueueName.Alerts).add("alerts", { queryId: 1 }, { jobId: "d2" });
      expect(await day).toMatchObject({ queries: 1, raised: [] });
    } finally {
      await local.shutdown.shutdown("test done");
    }
  });
});
