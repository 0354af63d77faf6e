import { parseConfig } from "@vesti/config";
import {
  type Database,
  ensureDatabase,
  listAlerts,
  migrateToLatest,
  mulberry32,
  saveAlertQuery,
  syncSources,
} from "@vesti/db";
import { startIngestWorkers } from "@vesti/ingest";
import { isIdle, QueueName } from "@vesti/queue";
import { openServiceContext, type ServiceContext } from "@vesti/runtime";
import { startScheduler } from "@vesti/scheduler";
import { type Kysely, sql } from "kysely";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db/test-support/test-database";
import { startTestSmtpServer, type TestSmtpServer } from "../packages/digest/test-support/smtp-server";
import { TEMPLATES } from "./support/corpus";
import { embeddedHome } from "./support/embedded";
import { type FeedServer, startFeedServer } from "./support/feed-server";
import {
  allFeedsFetched,
  deleteRedisKeys,
  jobFinished,
  pipelineEnv,
  testEnv,
  uniquePrefix,
  waitFor,
} from "./support/pipeline";

// A spike alert end to end: two Serbian outlets' loopback feeds over five weeks, in which Kosovo jumps
// on the last day, ingested by the scheduler's tick and the ingest workers (language, themes, counts);
// then the alerts job, run by the scheduler's worker, raises one alert and e-mails it over SMTP. The same
// in both modes: BullMQ over Redis on a PostgreSQL server, and the in-process runner on the embedded one.

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const DAYS = 35;
const PER_DAY = 24;
// The day the spike is on, and the morning after it the job tests as of.
const LAST = new Date(Date.UTC(2026, 2, 10));
const lastDay = LAST.toISOString().slice(0, 10);

const kosovo = TEMPLATES.find((t) => t.lang === "sr" && t.themes.join() === "kosovo")!;
const others = TEMPLATES.filter((t) => t.lang === "sr" && t.themes.length === 0);

/** One outlet's feed: PER_DAY items a day, 1–2 on Kosovo, and half of them on the last day. */
function feed(outlet: string, seed: number): string {
  const rand = mulberry32(seed);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const items: string[] = [];
  for (let d = DAYS - 1; d >= 0; d--) {
    const day = new Date(LAST.getTime() - d * 86_400_000);
    const onKosovo = d === 0 ? PER_DAY / 2 : 1 + Math.floor(2 * rand());
    for (let i = 0; i < PER_DAY; i++) {
      const t = i < onKosovo ? kosovo : others[i % others.length]!;
      const published = new Date(day.getTime() + (6 + (i % 14)) * 3600_000 + i * 60_000);
      const id = `${outlet}-${day.toISOString().slice(0, 10)}-${i}`;
      items.push(
        `<item><title>${esc(`${t.title} ${id}`)}</title><link>https://${outlet}.example/${id}</link>` +
          `<guid>${id}</guid><pubDate>${published.toUTCString()}</pubDate>` +
          `<description>${esc(t.summary)}</description></item>`,
      );
    }
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${outlet}</title>` +
    `<link>https://${outlet}.example/</link><description>test</description>\n${items.join("\n")}\n</channel></rss>\n`
  );
}

describe.each(["distributed", "embedded"] as const)("a spike alert, end to end (%s mode)", (mode) => {
  let t: TestDatabase | undefined;
  let home: Awaited<ReturnType<typeof embeddedHome>> | undefined;
  let db: Kysely<Database>;
  let ctx: ServiceContext;
  let server: FeedServer;
  let smtp: TestSmtpServer;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    if (mode === "distributed") {
      t = await createTestDatabase();
      ctx = await openServiceContext("e2e", {
        config: parseConfig({ ...testEnv(t.url, REDIS_URL, prefix), SMTP_URL: smtp.url }),
      });
    } else {
      home = await embeddedHome();
      ctx = await openServiceContext("e2e", {
        config: parseConfig({ ...pipelineEnv(prefix), ...home.env, SMTP_URL: smtp.url }),
      });
      await ensureDatabase(ctx.databaseUrl);
      await migrateToLatest(ctx.db);
    }
    db = ctx.db;
    server = await startFeedServer(
      new Map([
        ["/a.xml", feed("outlet-a", 1)],
        ["/b.xml", feed("outlet-b", 2)],
      ]),
    );
    await syncSources(
      db,
      ["a", "b"].map((x) => ({
        id: `outlet-${x}`,
        name: `Outlet ${x}`,
        country: "RS",
        language: "sr",
        script: null,
        timeZone: "Europe/Belgrade",
        feeds: [{ url: `${server.baseUrl}/${x}.xml` }],
      })),
    );
    await startIngestWorkers(ctx);
  });

  afterAll(async () => {
    await ctx?.shutdown.shutdown("test done");
    await deleteRedisKeys(REDIS_URL, prefix);
    await server?.close();
    await smtp?.close();
    await t?.destroy();
    await home?.remove();
  });

  it("ingests the feeds, and the counts show the jump", async () => {
    await startScheduler(ctx);
    await waitFor("both feeds fetched", () => allFeedsFetched(db), 120_000);
    const fetchQueue = ctx.jobs.queue(QueueName.FeedFetch);
    await waitFor("an idle fetch queue", () => isIdle(fetchQueue), 60_000);
    const last = await sql<{ mentions: number; articles: number }>`
      SELECT sum(mentions)::int AS mentions, sum(articles)::int AS articles FROM analytics.theme_daily
      WHERE theme = 'kosovo' AND day = ${lastDay}`.execute(db);
    expect(last.rows[0]).toEqual({ mentions: PER_DAY, articles: 2 * PER_DAY });
  });

  it("raises one alert on the last day and e-mails it once, through the scheduler's alerts job", async () => {
    await saveAlertQuery(db, {
      name: "Kosovo in Serbian outlets",
      themes: ["kosovo"],
      countries: ["RS"],
      granularity: "day",
      recipients: ["analyst@example.org"],
    });
    const alerts = ctx.jobs.queue(QueueName.Alerts);
    const first = jobFinished(ctx.jobs, "alerts-1");
    await alerts.add("alerts", { asOf: lastDay }, { jobId: "alerts-1" });
    const run = (await first) as { raised: unknown[] };
    expect(run).toMatchObject({ queries: 1, errors: [], emails: { sent: 1, failed: [] } });
    expect(run.raised).toHaveLength(1);
    const second = jobFinished(ctx.jobs, "alerts-2");
    await alerts.add("alerts", { asOf: lastDay }, { jobId: "alerts-2" });
    expect(await second).toMatchObject({ raised: [], emails: { sent: 0 } });
    const [alert] = await listAlerts(db, { query: "Kosovo in Serbian outlets" });
    expect(alert).toMatchObject({
      period: lastDay,
      direction: "up",
      mentions: PER_DAY,
      articles: 2 * PER_DAY,
      share: 0.5,
    });
    expect(alert!.baseline_share).toBeLessThan(0.1);
    expect(smtp.received).toHaveLength(1);
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.subject).toBe("Vesti alert: Kosovo in Serbian outlets: 50.0% of articles on Tue 10 Mar 2026");
    expect(mail.text).toContain(alert!.message);
    expect(mail.text).toMatch(/LATEST ARTICLES, Tue 10 Mar 2026\n {2}- Napetost na severu Kosova/);
    expect((await ctx.metrics.alertsRaised.get()).values).toEqual([
      expect.objectContaining({ labels: { granularity: "day", direction: "up" }, value: 1 }),
    ]);
  });
});
