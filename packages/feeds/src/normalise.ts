import { resolveItemDate } from "./dates";
import type { RawItem } from "./parse";
import { collapseWhitespace, htmlToText, titleKey } from "./text";
import { canonicalizeUrl, resolveUrl, sha256Hex } from "./url";

// Raw items (from the RSS/Atom parser or the sitemap reader) → the normalised items every later stage
// reads: one code path for both kinds of source.

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

/** What normalising needs to know: where relative links resolve and how zone-less dates are read. */
export interface NormaliseOptions {
  /** Outlet's IANA zone for dates without a zone, e.g. "Europe/Belgrade". */
  timeZone: string;
  fetchedAt: Date;
}

export function str(v: unknown): string | null {
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

export function positiveInt(v: unknown): number | null {
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

export function updatePeriodMinutes(period: unknown, frequency: unknown): number | null {
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

export function normaliseItem(
  raw: RawItem,
  base: string,
  opts: NormaliseOptions,
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
