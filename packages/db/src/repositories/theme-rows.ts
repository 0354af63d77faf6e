import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface ArticleThemeRow {
  article_id: number;
  theme: string;
  taxonomy_version: string;
  /** The tag's evidence (stored as JSONB). */
  evidence: unknown;
}

export interface BodyThemeRow extends ArticleThemeRow {
  body_only: boolean;
}

// A batch's rows travel as one JSON parameter (jsonb_to_recordset) rather than a VALUES list of four or five
// parameters a row: thousands of tags make one small statement for Postgres to parse and plan, and the
// evidence is serialised once, with the rows.

/** Inserts headline theme tags; a tag already stored for the article is left as it is. */
export async function insertArticleThemes(db: Db, rows: readonly ArticleThemeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO article_themes (article_id, theme, taxonomy_version, evidence)
    SELECT article_id, theme, taxonomy_version, evidence
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(article_id bigint, theme text, taxonomy_version text, evidence jsonb)
    ON CONFLICT DO NOTHING`.execute(db);
}

/** Inserts whole-article (body) theme tags. */
export async function insertBodyThemes(db: Db, rows: readonly BodyThemeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO article_body_themes (article_id, theme, taxonomy_version, evidence, body_only)
    SELECT article_id, theme, taxonomy_version, evidence, body_only
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(article_id bigint, theme text, taxonomy_version text, evidence jsonb, body_only boolean)`.execute(
    db,
  );
}

/** The tags with the first of each theme id only (a tagger may report a theme once per field). */
export function dedupeThemes<T extends { id: string }>(themes: readonly T[]): T[] {
  const seen = new Set<string>();
  return themes.filter((t) => !seen.has(t.id) && seen.add(t.id));
}

/** `= ANY(ids)` with the ids as one array parameter: for a batch's thousands of article ids. */
export function anyId(ids: readonly number[]) {
  return sql<number>`ANY(${ids}::bigint[])`;
}
