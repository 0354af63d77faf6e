import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { createDb } from "../src/client";
import type { Database } from "../src/schema";

// Integration tests get a fresh database per test file, copied from a template that global-setup.ts
// migrated once: CREATE DATABASE ... TEMPLATE is a file copy, far faster than migrating each time,
// and files run in parallel without seeing each other's rows.

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  db: Kysely<Database>;
  /** Closes the pool and drops the database. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `vesti_test_${randomBytes(5).toString("hex")}`;
  // Two files may copy the template at the same moment; Postgres refuses a copy while another backend
  // is connected to the template, so retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDatabase")}`);
      break;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = databaseUrl(name);
  const db = createDb(url, { poolSize: 5, applicationName: "vesti-test" });
  return {
    name,
    url,
    db,
    async destroy() {
      await db.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
