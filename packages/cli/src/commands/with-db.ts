import { loadConfig, resolveMode } from "@vesti/config";
import { createDb, type Database } from "@vesti/db";
import { createLogger, openDatabaseUrl } from "@vesti/runtime";
import type { Kysely } from "kysely";
import { migrateDatabase } from "./db";

let databaseName: string | undefined;

/** The program's --db option: another database on the mode's server (`vesti demo` fills vesti_demo). */
export function selectDatabase(name: string | undefined): void {
  databaseName = name;
}

export function selectedDatabase(): string | undefined {
  return databaseName;
}

/** A CLI command's logger: on stderr, so that stdout carries only the command's output. */
export const cliLogger = () => createLogger("vesti", loadConfig().LOG_LEVEL, { fd: 2 });

/**
 * Runs `fn` on the mode's database (the embedded server, joined or started for the command, in embedded
 * mode), migrated first so that every view exists, and lets go of it afterwards.
 */
export async function withDb<T>(fn: (db: Kysely<Database>, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { url, embedded } = await openDatabaseUrl(resolveMode(config), config, cliLogger(), databaseName);
  try {
    await migrateDatabase(url);
    const db = createDb(url, { poolSize: 2, applicationName: "vesti-cli" });
    try {
      return await fn(db, url);
    } finally {
      await db.destroy();
    }
  } finally {
    await embedded?.release();
  }
}
