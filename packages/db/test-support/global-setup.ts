import type { TestProject } from "vitest/node";
import { createDb } from "../src/client";
import { migrateToLatest } from "../src/migrate";
import { adminQuery, databaseUrl } from "./test-database";

// Runs once per vitest run (integration and e2e projects): builds the migrated template database. The
// name is unique per run so two runs on one machine do not drop each other's template.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `vesti_tpl_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(`CREATE DATABASE ${template}`);
  const db = createDb(databaseUrl(template), { poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  project.provide("templateDatabase", template);
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}
