// Pure polling policy: no I/O, no clock except what callers pass in.
import type { FeedFetchErrorKind } from "./errors";

export interface PollIntervalInput {
  currentSeconds: number;
  /** New items found by the poll that just finished. */
  newItemCount: number;
  /** Publication times of the feed's most recent items (any order). */
  recentItemTimes: Date[];
  ttlMinutes?: number | null;
  updatePeriodMinutes?: number | null;
  cacheMaxAgeSeconds?: number | null;
  minSeconds: number;
  maxSeconds: number;
}

export interface PollDecision {
  seconds: number;
  /** Short explanation for logs. */
  reason: string;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function medianGapSeconds(times: Date[]): number | null {
  const ts = times
    .map((d) => d.getTime())
    .filter(Number.isFinite)
    .sort((a, b) => b - a)
    .slice(0, 21);
  if (ts.length < 3) return null;
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) gaps.push((ts[i - 1]! - ts[i]!) / 1000);
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median = gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
  // Items published in the same second (batch imports) would give 0; treat as very frequent.
  return Math.max(median, 1);
}

/**
 * Adaptive interval: poll about as often as items appear (median gap of recent items), slowing
 * down gently when a poll finds nothing and speeding up when it finds several. The feed's own
 * stated minimum (ttl, sy:updatePeriod, Cache-Control max-age) is a floor; [min, max] bounds win.
 */
export function nextPollInterval(input: PollIntervalInput): PollDecision {
  const { currentSeconds, newItemCount, minSeconds, maxSeconds } = input;
  const current = clamp(currentSeconds > 0 ? currentSeconds : minSeconds, minSeconds, maxSeconds);
  const median = medianGapSeconds(input.recentItemTimes);
  let seconds: number;
  let reason: string;
  if (median !== null) {
    seconds = median;
    reason = `median gap ${Math.round(median)}s`;
    if (newItemCount === 0) {
      // Nothing new: do not jump straight to the median if it is much shorter than our current pace.
      seconds = Math.max(seconds, Math.min(current * 1.25, median * 4));
      reason += ", no new items";
    } else if (newItemCount > 1) {
      seconds = Math.min(seconds, current * 0.75);
      reason += `, ${newItemCount} new items`;
    }
  } else if (newItemCount > 0) {
    seconds = current * 0.75;
    reason = "little history, new items";
  } else {
    seconds = current * 1.5;
    reason = "little history, no new items";
  }

  const floors: [number, string][] = [];
  if (input.ttlMinutes && input.ttlMinutes > 0) floors.push([input.ttlMinutes * 60, "ttl"]);
  if (input.updatePeriodMinutes && input.updatePeriodMinutes > 0) {
    floors.push([input.updatePeriodMinutes * 60, "sy:updatePeriod"]);
  }
  if (input.cacheMaxAgeSeconds && input.cacheMaxAgeSeconds > 0) {
    floors.push([input.cacheMaxAgeSeconds, "cache max-age"]);
  }
  for (const [floor, name] of floors) {
    if (seconds < floor) {
      seconds = floor;
      reason = `${reason}; raised to feed's ${name}`;
    }
  }
  const bounded = Math.round(clamp(seconds, minSeconds, maxSeconds));
  if (bounded !== Math.round(seconds)) reason += bounded === minSeconds ? "; at min" : "; at max";
  return { seconds: bounded, reason };
}

export interface FailureLike {
  kind: FeedFetchErrorKind | "parse";
  retryAfterSeconds?: number | undefined;
  permanent?: boolean | undefined;
}

export interface BackoffInput {
  /** Failure count before this failure (fractional). */
  failureCount: number;
  error: FailureLike;
  minSeconds: number;
  maxSeconds: number;
  /** Returns [0, 1); injectable for tests. */
  random: () => number;
  /** failureCount at or above which the feed is "failing" and polled at maxSeconds. Default 5. */
  failingThreshold?: number;
}

export interface BackoffDecision {
  failureCount: number;
  delaySeconds: number;
  failing: boolean;
}

/** How much one failure of each kind counts: transient trouble counts less than hard errors. */
export const FAILURE_WEIGHT: Record<FeedFetchErrorKind | "parse", number> = {
  timeout: 0.5,
  network: 0.5,
  http_5xx: 0.5,
  rate_limited: 0.25,
  http_4xx: 1,
  gone: 1,
  too_large: 1,
  redirect_loop: 1,
  too_many_redirects: 1,
  blocked_address: 1,
  bad_url: 1,
  bad_response: 1,
  unsupported_type: 1,
  parse: 1,
  // Bot protection: the feed is fine, the server refuses automated clients; retried on its own, slow
  // schedule (BLOCKED_MIN_DELAY_SECONDS) and "failing" like any other hard error after a few tries.
  blocked_by_server: 1,
  // A robots.txt refusal is the site's decision, not a failure: it never counts towards "failing".
  robots_disallowed: 0,
};

/** Floors of the retry delay per kind: a challenge page will not go away in five minutes. */
export const KIND_MIN_DELAY_SECONDS: Partial<Record<FeedFetchErrorKind | "parse", number>> = {
  blocked_by_server: 6 * 3600,
  // Checked again when the cached robots.txt expires (24 h, RFC 9309).
  robots_disallowed: 24 * 3600,
};

/**
 * Exponential backoff with ±20% jitter from minSeconds, Retry-After honoured (within maxSeconds).
 * Permanent errors and failureCount ≥ threshold make the feed "failing": still retried, at maxSeconds.
 * Reset failureCount to 0 after a success (not this function's job).
 */
export function failureBackoff(input: BackoffInput): BackoffDecision {
  const { minSeconds, maxSeconds, error } = input;
  const threshold = input.failingThreshold ?? 5;
  const failureCount = Math.max(0, input.failureCount) + (FAILURE_WEIGHT[error.kind] ?? 1);
  if (error.kind === "robots_disallowed")
    return {
      failureCount,
      delaySeconds: Math.round(clamp(KIND_MIN_DELAY_SECONDS.robots_disallowed!, minSeconds, maxSeconds)),
      failing: false,
    };
  const failing = failureCount >= threshold || error.permanent === true;
  let delay: number;
  if (failing) {
    delay = maxSeconds;
  } else {
    const exp = minSeconds * 2 ** Math.max(0, failureCount - 0.5);
    const jitter = 0.8 + 0.4 * input.random();
    delay = exp * jitter;
  }
  if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > delay)
    delay = error.retryAfterSeconds;
  const floor = KIND_MIN_DELAY_SECONDS[error.kind];
  if (floor !== undefined && delay < floor) delay = floor;
  return { failureCount, delaySeconds: Math.round(clamp(delay, minSeconds, maxSeconds)), failing };
}
