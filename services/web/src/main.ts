import { loadConfig } from "@vesti/config";
import { createLogger, createShutdown, isUserFacing, waitForPostgres } from "@vesti/runtime";
import { startWebServer, webServerOptionsFromConfig } from "@vesti/web";

// services/web: the trends page for analysts on WEB_HOST:WEB_PORT (read-only, as vesti_analyst), with its
// own /healthz. It needs Postgres only.
const config = loadConfig();
const logger = createLogger("web", config.LOG_LEVEL);
const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
shutdown.listen();
try {
  if (!config.DATABASE_URL) throw new Error("the web service needs DATABASE_URL");
  await waitForPostgres(config.DATABASE_URL, config.STARTUP_RETRY_SECONDS, logger);
  const server = await startWebServer(webServerOptionsFromConfig(config, logger));
  shutdown.add("web server", () => server.close());
} catch (error) {
  if (isUserFacing(error)) logger.fatal(error.message);
  else logger.fatal({ err: error }, "web failed to start");
  await shutdown.shutdown("start-up failure", 1);
}
