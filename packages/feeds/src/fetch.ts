import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Agent, buildConnector, request } from "undici";
import { detectBotProtection } from "./bot-protection";
import { FeedFetchError } from "./errors";
import { type AddressPolicy, addressChecker, BlockedAddressError, guardedLookup } from "./net-guard";

export const DEFAULT_USER_AGENT = "Vesti/0.1 (+https://github.com/vesti-news/vesti)";
export const DEFAULT_FETCH_OPTIONS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 20 * 1024 * 1024,
  maxRedirects: 5,
} as const;

export interface FetchFeedOptions extends AddressPolicy {
  /** ETag from the previous successful fetch (sent as If-None-Match). */
  etag?: string | null;
  /** Last-Modified from the previous successful fetch (sent as If-Modified-Since). */
  lastModified?: string | null;
  /** Content hash of the previous body; sets `unchanged` for servers that ignore conditional GET. */
  previousContentHash?: string | null;
  userAgent?: string;
  connectTimeoutMs?: number;
  /** Whole request including redirects and body. */
  totalTimeoutMs?: number;
  /** Limit on the body AFTER decompression. */
  maxBytes?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Accept header (default: feed types first). */
  accept?: string;
  /**
   * Extra request headers for this feed (sources file `headers`, set by an operator with the site's
   * permission); they may replace User-Agent and Accept, never the fetcher's own framing, compression
   * or conditional-GET headers.
   */
  headers?: Readonly<Record<string, string>> | null;
  /** Keep the first maxBytes of a longer body instead of failing with too_large (robots.txt). */
  truncateAtMaxBytes?: boolean;
  /** Called before each redirect is followed (e.g. a robots.txt check); throw to refuse it. */
  beforeRedirect?: (url: string) => void | Promise<void>;
}

export const FEED_ACCEPT =
  "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
/** Headers the fetcher owns (framing, conditional GET, compression): a feed's own `headers` never replace them. */
export const FETCHER_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "te",
  "upgrade",
  "keep-alive",
  "proxy-connection",
  "accept-encoding",
  "if-none-match",
  "if-modified-since",
]);
/** Bytes of an error response read to recognise a bot-protection challenge page. */
const ERROR_BODY_SNIFF_BYTES = 32 * 1024;

export interface RedirectHop {
  status: number;
  from: string;
  to: string;
}

export interface FeedFetchOk {
  kind: "ok";
  status: number;
  url: string;
  finalUrl: string;
  redirects: RedirectHop[];
  /** Set when every hop was 301/308: the URL the caller may store instead of `url`. */
  permanentRedirectTo: string | null;
  body: Buffer;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** hex sha256 of the decompressed body. */
  contentHash: string;
  /** The body was cut at maxBytes (only with truncateAtMaxBytes). */
  truncated: boolean;
  /** True when contentHash equals options.previousContentHash (server ignored conditional GET). */
  unchanged: boolean;
  /** Cache-Control max-age in seconds (null when absent). */
  maxAgeSeconds: number | null;
  elapsedMs: number;
}

export interface FeedFetchNotModified {
  kind: "not-modified";
  status: 304;
  url: string;
  finalUrl: string;
  redirects: RedirectHop[];
  /** As for FeedFetchOk. */
  permanentRedirectTo: string | null;
  etag: string | null;
  lastModified: string | null;
  maxAgeSeconds: number | null;
  elapsedMs: number;
}

export type FeedFetchResult = FeedFetchOk | FeedFetchNotModified;

/** The final URL when every hop was permanent (301/308): the feed has moved there. */
function permanentTarget(redirects: readonly RedirectHop[], finalUrl: string): string | null {
  return redirects.length > 0 && redirects.every((r) => r.status === 301 || r.status === 308)
    ? finalUrl
    : null;
}

/** Retry-After: delta-seconds or an HTTP-date; returns whole seconds from `now` (≥ 0). */
export function parseRetryAfter(
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now.getTime()) / 1000));
}

export function parseMaxAge(cacheControl: string | null | undefined): number | null {
  if (!cacheControl) return null;
  const m = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return m ? Number(m[1]) : null;
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = h[name];
  if (Array.isArray(v)) return v[0] ?? null;
  return v ?? null;
}

class TooLargeError extends Error {}

/** Drops a response body unread; undici reports the aborted stream as an error, which is expected here. */
function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

function decoders(encoding: string | null, url: string, firstByte: () => number | undefined): Transform[] {
  if (!encoding) return [];
  const list = encoding
    .toLowerCase()
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s && s !== "identity");
  // Content-Encoding lists codings in the order applied; undo them in reverse.
  return list.reverse().map((enc) => {
    switch (enc) {
      case "gzip":
      case "x-gzip":
        return zlib.createGunzip();
      case "deflate":
        // Some servers send raw DEFLATE instead of zlib-wrapped: a zlib header starts with 0x78.
        return firstByte() === 0x78 || firstByte() === undefined
          ? zlib.createInflate()
          : zlib.createInflateRaw();
      case "br":
        return zlib.createBrotliDecompress();
      default:
        throw new FeedFetchError("bad_response", `unsupported Content-Encoding "${enc}"`, { url });
    }
  });
}

/** Reads (and decompresses) the body, aborting as soon as the decompressed size exceeds maxBytes. */
async function readBody(
  body: Readable,
  contentEncoding: string | null,
  maxBytes: number,
  url: string,
  signal: AbortSignal,
  truncate = false,
): Promise<{ body: Buffer; truncated: boolean }> {
  // Peek the first chunk so "deflate" can be told apart from raw deflate.
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  const head: Buffer | undefined = first.done ? undefined : Buffer.from(first.value as Uint8Array);
  async function* rest() {
    if (head) yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value as Uint8Array;
    }
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let tooLarge = false;
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      if (total + chunk.length > maxBytes) {
        tooLarge = true; // the pipeline may surface an AbortError from teardown instead of ours
        if (truncate) {
          chunks.push(chunk.subarray(0, maxBytes - total));
          total = maxBytes;
        }
        throw new TooLargeError();
      }
      total += chunk.length;
      chunks.push(chunk);
    }
  };
  const stages = decoders(contentEncoding, url, () => head?.[0]);
  try {
    await (pipeline as (...args: unknown[]) => Promise<void>)(Readable.from(rest()), ...stages, sink, {
      signal,
    });
  } catch (e) {
    body.destroy();
    if ((tooLarge || e instanceof TooLargeError) && truncate)
      return { body: Buffer.concat(chunks, total), truncated: true };
    if (tooLarge || e instanceof TooLargeError) {
      throw new FeedFetchError("too_large", `body exceeds ${maxBytes} bytes after decompression`, { url });
    }
    if (e instanceof FeedFetchError) throw e;
    if (signal.aborted) throw e;
    const code = (e as { code?: string }).code ?? "";
    if (code.startsWith("Z_") || /incorrect header|invalid|unexpected end/i.test(String(e))) {
      throw new FeedFetchError("bad_response", `cannot decompress body (${contentEncoding}): ${String(e)}`, {
        url,
        cause: e,
      });
    }
    throw e;
  }
  return { body: Buffer.concat(chunks, total), truncated: false };
}

function classify(e: unknown, url: string, timedOut: boolean, totalTimeoutMs: number): FeedFetchError {
  if (e instanceof FeedFetchError) return e;
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof BlockedAddressError) {
      return new FeedFetchError("blocked_address", cur.message, { url, cause: e, permanent: true });
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  const code = (e as { code?: string }).code ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  if (timedOut)
    return new FeedFetchError("timeout", `timed out after ${totalTimeoutMs} ms`, { url, cause: e });
  if (
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT"
  ) {
    return new FeedFetchError("timeout", `${code}: ${msg}`, { url, cause: e });
  }
  return new FeedFetchError("network", `${code ? `${code}: ` : ""}${msg}`, { url, cause: e });
}

function checkUrl(raw: string, checker: ReturnType<typeof addressChecker>): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FeedFetchError("bad_url", `invalid URL: ${raw}`, { url: raw });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new FeedFetchError("bad_url", `only http and https are allowed, got ${u.protocol}`, { url: raw });
  }
  if (u.username || u.password) {
    throw new FeedFetchError("bad_url", "credentials in feed URLs are not allowed", { url: raw });
  }
  // IP literals never go through DNS lookup, so check them here, before any connection.
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !checker.isAllowed(host)) {
    throw new FeedFetchError("blocked_address", new BlockedAddressError(host, host).message, {
      url: raw,
      permanent: true,
    });
  }
  if (/^localhost$|\.localhost$/i.test(host) && !checker.isAllowed("127.0.0.1")) {
    throw new FeedFetchError("blocked_address", new BlockedAddressError(host, "127.0.0.1").message, {
      url: raw,
      permanent: true,
    });
  }
  return u;
}

/** What a kind of resource asks for and accepts (feeds and web pages share everything else). */
interface FetchProfile {
  accept: string;
  /** Refuses a response by its Content-Type before its body is read (null header: decided later). */
  acceptsType?: (contentType: string | null) => boolean;
  /** What the refused type was expected to be, for the error message. */
  expected?: string;
}

const FEED_PROFILE: FetchProfile = { accept: FEED_ACCEPT };

/**
 * Fetches a feed with SSRF protection, redirects followed by hand, conditional GET and size and
 * time limits. Resolves to ok / not-modified; every failure is thrown as a FeedFetchError.
 */
export function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<FeedFetchResult> {
  return fetchResource(url, options, FEED_PROFILE);
}

export type FetchDocumentOptions = Omit<FetchFeedOptions, "etag" | "lastModified" | "previousContentHash">;

/** A fetched web page: the decompressed bytes and what decoding them needs. */
export interface DocumentFetchOk {
  status: number;
  url: string;
  finalUrl: string;
  redirects: RedirectHop[];
  body: Buffer;
  contentType: string | null;
  /** hex sha256 of the decompressed body. */
  contentHash: string;
  elapsedMs: number;
}

const HTML_TYPES = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i;

/** True for a Content-Type of an HTML page (text/html or application/xhtml+xml). */
export function isHtmlContentType(contentType: string | null | undefined): boolean {
  return contentType != null && HTML_TYPES.test(contentType);
}

/** Bytes that start like an HTML document (for servers that send no Content-Type). */
export function looksLikeHtml(body: Uint8Array): boolean {
  const head = Buffer.from(body.subarray(0, 1024))
    .toString("latin1")
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart()
    .toLowerCase();
  return /^<(?:!doctype html|html|head|body|meta|title|!--)/.test(head);
}

const DOCUMENT_PROFILE: FetchProfile = {
  accept: "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
  acceptsType: (contentType) => contentType === null || isHtmlContentType(contentType),
  expected: "text/html",
};

/**
 * Fetches a web page (an article) with the feed fetcher's SSRF guard, redirect handling and size and time
 * limits. Only HTML is accepted: another Content-Type is refused before the body is read, and a body
 * without a Content-Type must look like HTML. Every failure is thrown as a FeedFetchError (kind
 * `unsupported_type` for a non-HTML answer). Politeness (robots.txt, per-host spacing) is the caller's.
 */
export async function fetchDocument(
  url: string,
  options: FetchDocumentOptions = {},
): Promise<DocumentFetchOk> {
  const res = await fetchResource(url, options, DOCUMENT_PROFILE);
  if (res.kind !== "ok") {
    // Nothing conditional was sent, so a 304 is the server's error.
    throw new FeedFetchError("bad_response", "HTTP 304 to an unconditional GET", { url, status: 304 });
  }
  if (res.contentType === null && !looksLikeHtml(res.body)) {
    throw new FeedFetchError("unsupported_type", "no Content-Type and the body is not HTML", {
      url: res.finalUrl,
      status: res.status,
    });
  }
  return {
    status: res.status,
    url: res.url,
    finalUrl: res.finalUrl,
    redirects: res.redirects,
    body: res.body,
    contentType: res.contentType,
    contentHash: res.contentHash,
    elapsedMs: res.elapsedMs,
  };
}

async function fetchResource(
  url: string,
  options: FetchFeedOptions,
  profile: FetchProfile,
): Promise<FeedFetchResult> {
  const started = Date.now();
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_FETCH_OPTIONS.connectTimeoutMs;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_FETCH_OPTIONS.totalTimeoutMs;
  const maxBytes = options.maxBytes ?? DEFAULT_FETCH_OPTIONS.maxBytes;
  const maxRedirects = options.maxRedirects ?? DEFAULT_FETCH_OPTIONS.maxRedirects;
  const checker = addressChecker(options);

  let current = checkUrl(url, checker);
  const lookup = guardedLookup(checker);
  const baseConnector = buildConnector({ timeout: connectTimeoutMs, lookup } as buildConnector.BuildOptions);
  // Second line of defence: verify the peer address of the socket actually opened.
  const connect: buildConnector.connector = (opts, cb) => {
    baseConnector(opts, (err, socket) => {
      if (err || !socket) return cb(err ?? new Error("no socket"), null);
      const remote = socket.remoteAddress;
      if (remote && !checker.isAllowed(remote)) {
        socket.destroy();
        return cb(new BlockedAddressError(opts.hostname, remote), null);
      }
      return cb(null, socket);
    });
  };
  const agent = new Agent({ connect, headersTimeout: totalTimeoutMs, bodyTimeout: totalTimeoutMs });

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${totalTimeoutMs} ms`));
  }, totalTimeoutMs);
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });

  const redirects: RedirectHop[] = [];
  const visited = new Set<string>([current.href]);
  try {
    for (;;) {
      const headers: Record<string, string> = {
        "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
        accept: options.accept ?? profile.accept,
      };
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        const n = name.toLowerCase();
        if (!FETCHER_HEADERS.has(n)) headers[n] = value;
      }
      headers["accept-encoding"] = "gzip, deflate, br";
      if (options.etag) headers["if-none-match"] = options.etag;
      if (options.lastModified) headers["if-modified-since"] = options.lastModified;

      const res = await request(current, {
        method: "GET",
        headers,
        dispatcher: agent,
        signal: controller.signal,
      });
      const h = res.headers as Record<string, string | string[] | undefined>;
      const status = res.statusCode;
      const here = current.href;

      if ([301, 302, 303, 307, 308].includes(status)) {
        res.body.resume();
        const location = header(h, "location");
        if (!location) {
          throw new FeedFetchError("bad_response", `HTTP ${status} without Location`, { url: here, status });
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new FeedFetchError("bad_url", `invalid redirect Location: ${location}`, {
            url: here,
            status,
          });
        }
        next.hash = "";
        redirects.push({ status, from: here, to: next.href });
        if (visited.has(next.href)) {
          throw new FeedFetchError("redirect_loop", `redirect loop at ${next.href}`, { url, status });
        }
        if (redirects.length > maxRedirects) {
          throw new FeedFetchError("too_many_redirects", `more than ${maxRedirects} redirects`, {
            url,
            status,
          });
        }
        visited.add(next.href);
        current = checkUrl(next.href, checker);
        await options.beforeRedirect?.(current.href);
        continue;
      }

      const etag = header(h, "etag");
      const lastModified = header(h, "last-modified");
      const maxAgeSeconds = parseMaxAge(header(h, "cache-control"));
      if (status === 304) {
        res.body.resume();
        return {
          kind: "not-modified",
          status: 304,
          url,
          finalUrl: here,
          redirects,
          permanentRedirectTo: permanentTarget(redirects, here),
          etag: etag ?? options.etag ?? null,
          lastModified: lastModified ?? options.lastModified ?? null,
          maxAgeSeconds,
          elapsedMs: Date.now() - started,
        };
      }
      if (status < 200 || status >= 300) {
        const retryAfterSeconds = parseRetryAfter(header(h, "retry-after"));
        const extra = {
          url: here,
          status,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        };
        if (status === 403 || status === 429 || status === 503) {
          // Bot protection answers with a challenge page: read its start to recognise it.
          let head = "";
          try {
            const sniff = await readBody(
              res.body,
              header(h, "content-encoding"),
              ERROR_BODY_SNIFF_BYTES,
              here,
              controller.signal,
              true,
            );
            head = sniff.body.toString("latin1");
          } catch {
            res.body.destroy();
          }
          const blocked = detectBotProtection(status, h, head);
          if (blocked)
            throw new FeedFetchError(
              "blocked_by_server",
              `HTTP ${status}: ${blocked.vendor} bot protection (${blocked.evidence})`,
              { ...extra, vendor: blocked.vendor },
            );
        } else res.body.resume();
        if (status === 429) throw new FeedFetchError("rate_limited", `HTTP 429 Too Many Requests`, extra);
        if (status >= 500) throw new FeedFetchError("http_5xx", `HTTP ${status}`, extra);
        if (status === 404 || status === 410) {
          throw new FeedFetchError("gone", `HTTP ${status}`, { ...extra, permanent: status === 410 });
        }
        throw new FeedFetchError("http_4xx", `HTTP ${status}`, extra);
      }

      const contentType = header(h, "content-type");
      if (profile.acceptsType && !profile.acceptsType(contentType)) {
        discard(res.body);
        throw new FeedFetchError(
          "unsupported_type",
          `Content-Type ${JSON.stringify(contentType)} is not ${profile.expected ?? "accepted"}`,
          { url: here, status },
        );
      }
      const declaredLength = Number(header(h, "content-length") ?? Number.NaN);
      const contentEncoding = header(h, "content-encoding");
      if (
        !options.truncateAtMaxBytes &&
        !contentEncoding &&
        Number.isFinite(declaredLength) &&
        declaredLength > maxBytes
      ) {
        discard(res.body);
        throw new FeedFetchError("too_large", `Content-Length ${declaredLength} exceeds ${maxBytes} bytes`, {
          url: here,
          status,
        });
      }
      const { body, truncated } = await readBody(
        res.body,
        contentEncoding,
        maxBytes,
        here,
        controller.signal,
        options.truncateAtMaxBytes === true,
      );
      const contentHash = createHash("sha256").update(body).digest("hex");
      return {
        kind: "ok",
        status,
        url,
        finalUrl: here,
        redirects,
        permanentRedirectTo: permanentTarget(redirects, here),
        body,
        contentType,
        etag,
        lastModified,
        contentHash,
        truncated,
        unchanged: options.previousContentHash != null && options.previousContentHash === contentHash,
        maxAgeSeconds,
        elapsedMs: Date.now() - started,
      };
    }
  } catch (e) {
    throw classify(e, current.href, timedOut, totalTimeoutMs);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    agent.destroy().catch(() => {});
  }
}
