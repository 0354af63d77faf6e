import { loadConfig } from "@vesti/config";
import { createDb, ensureDatabase, migrateToLatest } from "@vesti/db";
import type { Command } from "commander";

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
  const db = program.command("db").description("database administration");
  db.command("migrate")
    .description("create the database if missing and apply every pending migration")
    .action(async () => {
      const applied = await migrateDatabase(loadConfig().DATABASE_URL);
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
    });
}
