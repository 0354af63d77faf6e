import { resolveItemDate } from "./dates";
import { decodeFeedBytes, type EncodingSource } from "./decode";
import { FeedParseError } from "./errors";
import { type FeedFormat, parseFeedText, type RawItem } from "./parse";
import { collapseWhitespace, htmlToText, titleKey } from "./text";
import { canonicalizeUrl, resolveUrl, sha256Hex } from "./url";

export interface FeedMeta {
  format: FeedFormat;
  title: string | null;
  description: string | null;
  /** Site link (resolved), not the feed URL. */
  link: string | null;
  language: string | null;
  /** RSS <ttl>, minutes. */
  ttlMinutes: number | null;
  /** sy:updatePeriod / sy:updateFrequency as minutes between updates. */
  updatePeriodMinutes: number | null;
}

export interface NormalisedItem {
  guid: string | null;
  title: string | null;
  summary: string | null;
  /** Absolute http(s) URL as published (resolved against xml:base / feed URL). */
  link: string | null;
  canonicalUrl: string | null;
  /** hex sha256 of canonicalUrl; null when there is no link. */
  urlHash: string | null;
  /** Normalised title for cross-feed dedupe; "" when there is no title. */
  titleKey: string;
  /** Stable identity within a feed: "url:<urlHash>", else "guid:<sha256(guid)>", else "title:<sha256(titleKey)>". */
  identityKey: string;
  publishedAt: Date;
  publishedEstimated: boolean;
  author: string | null;
  categories: string[];
}

export interface ReadFeedOptions {
  contentType?: string | null;
  /** The URL the feed was fetched from (final URL after redirects); base for relative links. */
  feedUrl: string;
  /** Outlet's IANA zone for dates without a zone, e.g. "Europe/Belgrade". */
  timeZone: string;
  fetchedAt: Date;
}

export interface ReadFeedResult {
  encoding: string;
  encodingSource: EncodingSource;
  meta: FeedMeta;
  items: NormalisedItem[];
  warnings: string[];
}

function str(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o["_"] === "string") return o["_"];
    if (typeof o["href"] === "string") return o["href"];
    const attrs = o["$"] as Record<string, unknown> | undefined;
    if (attrs && typeof attrs["href"] === "string") return attrs["href"];
  }
  return null;
}

function positiveInt(v: unknown): number | null {
  const s = str(v)?.trim();
  if (!s || !/^\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return n > 0 ? n : null;
}

const PERIOD_MINUTES: Record<string, number> = {
  hourly: 60,
  daily: 1440,
  weekly: 10080,
  monthly: 43200,
  yearly: 525600,
};

function updatePeriodMinutes(period: unknown, frequency: unknown): number | null {
  const p = str(period)?.trim().toLowerCase();
  if (!p) return null;
  const minutes = PERIOD_MINUTES[p];
  if (!minutes) return null;
  const f = positiveInt(frequency) ?? 1;
  return Math.max(1, Math.round(minutes / f));
}

function categoriesOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const c of v) {
    const s = str(c) ?? str((c as { $?: { term?: unknown } } | null)?.$?.term);
    const t = s ? collapseWhitespace(s) : "";
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

function normaliseItem(
  raw: RawItem,
  base: string,
  opts: ReadFeedOptions,
  warnings: string[],
  index: number,
): NormalisedItem | null {
  const title = htmlToText(str(raw.title)) || null;
  const guidRaw = str(raw.guid);
  const guid = guidRaw ? collapseWhitespace(guidRaw) || null : null;
  const itemBase = raw.xmlBase ? (resolveUrl(raw.xmlBase, base) ?? base) : base;
  // FeedBurner's origLink is the real article; otherwise link, otherwise a permalink guid.
  let link = resolveUrl(str(raw.origLink), itemBase) ?? resolveUrl(str(raw.link), itemBase);
  if (!link && guid && raw.guidIsPermaLink && /^https?:\/\//i.test(guid)) link = resolveUrl(guid);
  if (!title && !link) {
    warnings.push(`item ${index + 1} dropped: neither title nor link`);
    return null;
  }
  const summaryText = htmlToText(str(raw.summary)) || htmlToText(str(raw.content));
  const canonicalUrl = link ? canonicalizeUrl(link) : null;
  const urlHash = canonicalUrl ? sha256Hex(canonicalUrl) : null;
  const tKey = titleKey(title);
  const date = resolveItemDate(raw.dates.map(str), opts.timeZone, opts.fetchedAt);
  if (date.warning) warnings.push(`item ${index + 1}: ${date.warning}`);
  const identityKey = urlHash
    ? `url:${urlHash}`
    : guid
      ? `guid:${sha256Hex(guid)}`
      : `title:${sha256Hex(tKey)}`;
  const author = htmlToText(str(raw.author)) || null;
  return {
    guid,
    title,
    summary: summaryText || null,
    link,
    canonicalUrl,
    urlHash,
    titleKey: tKey,
    identityKey,
    publishedAt: date.publishedAt,
    publishedEstimated: date.publishedEstimated,
    author,
    categories: categoriesOf(raw.categories),
  };
}

/**
 * The one shared code path (worker and CLI): bytes → decoded text → parsed feed → normalised items.
 * Items duplicated within the document (same identityKey) are kept once, with a warning.
 * Throws FeedParseError (one-line message) when the bytes are not a usable feed.
 */
export async function readFeed(bytes: Uint8Array, opts: ReadFeedOptions): Promise<ReadFeedResult> {
  if (bytes.length === 0) throw new FeedParseError("empty body");
  const decoded = decodeFeedBytes(bytes, opts.contentType);
  const raw = await parseFeedText(decoded.text);
  const warnings = [...decoded.warnings, ...raw.warnings];
  const base = raw.xmlBase ? (resolveUrl(raw.xmlBase, opts.feedUrl) ?? opts.feedUrl) : opts.feedUrl;

  const items: NormalisedItem[] = [];
  const seen = new Set<string>();
  let dupes = 0;
  raw.items.forEach((r, i) => {
    const item = normaliseItem(r, base, opts, warnings, i);
    if (!item) return;
    if (seen.has(item.identityKey)) {
      dupes++;
      return;
    }
    seen.add(item.identityKey);
    items.push(item);
  });
  if (dupes) warnings.push(`${dupes} duplicate item(s) within the feed dropped`);

  const lang = str(raw.language)?.trim().toLowerCase() || null;
  return {
    encoding: decoded.encoding,
    encodingSource: decoded.source,
    meta: {
      format: raw.format,
      title: htmlToText(str(raw.title)) || null,
      description: htmlToText(str(raw.description)) || null,
      link: resolveUrl(str(raw.link), base),
      language: lang,
      ttlMinutes: positiveInt(raw.ttl),
      updatePeriodMinutes: updatePeriodMinutes(raw.updatePeriod, raw.updateFrequency),
    },
    items,
    warnings,
  };
}
