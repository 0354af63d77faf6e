import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema";
import { applyThemeChanges, type CountedArticle } from "./counts";
import {
  type ArticleThemeRow,
  anyId,
  type BodyThemeRow,
  dedupeThemes,
  insertArticleThemes,
  insertBodyThemes,
} from "./theme-rows";

/**
 * Runs `fn` in a transaction that holds the taxonomy lock (so workers starting at once agree on one
 * current version), with the current version as it is under the lock.
 */
export async function withTaxonomyLock<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>, current: string | undefined) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended('vesti:taxonomy', 0))`.execute(trx);
    const current = await trx
      .selectFrom("taxonomy_versions")
      .select("version")
      .where("is_current", "=", true)
      .executeTakeFirst();
    return fn(trx, current?.version);
  });
}

/** Makes `version` the one current version (inside withTaxonomyLock). */
export async function makeTaxonomyCurrent(trx: Transaction<Database>, version: string): Promise<void> {
  await trx
    .updateTable("taxonomy_versions")
    .set({ is_current: false })
    .where("is_current", "=", true)
    .execute();
  await trx
    .insertInto("taxonomy_versions")
    .values({ version, is_current: true })
    .onConflict((oc) => oc.column("version").doUpdateSet({ is_current: true }))
    .execute();
}

/**
 * Records a taxonomy version and makes it the current one. Returns whether stored articles carry another
 * version (so a retag is needed). Idempotent, and safe when several workers start at once.
 */
export async function activateTaxonomyVersion(
  db: Kysely<Database>,
  version: string,
): Promise<{ changed: boolean; staleArticles: boolean }> {
  return withTaxonomyLock(db, async (trx, current) => {
    const changed = current !== version;
    if (changed) await makeTaxonomyCurrent(trx, version);
    const stale = await trx
      .selectFrom("articles")
      .select("id")
      .where("taxonomy_version", "<>", version)
      .limit(1)
      .executeTakeFirst();
    const staleBody = stale
      ? undefined
      : await trx
          .selectFrom("article_bodies")
          .select("article_id")
          .where("taxonomy_version", "<>", version)
          .limit(1)
          .executeTakeFirst();
    return { changed, staleArticles: stale !== undefined || staleBody !== undefined };
  });
}

export interface RetagArticle {
  id: number;
  title: string;
  summary: string;
  lang: string;
  /** The article's extracted body: null for the headline's tags, set for the whole article's. */
  body: string | null;
}

/** Tags an article: its headline when `body` is null, the whole article (headline and body) otherwise. */
export type Tagger = (article: RetagArticle) => { id: string; evidence: unknown[] }[];

export interface RetagProgress {
  runId: number;
  lastArticleId: number;
  articlesDone: number;
  articlesChanged: number;
  /** Articles to retag when the run started; null for runs started before it was recorded. */
  articlesTotal: number | null;
  done: boolean;
}

/**
 * The next `limit` articles after `afterId` (by id) that carry another taxonomy version, or whose body
 * does: a retag batch. retagBatch locks them; peekRetagBatch reads them ahead, unlocked.
 */
function staleArticles(
  db: Kysely<Database> | Transaction<Database>,
  version: string,
  afterId: number,
  limit: number,
) {
  return db
    .selectFrom("articles as a")
    .innerJoin("outlets as o", "o.id", "a.outlet_id")
    .select([
      "a.id",
      "a.title",
      "a.summary",
      "a.lang",
      "a.script",
      "a.day",
      "a.taxonomy_version",
      "a.outlet_id",
      "o.country",
    ])
    .where("a.id", ">", afterId)
    .where((eb) =>
      eb.or([
        eb("a.taxonomy_version", "<>", version),
        eb.exists(
          eb
            .selectFrom("article_bodies as b")
            .select("b.article_id")
            .whereRef("b.article_id", "=", "a.id")
            .where("b.taxonomy_version", "<>", version),
        ),
      ]),
    )
    .orderBy("a.id")
    .limit(limit);
}

/**
 * What the retag batch after `afterId` will most likely tag, read without locks: its articles' headlines
 * and, where a body was extracted, the body. For tagging ahead while Postgres writes the batch before it;
 * retagBatch still reads and locks the rows itself, so whatever changed meanwhile is tagged as it is then.
 */
export async function peekRetagBatch(
  db: Kysely<Database>,
  version: string,
  afterId: number,
  batchSize: number,
): Promise<{ articles: RetagArticle[]; bodies: Map<number, string> }> {
  const rows = await staleArticles(db, version, afterId, batchSize).execute();
  const bodies = new Map<number, string>();
  if (rows.length > 0)
    for (const b of await db
      .selectFrom("article_bodies")
      .select(["article_id", "text"])
      .where("article_id", "=", anyId(rows.map((r) => r.id)))
      .where("status", "=", "ok")
      .execute())
      bodies.set(b.article_id, b.text);
  return {
    articles: rows.map((r) => ({ id: r.id, title: r.title, summary: r.summary, lang: r.lang, body: null })),
    bodies,
  };
}

/** Starts a retag run for `version`, or resumes the one a crash or a shutdown interrupted. */
export async function startRetagRun(db: Kysely<Database>, version: string): Promise<RetagProgress> {
  const open = () =>
    db
      .selectFrom("retag_runs")
      .selectAll()
      .where("to_version", "=", version)
      .where("status", "in", ["running", "interrupted"])
      .executeTakeFirst();
  let run = await open();
  if (!run) {
    const stale = await db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("taxonomy_version", "<>", version)
      .executeTakeFirstOrThrow();
    await db
      .insertInto("retag_runs")
      .values({ to_version: version, articles_total: stale.n })
      .onConflict((oc) =>
        oc.column("to_version").where("status", "in", ["running", "interrupted"]).doNothing(),
      )
      .execute();
    run = await open();
    if (!run) throw new Error(`retag run for ${version} could not be started`);
  }
  if (run.status === "interrupted")
    await db
      .updateTable("retag_runs")
      .set({ status: "running", updated_at: new Date() })
      .where("id", "=", run.id)
      .execute();
  return {
    runId: run.id,
    lastArticleId: run.last_article_id,
    articlesDone: run.articles_done,
    articlesChanged: run.articles_changed,
    articlesTotal: run.articles_total,
    done: false,
  };
}

/** Records that a shutdown stopped the run at a batch boundary; the next start resumes it. */
export async function markRetagInterrupted(db: Kysely<Database>, runId: number): Promise<void> {
  await db
    .updateTable("retag_runs")
    .set({
      status: "interrupted",
      interrupted_at: new Date(),
      interruptions: sql`interruptions + 1`,
      updated_at: new Date(),
    })
    .where("id", "=", runId)
    .where("status", "=", "running")
    .execute();
}

/**
 * Re-applies the tagger to the next batch of articles (keyset pagination on id) that carry another
 * taxonomy version, or whose body does. Headline themes, body themes (whole article read together; the
 * body-only flags follow the new headline themes), the versions, the count changes and the run's progress
 * are written in one transaction holding the articles' row locks (a body stored meanwhile waits), so a
 * crash at any point resumes without counting anything twice; the counts end exactly as a fresh ingest
 * with the new taxonomy would leave them.
 */
export async function retagBatch(
  db: Kysely<Database>,
  version: string,
  progress: RetagProgress,
  tag: Tagger,
  batchSize = 2000,
): Promise<RetagProgress> {
  return db.transaction().execute(async (trx) => {
    // Lock the run row: two workers on one run take turns instead of retagging the same batch.
    const run = await trx
      .selectFrom("retag_runs")
      .selectAll()
      .where("id", "=", progress.runId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (run.status === "done") return { ...progress, lastArticleId: run.last_article_id, done: true };
    // Another worker's shutdown interrupted the run while this one still works on it.
    if (run.status === "interrupted")
      await trx.updateTable("retag_runs").set({ status: "running" }).where("id", "=", run.id).execute();

    const articles = await staleArticles(trx, version, run.last_article_id, batchSize)
      .forUpdate("a")
      .execute();

    if (articles.length === 0) {
      await trx
        .updateTable("retag_runs")
        .set({ status: "done", finished_at: new Date(), updated_at: new Date() })
        .where("id", "=", run.id)
        .execute();
      return {
        runId: run.id,
        lastArticleId: run.last_article_id,
        articlesDone: run.articles_done,
        articlesChanged: run.articles_changed,
        articlesTotal: run.articles_total,
        done: true,
      };
    }

    const ids = articles.map((a) => a.id);
    const oldThemes = await trx
      .selectFrom("article_themes")
      .select(["article_id", "theme"])
      .where("article_id", "=", anyId(ids))
      .execute();
    const oldByArticle = new Map<number, string[]>();
    for (const t of oldThemes) {
      const list = oldByArticle.get(t.article_id) ?? [];
      list.push(t.theme);
      oldByArticle.set(t.article_id, list);
    }

    const bodies = new Map(
      (
        await trx
          .selectFrom("article_bodies")
          .select(["article_id", "status", "text", "taxonomy_version"])
          .where("article_id", "=", anyId(ids))
          .execute()
      ).map((b) => [b.article_id, b]),
    );
    const oldBodyOnly = new Map<number, string[]>();
    for (const t of await trx
      .selectFrom("article_body_themes")
      .select(["article_id", "theme"])
      .where("article_id", "=", anyId(ids))
      .where("body_only", "=", true)
      .execute())
      oldBodyOnly.set(t.article_id, [...(oldBodyOnly.get(t.article_id) ?? []), t.theme]);

    const before: CountedArticle[] = [];
    const after: CountedArticle[] = [];
    const bodyBefore: CountedArticle[] = [];
    const bodyAfter: CountedArticle[] = [];
    const newRows: ArticleThemeRow[] = [];
    const bodyRows: BodyThemeRow[] = [];
    let changed = 0;
    for (const a of articles) {
      const tags = tag({ id: a.id, title: a.title, summary: a.summary, lang: a.lang, body: null });
      const old = (oldByArticle.get(a.id) ?? []).sort();
      const now = [...new Set(tags.map((t) => t.id))].sort();
      if (old.join() !== now.join()) changed++;
      const dims = { day: a.day, lang: a.lang, script: a.script, country: a.country, outlet_id: a.outlet_id };
      before.push({ ...dims, taxonomy_version: a.taxonomy_version, themes: old });
      after.push({ ...dims, taxonomy_version: version, themes: now });
      for (const t of tags)
        newRows.push({
          article_id: a.id,
          theme: t.id,
          taxonomy_version: version,
          evidence: t.evidence,
        });
      const body = bodies.get(a.id);
      if (!body) continue;
      const was = oldBodyOnly.get(a.id) ?? [];
      if (body.taxonomy_version && was.length > 0)
        bodyBefore.push({ ...dims, taxonomy_version: body.taxonomy_version, themes: was });
      if (body.status !== "ok") continue;
      const headline = new Set(now);
      const whole = dedupeThemes(
        tag({ id: a.id, title: a.title, summary: a.summary, lang: a.lang, body: body.text }),
      );
      const bodyOnly = whole.filter((t) => !headline.has(t.id)).map((t) => t.id);
      if (bodyOnly.length > 0) bodyAfter.push({ ...dims, taxonomy_version: version, themes: bodyOnly });
      for (const t of whole)
        bodyRows.push({
          article_id: a.id,
          theme: t.id,
          taxonomy_version: version,
          evidence: t.evidence,
          body_only: !headline.has(t.id),
        });
    }

    if (bodies.size > 0) {
      const bodyIds = [...bodies.keys()];
      await trx.deleteFrom("article_body_themes").where("article_id", "=", anyId(bodyIds)).execute();
      await insertBodyThemes(trx, bodyRows);
      await trx
        .updateTable("article_bodies")
        .set({ taxonomy_version: version })
        .where("article_id", "=", anyId(bodyIds))
        .execute();
      await applyThemeChanges(trx, bodyBefore, bodyAfter, "theme_body_daily_counts");
    }

    await trx.deleteFrom("article_themes").where("article_id", "=", anyId(ids)).execute();
    await insertArticleThemes(trx, newRows);
    await trx
      .updateTable("articles")
      .set({ taxonomy_version: version })
      .where("id", "=", anyId(ids))
      .execute();
    await applyThemeChanges(trx, before, after);

    const lastArticleId = ids[ids.length - 1]!;
    await trx
      .updateTable("retag_runs")
      .set({
        last_article_id: lastArticleId,
        articles_done: sql`articles_done + ${articles.length}`,
        articles_changed: sql`articles_changed + ${changed}`,
        updated_at: new Date(),
      })
      .where("id", "=", run.id)
      .execute();
    return {
      runId: run.id,
      lastArticleId,
      articlesDone: run.articles_done + articles.length,
      articlesChanged: run.articles_changed + changed,
      articlesTotal: run.articles_total,
      done: false,
    };
  });
}
