import type { RequestListener } from "node:http";
import { ConfigError } from "@vesti/config";
import { EmbeddedPostgresError } from "@vesti/embedded";
import { openServiceContext, type ServiceContext, startContextOpsServer } from "./context";
import { createLogger } from "./logger";
import { StartupError } from "./startup";

/** Errors whose message is the whole story (one sentence naming what to fix): no stack trace. */
export function isUserFacing(error: unknown): error is Error {
  return (
    error instanceof StartupError || error instanceof ConfigError || error instanceof EmbeddedPostgresError
  );
}

/**
 * The main of a distributed-mode service: open its context (waiting a bounded time for Postgres and
 * Redis), start it, serve /healthz and /metrics, and stop on SIGTERM/SIGINT through the one shutdown path.
 */
export async function runService(
  name: string,
  /** Starts the service; what it returns serves the paths other than /healthz and /metrics. */
  start: (ctx: ServiceContext) => Promise<undefined | { fallback: RequestListener }>,
): Promise<void> {
  let ctx: ServiceContext;
  try {
    ctx = await openServiceContext(name, { distributedOnly: true });
  } catch (error) {
    const logger = createLogger(name);
    if (isUserFacing(error)) logger.fatal(error.message);
    else logger.fatal({ err: error }, `${name} failed to start`);
    process.exitCode = 1;
    return;
  }
  ctx.shutdown.listen();
  try {
    const served = await start(ctx);
    await startContextOpsServer(ctx, served ? { fallback: served.fallback } : {});
  } catch (error) {
    ctx.logger.fatal({ err: error }, `${name} failed to start`);
    await ctx.shutdown.shutdown("start-up failure", 1);
  }
}
