import { type Kysely, type Migration, type MigrationResultSet, Migrator } from "kysely";
import * as m0001 from "./migrations/0001_initial";
import * as m0002 from "./migrations/0002_analytics";
import * as m0003 from "./migrations/0003_feed_moved";
import * as m0004 from "./migrations/0004_outlet_metadata";
import * as m0004r from "./migrations/0004_retag_interrupted";
import * as m0005 from "./migrations/0005_sources";
import * as m0006 from "./migrations/0006_alerts";
import * as m0007 from "./migrations/0007_fulltext";
import * as m0008 from "./migrations/0008_pages";
import * as m0009 from "./migrations/0009_script_counts";
import * as m0010 from "./migrations/0010_web_unsubscribe";
import * as m0011 from "./migrations/0011_alert_scripts";
import * as m0012 from "./migrations/0012_alert_unsubscribe";

// Migrations are listed here rather than read from a folder, so they work the same under tsx, vitest and
// a pruned Docker image. Kysely's Migrator takes a Postgres advisory lock, so two processes that start
// at once run each migration exactly once.
const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_analytics": m0002,
  "0003_feed_moved": m0003,
  "0004_outlet_metadata": m0004,
  "0004_retag_interrupted": m0004r,
  "0005_sources": m0005,
  "0006_alerts": m0006,
  "0007_fulltext": m0007,
  "0008_pages": m0008,
  "0009_script_counts": m0009,
  "0010_web_unsubscribe": m0010,
  "0011_alert_scripts": m0011,
  "0012_alert_unsubscribe": m0012,
};

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName;
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed ?? "(unknown)"} failed: ${cause}`, { cause: result.error });
  }
  return result;
}

export const migrationNames = Object.keys(migrations);
