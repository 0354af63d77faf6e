import { loadConfig } from "@vesti/config";
import { createDb, type Database } from "@vesti/db";
import type { Kysely } from "kysely";

/** Runs `fn` with a small pool on DATABASE_URL and closes it afterwards. */
export async function withDb<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = createDb(loadConfig().DATABASE_URL, { poolSize: 2, applicationName: "vesti-cli" });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}
