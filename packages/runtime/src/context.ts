import { type Config, loadConfig } from "@vesti/config";
import { createDb, type Database } from "@vesti/db";
import { createQueue, createRedis, type QueueContext, QueueName } from "@vesti/queue";
import type { Redis } from "ioredis";
import { type Kysely, sql } from "kysely";
import { type HealthCheck, startOpsServer } from "./http";
import { createLogger, type Logger } from "./logger";
import { createMetrics, type Metrics } from "./metrics";
import { createShutdown, type Shutdown } from "./shutdown";

/** What every Vesti process needs: configuration, logs, metrics, Postgres, Redis and one shutdown path. */
export interface ServiceContext {
  name: string;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Kysely<Database>;
  redis: Redis;
  queues: QueueContext;
  shutdown: Shutdown;
  checks: Record<string, HealthCheck>;
}

export function createServiceContext(name: string, config: Config = loadConfig()): ServiceContext {
  const logger = createLogger(name, config.LOG_LEVEL);
  const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
  const db = createDb(config.DATABASE_URL, {
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: `vesti-${name}`,
  });
  const redis = createRedis(config.REDIS_URL, `vesti-${name}`);
  redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
  // Closed last (registered first): everything else may still need them while it stops.
  shutdown.add("postgres", () => db.destroy());
  shutdown.add("redis", () => redis.quit());
  return {
    name,
    config,
    logger,
    metrics: createMetrics(name),
    db,
    redis,
    queues: { connection: redis, prefix: config.QUEUE_PREFIX },
    shutdown,
    checks: {
      postgres: async () => {
        await sql`SELECT 1`.execute(db);
      },
      redis: async () => {
        if ((await redis.ping()) !== "PONG") throw new Error("no PONG");
      },
    },
  };
}

/** Serves /healthz and /metrics for a context; queue depths are refreshed on each scrape. */
export async function startContextOpsServer(
  ctx: ServiceContext,
  options: { port?: number; fallback?: Parameters<typeof startOpsServer>[0]["fallback"] } = {},
) {
  const queues = Object.values(QueueName).map((name) => createQueue(name, ctx.queues));
  const server = await startOpsServer({
    host: ctx.config.HTTP_HOST,
    port: options.port ?? ctx.config.HTTP_PORT,
    registry: ctx.metrics.registry,
    checks: ctx.checks,
    ...(options.fallback ? { fallback: options.fallback } : {}),
    beforeScrape: async () => {
      for (const q of queues) {
        const counts = await q.getJobCounts(
          "waiting",
          "active",
          "delayed",
          "failed",
          "completed",
          "prioritized",
        );
        for (const [state, n] of Object.entries(counts))
          ctx.metrics.queueDepth.set({ queue: q.name, state }, n);
      }
    },
  });
  ctx.shutdown.add("ops server", async () => {
    await server.close();
    await Promise.all(queues.map((q) => q.close()));
  });
  ctx.logger.info({ port: server.port }, "/healthz and /metrics listening");
  return server;
}
