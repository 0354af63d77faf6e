import { type Config, loadConfig, type Mode, resolveMode } from "@vesti/config";
import { createDb, type Database } from "@vesti/db";
import { type EmbeddedPostgres, openEmbeddedPostgres } from "@vesti/embedded";
import {
  BullmqPlatform,
  createRedis,
  type HostGate,
  InProcessPlatform,
  type JobPlatform,
  MemoryHostGate,
  QueueName,
  RedisHostGate,
} from "@vesti/queue";
import type { Redis } from "ioredis";
import { type Kysely, sql } from "kysely";
import { type HealthCheck, startOpsServer } from "./http";
import { logJobFailures } from "./jobs";
import { createLogger, type Logger } from "./logger";
import { createMetrics, type Metrics } from "./metrics";
import { createShutdown, type Shutdown } from "./shutdown";
import { StartupError, waitForPostgres, waitForRedis } from "./startup";

/**
 * What every Vesti process needs: configuration and mode, logs, metrics, Postgres, a job platform (BullMQ
 * over Redis, or the in-process runner) with its per-host politeness gate, and one shutdown path.
 */
export interface ServiceContext {
  name: string;
  config: Config;
  mode: Mode;
  logger: Logger;
  metrics: Metrics;
  /** The connection string of the database this process uses (the embedded server's, in embedded mode). */
  databaseUrl: string;
  db: Kysely<Database>;
  jobs: JobPlatform;
  hostGate: HostGate;
  /** The distributed mode's Redis connection (Bull Board needs it); undefined otherwise. */
  redis?: Redis;
  /** The embedded PostgreSQL server this process uses, in embedded mode. */
  embedded?: EmbeddedPostgres;
  shutdown: Shutdown;
  checks: Record<string, HealthCheck>;
}

export interface ContextOptions {
  config?: Config;
  logger?: Logger;
  /** The services (scheduler, ingest, ops) are the distributed mode's processes: refuse to start otherwise. */
  distributedOnly?: boolean;
  /** The database to use on the mode's server instead of the URL's (`vesti demo` keeps its data apart). */
  database?: string;
}

/** The database URL a mode uses and, in embedded mode, the server behind it (started or joined). */
export async function openDatabaseUrl(
  mode: Mode,
  config: Config,
  logger: Logger,
  database?: string,
): Promise<{ url: string; embedded?: EmbeddedPostgres }> {
  if (mode.kind === "embedded") {
    const embedded = await openEmbeddedPostgres({
      home: mode.home,
      port: mode.port,
      log: (message) => logger.info(message),
    });
    return { url: embedded.url(database ?? "vesti"), embedded };
  }
  await waitForPostgres(mode.databaseUrl, config.STARTUP_RETRY_SECONDS, logger);
  return { url: database ? withDatabase(mode.databaseUrl, database) : mode.databaseUrl };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function openServiceContext(
  name: string,
  options: ContextOptions = {},
): Promise<ServiceContext> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createLogger(name, config.LOG_LEVEL);
  const mode = resolveMode(config);
  if (options.distributedOnly && mode.kind !== "distributed")
    throw new StartupError(
      `the ${name} service is a process of the distributed mode and needs DATABASE_URL and REDIS_URL (${mode.why}); ` +
        "on one machine, `pnpm start` runs everything in one process",
    );
  const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);

  const { url: databaseUrl, embedded } = await openDatabaseUrl(mode, config, logger, options.database);
  // Closed last (registered first): everything else may still need them while it stops.
  if (embedded) shutdown.add("embedded postgres", () => embedded.release());
  try {
    return await connect();
  } catch (error) {
    await shutdown.close(); // what was opened so far, without the exit
    throw error;
  }

  async function connect(): Promise<ServiceContext> {
    const db = createDb(databaseUrl, {
      poolSize: config.DATABASE_POOL_SIZE,
      applicationName: `vesti-${name}`,
    });
    shutdown.add("postgres", () => db.destroy());
    const checks: Record<string, HealthCheck> = {
      postgres: async () => {
        await sql`SELECT 1`.execute(db);
      },
    };

    let redis: Redis | undefined;
    let jobs: JobPlatform;
    let hostGate: HostGate;
    // The hold outlasts the longest request made under it (a page fetch whose redirect needs another
    // origin's robots.txt: both timeouts), so a slow request never loses its host to the next one.
    const gate = {
      spacingMs: config.HOST_MIN_SPACING_MS,
      holdMs: config.FETCH_TOTAL_TIMEOUT_MS + config.PAGE_FETCH_TIMEOUT_MS + 5_000,
    };
    if (mode.kind === "distributed") {
      await waitForRedis(mode.redisUrl, config.STARTUP_RETRY_SECONDS, logger);
      const client = createRedis(mode.redisUrl, `vesti-${name}`);
      redis = client;
      shutdown.add("redis", () => client.quit());
      jobs = new BullmqPlatform(client, config.QUEUE_PREFIX, logger);
      hostGate = new RedisHostGate(client, { ...gate, prefix: `${config.QUEUE_PREFIX}:politeness` });
      checks.redis = async () => {
        if ((await client.ping()) !== "PONG") throw new Error("no PONG");
      };
    } else {
      jobs = new InProcessPlatform(logger);
      hostGate = new MemoryHostGate(gate);
    }
    logJobFailures(jobs, logger);
    // Closed first of the three: running jobs finish before their connections go.
    shutdown.add("jobs", () => jobs.close());

    return {
      name,
      config,
      mode,
      logger,
      metrics: createMetrics(name),
      databaseUrl,
      db,
      jobs,
      hostGate,
      ...(redis ? { redis } : {}),
      ...(embedded ? { embedded } : {}),
      shutdown,
      checks,
    };
  }
}

/** One line that says which mode runs, why, where the data is, how to connect and how to switch. */
export function describeMode(ctx: Pick<ServiceContext, "mode" | "embedded" | "databaseUrl">): string {
  const { mode, embedded } = ctx;
  if (mode.kind === "embedded" && embedded) {
    const how = { started: "started", joined: "already running", recovered: "recovered" }[embedded.how];
    const pgVersion = embedded.version.replace(/^(\d+\.\d+).*/, "$1");
    return (
      `embedded mode (${mode.why}): jobs in this process, PostgreSQL ${pgVersion} ${how} on 127.0.0.1:${embedded.port} ` +
      `with its data in ${embedded.home}. Connect: \`pnpm vesti sql\`, or psql ${redact(ctx.databaseUrl)} ` +
      `(password in ${embedded.home}/postgres.password; \`pnpm vesti db url\` prints the full URL). ` +
      "Distributed mode: set DATABASE_URL and REDIS_URL"
    );
  }
  if (mode.kind === "local")
    return (
      `local mode (${mode.why}) on PostgreSQL ${redact(mode.databaseUrl)}. ` +
      "Distributed mode: set REDIS_URL too; embedded default: unset DATABASE_URL"
    );
  if (mode.kind === "distributed")
    return (
      `distributed mode (${mode.why}): PostgreSQL ${redact(mode.databaseUrl)}, Redis ${redact(mode.redisUrl)}; ` +
      "run more ingest workers to scale. Embedded default: unset both"
    );
  return mode.why;
}

/** A URL without its password. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "";
    return u.toString().replace(/:@/, "@");
  } catch {
    return "(an unparsable URL)";
  }
}

/** Serves /healthz and /metrics for a context; queue depths are refreshed on each scrape. */
export async function startContextOpsServer(
  ctx: ServiceContext,
  options: { port?: number; fallback?: Parameters<typeof startOpsServer>[0]["fallback"] } = {},
) {
  const queues = Object.values(QueueName).map((name) => ctx.jobs.queue(name));
  const server = await startOpsServer({
    host: ctx.config.HTTP_HOST,
    port: options.port ?? ctx.config.HTTP_PORT,
    registry: ctx.metrics.registry,
    checks: ctx.checks,
    ...(options.fallback ? { fallback: options.fallback } : {}),
    beforeScrape: async () => {
      for (const q of queues)
        for (const [state, n] of Object.entries(await q.counts()))
          ctx.metrics.queueDepth.set({ queue: q.name, state }, n);
    },
  });
  ctx.shutdown.add("ops server", () => server.close());
  ctx.logger.info({ port: server.port }, "/healthz and /metrics listening");
  return server;
}
