import { loadConfig, resolveMode } from "@vesti/config";
import { createDb, ensureDatabase, migrateToLatest } from "@vesti/db";
import { embeddedPostgresStatus, stopEmbeddedPostgres } from "@vesti/embedded";
import { redact } from "@vesti/runtime";
import type { Command } from "commander";
import { selectedDatabase, withDb } from "./with-db";

export async function migrateDatabase(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const db = createDb(url, { poolSize: 1, applicationName: "vesti-migrate" });
  try {
    const result = await migrateToLatest(db);
    return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}

export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("the database: migrations, and the embedded server");
  db.command("migrate")
    .description("create the database if missing and apply every pending migration")
    .action(async () => {
      // withDb migrates before it runs anything; this command only says what it did.
      const applied = await withDb(async (_db, url) => migrateDatabase(url));
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
    });
  db.command("url")
    .description(
      "print the connection string of the mode's database (with its password), for psql or a notebook",
    )
    .action(async () => {
      const url = await withDb(async (_db, u) => u);
      process.stdout.write(`${url}\n`);
    });
  db.command("status")
    .description("which mode runs, and the embedded server's state")
    .action(async () => {
      const mode = resolveMode(loadConfig());
      if (mode.kind !== "embedded") {
        process.stdout.write(`${mode.kind} mode (${mode.why}): PostgreSQL ${redact(mode.databaseUrl)}\n`);
        return;
      }
      const s = await embeddedPostgresStatus(mode.home);
      process.stdout.write(
        `embedded mode (${mode.why}), data in ${mode.home}${selectedDatabase() ? `, database ${selectedDatabase()}` : ""}\n` +
          (s.running
            ? `PostgreSQL runs (pid ${s.running.pid}) on 127.0.0.1:${s.running.port}, used by ${s.users.length} Vesti process(es)${s.users.length ? `: ${s.users.join(", ")}` : ""}\n`
            : s.initialised
              ? "PostgreSQL is stopped; any vesti command starts it\n"
              : "no database yet; `pnpm start` or any vesti command creates it\n"),
      );
    });
  db.command("stop")
    .description("stop the embedded PostgreSQL server (Vesti processes using it lose their connections)")
    .action(async () => {
      const mode = resolveMode(loadConfig());
      if (mode.kind !== "embedded") throw new Error(`${mode.kind} mode: there is no embedded server to stop`);
      const stopped = await stopEmbeddedPostgres(mode.home);
      process.stdout.write(
        stopped ? "embedded PostgreSQL stopped\n" : "embedded PostgreSQL was not running\n",
      );
    });
}
