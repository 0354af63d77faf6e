import { loadConfig } from "@vesti/config";
import { createLogger, createShutdown } from "@vesti/runtime";
import { startWebServer, webServerOptionsFromConfig } from "@vesti/web";
import type { Command } from "commander";
import { z } from "zod";

const portOption = z.coerce.number().int().min(0).max(65535);

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("the trends page for analysts (read-only; http://127.0.0.1:8080/ by default)")
    .option("--port <n>", "port (default WEB_PORT, 8080; 0 picks a free one)")
    .option("--host <host>", "interface (default WEB_HOST, 127.0.0.1: this machine only)")
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig();
      // The database is DATABASE_URL's for now; the embedded mode will hand its own here.
      if (!config.DATABASE_URL)
        throw new Error(
          "vesti serve needs DATABASE_URL for now (the embedded default is not wired to it yet)",
        );
      const port = opts.port === undefined ? undefined : portOption.safeParse(opts.port);
      if (port && !port.success) throw new Error(`--port must be a port number, not "${opts.port}"`);
      const logger = createLogger("web", config.LOG_LEVEL);
      const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS);
      shutdown.listen();
      const server = await startWebServer(
        webServerOptionsFromConfig(config, logger, {
          ...(opts.host ? { host: opts.host } : {}),
          ...(port?.success ? { port: port.data } : {}),
        }),
      );
      shutdown.add("web server", () => server.close());
      process.stderr.write(`trends page on ${server.url}/ (Ctrl-C stops it)\n`);
    });
}
