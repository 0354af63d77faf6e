import { decodeFeedBytes, type EncodingSource } from "./decode";
import { FeedParseError } from "./errors";
import { type NormalisedItem, normaliseItem, positiveInt, str, updatePeriodMinutes } from "./normalise";
import { type FeedFormat, parseFeedText } from "./parse";
import {
  looksLikeSitemap,
  type ReadSitemapOptions,
  readSitemap,
  type SitemapChild,
  type SitemapStats,
} from "./sitemap";
import { htmlToText } from "./text";
import { resolveUrl } from "./url";

export type { NormalisedItem } from "./normalise";
/** What a source turned out to be, by its content. */
export type SourceFormat = FeedFormat | "sitemap" | "sitemap-index";

export interface FeedMeta {
  /** rss2, rss1, rss0.9, atom; sitemap (a urlset) or sitemap-index. */
  format: SourceFormat;
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

export interface ReadFeedOptions {
  contentType?: string | null;
  /** Limits for sitemaps (see SITEMAP_DEFAULTS). */
  sitemap?: Pick<ReadSitemapOptions, "maxBytes" | "maxItems" | "maxItemAgeDays" | "maxChildren">;
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
  /** A sitemap index: its children (items is empty); the caller decides which to fetch. */
  sitemapChildren?: SitemapChild[];
  /** Sitemaps: what was read and what was left out. */
  sitemapStats?: SitemapStats;
}

/**
 * The one shared code path (worker and CLI): bytes → decoded text → parsed feed → normalised items.
 * Items duplicated within the document (same identityKey) are kept once, with a warning.
 * Throws FeedParseError (one-line message) when the bytes are not a usable feed.
 */
export async function readFeed(bytes: Uint8Array, opts: ReadFeedOptions): Promise<ReadFeedResult> {
  if (bytes.length === 0) throw new FeedParseError("empty body");
  // Recognised by content, whatever the source was declared as: a sitemap (or a gzipped file, which
  // only sitemaps are served as) goes to the streaming sitemap reader.
  if (looksLikeSitemap(bytes)) return readSitemapAsFeed(bytes, opts);
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

async function readSitemapAsFeed(bytes: Uint8Array, opts: ReadFeedOptions): Promise<ReadFeedResult> {
  const r = await readSitemap(bytes, {
    ...opts.sitemap,
    feedUrl: opts.feedUrl,
    timeZone: opts.timeZone,
    fetchedAt: opts.fetchedAt,
  });
  const meta: FeedMeta = {
    format: r.kind === "index" ? "sitemap-index" : "sitemap",
    title: r.kind === "urlset" ? r.publication : null,
    description: null,
    link: null,
    language: r.kind === "urlset" ? r.language : null,
    ttlMinutes: null,
    updatePeriodMinutes: null,
  };
  return {
    encoding: r.encoding,
    encodingSource: "xml-declaration",
    meta,
    items: r.kind === "urlset" ? r.items : [],
    warnings: r.warnings,
    ...(r.kind === "index" ? { sitemapChildren: r.children } : {}),
    sitemapStats: r.stats,
  };
}
