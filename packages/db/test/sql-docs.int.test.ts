import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

// docs/sql.md must describe the views as they are: every view in schema analytics has a section, and
// each section's column table lists exactly the view's columns.
const doc = readFileSync(new URL("../../../docs/sql.md", import.meta.url), "utf8");

/** View → documented columns (null: named as an internal building block, columns not listed). */
function documentedViews(): Map<string, string[] | null> {
  const views = new Map<string, string[] | null>();
  // helper objects are listed as `analytics.name(col, col)` in a table row
  for (const m of doc.matchAll(/^\| `analytics\.(\w+)(?:\(([^)]*)\))?` \|/gm))
    views.set(m[1]!, m[2] === undefined ? null : m[2].split(",").map((c) => c.trim()));
  for (const section of doc.split(/^### /m).slice(1)) {
    const name = /^analytics\.(\w+)\s*$/m.exec(section.split("\n")[0] ?? "")?.[1];
    if (!name) continue;
    const columns: string[] = [];
    for (const line of section.split("\n")) {
      const cell = /^\| ((?:`\w+`(?:, )?)+) \|/.exec(line)?.[1];
      if (cell) columns.push(...[...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
    }
    views.set(name, columns);
  }
  return views;
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe("docs/sql.md", () => {
  it("documents every analytics view with exactly its columns", async () => {
    const rows = await sql<{ view: string; column: string }>`
      SELECT c.table_name AS view, c.column_name AS column
      FROM information_schema.columns c
      JOIN information_schema.views v ON v.table_schema = c.table_schema AND v.table_name = c.table_name
      WHERE c.table_schema = 'analytics'
      ORDER BY c.table_name, c.ordinal_position`.execute(t.db);
    const actual = new Map<string, string[]>();
    for (const r of rows.rows) actual.set(r.view, [...(actual.get(r.view) ?? []), r.column]);
    const documented = documentedViews();
    expect(actual.size).toBeGreaterThan(5);
    for (const [view, columns] of actual) {
      expect(documented.has(view), `analytics.${view} is documented`).toBe(true);
      const listed = documented.get(view);
      if (listed !== null)
        expect([...(listed ?? [])].sort(), `columns of analytics.${view}`).toEqual([...columns].sort());
    }
  });
});
