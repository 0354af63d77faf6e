import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, ensureDatabase, migrateToLatest, migrationNames } from "../src/index";
import { adminQuery, databaseUrl } from "../test-support/test-database";

const name = `vesti_test_mig_${randomBytes(4).toString("hex")}`;
afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

describe("ensureDatabase + migrateToLatest", () => {
  it("creates the database and migrates it once when two processes start at the same moment", async () => {
    const url = databaseUrl(name);
    const created = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(created.filter(Boolean).length).toBeLessThanOrEqual(1);

    const a = createDb(url, { poolSize: 2 });
    const b = createDb(url, { poolSize: 2 });
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
      const applied = [...(ra.results ?? []), ...(rb.results ?? [])].filter((r) => r.status === "Success");
      expect(applied.map((r) => r.migrationName).sort()).toEqual([...migrationNames].sort());
      const tables = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'
          AND table_name IN ('outlets', 'feeds', 'articles', 'article_themes', 'theme_daily_counts')
      `.execute(a);
      expect(tables.rows[0]?.n).toBe(5);
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });
});
