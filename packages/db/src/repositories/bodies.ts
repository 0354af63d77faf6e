import { type Kysely, sql, type Transaction } from "kysely";
import type { BodyMethod, BodyStatus, Database } from "../schema";
import { addBodyTotals, applyThemeChanges, type CountedArticle } from "./counts";
import { dedupeThemes, insertBodyThemes } from "./theme-rows";

/** What the page processor needs to know about an article and its outlet. */
export interface ArticleForBody {
  id: number;
  outlet_id: string;
  country: string;
  title: string;
  summary: string;
  lang: string;
  link: string | null;
  canonical_url: string | null;
  taxonomy_version: string;
  outlet_language: string;
  feed_language: string | null;
  fulltext: boolean;
  /** False once the outlet left the sources file. */
  outlet_active: boolean;
  fulltext_selectors: string[] | null;
  fulltext_exclude: string[] | null;
  fulltext_min_length: number | null;
  /** The stored body's status and page hash, when the article has one. */
  body_status: BodyStatus | null;
  body_content_hash: string | null;
}

export async function getArticleForBody(
  db: Kysely<Database>,
  articleId: number,
): Promise<ArticleForBody | undefined> {
  return db
    .selectFrom("articles as a")
    .innerJoin("outlets as o", "o.id", "a.outlet_id")
    .innerJoin("feeds as f", "f.id", "a.feed_id")
    .leftJoin("article_bodies as b", "b.article_id", "a.id")
    .select([
      "a.id",
      "a.outlet_id",
      "o.country",
      "a.title",
      "a.summary",
      "a.lang",
      "a.link",
      "a.canonical_url",
      "a.taxonomy_version",
      "o.language as outlet_language",
      "f.language as feed_language",
      "o.fulltext",
      "o.active as outlet_active",
      "o.fulltext_selectors",
      "o.fulltext_exclude",
      "o.fulltext_min_length",
      "b.status as body_status",
      "b.content_hash as body_content_hash",
    ])
    .where("a.id", "=", articleId)
    .executeTakeFirst();
}

/**
 * Articles of (active) full-text outlets that have no body outcome yet, oldest id first (keyset pagination with
 * `afterId`): for a job that enqueues page fetches to catch up after an outage or when an outlet opts in.
 */
export async function findArticlesWithoutBody(
  db: Kysely<Database>,
  options: { afterId?: number; limit?: number; publishedSince?: Date } = {},
): Promise<{ id: number; outlet_id: string; url: string | null }[]> {
  let q = db
    .selectFrom("articles as a")
    .innerJoin("outlets as o", "o.id", "a.outlet_id")
    .select(["a.id", "a.outlet_id", (eb) => eb.fn.coalesce("a.link", "a.canonical_url").as("url")])
    .where("o.fulltext", "=", true)
    .where("o.active", "=", true)
    .where("a.id", ">", options.afterId ?? 0)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("article_bodies as b").select("b.article_id").whereRef("b.article_id", "=", "a.id"),
        ),
      ),
    );
  if (options.publishedSince) q = q.where("a.published_at", ">=", options.publishedSince);
  return q
    .orderBy("a.id")
    .limit(options.limit ?? 100)
    .execute();
}

/** One outcome of an article's page, ready to store. */
export interface BodyToStore {
  status: BodyStatus;
  method: BodyMethod;
  /** The extracted body, or the summary it fell back to ("" for none). Never HTML. */
  text: string;
  reason: string | null;
  title: string | null;
  lang: string | null;
  script: string | null;
  langConfidence: number | null;
  langDiffers: boolean;
  finalUrl: string | null;
  httpStatus: number | null;
  pageBytes: number | null;
  contentHash: string | null;
  encoding: string | null;
  fetchedAt: Date;
  /** Themes of the whole article (title, summary and body read together); only kept when status is ok. */
  themes: readonly { id: string; evidence: unknown[] }[];
  /** The taxonomy the themes were computed with: must be the current one. */
  taxonomyVersion: string;
}

export interface StoreBodyResult {
  /**
   * stored: first outcome for the article; replaced: an earlier outcome was replaced; unchanged: the same
   * page was stored already (a retried job); kept: an extracted body stays, the new outcome was not
   * better; missing: no such article.
   */
  outcome: "stored" | "replaced" | "unchanged" | "kept" | "missing";
  /** Themes the body adds to the headline's (counted as body-only mentions). */
  bodyOnly: string[];
}

/** The worker's taxonomy is not the current one: another worker has a newer one (or this one is newer). */
export class TaxonomyMismatchError extends Error {
  override readonly name = "TaxonomyMismatchError";
}

/**
 * Stores an article's body outcome and its counts exactly once. In one transaction, holding the article's
 * row lock (so two jobs for one article, or a retag of it, take turns): the body row is inserted or
 * replaced, its themes replaced, and the body-only mention counts moved from the old themes to the new
 * ones (a first `ok` body also adds one to the articles-with-body counts). A retried job, or a crash at
 * any point, therefore neither loses nor double-counts anything. An `ok` body is never replaced by a worse
 * outcome (a later fetch that hit a paywall or failed).
 */
export async function storeArticleBody(
  db: Kysely<Database>,
  articleId: number,
  body: BodyToStore,
): Promise<StoreBodyResult> {
  return db.transaction().execute(async (trx) => {
    const article = await sql<Pick<CountedArticle, "day" | "lang" | "script" | "outlet_id" | "country">>`
      SELECT a.day, a.lang, a.script, a.outlet_id, o.country FROM articles a JOIN outlets o ON o.id = a.outlet_id
      WHERE a.id = ${articleId} FOR UPDATE OF a`.execute(trx);
    const a = article.rows[0];
    if (!a) return { outcome: "missing", bodyOnly: [] };
    await requireCurrentTaxonomy(trx, body.taxonomyVersion);

    const old = await trx
      .selectFrom("article_bodies")
      .select(["status", "content_hash", "taxonomy_version"])
      .where("article_id", "=", articleId)
      .executeTakeFirst();
    if (old?.status === "ok" && body.status !== "ok") {
      await trx
        .updateTable("article_bodies")
        .set({ attempts: sql`attempts + 1`, updated_at: new Date() })
        .where("article_id", "=", articleId)
        .execute();
      return { outcome: "kept", bodyOnly: await bodyOnlyThemes(trx, articleId) };
    }
    if (
      old &&
      old.status === body.status &&
      old.content_hash !== null &&
      old.content_hash === body.contentHash &&
      old.taxonomy_version === body.taxonomyVersion
    )
      return { outcome: "unchanged", bodyOnly: await bodyOnlyThemes(trx, articleId) };

    const headline = new Set(
      (
        await trx.selectFrom("article_themes").select("theme").where("article_id", "=", articleId).execute()
      ).map((r) => r.theme),
    );
    const themes = body.status === "ok" ? dedupeThemes(body.themes) : [];
    const bodyOnly = themes.filter((t) => !headline.has(t.id)).map((t) => t.id);
    const before = old ? await bodyOnlyThemes(trx, articleId) : [];

    const row = {
      status: body.status,
      method: body.method,
      text: body.text,
      length: body.text.length,
      reason: body.reason,
      title: body.title,
      lang: body.lang,
      script: body.script,
      lang_confidence: body.langConfidence,
      lang_differs: body.langDiffers,
      final_url: body.finalUrl,
      http_status: body.httpStatus,
      page_bytes: body.pageBytes,
      content_hash: body.contentHash,
      encoding: body.encoding,
      taxonomy_version: body.taxonomyVersion,
      fetched_at: body.fetchedAt,
      updated_at: new Date(),
    };
    await trx
      .insertInto("article_bodies")
      .values({ article_id: articleId, ...row })
      .onConflict((oc) =>
        oc.column("article_id").doUpdateSet({ ...row, attempts: sql`article_bodies.attempts + 1` }),
      )
      .execute();
    await trx.deleteFrom("article_body_themes").where("article_id", "=", articleId).execute();
    await insertBodyThemes(
      trx,
      themes.map((t) => ({
        article_id: articleId,
        theme: t.id,
        taxonomy_version: body.taxonomyVersion,
        evidence: t.evidence,
        body_only: !headline.has(t.id),
      })),
    );

    const dims = { day: a.day, lang: a.lang, script: a.script, country: a.country, outlet_id: a.outlet_id };
    const was: CountedArticle[] =
      old?.taxonomy_version && before.length > 0
        ? [{ ...dims, taxonomy_version: old.taxonomy_version, themes: before }]
        : [];
    const now: CountedArticle[] =
      bodyOnly.length > 0 ? [{ ...dims, taxonomy_version: body.taxonomyVersion, themes: bodyOnly }] : [];
    await applyThemeChanges(trx, was, now, "theme_body_daily_counts");
    if (body.status === "ok" && old?.status !== "ok") await addBodyTotals(trx, [dims]);
    return { outcome: old ? "replaced" : "stored", bodyOnly };
  });
}

async function bodyOnlyThemes(trx: Transaction<Database>, articleId: number): Promise<string[]> {
  const rows = await trx
    .selectFrom("article_body_themes")
    .select("theme")
    .where("article_id", "=", articleId)
    .where("body_only", "=", true)
    .orderBy("theme")
    .execute();
  return rows.map((r) => r.theme);
}

/**
 * Bodies are tagged with the current taxonomy only. The shared taxonomy lock makes a concurrent switch of
 * the current version wait for this transaction (and this one wait for the switch), so a body is never
 * stored under a version that has just stopped being current; the retag run then covers it.
 */
async function requireCurrentTaxonomy(trx: Transaction<Database>, version: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(hashtextextended('vesti:taxonomy', 0))`.execute(trx);
  const current = await trx
    .selectFrom("taxonomy_versions")
    .select("version")
    .where("is_current", "=", true)
    .executeTakeFirst();
  if (current && current.version !== version)
    throw new TaxonomyMismatchError(
      `body tagged with taxonomy ${version}, but ${current.version} is current: retry on a worker that has it`,
    );
}
