import { loadConfig, resolveMode } from "@vesti/config";
import { createLogger, createShutdown, describeMode, openDatabaseUrl } from "@vesti/runtime";
import { startWebServer, webServerOptionsFromConfig } from "@vesti/web";
import type { Command } from "commander";
import { z } from "zod";
import { migrateDatabase } from "./db";
import { selectedDatabase } from "./with-db";

const portOption = z.coerce.number().int().min(0).max(65535);

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("the trends page for analysts (read-only; http://127.0.0.1:8080/ by default)")
    .option("--port <n>", "port (default WEB_PORT, 8080; 0 picks a free one)")
    .option("--host <host>", "interface (default WEB_HOST, 127.0.0.1: this machine only)")
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig();
      const port = opts.port === undefined ? undefined : portOption.safeParse(opts.port);
      if (port && !port.success) throw new Error(`--port must be a port number, not "${opts.port}"`);
      const logger = createLogger("web", config.LOG_LEVEL);
      const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
      shutdown.listen();
      // The mode's database: the embedded server (joined, or started and kept while the page runs) or
      // DATABASE_URL's.
      const mode = resolveMode(config);
      const { url, embedded } = await openDatabaseUrl(mode, config, logger, selectedDatabase());
      if (embedded) shutdown.add("embedded postgres", () => embedded.release());
      try {
        await migrateDatabase(url);
        const server = await startWebServer({
          ...webServerOptionsFromConfig(config, logger, {
            ...(opts.host ? { host: opts.host } : {}),
            ...(port?.success ? { port: port.data } : {}),
          }),
          databaseUrl: url,
        });
        shutdown.add("web server", () => server.close());
        logger.info(describeMode({ mode, databaseUrl: url, ...(embedded ? { embedded } : {}) }));
        process.stderr.write(`trends page on ${server.url}/ (Ctrl-C stops it)\n`);
      } catch (error) {
        await shutdown.shutdown("start-up failure", 1);
        throw error;
      }
    });
}
