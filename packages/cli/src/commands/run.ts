import { type Config, loadConfig } from "@vesti/config";
import { reportPollCycles, startIngestWorkers } from "@vesti/ingest";
import { isIdle, QueueName } from "@vesti/queue";
import {
  type ContextOptions,
  describeMode,
  openServiceContext,
  type ServiceContext,
  StartupError,
  startContextOpsServer,
} from "@vesti/runtime";
import { enqueueDueFeeds, startScheduler } from "@vesti/scheduler";
import { startWebServer, webServerOptionsFromConfig } from "@vesti/web";
import type { Command } from "commander";
import pg from "pg";
import { outletRunTable, themeTrendLines } from "../report";
import { migrateDatabase } from "./db";
import { syncSourcesFile } from "./sources";
import { selectedDatabase } from "./with-db";

export interface RunOptions {
  once: boolean;
  timeoutSeconds: number;
  /** The sources file (default: SOURCES_FILE, else the repository's infra/sources.yaml). */
  sourcesFile?: string;
  config?: Config;
  /** Serve /healthz and /metrics (off for `vesti demo`, which may run beside `vesti run`). */
  opsServer?: boolean;
  /** Serve the trends page too (not with --once); default true. */
  web?: boolean;
  /** Extra context options (the database, a logger). */
  context?: ContextOptions;
}

/**
 * The main job in one process: migrate, sync the sources file, then run the scheduler and the ingest
 * workers together on the mode's database and job platform (embedded PostgreSQL and the in-process runner
 * by default; BullMQ when REDIS_URL is set). The README's quick start runs this; services/* run the same
 * pieces as separate processes.
 */
export async function runPipeline(options: RunOptions): Promise<ServiceContext> {
  const config = options.config ?? loadConfig();
  const ctx = await openServiceContext("vesti", {
    config,
    ...(selectedDatabase() ? { database: selectedDatabase() } : {}),
    ...options.context,
  });
  ctx.logger.info(describeMode(ctx));
  ctx.shutdown.listen();

  const startedAt = new Date();
  let cycles: ReturnType<typeof reportPollCycles> | undefined;
  try {
    const applied = await migrateDatabase(ctx.databaseUrl);
    if (applied.length) ctx.logger.info({ applied }, "database migrated");
    if (ctx.jobs.kind === "in-process") await holdRunnerLock(ctx);
    const report = await syncSourcesFile(ctx.db, options.sourcesFile ?? config.SOURCES_FILE);
    ctx.logger.info(
      `sources: ${report.outlets.added.length + report.outlets.changed.length} outlets added or changed, ` +
        `${report.feeds.added.length} feeds added, ${report.feeds.removed.length} removed`,
    );
    await startIngestWorkers(ctx);
    cycles = reportPollCycles(ctx);
    if (options.once) {
      // every active feed is due now; the tick below and the scheduler's first tick enqueue it once
      await ctx.db
        .updateTable("feeds")
        .set({ next_fetch_at: new Date() })
        .where("active", "=", true)
        .execute();
    }
    await startScheduler(ctx);
    if (options.opsServer ?? true) await startContextOpsServer(ctx);
  } catch (error) {
    await ctx.shutdown.shutdown("start-up failure", 1);
    throw error;
  }
  if (!options.once) {
    if (options.web ?? true) await startTrendsPage(ctx);
    ctx.logger.info("running: every feed is polled when due; Ctrl-C stops");
    return ctx;
  }

  // --once: wait until every feed was fetched, the pages of the full-text outlets' new articles too (and a
  // retag, if one runs, is done), then report and stop.
  const { due } = await enqueueDueFeeds(ctx.db, ctx.jobs.queue(QueueName.FeedFetch), new Date());
  ctx.logger.info(`fetching ${due} feeds once`);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const fetches = ctx.jobs.queue(QueueName.FeedFetch);
  const retag = ctx.jobs.queue(QueueName.Retag);
  const pages = ctx.jobs.queue(QueueName.ArticleFetch);
  let timedOut = false;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if ((await isIdle(fetches)) && (await isIdle(pages)) && (await isIdle(retag))) break;
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
  }
  if (timedOut) {
    const [f, p, r] = await Promise.all([fetches.counts(), pages.counts(), retag.counts()]);
    const left = f.waiting + f.active + f.delayed;
    const pagesLeft = p.waiting + p.active + p.delayed;
    ctx.logger.warn(
      `--once: gave up waiting after ${options.timeoutSeconds} s` +
        (left ? `; ${left} feed fetches not done (they stay due for the next run)` : "") +
        (pagesLeft
          ? `; ${pagesLeft} article pages not fetched (each host gets one every PAGE_FETCH_MIN_SPACING_MS; the next run's tick enqueues them again)`
          : "") +
        (r.active + r.waiting + r.delayed
          ? "; the retag is left for later: it resumes where it stopped on the next start"
          : ""),
    );
  }
  await cycles?.flush();
  process.stdout.write(`\nWhat this run fetched, per outlet:\n${await outletRunTable(ctx.db, startedAt)}`);
  process.stdout.write(
    `\nAttention to the report's themes, weekly share of all articles (last 8 weeks):\n${await themeTrendLines(ctx.db)}`,
  );
  await ctx.shutdown.shutdown("--once finished");
  return ctx;
}

/**
 * One in-process runner per database: a second `vesti run` on the same database would run a second
 * scheduler with its own politeness gate (twice the requests per host). A session advisory lock, held on
 * its own connection for the life of the process, keeps it to one.
 */
async function holdRunnerLock(ctx: ServiceContext): Promise<void> {
  const client = new pg.Client({ connectionString: ctx.databaseUrl, application_name: "vesti-runner-lock" });
  client.on("error", () => {});
  await client.connect();
  const got = await client.query<{ ok: boolean }>(
    "SELECT pg_try_advisory_lock(hashtextextended('vesti:in-process-runner', 0)) AS ok",
  );
  if (!got.rows[0]?.ok) {
    await client.end();
    throw new StartupError(
      "another `vesti run` is already running on this database with in-process jobs: stop it first; " +
        "to run several workers, use the distributed mode (set DATABASE_URL and REDIS_URL)",
    );
  }
  ctx.shutdown.add("runner lock", () => client.end());
}

/** The trends page beside the pipeline, on the same database; a taken port costs the page, not the run. */
async function startTrendsPage(ctx: ServiceContext): Promise<void> {
  try {
    const server = await startWebServer({
      ...webServerOptionsFromConfig(ctx.config, ctx.logger.child({ service: "web" })),
      databaseUrl: ctx.databaseUrl,
    });
    ctx.shutdown.add("web server", () => server.close());
    ctx.logger.info(`trends page: ${server.url}/`);
  } catch (error) {
    ctx.logger.warn(
      `the trends page did not start (${error instanceof Error ? error.message : String(error)}); ` +
        "set WEB_PORT to a free port, or run `vesti serve --port N` beside this",
    );
  }
}

export function registerRunCommands(program: Command): void {
  program
    .command("run")
    .description("migrate, sync sources, then schedule and ingest every feed (Ctrl-C to stop)")
    .option("--once", "fetch every active feed once, print what was fetched, then exit", false)
    .option("--timeout <seconds>", "with --once: give up waiting after this long", "600")
    .option(
      "--sources <file>",
      "sources YAML (default: SOURCES_FILE, else the repository's infra/sources.yaml)",
    )
    .action(async (opts: { once: boolean; timeout: string; sources?: string }) => {
      await runPipeline({
        once: opts.once,
        timeoutSeconds: Number(opts.timeout),
        ...(opts.sources ? { sourcesFile: opts.sources } : {}),
      });
    });
}
