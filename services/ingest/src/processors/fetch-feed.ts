import { createHash } from "node:crypto";
import type { Config } from "@vesti/config";
import {
  type Database,
  type FeedForFetch,
  getFeedForFetch,
  type PreparedArticle,
  recentPublicationTimes,
  recordFetch,
  storeArticles,
} from "@vesti/db";
import {
  FeedFetchError,
  FeedParseError,
  failureBackoff,
  fetchFeed,
  type NormalisedItem,
  nextPollInterval,
  readFeed,
} from "@vesti/feeds";
import type { HostGate, Payload, QueueName } from "@vesti/queue";
import type { Logger, Metrics } from "@vesti/runtime";
import type { Taxonomy } from "@vesti/themes";
import type { Kysely } from "kysely";
import { classifyItem } from "../classify";

export interface FetchFeedDeps {
  db: Kysely<Database>;
  config: Config;
  taxonomy: Taxonomy;
  hostGate: HostGate;
  metrics: Metrics;
  logger: Logger;
  now?: () => Date;
}

export type FetchFeedResult =
  | { status: "skipped"; reason: string }
  | { status: "host_busy"; waitMs: number }
  | {
      status: "fetched";
      outcome: string;
      itemsFound: number;
      itemsNew: number;
      /** Tags on the newly stored articles, by theme. */
      themes?: Record<string, number>;
      error?: string;
      /** The failure kind (timeout, http_5xx, parse, ...) when outcome is "error". */
      errorKind?: string;
    };

/** Items classified per event-loop turn: keeps the worker's lock renewals and health checks responsive. */
const CLASSIFY_CHUNK = 200;

/**
 * One feed fetch: fetch, decode, parse, normalise, classify, store, reschedule. Feed-level problems
 * (HTTP errors, bad XML, timeouts) are recorded on the feed and end the job normally; only faults of our
 * own infrastructure (Postgres, Redis) throw, so BullMQ retries the job. A retry is always safe: articles
 * and counts are written once (see storeArticles).
 */
export async function processFetchFeed(
  deps: FetchFeedDeps,
  payload: Payload<typeof QueueName.FeedFetch>,
): Promise<FetchFeedResult> {
  const { db, config, metrics } = deps;
  const feed = await getFeedForFetch(db, payload.feedId);
  if (!feed?.active) return { status: "skipped", reason: "feed is inactive or gone" };
  // Another job already handled this due time (the feed was rescheduled since this job was enqueued).
  if (feed.next_fetch_at.getTime() > new Date(payload.dueAt).getTime())
    return { status: "skipped", reason: "already fetched for this due time" };

  const host = hostOf(feed.url);
  const gate = await deps.hostGate.tryAcquire(host);
  if (!gate.acquired) return { status: "host_busy", waitMs: gate.waitMs };

  const logger = deps.logger.child({ feedId: feed.id, outlet: feed.outlet_id, url: feed.url });
  const startedAt = (deps.now ?? (() => new Date()))();
  const t0 = performance.now();
  try {
    let response: Awaited<ReturnType<typeof fetchFeed>>;
    try {
      response = await fetchFeed(feed.url, {
        etag: feed.etag,
        lastModified: feed.last_modified,
        previousContentHash: feed.content_hash,
        userAgent: config.FETCH_USER_AGENT,
        connectTimeoutMs: config.FETCH_CONNECT_TIMEOUT_MS,
        totalTimeoutMs: config.FETCH_TOTAL_TIMEOUT_MS,
        maxBytes: config.FETCH_MAX_BODY_BYTES,
        maxRedirects: config.FETCH_MAX_REDIRECTS,
        allowPrivateNetworks: config.FETCH_ALLOW_PRIVATE_NETWORKS,
      });
    } finally {
      await gate.release();
    }

    if (response.kind === "not-modified" || response.unchanged) {
      // 304, or a server that ignores conditional GET but sends the same bytes: nothing new.
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
      metrics.feedFetches.inc({ outcome });
      return { status: "fetched", outcome, itemsFound: 0, itemsNew: 0 };
    }

    // The pure stages (decode, parse, normalise, classify) touch no infrastructure: whatever they throw
    // is this feed's problem, recorded on the feed, never a reason to retry the job.
    let parsed: Awaited<ReturnType<typeof readFeed>>;
    let prepared: PreparedArticle[];
    try {
      parsed = await readFeed(response.body, {
        contentType: response.contentType ?? undefined,
        feedUrl: response.finalUrl,
        timeZone: feed.time_zone,
        fetchedAt: startedAt,
      });
      prepared = await prepareArticles(deps.taxonomy, feed, parsed.items, startedAt);
    } catch (error) {
      if (error instanceof FeedParseError) throw error;
      logger.error({ err: error }, "unexpected error in the pure pipeline stages");
      throw new FeedParseError(`unexpected: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (parsed.warnings.length > 0) logger.debug({ warnings: parsed.warnings.slice(0, 20) }, "feed warnings");

    const stored = await storeArticles(
      db,
      {
        feed_id: feed.id,
        outlet_id: feed.outlet_id,
        country: feed.country,
        taxonomy_version: deps.taxonomy.version,
      },
      prepared,
    );
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
    metrics.feedFetches.inc({ outcome: "ok" });
    logger.info(
      { items: parsed.items.length, new: stored.inserted, encoding: parsed.encoding },
      "feed stored",
    );
    return {
      status: "fetched",
      outcome: "ok",
      itemsFound: parsed.items.length,
      itemsNew: stored.inserted,
      themes,
    };
  } catch (error) {
    if (!(error instanceof FeedFetchError || error instanceof FeedParseError)) throw error;
    const kind = error instanceof FeedFetchError ? error.kind : "parse";
    const backoff = failureBackoff({
      failureCount: feed.failure_count,
      error: error instanceof FeedFetchError ? error : { kind: "parse" },
      minSeconds: config.POLL_MIN_INTERVAL_SECONDS,
      maxSeconds: config.POLL_MAX_INTERVAL_SECONDS,
      random: Math.random,
    });
    await recordFetch(db, feed.id, {
      startedAt,
      durationMs: performance.now() - t0,
      status: error instanceof FeedFetchError ? (error.status ?? null) : null,
      outcome: "error",
      itemsFound: 0,
      itemsNew: 0,
      encoding: null,
      error: `${kind}: ${error.message}`.slice(0, 1000),
      nextFetchAt: new Date(startedAt.getTime() + backoff.delaySeconds * 1000),
      intervalSeconds: feed.interval_seconds,
      failureCount: backoff.failureCount,
      failing: backoff.failing,
    });
    metrics.feedFetches.inc({ outcome: "error" });
    metrics.feedFailures.inc({ kind });
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

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
