import type { Logger } from "./logger";

/**
 * The one shutdown path of a process: on SIGTERM/SIGINT (or a call to `shutdown`), run the registered
 * closers in reverse order of registration (workers before the connections they use), bounded by a timeout
 * after which the process exits anyway.
 */
export function createShutdown(logger: Logger, timeoutMs: number) {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  let started: Promise<void> | undefined;

  const runClosers = async () => {
    for (const { name, close } of [...closers].reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error, closer: name }, "error while closing");
      }
    }
    closers.length = 0;
  };

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    started ??= (async () => {
      logger.info({ reason }, "shutting down");
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, "shutdown timed out; exiting");
        process.exit(exitCode || 1);
      }, timeoutMs);
      timer.unref();
      await runClosers();
      clearTimeout(timer);
      logger.info("shut down cleanly");
      process.exitCode = exitCode;
    })();
    return started;
  };

  return {
    /** Register something to close on shutdown; later registrations close first. */
    add(name: string, close: () => Promise<unknown>) {
      closers.push({ name, close });
    },
    shutdown,
    /** Runs the closers registered so far (a start-up that failed half-way), without the exit code or timer. */
    close: runClosers,
    /** Installs the signal handlers (SIGTERM, SIGINT, SIGHUP) and a last-resort handler for unexpected errors. */
    listen() {
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
      process.once("SIGINT", () => void shutdown("SIGINT"));
      // A closed terminal: stop as cleanly as on Ctrl-C (the embedded database is stopped, not orphaned).
      process.once("SIGHUP", () => void shutdown("SIGHUP"));
      process.on("unhandledRejection", (error) => {
        logger.error({ err: error }, "unhandled rejection");
      });
    },
  };
}

export type Shutdown = ReturnType<typeof createShutdown>;
