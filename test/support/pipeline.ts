import { randomBytes } from "node:crypto";
import { type Database, type SourceOutlet, syncSources, type ThemeDailyView } from "@vesti/db";
import type { JobPlatform } from "@vesti/queue";
import { type Kysely, sql } from "kysely";
import { type Corpus, type ExpectedCounts, rssFor } from "./corpus";
import { type FeedServer, startFeedServer } from "./feed-server";

/** Serves each feed of the corpus on one of `hosts` loopback addresses, round-robin. */
export async function serveCorpus(corpus: Corpus, hosts: string[], delayMs = 0) {
  const servers: FeedServer[] = [];
  const urls: string[] = [];
  const byHost = hosts.map(() => new Map<string, string>());
  for (let f = 0; f < corpus.feedCount; f++)
    byHost[f % hosts.length]!.set(`/feed/${f}.xml`, rssFor(corpus, f));
  for (let h = 0; h < hosts.length; h++)
    servers.push(await startFeedServer(byHost[h]!, { host: hosts[h]!, delayMs }));
  for (let f = 0; f < corpus.feedCount; f++) urls.push(`${servers[f % hosts.length]!.baseUrl}/feed/${f}.xml`);
  return { servers, urls, close: () => Promise.all(servers.map((s) => s.close())) };
}

export function corpusSources(corpus: Corpus, urls: string[]): SourceOutlet[] {
  return corpus.outlets.map((o) => ({
    id: o.id,
    name: o.id,
    country: o.country,
    language: o.language,
    script: null,
    timeZone: o.country === "RS" ? "Europe/Belgrade" : "Europe/Moscow",
    feeds: o.feeds.map((f) => ({ url: urls[f]! })),
  }));
}

export async function seedSources(db: Kysely<Database>, corpus: Corpus, urls: string[]) {
  await syncSources(db, corpusSources(corpus, urls));
}

export const uniquePrefix = () => `vesti-test-${randomBytes(4).toString("hex")}`;

/** Environment for a distributed pipeline under test (see pipelineEnv). */
export function testEnv(databaseUrl: string, redisUrl: string, prefix: string): Record<string, string> {
  return { ...pipelineEnv(prefix), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
}

/** Settings of a pipeline under test, in any mode: everything on loopback, fast ticks, no politeness delay. */
export function pipelineEnv(prefix: string): Record<string, string> {
  return {
    QUEUE_PREFIX: prefix,
    FETCH_ALLOW_PRIVATE_NETWORKS: "true",
    HOST_MIN_SPACING_MS: "0",
    SCHEDULER_TICK_SECONDS: "1",
    INGEST_CONCURRENCY: "4",
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    SHUTDOWN_TIMEOUT_MS: "5000",
    JOB_LOCK_MS: "4000",
  };
}

/** Resolves with a job's result once this process's job platform reports it done (fails on its last attempt). */
export function jobFinished(jobs: JobPlatform, id: string, timeoutMs = 60_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`job ${id} did not finish in ${timeoutMs} ms`)),
      timeoutMs,
    );
    jobs.on("completed", (job, result) => {
      if (job.id !== id) return;
      clearTimeout(timer);
      resolve(result);
    });
    jobs.on("failed", (job, err, final) => {
      if (job?.id !== id || !final) return;
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Every feed (but those of `exceptOutlet`) fetched successfully at least once. */
export async function allFeedsFetched(db: Kysely<Database>, exceptOutlet = ""): Promise<boolean> {
  const row = await db
    .selectFrom("feeds")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("last_success_at", "is", null)
    .where("outlet_id", "<>", exceptOutlet)
    .executeTakeFirstOrThrow();
  return row.n === 0;
}

/** The counts the database holds, in the same keyed shape as ExpectedCounts. */
export async function storedCounts(db: Kysely<Database>): Promise<ExpectedCounts> {
  const totals = await db.selectFrom("article_daily_counts").selectAll().execute();
  const themes = await sql<
    Pick<ThemeDailyView, "day" | "theme" | "lang" | "script" | "country" | "outlet" | "mentions">
  >`
    SELECT day::text AS day, theme, lang, script, country, outlet, mentions::int AS mentions
    FROM analytics.theme_daily WHERE mentions > 0`.execute(db);
  const articles = new Map(
    totals.map((r) => [`${r.day}|${r.lang}|${r.script}|${r.country}|${r.outlet_id}`, r.articles]),
  );
  const mentions = new Map(
    themes.rows.map((r) => [
      `${r.day}|${r.theme}|${r.lang}|${r.script}|${r.country}|${r.outlet}`,
      r.mentions,
    ]),
  );
  const total = totals.reduce((s, r) => s + r.articles, 0);
  return { articles, mentions, total };
}

export const sorted = (m: Map<string, number>) =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Removes every Redis key a test's queue prefix created (the shared Redis outlives the test). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * Rows where the weekly rollups (kept by triggers) disagree with the daily count tables summed per ISO
 * week, for the headline and the body counts: must be none, whatever happened during the run.
 */
export async function weeklyRollupMismatches(db: Kysely<Database>): Promise<unknown[]> {
  const articleKeys = "lang, script, country::text, outlet_id";
  const themeKeys = `theme, ${articleKeys}, taxonomy_version`;
  const pairs = [
    {
      what: "mentions",
      daily: "theme_daily_counts",
      weekly: "analytics.theme_weekly_counts",
      keys: themeKeys,
    },
    {
      what: "articles",
      daily: "article_daily_counts",
      weekly: "analytics.article_weekly_counts",
      keys: articleKeys,
    },
    {
      what: "body-only mentions",
      daily: "theme_body_daily_counts",
      weekly: "analytics.theme_body_weekly_counts",
      keys: themeKeys,
    },
    {
      what: "articles with a body",
      daily: "article_body_daily_counts",
      weekly: "analytics.article_body_weekly_counts",
      keys: articleKeys,
    },
  ];
  const rows: unknown[] = [];
  for (const { what, daily, weekly, keys } of pairs) {
    const value = keys === themeKeys ? "mentions" : "articles";
    // symmetric difference: rows in one and not (or not equal) in the other, both ways
    const result = await sql
      .raw(
        `
      WITH d AS (
        SELECT date_trunc('week', day)::date AS week_start, ${keys}, sum(${value})::bigint AS n
        FROM ${daily} GROUP BY week_start, ${keys}
      ), w AS (SELECT week_start, ${keys}, ${value}::bigint AS n FROM ${weekly})
      SELECT '${what} only daily' AS what, to_jsonb(x) AS row FROM (TABLE d EXCEPT TABLE w) x
      UNION ALL
      SELECT '${what} only weekly', to_jsonb(x) FROM (TABLE w EXCEPT TABLE d) x`.replace(
          "ROLLUP_KEYS",
          `week_start, ${keys.replace("::text", "")}`,
        ),
      )
      .execute(db);
    rows.push(...result.rows);
  }
  return rows;
}
