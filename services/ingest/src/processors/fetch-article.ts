import type { Config } from "@vesti/config";
import {
  type ArticleForBody,
  type BodyStatus,
  clearPageRetry,
  type Database,
  getArticleForBody,
  getPageRetry,
  type PageRetry,
  recordPageRetry,
  type StoreBodyResult,
} from "@vesti/db";
import { type DocumentFetchOk, FeedFetchError, fetchDocument } from "@vesti/feeds";
import { MAX_PAGE_BYTES } from "@vesti/fulltext";
import type { HostGate, Payload, QueueName } from "@vesti/queue";
import type { Logger, Metrics } from "@vesti/runtime";
import type { Taxonomy } from "@vesti/themes";
import type { Kysely } from "kysely";
import { fetchOptions, hostOf } from "../fetch-options";
import { cachedRobots, checkRobots, type RobotsCheck } from "../robots";
import { processArticleBody, processArticleBodyFailure } from "./article-body";

export interface FetchArticleDeps {
  db: Kysely<Database>;
  config: Config;
  taxonomy: Taxonomy;
  /** Per-host politeness, shared with the feed fetches: one request in flight per host, then its spacing. */
  hostGate: Pick<HostGate, "tryAcquire">;
  metrics: Metrics;
  logger: Logger;
  /** Aborted when the worker stops: a page request in flight is dropped and the job comes back later. */
  signal?: AbortSignal;
  now?: () => Date;
  random?: () => number;
}

export type FetchArticleResult =
  | { status: "skipped"; reason: string }
  /** The host has a request in flight or is in its spacing (or this job just requested its robots.txt). */
  | { status: "host_busy"; waitMs: number }
  /** The page answered 429 or 5xx (or robots.txt could not be read): tried again after waitMs. */
  | { status: "retry_later"; waitMs: number; attempt: number; reason: string }
  /** The worker is stopping: the job comes back, nothing was recorded. */
  | { status: "interrupted"; waitMs: number }
  | {
      status: "stored";
      bodyStatus: BodyStatus;
      outcome: StoreBodyResult["outcome"];
      /** Length of the stored text (the body, or the summary it fell back to). */
      length: number;
      reason: string | null;
      /** Themes the body adds to the headline's. */
      bodyOnly: string[];
    };

/** A Retry-After (or backoff) longer than this is not waited for: the page is recorded as failed. */
export const MAX_RETRY_WAIT_MS = 3_600_000;
/** First wait after a 429 or 5xx that gave no Retry-After; doubled on each further failure. */
export const RETRY_BASE_MS = 60_000;
/** Spread of the waits of jobs that found their host busy, so they do not all wake at the same moment. */
const BUSY_JITTER_MS = 250;

/**
 * One article's page, politely: robots.txt (the Postgres cache, RFC 9309; a refusal is recorded as
 * blocked_robots and costs the host no request), the host gate (one request at a time per host and at least
 * PAGE_FETCH_MIN_SPACING_MS, or the robots.txt Crawl-delay, before and after it), fetchDocument (the feeds'
 * SSRF guard, redirects checked against robots.txt, MAX_PAGE_BYTES after decompression, HTML only,
 * PAGE_FETCH_TIMEOUT_MS), then processArticleBody (extract, language, tag, store and count exactly once).
 *
 * Retries are for 429 and 5xx only, PAGE_FETCH_RETRIES times, after the Retry-After (else a doubling
 * backoff from a minute); a Retry-After also holds the whole host. They are counted in Postgres
 * (page_fetch_retries), not in the job's attempts: the job comes back through retryLater, which is not an
 * attempt, so the job's own retries stay for faults of our infrastructure (Postgres down: this throws), and
 * the count and the not-before time survive a crash of the in-process runner. Every other failure (4xx,
 * timeout, too large, not HTML, bot protection) is recorded at once as `failed` with its reason, the feed
 * summary kept in the body's place.
 */
export async function processFetchArticle(
  deps: FetchArticleDeps,
  payload: Payload<typeof QueueName.ArticleFetch>,
): Promise<FetchArticleResult> {
  const { db, config } = deps;
  const article = await getArticleForBody(db, payload.articleId);
  if (!article) return { status: "skipped", reason: "the article is gone" };
  if (!article.fulltext || !article.outlet_active)
    return { status: "skipped", reason: "full text is off for the outlet" };
  if (article.body_status) return { status: "skipped", reason: "the article has its page outcome already" };
  const logger = deps.logger.child({ articleId: article.id, outlet: article.outlet_id });
  const url = article.link ?? article.canonical_url;
  // (no retry row yet: only a fetched page's 429 or 5xx makes one)
  if (!url)
    return record(deps, article, undefined, logger, {
      status: "failed",
      reason: "the feed item has no link",
    });
  if (!isHttpUrl(url))
    return record(deps, article, undefined, logger, {
      status: "failed",
      reason: `bad_url: not an http(s) URL: ${url}`,
    });

  const now = nowOf(deps);
  const retry = await getPageRetry(db, article.id);
  if (retry && retry.retryAt.getTime() > now.getTime())
    return {
      status: "retry_later",
      waitMs: retry.retryAt.getTime() - now.getTime(),
      attempt: retry.attempts,
      reason: retry.lastError,
    };

  const robotsDeps = { db, config, logger, ...(deps.now ? { now: deps.now } : {}) };
  // The cached robots.txt first: a refusal is recorded without taking the host's slot.
  const cached = await cachedRobots(robotsDeps, url, "page");
  if (cached && !cached.allowed) return robotsRefusal(deps, article, logger, cached, retry);

  const gate = await deps.hostGate.tryAcquire(hostOf(url), {
    spacingMs: pageSpacingMs(config, cached?.crawlDelaySeconds ?? null),
  });
  if (!gate.acquired) return { status: "host_busy", waitMs: gate.waitMs + jitter(deps) };
  let hostHoldMs = 0;
  let fetched: { page: DocumentFetchOk } | { error: FeedFetchError } | { robots: RobotsCheck };
  try {
    // Fresh in the cache a moment ago: no second read of it.
    const robots = cached ? { ...cached, fetched: false } : await checkRobots(robotsDeps, url, "page");
    // This job just requested robots.txt from the host: the page waits for the host's spacing.
    if (robots.fetched)
      return { status: "host_busy", waitMs: pageSpacingMs(config, robots.crawlDelaySeconds) + jitter(deps) };
    if (!robots.allowed) fetched = { robots };
    else {
      fetched = await fetchPage(deps, robotsDeps, url);
      if ("error" in fetched) hostHoldMs = hostHold(fetched.error, retry, config);
    }
  } finally {
    await gate.release(hostHoldMs > 0 ? { spacingMs: hostHoldMs } : undefined);
  }

  if ("robots" in fetched) return robotsRefusal(deps, article, logger, fetched.robots, retry);
  if ("error" in fetched) {
    const e = fetched.error;
    if (deps.signal?.aborted) return { status: "interrupted", waitMs: 1_000 };
    deps.metrics.pageFailures.inc({ kind: e.kind });
    const failure = { httpStatus: e.status ?? null, finalUrl: e.url };
    if (e.kind === "robots_disallowed")
      return record(deps, article, retry, logger, {
        status: "blocked_robots",
        reason: `redirected to ${e.url}: ${e.message}`,
        ...failure,
      });
    if (e.kind === "rate_limited" || e.kind === "http_5xx")
      return retryOrFail(deps, article, logger, retry, {
        reason: `${e.kind}: ${e.message}`,
        status: e.status ?? null,
        waitMs: retryWaitMs({
          attempt: (retry?.attempts ?? 0) + 1,
          retryAfterSeconds: e.retryAfterSeconds,
          spacingMs: pageSpacingMs(config, cached?.crawlDelaySeconds ?? null),
        }),
        final: "failed",
        ...failure,
      });
    const vendor = e.vendor ? ` (${e.vendor})` : "";
    return record(deps, article, retry, logger, {
      status: "failed",
      reason: `${e.kind}${vendor}: ${e.message}`,
      ...failure,
    });
  }

  const { page } = fetched;
  const stored = await processArticleBody(
    { db, taxonomy: deps.taxonomy, logger, ...(deps.now ? { now: deps.now } : {}) },
    {
      articleId: article.id,
      article,
      page: { body: page.body, contentType: page.contentType, finalUrl: page.finalUrl, status: page.status },
    },
  );
  if (stored.status === "missing") return { status: "skipped", reason: "the article is gone" };
  if (retry) await clearPageRetry(db, article.id);
  count(deps, article, stored.bodyStatus, stored.bodyStatus === "ok" ? stored.length : null);
  return {
    status: "stored",
    bodyStatus: stored.bodyStatus,
    outcome: stored.outcome,
    length: stored.length,
    reason: null,
    bodyOnly: stored.bodyOnly,
  };
}

/** How far apart page requests to one host are: the setting, or a longer robots.txt Crawl-delay. */
export function pageSpacingMs(config: Config, crawlDelaySeconds: number | null): number {
  return Math.max(config.PAGE_FETCH_MIN_SPACING_MS, (crawlDelaySeconds ?? 0) * 1000);
}

/**
 * How long to wait before trying a page again after its `attempt`-th 429 or 5xx: the Retry-After when the
 * server sent one, else a minute doubled on each failure; never less than the host's spacing.
 */
export function retryWaitMs(o: {
  attempt: number;
  retryAfterSeconds: number | undefined;
  spacingMs: number;
}): number {
  const advised =
    o.retryAfterSeconds !== undefined
      ? o.retryAfterSeconds * 1000
      : Math.min(MAX_RETRY_WAIT_MS, RETRY_BASE_MS * 2 ** Math.max(0, o.attempt - 1));
  return Math.max(advised, o.spacingMs);
}

/**
 * How long the whole host is held after a failed request: a Retry-After applies to every request to the
 * host (the server is rate-limiting or down for maintenance, not refusing one page), and so does a 429
 * without one (for the backoff's first step). Capped: a hostile value must not stall a host for days.
 */
function hostHold(e: FeedFetchError, retry: PageRetry | undefined, config: Config): number {
  if (e.kind !== "rate_limited" && e.kind !== "http_5xx") return 0;
  if (e.retryAfterSeconds !== undefined) return Math.min(e.retryAfterSeconds * 1000, MAX_RETRY_WAIT_MS);
  if (e.kind === "http_5xx") return 0;
  return retryWaitMs({
    attempt: (retry?.attempts ?? 0) + 1,
    retryAfterSeconds: undefined,
    spacingMs: config.PAGE_FETCH_MIN_SPACING_MS,
  });
}

async function fetchPage(
  deps: FetchArticleDeps,
  robotsDeps: Parameters<typeof checkRobots>[0],
  url: string,
): Promise<{ page: DocumentFetchOk } | { error: FeedFetchError }> {
  // The fetcher turns whatever a redirect hook throws into a network error: keep our own faults apart.
  let ownFault: unknown;
  try {
    const page = await fetchDocument(url, {
      ...fetchOptions(deps.config),
      totalTimeoutMs: deps.config.PAGE_FETCH_TIMEOUT_MS,
      maxBytes: MAX_PAGE_BYTES,
      ...(deps.signal ? { signal: deps.signal } : {}),
      // a redirect target must be allowed too (another path, or another origin's robots.txt)
      beforeRedirect: async (to) => {
        let hop: RobotsCheck;
        try {
          hop = await checkRobots(robotsDeps, to, "page");
        } catch (error) {
          ownFault = error;
          throw error;
        }
        if (!hop.allowed) throw new FeedFetchError("robots_disallowed", hop.reason, { url: to });
      },
    });
    return { page };
  } catch (error) {
    if (ownFault !== undefined) throw ownFault;
    if (error instanceof FeedFetchError) return { error };
    throw error;
  }
}

/** robots.txt refuses the page: recorded as blocked_robots; an unreachable robots.txt is waited for instead. */
async function robotsRefusal(
  deps: FetchArticleDeps,
  article: ArticleForBody,
  logger: Logger,
  robots: Omit<RobotsCheck, "fetched">,
  retry: PageRetry | undefined,
): Promise<FetchArticleResult> {
  if (robots.outcome === "unreachable")
    // RFC 9309: disallowed while robots.txt cannot be read, which usually passes; it is read again when
    // the cached answer expires (an hour).
    return retryOrFail(deps, article, logger, retry, {
      reason: robots.reason,
      status: null,
      waitMs: Math.max(
        robots.expiresAt.getTime() - nowOf(deps).getTime(),
        deps.config.PAGE_FETCH_MIN_SPACING_MS,
      ),
      final: "blocked_robots",
    });
  return record(deps, article, retry, logger, { status: "blocked_robots", reason: robots.reason });
}

/** Another try later, or, past PAGE_FETCH_RETRIES (or a wait too long to honour), the final outcome. */
async function retryOrFail(
  deps: FetchArticleDeps,
  article: ArticleForBody,
  logger: Logger,
  retry: PageRetry | undefined,
  t: {
    reason: string;
    status: number | null;
    waitMs: number;
    final: "failed" | "blocked_robots";
    httpStatus?: number | null;
    finalUrl?: string | null;
  },
): Promise<FetchArticleResult> {
  const attempt = (retry?.attempts ?? 0) + 1;
  const failure = { httpStatus: t.httpStatus ?? null, finalUrl: t.finalUrl ?? null };
  if (attempt > deps.config.PAGE_FETCH_RETRIES)
    return record(deps, article, retry, logger, {
      status: t.final,
      reason: `${t.reason} (${attempt} tries)`,
      ...failure,
    });
  if (t.waitMs > MAX_RETRY_WAIT_MS)
    return record(deps, article, retry, logger, {
      status: t.final,
      reason: `${t.reason}; asked to wait ${Math.round(t.waitMs / 1000)} s, more than ${MAX_RETRY_WAIT_MS / 1000} s: not retried`,
      ...failure,
    });
  const waitMs = Math.round(t.waitMs);
  await recordPageRetry(deps.db, article.id, {
    error: t.reason,
    status: t.status,
    retryAt: new Date(nowOf(deps).getTime() + waitMs),
  });
  deps.metrics.pagesFetched.inc({ outlet: article.outlet_id, outcome: "retry" });
  logger.info({ reason: t.reason, attempt, waitMs }, "article page will be tried again");
  return { status: "retry_later", waitMs, attempt, reason: t.reason };
}

/** The page could not be had (or robots.txt refuses it): recorded with the feed summary in its place. */
async function record(
  deps: FetchArticleDeps,
  article: ArticleForBody,
  /** The page's retry row, if it has one: cleared now that the page has its outcome. */
  retry: PageRetry | undefined,
  logger: Logger,
  f: {
    status: "failed" | "blocked_robots";
    reason: string;
    httpStatus?: number | null;
    finalUrl?: string | null;
  },
): Promise<FetchArticleResult> {
  const stored = await processArticleBodyFailure(
    { db: deps.db, taxonomy: deps.taxonomy, logger, ...(deps.now ? { now: deps.now } : {}) },
    { articleId: article.id, article, ...f },
  );
  if (stored.outcome === "missing") return { status: "skipped", reason: "the article is gone" };
  if (retry) await clearPageRetry(deps.db, article.id);
  count(deps, article, f.status, null);
  logger[f.status === "failed" ? "warn" : "info"](
    { status: f.status, reason: f.reason },
    "article page not had",
  );
  return {
    status: "stored",
    bodyStatus: f.status,
    outcome: stored.outcome,
    length: article.summary.length,
    reason: f.reason,
    bodyOnly: stored.bodyOnly,
  };
}

function count(deps: FetchArticleDeps, article: ArticleForBody, outcome: BodyStatus, length: number | null) {
  deps.metrics.pagesFetched.inc({ outlet: article.outlet_id, outcome });
  if (length !== null) deps.metrics.pageTextLength.observe({ outlet: article.outlet_id }, length);
}

function nowOf(deps: FetchArticleDeps): Date {
  return (deps.now ?? (() => new Date()))();
}

function jitter(deps: FetchArticleDeps): number {
  return Math.floor((deps.random ?? Math.random)() * BUSY_JITTER_MS);
}

function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
