import { createHash } from "node:crypto";
import {
  type ArticleForBody,
  type BodyToStore,
  type Database,
  getArticleForBody,
  type StoreBodyResult,
  storeArticleBody,
} from "@vesti/db";
import type { Logger } from "@vesti/runtime";
import type { Taxonomy } from "@vesti/themes";
import type { Kysely } from "kysely";
import { type ArticlePage, languageDiffers, readArticlePage, tagWholeArticle } from "../article-page";

export interface ArticleBodyDeps {
  db: Kysely<Database>;
  taxonomy: Taxonomy;
  logger: Logger;
  now?: () => Date;
}

export interface ArticleBodyInput {
  articleId: number;
  /** The article as getArticleForBody read it, when the caller has it (read here otherwise). */
  article?: ArticleForBody;
  /** The fetched page (fetchDocument's body, contentType and finalUrl). */
  page: ArticlePage & { status?: number | null };
}

export type ArticleBodyResult =
  | { status: "missing" }
  | {
      status: "stored";
      outcome: StoreBodyResult["outcome"];
      bodyStatus: BodyToStore["status"];
      method: BodyToStore["method"];
      length: number;
      lang: string | null;
      langDiffers: boolean;
      /** Themes the body adds to the headline's. */
      bodyOnly: string[];
    };

/**
 * One article page, already fetched: extract the body (the outlet's selectors and minimum length),
 * identify its language, tag the whole article, then store body, themes and counts exactly once
 * (storeArticleBody). The pure stages never throw for a bad page: a page that cannot be read is stored as
 * `failed` with the reason. Only our own infrastructure (Postgres) throws, and a retry is always safe.
 */
export async function processArticleBody(
  deps: ArticleBodyDeps,
  input: ArticleBodyInput,
): Promise<ArticleBodyResult> {
  const article = input.article ?? (await getArticleForBody(deps.db, input.articleId));
  if (!article) return { status: "missing" };
  const fetchedAt = (deps.now ?? (() => new Date()))();
  const logger = deps.logger.child({ articleId: article.id, outlet: article.outlet_id });
  const contentHash = createHash("sha256").update(input.page.body).digest("hex");
  const base = {
    finalUrl: input.page.finalUrl,
    httpStatus: input.page.status ?? null,
    pageBytes: input.page.body.length,
    contentHash,
    fetchedAt,
    taxonomyVersion: deps.taxonomy.version,
  };

  let body: BodyToStore;
  try {
    const { extract, language } = readArticlePage(input.page, {
      selectors: article.fulltext_selectors,
      exclude: article.fulltext_exclude,
      minLength: article.fulltext_min_length,
      summary: article.summary,
      feedLanguage: article.feed_language ?? article.outlet_language,
      country: article.country,
    });
    const ok = extract.status === "ok";
    body = {
      ...base,
      status: extract.status,
      method: extract.method,
      text: extract.text,
      reason: extract.reason,
      title: extract.title,
      lang: language?.lang ?? null,
      script: language?.script ?? null,
      langConfidence: language?.confidence ?? null,
      langDiffers: languageDiffers(article.lang, language?.lang),
      encoding: extract.encoding,
      themes: ok ? tagWholeArticle(deps.taxonomy, article, extract.text) : [],
    };
  } catch (error) {
    // A page that breaks the parser is this page's problem, recorded, never a reason to retry the job.
    logger.error({ err: error }, "article page could not be read");
    body = {
      ...base,
      ...fallback(article.summary),
      status: "failed",
      reason: `unreadable page: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000),
      encoding: null,
    };
  }

  const stored = await storeArticleBody(deps.db, article.id, body);
  if (stored.outcome === "missing") return { status: "missing" };
  logger.info(
    { status: body.status, method: body.method, length: body.text.length, outcome: stored.outcome },
    "article body stored",
  );
  return {
    status: "stored",
    outcome: stored.outcome,
    bodyStatus: body.status,
    method: body.method,
    length: body.text.length,
    lang: body.lang,
    langDiffers: body.langDiffers,
    bodyOnly: stored.bodyOnly,
  };
}

export interface ArticleBodyFailure {
  articleId: number;
  /** The article as getArticleForBody read it, when the caller has it (read here otherwise). */
  article?: ArticleForBody;
  /** failed: the page could not be fetched (after the job's retries); blocked_robots: robots.txt says no. */
  status: "failed" | "blocked_robots";
  reason: string;
  httpStatus?: number | null;
  finalUrl?: string | null;
}

/**
 * Records that an article's page could not be had: the feed summary is stored in its place, with the
 * status and reason. An article that already has an extracted body keeps it.
 */
export async function processArticleBodyFailure(
  deps: ArticleBodyDeps,
  input: ArticleBodyFailure,
): Promise<StoreBodyResult> {
  const article = input.article ?? (await getArticleForBody(deps.db, input.articleId));
  if (!article) return { outcome: "missing", bodyOnly: [] };
  return storeArticleBody(deps.db, article.id, {
    ...fallback(article.summary),
    status: input.status,
    reason: input.reason.slice(0, 1000),
    finalUrl: input.finalUrl ?? null,
    httpStatus: input.httpStatus ?? null,
    pageBytes: null,
    contentHash: null,
    encoding: null,
    fetchedAt: (deps.now ?? (() => new Date()))(),
    taxonomyVersion: deps.taxonomy.version,
  });
}

function fallback(summary: string) {
  return {
    method: summary ? ("fallback-summary" as const) : ("none" as const),
    text: summary,
    title: null,
    lang: null,
    script: null,
    langConfidence: null,
    langDiffers: false,
    themes: [],
  };
}
