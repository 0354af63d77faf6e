import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import {
  createDb,
  createMigrator,
  type Database,
  ensureDatabase,
  migrateToLatest,
  migrationNames,
  storeArticleBody,
  storeArticles,
} from "../src/index";
import { createTestOutlets } from "../test-support/articles";
import { adminQuery, createTestDatabase, databaseUrl } from "../test-support/test-database";

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

// 0009_script_counts on a database that has data: the data is written at 0007 as that version wrote it
// (the article tables, and counts without the script), then migrated; the counts must come out exactly as
// a fresh database at the latest version writes them for the same articles through the real write paths.
interface Item {
  outlet: "rs1" | "ru1";
  at: string;
  lang: string;
  script: string;
  themes: string[];
  /** Taxonomy of the headline tags (an article a retag has not reached yet keeps "old"). */
  version?: "old";
  /** The article's page: its status and the themes only the body adds. */
  body?: { status: "ok" | "paywalled"; bodyOnly: string[] };
}
const ITEMS: Item[] = [
  // ISO week 2026-W10, Serbian in both scripts, English, Russian
  { outlet: "rs1", at: "2026-03-02T08:00:00Z", lang: "sr", script: "Cyrl", themes: ["kosovo", "vucic"] },
  { outlet: "rs1", at: "2026-03-02T09:00:00Z", lang: "sr", script: "Latn", themes: ["kosovo"] },
  {
    outlet: "rs1",
    at: "2026-03-02T10:00:00Z",
    lang: "sr",
    script: "Latn",
    themes: [],
    body: { status: "ok", bodyOnly: ["chinese_aid", "xi"] },
  },
  {
    outlet: "rs1",
    at: "2026-03-03T10:00:00Z",
    lang: "sr",
    script: "Cyrl",
    themes: ["russian_aid"],
    body: { status: "ok", bodyOnly: ["putin"] },
  },
  {
    outlet: "rs1",
    at: "2026-03-03T11:00:00Z",
    lang: "sr",
    script: "Cyrl",
    themes: ["eu_aid"],
    body: { status: "paywalled", bodyOnly: [] },
  },
  { outlet: "rs1", at: "2026-03-03T12:00:00Z", lang: "sr", script: "mixed", themes: ["kosovo"] },
  { outlet: "rs1", at: "2026-03-04T12:00:00Z", lang: "en", script: "Latn", themes: ["kosovo", "putin"] },
  { outlet: "ru1", at: "2026-03-04T12:00:00Z", lang: "ru", script: "Cyrl", themes: ["putin", "xi"] },
  {
    outlet: "ru1",
    at: "2026-03-04T13:00:00Z",
    lang: "sr",
    script: "Latn",
    themes: ["kosovo"],
    body: { status: "ok", bodyOnly: [] },
  },
  // 2026-W11, and an article still tagged with the old taxonomy (an article, not a current mention)
  {
    outlet: "rs1",
    at: "2026-03-09T08:00:00Z",
    lang: "sr",
    script: "Latn",
    themes: ["vucic"],
    version: "old",
  },
  { outlet: "rs1", at: "2026-03-10T08:00:00Z", lang: "sr", script: "Cyrl", themes: ["chinese_aid"] },
  { outlet: "ru1", at: "2026-03-15T23:59:59Z", lang: "ru", script: "Cyrl", themes: [] },
];

/** What each count table must hold for ITEMS, computed from the fixtures, with or without the script. */
function countsOf(items: readonly Item[], withScript: boolean) {
  const country = { rs1: "RS", ru1: "RU" };
  const tables = {
    article_daily_counts: new Map<string, number>(),
    theme_daily_counts: new Map<string, number>(),
    article_body_daily_counts: new Map<string, number>(),
    theme_body_daily_counts: new Map<string, number>(),
  };
  const add = (m: Map<string, number>, k: unknown[]) =>
    m.set(JSON.stringify(k), (m.get(JSON.stringify(k)) ?? 0) + 1);
  for (const it of items) {
    const dims = [it.lang, ...(withScript ? [it.script] : []), country[it.outlet], it.outlet];
    const day = it.at.slice(0, 10);
    add(tables.article_daily_counts, [day, ...dims]);
    for (const theme of it.themes)
      add(tables.theme_daily_counts, [theme, day, ...dims, it.version ?? "test"]);
    if (it.body?.status !== "ok") continue;
    add(tables.article_body_daily_counts, [day, ...dims]);
    for (const theme of it.body.bodyOnly) add(tables.theme_body_daily_counts, [theme, day, ...dims, "test"]);
  }
  return tables;
}

async function storeItems(db: Kysely<Database>): Promise<void> {
  await createTestOutlets(db, [
    { id: "rs1", country: "RS", collections: ["serbia-national"] },
    { id: "ru1", country: "RU" },
  ]);
  await db.insertInto("taxonomy_versions").values({ version: "old", is_current: false }).execute();
  for (const [i, it] of ITEMS.entries()) {
    const feed = await db
      .selectFrom("feeds")
      .select("id")
      .where("outlet_id", "=", it.outlet)
      .executeTakeFirstOrThrow();
    const url = `https://${it.outlet}.test/${i}`;
    const evidence = (id: string) => [{ field: "title", start: 0, end: id.length, text: id }];
    const stored = await storeArticles(
      db,
      {
        feed_id: feed.id,
        outlet_id: it.outlet,
        country: it.outlet === "rs1" ? "RS" : "RU",
        taxonomy_version: it.version ?? "test",
      },
      [
        {
          url_hash: `hash-${i}`,
          canonical_url: url,
          link: url,
          guid: url,
          title: `Article ${i} ${it.themes.join(" ")}`,
          summary: "",
          title_key: `article ${i}`,
          published_at: new Date(it.at),
          published_estimated: false,
          fetched_at: new Date(it.at),
          lang: it.lang,
          script: it.script,
          lang_confidence: 0.9,
          themes: it.themes.map((id) => ({ id, evidence: evidence(id) })),
        },
      ],
    );
    if (!it.body) continue;
    const ok = it.body.status === "ok";
    await storeArticleBody(db, stored.insertedIds[0]!, {
      status: it.body.status,
      method: ok ? "readability" : "fallback-summary",
      text: ok ? `Body of article ${i}` : "",
      reason: ok ? null : "paywall",
      title: null,
      lang: it.lang,
      script: it.script,
      langConfidence: 0.9,
      langDiffers: false,
      finalUrl: url,
      httpStatus: 200,
      pageBytes: 1000,
      contentHash: `page-${i}`,
      encoding: "utf-8",
      fetchedAt: new Date(it.at),
      themes: ok ? [...it.themes, ...it.body.bodyOnly].map((id) => ({ id, evidence: evidence(id) })) : [],
      taxonomyVersion: "test",
    });
  }
}

/** Copies a table's rows verbatim (ids included) into a database whose table has the same columns. */
async function copyRows(from: Kysely<Database>, to: Kysely<Database>, table: string): Promise<void> {
  const rows = await sql<{ r: unknown }>`SELECT to_jsonb(t) AS r FROM ${sql.table(table)} t`.execute(from);
  await sql`
    INSERT INTO ${sql.table(table)} OVERRIDING SYSTEM VALUE
    SELECT * FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows.rows.map((x) => x.r))}::jsonb)
  `.execute(to);
}

const COUNT_TABLES = [
  "article_daily_counts",
  "theme_daily_counts",
  "article_body_daily_counts",
  "theme_body_daily_counts",
  "analytics.article_weekly_counts",
  "analytics.theme_weekly_counts",
  "analytics.article_body_weekly_counts",
  "analytics.theme_body_weekly_counts",
];
const rowsOf = async (db: Kysely<Database>, from: string) =>
  (await sql.raw(`SELECT to_jsonb(t) AS r FROM ${from} t ORDER BY to_jsonb(t)::text`).execute(db)).rows;

describe("0009_script_counts", () => {
  it("backfills the script into the counts of a database with data, exactly as a fresh ingest", async () => {
    const fresh = await createTestDatabase();
    const oldName = `vesti_test_mig9_${randomBytes(4).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${oldName}`);
    const old = createDb(databaseUrl(oldName), { poolSize: 2 });
    try {
      await storeItems(fresh.db);

      // The database as 0007 left it: the same article tables, and the counts 0007's code wrote.
      const to0007 = await createMigrator(old).migrateTo("0007_fulltext");
      expect(to0007.error).toBeUndefined();
      for (const table of [
        "outlets",
        "feeds",
        "taxonomy_versions",
        "articles",
        "article_themes",
        "article_bodies",
        "article_body_themes",
      ])
        await copyRows(fresh.db, old, table);
      for (const [table, counts] of Object.entries(countsOf(ITEMS, false))) {
        const theme = table.startsWith("theme");
        const keys = theme
          ? ["theme", "day", "lang", "country", "outlet_id", "taxonomy_version"]
          : ["day", "lang", "country", "outlet_id"];
        const rows = [...counts].map(([k, n]) => ({
          ...Object.fromEntries(keys.map((c, i) => [c, (JSON.parse(k) as string[])[i]])),
          [theme ? "mentions" : "articles"]: n,
        }));
        await sql`
          INSERT INTO ${sql.table(table)}
          SELECT * FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb)
        `.execute(old);
      }
      const before = {
        weekly: await rowsOf(old, "analytics.theme_weekly"),
        aid: await rowsOf(old, "analytics.aid_attention_weekly"),
      };
      expect(before.weekly.length).toBeGreaterThan(20);

      await migrateToLatest(old);

      // Every count table and rollup as the fresh database has it...
      for (const table of COUNT_TABLES)
        expect(await rowsOf(old, table), table).toEqual(await rowsOf(fresh.db, table));
      // ...which is what the fixtures say, per script...
      for (const [table, counts] of Object.entries(countsOf(ITEMS, true))) {
        const keys = table.startsWith("theme")
          ? "theme, day::text, lang, script, country::text, outlet_id, taxonomy_version"
          : "day::text, lang, script, country::text, outlet_id";
        const value = table.startsWith("theme") ? "mentions" : "articles";
        const stored = await sql
          .raw<{ k: unknown[]; n: number }>(
            `SELECT jsonb_build_array(${keys}) AS k, ${value}::int AS n FROM ${table}`,
          )
          .execute(old);
        expect(
          new Map(stored.rows.map((r) => [JSON.stringify(r.k), r.n])),
          `${table} against the fixtures`,
        ).toEqual(counts);
      }
      // ...and summed over the script, the views give what they gave before.
      const summed = await sql`
        SELECT to_jsonb(t) AS r FROM (
          SELECT week_start, iso_week, theme, lang, country, outlet, sum(mentions)::bigint AS mentions,
                 sum(articles)::bigint AS articles, sum(mentions)::float8 / sum(articles)::float8 AS share,
                 taxonomy_version
          FROM analytics.theme_weekly GROUP BY 1, 2, 3, 4, 5, 6, taxonomy_version) t
        ORDER BY to_jsonb(t)::text`.execute(old);
      expect(summed.rows).toEqual(before.weekly);
      expect(await rowsOf(old, "analytics.aid_attention_weekly")).toEqual(before.aid);
    } finally {
      await old.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${oldName} WITH (FORCE)`);
      await fresh.destroy();
    }
  });
});
