/** Why a fetch failed, coarse enough for the scheduler to pick a backoff. */
export type FeedFetchErrorKind =
  | "timeout"
  | "network"
  | "http_5xx"
  | "rate_limited"
  | "http_4xx"
  | "gone"
  | "too_large"
  | "redirect_loop"
  | "too_many_redirects"
  | "blocked_address"
  | "bad_url"
  | "bad_response"
  /** A 403 (or 429/503) that is a bot-protection challenge (Cloudflare, DDoS-Guard, Akamai, ...). */
  | "blocked_by_server"
  /** robots.txt disallows the URL (raised by the ingest worker, never by fetchFeed). */
  | "robots_disallowed"
  /** A document fetch got another Content-Type than it asked for (e.g. a PDF instead of a page). */
  | "unsupported_type";

export class FeedFetchError extends Error {
  override readonly name = "FeedFetchError";
  readonly kind: FeedFetchErrorKind;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** True when retrying the same URL cannot help (410, blocked address, bad URL, wrong type). */
  readonly permanent: boolean;
  readonly url: string;
  /** blocked_by_server: the protection recognised (cloudflare, ddos-guard, akamai, ...). */
  readonly vendor: string | undefined;

  constructor(
    kind: FeedFetchErrorKind,
    message: string,
    opts: {
      url: string;
      status?: number;
      retryAfterSeconds?: number;
      permanent?: boolean;
      cause?: unknown;
      vendor?: string;
    },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.url = opts.url;
    this.vendor = opts.vendor;
    this.status = opts.status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.permanent =
      opts.permanent ??
      (kind === "bad_url" ||
        kind === "blocked_address" ||
        kind === "unsupported_type" ||
        opts.status === 410);
  }
}

/** The bytes are not a usable feed; `message` is one line, suitable for logs and the CLI. */
export class FeedParseError extends Error {
  override readonly name = "FeedParseError";
  readonly kind = "parse" as const;
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message.replace(/\s+/g, " ").trim(), opts);
  }
}

/** What an operator can do about a failure kind (shown by `vesti sources health`). */
export const FAILURE_HINTS: Partial<Record<FeedFetchErrorKind | "parse", string>> = {
  blocked_by_server:
    "bot protection answered, not the feed: ask the site for access; with permission, set this feed's `headers` in the sources file (Vesti does not solve challenges)",
  robots_disallowed:
    "robots.txt disallows this URL: not fetched; with the site's permission, set `robotsPermission` on the feed or outlet",
  gone: "the URL is gone: find the outlet's current feed and update the sources file",
  too_large: "larger than FETCH_MAX_BODY_BYTES (sitemaps: SITEMAP_MAX_BODY_BYTES)",
  parse: "the body is not a usable feed or sitemap: check it with `vesti feed inspect <url>`",
};
