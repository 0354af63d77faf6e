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

  constructor(
    kind: FeedFetchErrorKind,
    message: string,
    opts: { url: string; status?: number; retryAfterSeconds?: number; permanent?: boolean; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.url = opts.url;
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
