import { createHash } from "node:crypto";
import type { Config } from "@vesti/config";
import {
  type Database,
  type FeedForFetch,
  getFeedForFetch,
  type PreparedArticle,
  pendingSitemapChildren,
  recentPublicationTimes,
  recordFetch,
  recordSitemapChild,
  recordSitemapIndexFetch,
  type SitemapChildRow,
  selectSitemapChildrenForPoll,
  sitemapChildren,
  sitemapPollTotals,
  sitemapUrlsOfPoll,
  storeArticles,
} from "@vesti/db";
import {
  FeedFetchError,
  FeedParseError,
  type FetchFeedOptions,
  failureBackoff,
  fetchFeed,
  type NormalisedItem,
  nextPollInterval,
  type ReadFeedResult,
  readFeed,
  type SitemapChild,
  selectSitemapChildren,
} from "@vesti/feeds";
import type { HostGate, Payload, QueueName } from "@vesti/queue";
import type { Logger, Metrics } from "@vesti/runtime";
import type { Taxonomy } from "@vesti/themes";
import type { Kysely } from "kysely";
import { classifyItem } from "../classify";
import { fetchOptions, hostOf } from "../fetch-options";
import { checkRobots } from "../robots";

export interface FetchFeedDeps {
  db: Kysely<Database>;
  config: Config;
  taxonomy: Taxonomy;
  /** Per-host politeness: at most one request in flight per host, then the host's spacing. */
  hostGate: Pick<HostGate, "tryAcquire">;
  metrics: Metrics;
  logger: Logger;
  /**
   * Where the new articles of an outlet with full text on go for their page fetch (the page queue). An
   * enqueue that fails loses nothing: the scheduler's tick enqueues articles still without a body.
   */
  pages?: { enqueue(articles: readonly { id: number; url: string | null }[]): Promise<void> };
  now?: () => Date;
}

export type FetchFeedResult =
  | { status: "skipped"; reason: string }
  /** Come back after waitMs: the host is busy, or this job just made a request there (robots.txt, a sitemap child). */
  | { status: "host_busy"; waitMs: number }
  | {
      status: "fetched";
      outcome: string;
      itemsFound: number;
      itemsNew: number;
      /** Tags on the newly stored articles, by theme. */
      themes?: Record<string, number>;
      error?: string;
      /** The failure kind (timeout, http_5xx, parse, robots_disallowed, ...) when the fetch did not succeed. */
      errorKind?: string;
    };

/** Items classified per event-loop turn: keeps the worker's lock renewals and health checks responsive. */
const CLASSIFY_CHUNK = 200;
/** Index → index → urlset at most: deeper nesting is not what sitemaps are for (and a way to loop). */
const MAX_SITEMAP_DEPTH = 2;

/**
 * One feed fetch: robots.txt, fetch, decode, parse, normalise, classify, store, reschedule. Feed-level
 * problems (HTTP errors, bad XML, timeouts, bot protection) are recorded on the feed and end the job
 * normally; a robots.txt refusal is recorded as such and checked again a day later, never as an error.
 * Only faults of our own infrastructure (Postgres, Redis) throw, so the job is retried. A retry is always
 * safe: articles and counts are written once (see storeArticles).
 *
 * A sitemap index is polled in steps, one request per step under the host gate: the index, then each
 * selected child (recent, changed, at most SITEMAP_MAX_CHILDREN). Between steps the job returns host_busy
 * and comes back after the host's spacing; the children still pending for this due time are in
 * sitemap_children, so a stopped job resumes where it was.
 */
export async function processFetchFeed(
  deps: FetchFeedDeps,
  payload: Payload<typeof QueueName.FeedFetch>,
): Promise<FetchFeedResult> {
  const { db } = deps;
  const feed = await getFeedForFetch(db, payload.feedId);
  if (!feed?.active) return { status: "skipped", reason: "feed is inactive or gone" };
  // Another job already handled this due time (the feed was rescheduled since this job was enqueued).
  if (feed.next_fetch_at.getTime() > new Date(payload.dueAt).getTime())
    return { status: "skipped", reason: "already fetched for this due time" };

  const logger = deps.logger.child({ feedId: feed.id, outlet: feed.outlet_id, url: feed.url });
  const pollAt = feed.next_fetch_at;
  const pending = await pendingSitemapChildren(db, feed.id, pollAt);
  if (pending.length > 0) return continueSitemapPoll(deps, feed, logger, pending);

  const gate = await deps.hostGate.tryAcquire(hostOf(feed.url));
  if (!gate.acquired) return { status: "host_busy", waitMs: gate.waitMs };
  const startedAt = now(deps);
  const t0 = performance.now();
  try {
    let response: Awaited<ReturnType<typeof fetchFeed>>;
    try {
      const robots = await checkRobots(deps, feed.url, feed.kind === "sitemap" ? "sitemap" : "feed");
      if (robots.fetched) return { status: "host_busy", waitMs: spacingMs(deps, robots.crawlDelaySeconds) };
      if (!robots.allowed) {
        if (!feed.robots_permission) return await refuse(deps, feed, startedAt, t0, robots.reason, logger);
        logger.info(
          { reason: robots.reason, permission: feed.robots_permission },
          "robots.txt disallows; fetching with permission",
        );
      }
      response = await fetchFeed(feed.url, {
        ...feedFetchOptions(deps.config, feed),
        etag: feed.etag,
        lastModified: feed.last_modified,
        previousContentHash: feed.content_hash,
        // a redirect target must be allowed too (e.g. /feed → /feed/ under "Disallow: /feed/")
        beforeRedirect: async (to) => {
          if (feed.robots_permission) return;
          const hop = await checkRobots(deps, to, feed.kind === "sitemap" ? "sitemap" : "feed");
          if (!hop.allowed) throw new FeedFetchError("robots_disallowed", hop.reason, { url: to });
        },
      });
    } catch (error) {
      if (error instanceof FeedFetchError && error.kind === "robots_disallowed")
        return await refuse(
          deps,
          feed,
          startedAt,
          t0,
          `redirected to ${error.url}: ${error.message}`,
          logger,
        );
      throw error;
    } finally {
      await gate.release();
    }

    if (response.kind === "not-modified" || response.unchanged) {
      // 304, or a server that ignores conditional GET but sends the same bytes: nothing new. An index
      // that did not change may still have children that did (undated ones): select among the known ones.
      if (feed.kind === "sitemap") {
        const known = await sitemapChildren(db, feed.id);
        const roots = known.filter((c) => c.depth === 1);
        if (roots.length > 0) {
          await recordSitemapIndexFetch(db, feed.id, {
            fetchedAt: startedAt,
            status: response.status,
            etag: response.etag ?? feed.etag,
            lastModified: response.lastModified ?? feed.last_modified,
          });
          return startSitemapPoll(deps, feed, logger, roots, known, startedAt, t0);
        }
      }
      const outcome = response.kind === "not-modified" ? "not_modified" : "unchanged";
      await reschedule(deps, feed, startedAt, t0, {
        outcome,
        status: response.status,
        itemsFound: 0,
        itemsNew: 0,
        encoding: null,
        cacheMaxAgeSeconds: response.maxAgeSeconds,
        etag: response.etag ?? feed.etag,
        lastModified: response.lastModified ?? feed.last_modified,
        movedTo: response.permanentRedirectTo,
      });
      deps.metrics.feedFetches.inc({ outcome });
      return { status: "fetched", outcome, itemsFound: 0, itemsNew: 0 };
    }

    const parsed = await readSafely(
      deps,
      feed,
      response.body,
      response.contentType,
      response.finalUrl,
      startedAt,
      logger,
    );
    if (parsed.meta.format === "sitemap-index") {
      await recordSitemapIndexFetch(db, feed.id, {
        fetchedAt: startedAt,
        status: response.status,
        etag: response.etag,
        lastModified: response.lastModified,
        contentHash: response.contentHash,
      });
      if (parsed.warnings.length > 0)
        logger.debug({ warnings: parsed.warnings.slice(0, 20) }, "index warnings");
      const known = await sitemapChildren(db, feed.id);
      const roots = (parsed.sitemapChildren ?? []).map((c) => ({ ...c, depth: 1 }));
      return startSitemapPoll(deps, feed, logger, roots, known, startedAt, t0, [response.finalUrl]);
    }

    const stored = await storeItems(deps, feed, parsed, startedAt, logger);
    await reschedule(deps, feed, startedAt, t0, {
      outcome: "ok",
      status: response.status,
      itemsFound: parsed.items.length,
      itemsNew: stored.inserted,
      encoding: parsed.encoding,
      cacheMaxAgeSeconds: response.maxAgeSeconds,
      ttlMinutes: parsed.meta.ttlMinutes ?? null,
      updatePeriodMinutes: parsed.meta.updatePeriodMinutes ?? null,
      etag: response.etag ?? null,
      lastModified: response.lastModified ?? null,
      contentHash: response.contentHash,
      movedTo: response.permanentRedirectTo,
    });
    deps.metrics.feedFetches.inc({ outcome: "ok" });
    logger.info(
      {
        items: parsed.items.length,
        new: stored.inserted,
        encoding: parsed.encoding,
        format: parsed.meta.format,
      },
      "feed stored",
    );
    return {
      status: "fetched",
      outcome: "ok",
      itemsFound: parsed.items.length,
      itemsNew: stored.inserted,
      themes: stored.themes,
    };
  } catch (error) {
    if (!(error instanceof FeedFetchError || error instanceof FeedParseError)) throw error;
    return recordFailure(deps, feed, startedAt, t0, error, logger);
  }
}

function now(deps: FetchFeedDeps): Date {
  return (deps.now ?? (() => new Date()))();
}

/** How long to wait before the next request to a host: its spacing, or a longer robots.txt Crawl-delay. */
function spacingMs(deps: FetchFeedDeps, crawlDelaySeconds: number | null): number {
  return Math.max(deps.config.HOST_MIN_SPACING_MS, (crawlDelaySeconds ?? 0) * 1000, 20);
}

function feedFetchOptions(config: Config, feed: FeedForFetch): FetchFeedOptions {
  return {
    ...fetchOptions(config),
    ...(feed.kind === "sitemap" ? { maxBytes: config.SITEMAP_MAX_BODY_BYTES } : {}),
    headers: feed.headers,
    ...(feed.kind === "sitemap"
      ? { accept: "application/xml, text/xml;q=0.9, application/x-gzip;q=0.8, */*;q=0.5" }
      : {}),
  };
}

/** The pure stages (decode, parse, normalise): whatever they throw is this feed's problem, never a retry. */
async function readSafely(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  body: Buffer,
  contentType: string | null,
  finalUrl: string,
  fetchedAt: Date,
  logger: Logger,
): Promise<ReadFeedResult> {
  try {
    return await readFeed(body, {
      contentType: contentType ?? undefined,
      feedUrl: finalUrl,
      timeZone: feed.time_zone,
      fetchedAt,
      sitemap: { maxBytes: deps.config.SITEMAP_MAX_BODY_BYTES },
    });
  } catch (error) {
    if (error instanceof FeedParseError) throw error;
    logger.error({ err: error }, "unexpected error in the pure pipeline stages");
    throw new FeedParseError(`unexpected: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Classifies and stores a document's items (feed or urlset) exactly once; counts metrics. */
async function storeItems(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  parsed: ReadFeedResult,
  fetchedAt: Date,
  logger: Logger,
): Promise<{ inserted: number; themes: Record<string, number> }> {
  let prepared: PreparedArticle[];
  try {
    prepared = await prepareArticles(deps.taxonomy, feed, parsed.items, fetchedAt);
  } catch (error) {
    logger.error({ err: error }, "unexpected error in the pure pipeline stages");
    throw new FeedParseError(`unexpected: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (parsed.warnings.length > 0) logger.debug({ warnings: parsed.warnings.slice(0, 20) }, "feed warnings");
  const stored = await storeArticles(
    deps.db,
    {
      feed_id: feed.id,
      outlet_id: feed.outlet_id,
      country: feed.country,
      taxonomy_version: deps.taxonomy.version,
    },
    prepared,
  );
  if (feed.fulltext && deps.pages && stored.insertedIds.length > 0) {
    const byHash = new Map(prepared.map((a) => [a.url_hash, a]));
    const articles = stored.insertedIds.map((id, i) => {
      const a = byHash.get(stored.insertedHashes[i]!);
      return { id, url: a?.link ?? a?.canonical_url ?? null };
    });
    try {
      await deps.pages.enqueue(articles);
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message : String(error), articles: articles.length },
        "page fetches not enqueued; the scheduler's tick enqueues them",
      );
    }
  }
  const { metrics } = deps;
  metrics.itemsFetched.inc({ outlet: feed.outlet_id }, parsed.items.length);
  metrics.itemsDuplicate.inc({ outlet: feed.outlet_id }, stored.duplicates);
  const inserted = new Set(stored.insertedHashes);
  const themes: Record<string, number> = {};
  for (const a of prepared) {
    if (!inserted.has(a.url_hash)) continue;
    metrics.itemsNew.inc({ outlet: feed.outlet_id, lang: a.lang });
    for (const t of a.themes) {
      metrics.themeTags.inc({ theme: t.id });
      themes[t.id] = (themes[t.id] ?? 0) + 1;
    }
  }
  return { inserted: stored.inserted, themes };
}

/** robots.txt refuses the feed: recorded as a refusal (its own kind), checked again when the cache expires. */
async function refuse(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  startedAt: Date,
  t0: number,
  reason: string,
  logger: Logger,
): Promise<FetchFeedResult> {
  const { config } = deps;
  const backoff = failureBackoff({
    failureCount: feed.failure_count,
    error: { kind: "robots_disallowed" },
    minSeconds: config.POLL_MIN_INTERVAL_SECONDS,
    maxSeconds: config.POLL_MAX_INTERVAL_SECONDS,
    random: Math.random,
  });
  await recordFetch(deps.db, feed.id, {
    startedAt,
    durationMs: performance.now() - t0,
    status: null,
    outcome: "refused",
    errorKind: "robots_disallowed",
    itemsFound: 0,
    itemsNew: 0,
    encoding: null,
    error: `robots_disallowed: ${reason}`.slice(0, 1000),
    nextFetchAt: new Date(startedAt.getTime() + backoff.delaySeconds * 1000),
    intervalSeconds: feed.interval_seconds,
    failureCount: backoff.failureCount,
    failing: false,
  });
  deps.metrics.feedFetches.inc({ outcome: "refused" });
  logger.warn(
    { reason },
    "robots.txt does not allow the feed (now): not fetched; the reason says why (set robotsPermission if the site allows it)",
  );
  return {
    status: "fetched",
    outcome: "refused",
    itemsFound: 0,
    itemsNew: 0,
    error: reason,
    errorKind: "robots_disallowed",
  };
}

async function recordFailure(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  startedAt: Date,
  t0: number,
  error: FeedFetchError | FeedParseError,
  logger: Logger,
): Promise<FetchFeedResult> {
  const { config } = deps;
  const kind = error instanceof FeedFetchError ? error.kind : "parse";
  const backoff = failureBackoff({
    failureCount: feed.failure_count,
    error: error instanceof FeedFetchError ? error : { kind: "parse" },
    minSeconds: config.POLL_MIN_INTERVAL_SECONDS,
    maxSeconds: config.POLL_MAX_INTERVAL_SECONDS,
    random: Math.random,
  });
  await recordFetch(deps.db, feed.id, {
    startedAt,
    durationMs: performance.now() - t0,
    status: error instanceof FeedFetchError ? (error.status ?? null) : null,
    outcome: "error",
    errorKind: kind,
    itemsFound: 0,
    itemsNew: 0,
    encoding: null,
    error: `${kind}: ${error.message}`.slice(0, 1000),
    nextFetchAt: new Date(startedAt.getTime() + backoff.delaySeconds * 1000),
    intervalSeconds: feed.interval_seconds,
    failureCount: backoff.failureCount,
    failing: backoff.failing,
  });
  deps.metrics.feedFetches.inc({ outcome: "error" });
  deps.metrics.feedFailures.inc({ kind });
  logger.warn({ kind, err: error.message, failureCount: backoff.failureCount }, "feed fetch failed");
  return {
    status: "fetched",
    outcome: "error",
    itemsFound: 0,
    itemsNew: 0,
    error: error.message,
    errorKind: kind,
  };
}

/** Selects the children an index poll fetches and starts on them (or ends the poll when there are none). */
async function startSitemapPoll(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  logger: Logger,
  listed: readonly (SitemapChild & { depth: number })[],
  known: readonly SitemapChildRow[],
  startedAt: Date,
  t0: number,
  alsoExclude: readonly string[] = [],
): Promise<FetchFeedResult> {
  const selection = selectSitemapChildren(listed, {
    now: startedAt,
    maxChildren: deps.config.SITEMAP_MAX_CHILDREN,
    maxAgeDays: deps.config.SITEMAP_CHILD_MAX_AGE_DAYS,
    exclude: new Set([feed.url, ...alsoExclude]),
    fetchedLastmod: new Map(known.map((k) => [k.url, k.fetchedLastmod])),
  });
  if (selection.warnings.length > 0)
    logger.info({ warnings: selection.warnings, skipped: selection.skipped }, "sitemap index");
  await selectSitemapChildrenForPoll(
    deps.db,
    feed.id,
    feed.next_fetch_at,
    selection.selected.map((c) => ({ url: c.url, lastmod: c.lastmod, depth: 1 })),
  );
  if (selection.selected.length === 0) return finishSitemapPoll(deps, feed, logger, startedAt, t0);
  // The index was the host's request of this step; the children follow after its spacing.
  return { status: "host_busy", waitMs: spacingMs(deps, null) };
}

/** Fetches pending children one request at a time while the host gate allows; ends the poll when none is left. */
async function continueSitemapPoll(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  logger: Logger,
  pending: SitemapChildRow[],
): Promise<FetchFeedResult> {
  const pollAt = feed.next_fetch_at;
  const t0 = performance.now();
  for (const child of pending) {
    const gate = await deps.hostGate.tryAcquire(hostOf(child.url));
    if (!gate.acquired) return { status: "host_busy", waitMs: gate.waitMs };
    const fetchedAt = now(deps);
    let response: Awaited<ReturnType<typeof fetchFeed>> | null = null;
    let crawlDelay: number | null = null;
    /** Records this child as not read this poll, with why (the poll goes on with the others). */
    const childFailed = (status: number | null, error: string) =>
      recordSitemapChild(deps.db, feed.id, child.url, {
        pollAt,
        fetchedAt,
        status,
        error: error.slice(0, 1000),
        itemsFound: 0,
        itemsNew: 0,
      });
    try {
      const robots = await checkRobots(deps, child.url, "sitemap");
      if (robots.fetched) return { status: "host_busy", waitMs: spacingMs(deps, robots.crawlDelaySeconds) };
      crawlDelay = robots.crawlDelaySeconds;
      if (!robots.allowed && !feed.robots_permission) {
        await childFailed(null, `robots_disallowed: ${robots.reason}`);
        continue;
      }
      response = await fetchFeed(child.url, {
        ...feedFetchOptions(deps.config, { ...feed, kind: "sitemap" }),
        etag: child.etag,
        lastModified: child.lastModified,
        previousContentHash: child.contentHash,
      });
    } catch (error) {
      if (!(error instanceof FeedFetchError)) throw error;
      await childFailed(error.status ?? null, `${error.kind}: ${error.message}`);
      logger.warn({ child: child.url, kind: error.kind, err: error.message }, "sitemap child failed");
      continue;
    } finally {
      await gate.release();
    }

    if (response.kind === "not-modified" || response.unchanged) {
      await recordSitemapChild(deps.db, feed.id, child.url, {
        pollAt,
        fetchedAt,
        status: response.status,
        error: null,
        itemsFound: 0,
        itemsNew: 0,
        etag: response.etag ?? child.etag,
        lastModified: response.lastModified ?? child.lastModified,
      });
    } else {
      try {
        const parsed = await readSafely(
          deps,
          feed,
          response.body,
          response.contentType,
          response.finalUrl,
          fetchedAt,
          logger,
        );
        let itemsNew = 0;
        if (parsed.meta.format === "sitemap-index") {
          const nested = parsed.sitemapChildren ?? [];
          if (child.depth >= MAX_SITEMAP_DEPTH) {
            logger.warn(
              { child: child.url, depth: child.depth },
              "sitemap index nested too deep: its children are not followed",
            );
          } else {
            const known = await sitemapChildren(deps.db, feed.id);
            const selection = selectSitemapChildren(nested, {
              now: fetchedAt,
              maxChildren: deps.config.SITEMAP_MAX_CHILDREN,
              maxAgeDays: deps.config.SITEMAP_CHILD_MAX_AGE_DAYS,
              // loop detection: nothing this poll already took, not the root, not this index
              exclude: new Set([
                feed.url,
                child.url,
                response.finalUrl,
                ...(await sitemapUrlsOfPoll(deps.db, feed.id, pollAt)),
              ]),
              fetchedLastmod: new Map(known.map((k) => [k.url, k.fetchedLastmod])),
            });
            if (selection.warnings.length > 0)
              logger.info({ child: child.url, warnings: selection.warnings }, "nested sitemap index");
            await selectSitemapChildrenForPoll(
              deps.db,
              feed.id,
              pollAt,
              selection.selected.map((c) => ({ url: c.url, lastmod: c.lastmod, depth: child.depth + 1 })),
            );
          }
        } else itemsNew = (await storeItems(deps, feed, parsed, fetchedAt, logger)).inserted;
        await recordSitemapChild(deps.db, feed.id, child.url, {
          pollAt,
          fetchedAt,
          status: response.status,
          error: null,
          itemsFound: parsed.items.length,
          itemsNew,
          etag: response.etag,
          lastModified: response.lastModified,
          contentHash: response.contentHash,
        });
      } catch (error) {
        if (!(error instanceof FeedParseError)) throw error;
        await childFailed(response.status, `parse: ${error.message}`);
        logger.warn({ child: child.url, err: error.message }, "sitemap child unreadable");
      }
    }
    // Honour a Crawl-delay longer than the gate's spacing: wait before the next child.
    if (crawlDelay !== null && crawlDelay * 1000 > deps.config.HOST_MIN_SPACING_MS)
      return { status: "host_busy", waitMs: spacingMs(deps, crawlDelay) };
  }
  // A nested index may have added children: go on with them, else end the poll.
  const more = await pendingSitemapChildren(deps.db, feed.id, pollAt);
  if (more.length > 0) return continueSitemapPoll(deps, feed, logger, more);
  return finishSitemapPoll(deps, feed, logger, now(deps), t0);
}

/** Ends an index poll: totals over its children, then the feed's next due time. */
async function finishSitemapPoll(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  logger: Logger,
  startedAt: Date,
  t0: number,
): Promise<FetchFeedResult> {
  const totals = await sitemapPollTotals(deps.db, feed.id, feed.next_fetch_at);
  const current = (await getFeedForFetch(deps.db, feed.id)) ?? feed;
  if (totals.failed > 0 && totals.failed === totals.children) {
    // Every child failed: the poll failed, with the first child's error. (Children refused by robots.txt
    // are skipped, not failures: the index itself was read.)
    const first = totals.firstError ?? "parse: every child failed";
    const kind = first.slice(0, Math.max(0, first.indexOf(":"))) || "parse";
    const message = `every sitemap child failed; first: ${first}`;
    const error =
      kind === "parse"
        ? new FeedParseError(message)
        : new FeedFetchError(kind as FeedFetchError["kind"], message, { url: feed.url });
    return recordFailure(deps, current, startedAt, t0, error, logger);
  }
  await reschedule(deps, current, startedAt, t0, {
    outcome: "ok",
    status: current.last_status ?? 200,
    itemsFound: totals.itemsFound,
    itemsNew: totals.itemsNew,
    encoding: null,
    cacheMaxAgeSeconds: null,
    etag: current.etag,
    lastModified: current.last_modified,
    movedTo: current.moved_to,
  });
  deps.metrics.feedFetches.inc({ outcome: "ok" });
  logger.info(
    { children: totals.children, failed: totals.failed, items: totals.itemsFound, new: totals.itemsNew },
    "sitemap index polled",
  );
  return { status: "fetched", outcome: "ok", itemsFound: totals.itemsFound, itemsNew: totals.itemsNew };
}

async function reschedule(
  deps: FetchFeedDeps,
  feed: FeedForFetch,
  startedAt: Date,
  t0: number,
  o: {
    outcome: string;
    status: number | null;
    itemsFound: number;
    itemsNew: number;
    encoding: string | null;
    cacheMaxAgeSeconds: number | null;
    ttlMinutes?: number | null;
    updatePeriodMinutes?: number | null;
    etag: string | null;
    lastModified: string | null;
    contentHash?: string;
    movedTo: string | null;
  },
): Promise<void> {
  const { config } = deps;
  const { seconds: intervalSeconds } = nextPollInterval({
    currentSeconds: feed.interval_seconds,
    newItemCount: o.itemsNew,
    recentItemTimes: await recentPublicationTimes(deps.db, feed.id),
    ttlMinutes: o.ttlMinutes ?? undefined,
    updatePeriodMinutes: o.updatePeriodMinutes ?? undefined,
    cacheMaxAgeSeconds: o.cacheMaxAgeSeconds ?? undefined,
    minSeconds: config.POLL_MIN_INTERVAL_SECONDS,
    maxSeconds: config.POLL_MAX_INTERVAL_SECONDS,
  });
  // ±10% jitter so feeds added together do not stay in lockstep
  const jittered = Math.round(intervalSeconds * (0.9 + Math.random() * 0.2));
  await recordFetch(deps.db, feed.id, {
    startedAt,
    durationMs: performance.now() - t0,
    status: o.status,
    outcome: o.outcome,
    itemsFound: o.itemsFound,
    itemsNew: o.itemsNew,
    encoding: o.encoding,
    error: null,
    nextFetchAt: new Date(startedAt.getTime() + jittered * 1000),
    intervalSeconds,
    failureCount: 0,
    failing: false,
    etag: o.etag,
    lastModified: o.lastModified,
    ...(o.contentHash !== undefined ? { contentHash: o.contentHash } : {}),
    movedTo: o.movedTo,
  });
  if (o.movedTo && o.movedTo !== feed.moved_to) {
    deps.logger.warn(
      { feedId: feed.id, url: feed.url, movedTo: o.movedTo },
      "feed moved permanently: update the sources file",
    );
  }
}

/** Classifies a feed's items in chunks, yielding to the event loop between chunks. */
export async function prepareArticles(
  taxonomy: Taxonomy,
  feed: Pick<FeedForFetch, "id" | "outlet_id" | "feed_language" | "outlet_language" | "country">,
  items: readonly NormalisedItem[],
  fetchedAt: Date,
): Promise<PreparedArticle[]> {
  const out: PreparedArticle[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % CLASSIFY_CHUNK === 0) await new Promise((r) => setImmediate(r));
    const item = items[i]!;
    const title = item.title ?? "";
    const summary = item.summary ?? "";
    const c = classifyItem(taxonomy, {
      title,
      summary,
      feedLanguage: feed.feed_language ?? feed.outlet_language,
      country: feed.country,
    });
    out.push({
      url_hash: item.urlHash ?? identityHash(feed, item),
      canonical_url: item.canonicalUrl,
      link: item.link,
      guid: item.guid,
      title,
      summary,
      title_key: item.titleKey,
      published_at: item.publishedAt,
      published_estimated: item.publishedEstimated,
      fetched_at: fetchedAt,
      lang: c.lang,
      script: c.script,
      lang_confidence: c.langConfidence,
      themes: c.themes.map((t) => ({ id: t.id, evidence: t.evidence })),
    });
  }
  return out;
}

/** Identity of an item without a link: its GUID within the feed, else its title within the outlet and day. */
function identityHash(feed: { id: number; outlet_id: string }, item: NormalisedItem): string {
  const key = item.guid
    ? `guid:${feed.id}:${item.guid}`
    : `title:${feed.outlet_id}:${item.titleKey}:${item.publishedAt.toISOString().slice(0, 10)}`;
  return createHash("sha256").update(key).digest("hex");
}
