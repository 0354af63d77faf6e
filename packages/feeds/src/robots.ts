import robotsParser from "robots-parser";
import { FeedFetchError } from "./errors";
import { type FeedFetchResult, type FetchFeedOptions, fetchFeed } from "./fetch";

// robots.txt (RFC 9309), the pure part: where it lives, what an answer means, how long it holds, and
// whether a URL may be fetched. The file is parsed with robots-parser; this module adds the RFC's
// handling of the cases around it. The cache itself is a database table (the ingest worker's
// checkRobots), so that every process, with or without Redis, sees the same answer.
//
// - 2xx: the rules apply; cached ROBOTS_POLICY.okTtlSeconds (24 h, the RFC's "SHOULD NOT use the cached
//   version for more than 24 hours").
// - 4xx ("unavailable"): no rules, everything allowed; cached 24 h. 429 counts as unreachable, not 4xx.
// - 5xx, timeouts, network errors ("unreachable"): everything disallowed for now, retried after
//   unreachableRetrySeconds (1 h); a copy parsed before keeps applying meanwhile (the RFC allows using the
//   cached copy while unreachable), and after unreachableAllowAfterDays (30) of failures it counts as
//   unavailable (the RFC's "reasonably long period").
// - Redirects are followed (at most five); only the first maxBytes (500 KiB) are parsed.

export const ROBOTS_POLICY = {
  okTtlSeconds: 86_400,
  unavailableTtlSeconds: 86_400,
  unreachableRetrySeconds: 3_600,
  unreachableAllowAfterDays: 30,
  maxBytes: 500 * 1024,
  /** Crawl-delay values above this are capped (a hostile file could stall a host forever). */
  maxCrawlDelaySeconds: 60,
} as const;

export type RobotsOutcome = "ok" | "unavailable" | "unreachable";

export interface RobotsRecord {
  origin: string;
  outcome: RobotsOutcome;
  status: number | null;
  body: string | null;
  error: string | null;
  fetchedAt: Date;
  expiresAt: Date;
  unreachableSince: Date | null;
}

/**
 * How strictly robots.txt is read: "page" and "sitemap" follow the RFC (an unreachable file disallows
 * everything); "feed" honours only an explicit Disallow that matches the feed (a feed is published for
 * machines; only a rule aimed at it is a refusal).
 */
export type RobotsPurpose = "page" | "sitemap" | "feed";

export interface RobotsVerdict {
  allowed: boolean;
  /** Crawl-delay for our user agent (capped), null when none is given. */
  crawlDelaySeconds: number | null;
  /** One line for logs and `sources health`. */
  reason: string;
}

/** scheme://host[:port] of a URL: robots.txt applies per origin. */
export function robotsOrigin(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`.toLowerCase();
}

export function robotsTxtUrl(origin: string): string {
  return `${origin}/robots.txt`;
}

/** The product token robots.txt groups are matched against: "Vesti" for "Vesti/0.1 (+https://…)". */
export function robotsProductToken(userAgent: string): string {
  return /^[A-Za-z0-9_-]+/.exec(userAgent.trim())?.[0] ?? "*";
}

/** Turns one fetch of /robots.txt (a result or the FeedFetchError it threw) into the record to cache. */
export function robotsRecordFromFetch(
  origin: string,
  outcome: { result: FeedFetchResult } | { error: unknown },
  now: Date,
  previous: RobotsRecord | null,
): RobotsRecord {
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  if ("result" in outcome) {
    const r = outcome.result;
    if (r.kind === "not-modified" && previous?.outcome === "ok")
      return {
        ...previous,
        fetchedAt: now,
        expiresAt: at(ROBOTS_POLICY.okTtlSeconds),
        error: null,
        unreachableSince: null,
      };
    const body = r.kind === "ok" ? r.body.toString("utf8") : "";
    return {
      origin,
      outcome: "ok",
      status: r.status,
      body,
      error:
        r.kind === "ok" && r.truncated
          ? `longer than ${ROBOTS_POLICY.maxBytes} bytes; the rest ignored`
          : null,
      fetchedAt: now,
      expiresAt: at(ROBOTS_POLICY.okTtlSeconds),
      unreachableSince: null,
    };
  }
  const e = outcome.error;
  const status = e instanceof FeedFetchError ? (e.status ?? null) : null;
  const message = e instanceof Error ? e.message : String(e);
  if (status !== null && status >= 400 && status < 500 && status !== 429)
    return {
      origin,
      outcome: "unavailable",
      status,
      body: null,
      error: null,
      fetchedAt: now,
      expiresAt: at(ROBOTS_POLICY.unavailableTtlSeconds),
      unreachableSince: null,
    };
  if (e instanceof FeedFetchError && (e.kind === "blocked_address" || e.kind === "bad_url"))
    // Our own refusal to connect: nothing was learnt about the site; the fetch itself will fail the same way.
    return {
      origin,
      outcome: "unavailable",
      status,
      body: null,
      error: `${e.kind}: ${message}`,
      fetchedAt: now,
      expiresAt: at(ROBOTS_POLICY.unavailableTtlSeconds),
      unreachableSince: null,
    };
  const since = previous?.unreachableSince ?? now;
  const longGone = now.getTime() - since.getTime() >= ROBOTS_POLICY.unreachableAllowAfterDays * 86_400_000;
  const error = `${e instanceof FeedFetchError ? e.kind : "network"}: ${message}`.slice(0, 500);
  if (longGone)
    return {
      origin,
      outcome: "unavailable",
      status,
      body: null,
      error: `${error} (unreachable for ${ROBOTS_POLICY.unreachableAllowAfterDays} days: treated as unavailable)`,
      fetchedAt: now,
      expiresAt: at(ROBOTS_POLICY.unreachableRetrySeconds),
      unreachableSince: since,
    };
  if (previous?.outcome === "ok")
    // Keep applying the copy we have, and try again soon.
    return {
      ...previous,
      error,
      expiresAt: at(ROBOTS_POLICY.unreachableRetrySeconds),
      unreachableSince: since,
    };
  return {
    origin,
    outcome: "unreachable",
    status,
    body: null,
    error,
    fetchedAt: now,
    expiresAt: at(ROBOTS_POLICY.unreachableRetrySeconds),
    unreachableSince: since,
  };
}

/** Whether `url` may be fetched under the cached record, for `purpose`. */
export function evaluateRobots(
  record: RobotsRecord,
  url: string,
  userAgent: string,
  purpose: RobotsPurpose,
): RobotsVerdict {
  const token = robotsProductToken(userAgent);
  if (record.outcome === "unavailable")
    return {
      allowed: true,
      crawlDelaySeconds: null,
      reason: `no robots.txt (${record.status ?? "n/a"}): allowed`,
    };
  if (record.outcome === "unreachable") {
    if (purpose === "feed")
      return {
        allowed: true,
        crawlDelaySeconds: null,
        reason: "robots.txt unreachable; a feed is refused only by an explicit rule",
      };
    return {
      allowed: false,
      crawlDelaySeconds: null,
      reason: `robots.txt unreachable (${record.error ?? "error"}): disallowed until it answers (RFC 9309)`,
    };
  }
  const robotsUrl = robotsTxtUrl(record.origin);
  const robots = robotsParser(robotsUrl, record.body ?? "");
  const delay = robots.getCrawlDelay(token);
  const crawlDelaySeconds =
    typeof delay === "number" && Number.isFinite(delay) && delay > 0
      ? Math.min(delay, ROBOTS_POLICY.maxCrawlDelaySeconds)
      : null;
  // robots-parser compares scheme, host and port exactly; the record is per origin, so compare in its terms.
  const target = new URL(url);
  const local = `${record.origin}${target.pathname}${target.search}`;
  if (purpose === "sitemap" && robots.getSitemaps().some((s) => s === url))
    return { allowed: true, crawlDelaySeconds, reason: "listed as a Sitemap in robots.txt" };
  const allowed = robots.isAllowed(local, token);
  if (allowed === false) {
    const line = robots.getMatchingLineNumber(local, token);
    return {
      allowed: false,
      crawlDelaySeconds,
      reason: `robots.txt disallows ${target.pathname}${line > 0 ? ` (line ${line})` : ""} for ${token}`,
    };
  }
  return { allowed: true, crawlDelaySeconds, reason: "allowed by robots.txt" };
}

/** Fetches /robots.txt of an origin through the same guard and limits as feeds (body cut at 500 KiB). */
export async function fetchRobotsTxt(
  origin: string,
  options: FetchFeedOptions,
): Promise<{ result: FeedFetchResult } | { error: unknown }> {
  try {
    const result = await fetchFeed(robotsTxtUrl(origin), {
      ...options,
      etag: null,
      lastModified: null,
      previousContentHash: null,
      headers: null,
      accept: "text/plain, */*;q=0.5",
      maxBytes: ROBOTS_POLICY.maxBytes,
      truncateAtMaxBytes: true,
      maxRedirects: Math.min(options.maxRedirects ?? 5, 5),
    });
    return { result };
  } catch (error) {
    return { error };
  }
}
