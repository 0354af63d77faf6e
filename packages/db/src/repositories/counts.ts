import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema";

/** What one article contributes to the trend counts. */
export interface CountedArticle {
  day: string;
  lang: string;
  /** The article's script (articles.script: 'Cyrl', 'Latn', 'mixed'). */
  script: string;
  country: string;
  outlet_id: string;
  taxonomy_version: string;
  themes: readonly string[];
}

type Db = Kysely<Database> | Transaction<Database>;
/** Headline mentions, or body-only mentions (0007_fulltext). */
export type ThemeCountTable = "theme_daily_counts" | "theme_body_daily_counts";
/** All articles, or the articles with an extracted body. */
export type ArticleCountTable = "article_daily_counts" | "article_body_daily_counts";

/**
 * Adds newly inserted articles to the daily counts, inside the transaction that inserted them, so the
 * counts always equal what the article tables hold. Retagging moves theme counts with
 * applyThemeChanges. Keys are applied in sorted order so concurrent transactions cannot deadlock.
 */
export async function addToCounts(db: Db, articles: readonly CountedArticle[]): Promise<void> {
  if (articles.length === 0) return;
  const totals = new Map<string, number>();
  const themes = new Map<string, number>();
  for (const a of articles) {
    const k = articleKey(a);
    totals.set(k, (totals.get(k) ?? 0) + 1);
    for (const theme of new Set(a.themes)) {
      const k = themeKey(theme, a);
      themes.set(k, (themes.get(k) ?? 0) + 1);
    }
  }
  await addArticleTotals(db, totals);
  await applyThemeCounts(db, themes, 1);
}

/** Moves articles' theme counts from their old tags to their new ones (retagging); totals stay. */
export async function applyThemeChanges(
  db: Db,
  before: readonly CountedArticle[],
  after: readonly CountedArticle[],
  table: ThemeCountTable = "theme_daily_counts",
): Promise<void> {
  const delta = new Map<string, number>();
  const add = (list: readonly CountedArticle[], sign: number) => {
    for (const a of list)
      for (const theme of new Set(a.themes)) {
        const k = themeKey(theme, a);
        delta.set(k, (delta.get(k) ?? 0) + sign);
      }
  };
  add(before, -1);
  add(after, 1);
  // Decrements go first and zero rows are deleted, so the table ends exactly as a fresh ingest leaves it.
  await applyThemeCounts(
    db,
    new Map([...delta].filter(([, n]) => n < 0).map(([k, n]) => [k, -n])),
    -1,
    table,
  );
  await applyThemeCounts(db, new Map([...delta].filter(([, n]) => n > 0)), 1, table);
}

/**
 * Adds articles that got an extracted body to article_body_daily_counts (the coverage of the any-mention
 * views), in the transaction that stored the bodies.
 */
export async function addBodyTotals(
  db: Db,
  articles: readonly Pick<CountedArticle, "day" | "lang" | "script" | "country" | "outlet_id">[],
): Promise<void> {
  if (articles.length === 0) return;
  const totals = new Map<string, number>();
  for (const a of articles) {
    const k = articleKey(a);
    totals.set(k, (totals.get(k) ?? 0) + 1);
  }
  await addArticleTotals(db, totals, "article_body_daily_counts");
}

async function addArticleTotals(
  db: Db,
  totals: Map<string, number>,
  table: ArticleCountTable = "article_daily_counts",
): Promise<void> {
  const keys = [...totals.keys()].sort();
  const cols = unzip(keys, 5);
  const n = keys.map((k) => totals.get(k)!);
  await sql`
    INSERT INTO ${sql.table(table)} AS c (day, lang, script, country, outlet_id, articles)
    SELECT * FROM unnest(${cols[0]}::date[], ${cols[1]}::text[], ${cols[2]}::text[], ${cols[3]}::text[],
                         ${cols[4]}::text[], ${n}::bigint[])
    ON CONFLICT (day, lang, script, country, outlet_id) DO UPDATE SET articles = c.articles + excluded.articles
  `.execute(db);
}

async function applyThemeCounts(
  db: Db,
  counts: Map<string, number>,
  sign: 1 | -1,
  table: ThemeCountTable = "theme_daily_counts",
): Promise<void> {
  if (counts.size === 0) return;
  const keys = [...counts.keys()].sort();
  const cols = unzip(keys, 7);
  const n = keys.map((k) => counts.get(k)!);
  if (sign === 1) {
    await sql`
      INSERT INTO ${sql.table(table)} AS c (theme, day, lang, script, country, outlet_id, taxonomy_version, mentions)
      SELECT * FROM unnest(${cols[0]}::text[], ${cols[1]}::date[], ${cols[2]}::text[], ${cols[3]}::text[],
                           ${cols[4]}::text[], ${cols[5]}::text[], ${cols[6]}::text[], ${n}::bigint[])
      ON CONFLICT (theme, day, lang, script, country, outlet_id, taxonomy_version)
      DO UPDATE SET mentions = c.mentions + excluded.mentions
    `.execute(db);
    return;
  }
  // Decrements update existing rows only (an insert of a negative count would break the CHECK), then
  // drop the rows that reached zero so the table matches a fresh ingest.
  const keyed = sql`
    unnest(${cols[0]}::text[], ${cols[1]}::date[], ${cols[2]}::text[], ${cols[3]}::text[], ${cols[4]}::text[],
           ${cols[5]}::text[], ${cols[6]}::text[], ${n}::bigint[]) AS k(theme, day, lang, script, country, outlet_id, v, n)`;
  const match = sql`t.theme = k.theme AND t.day = k.day AND t.lang = k.lang AND t.script = k.script
    AND t.country = k.country AND t.outlet_id = k.outlet_id AND t.taxonomy_version = k.v`;
  await sql`UPDATE ${sql.table(table)} t SET mentions = t.mentions - k.n FROM ${keyed} WHERE ${match}`.execute(
    db,
  );
  await sql`DELETE FROM ${sql.table(table)} t USING ${keyed} WHERE t.mentions = 0 AND ${match}`.execute(db);
}

/** The keys of the count tables, in their primary keys' order (migration 0009_script_counts). */
const articleKey = (a: Pick<CountedArticle, "day" | "lang" | "script" | "country" | "outlet_id">) =>
  JSON.stringify([a.day, a.lang, a.script, a.country, a.outlet_id]);
const themeKey = (theme: string, a: CountedArticle) =>
  JSON.stringify([theme, a.day, a.lang, a.script, a.country, a.outlet_id, a.taxonomy_version]);

function unzip(keys: string[], width: number): string[][] {
  const cols: string[][] = Array.from({ length: width }, () => []);
  for (const k of keys) {
    const parts = JSON.parse(k) as string[];
    for (let i = 0; i < width; i++) cols[i]!.push(parts[i]!);
  }
  return cols;
}
