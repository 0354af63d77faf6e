import { Readable } from "node:stream";
import zlib from "node:zlib";
import iconv from "iconv-lite";
import sax from "sax";
import { resolveItemDate } from "./dates";
import { normaliseCharset } from "./decode";
import { FeedParseError } from "./errors";
import { type NormalisedItem, type NormaliseOptions, normaliseItem } from "./normalise";
import type { RawItem } from "./parse";
import { resolveUrl } from "./url";

// News sitemaps as a second kind of source (https://www.sitemaps.org/protocol.html and Google's News
// sitemap extension): <urlset> with <url><loc> and <news:news><news:title>, <news:publication_date>,
// <news:publication><news:language>; <sitemapindex> with <sitemap><loc><lastmod> children; gzip.
//
// Read with sax, a streaming parser (the one xml2js, and so rss-parser, already uses), over 64 KiB
// slices: a 50 MB sitemap is never turned into one string or a document tree; only the entries kept
// (recent, titled, at most maxItems) are held. Elements are matched by local name inside the structure
// (<url>, <news>, ...) whatever their prefix or namespace URI, because real sites serve wrong, old and
// missing namespace declarations (ultimate-sitemap-parser keeps a list of them); a missing sitemap
// namespace is a warning, not an error.

export const SITEMAP_DEFAULTS = {
  /** The protocol's limit on an uncompressed sitemap (50 MiB), also the limit after gunzip. */
  maxBytes: 52_428_800,
  /** Entries of one urlset turned into items (a Google News sitemap has at most 1,000). */
  maxItems: 5_000,
  /** Entries older than this are skipped: a sitemap is polled like a feed, not as an archive. */
  maxItemAgeDays: 7,
  /** Children listed by one index (the protocol's limit is 50,000). */
  maxChildren: 50_000,
} as const;

export interface ReadSitemapOptions extends NormaliseOptions {
  /** The URL the sitemap was fetched from; base for relative locations. */
  feedUrl: string;
  maxBytes?: number;
  maxItems?: number;
  maxItemAgeDays?: number;
  maxChildren?: number;
}

export interface SitemapChild {
  url: string;
  lastmod: Date | null;
}

export interface SitemapStats {
  /** <url> (or <sitemap>) elements seen. */
  entries: number;
  /** Entries without a news title: the page must be fetched to know what it says (not stored). */
  untitled: number;
  tooOld: number;
  overCap: number;
  /** Entries without a usable http(s) <loc>. */
  badLocation: number;
}

export type ReadSitemapResult =
  | {
      kind: "urlset";
      items: NormalisedItem[];
      /** The most frequent news:language (lower case), null when none is given. */
      language: string | null;
      /** The most frequent news:publication name. */
      publication: string | null;
      encoding: string;
      warnings: string[];
      stats: SitemapStats;
    }
  | {
      kind: "index";
      children: SitemapChild[];
      encoding: string;
      warnings: string[];
      stats: SitemapStats;
    };

const SLICE = 64 * 1024;
const YIELD_EVERY = 1024 * 1024;
const MAX_XML_ERRORS = 1000;

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** The root element's local name (lower case) after BOM, declaration, comments and DOCTYPE; null if none. */
export function sniffRootElement(b: Uint8Array): string | null {
  let head: string;
  if (b[0] === 0xff && b[1] === 0xfe) head = Buffer.from(b.subarray(2, 4098)).toString("utf16le");
  else if (b[0] === 0xfe && b[1] === 0xff) head = iconv.decode(Buffer.from(b.subarray(2, 4098)), "utf-16be");
  else head = Buffer.from(b.subarray(0, 4096)).toString("latin1");
  const re = /<([!?]?)([A-Za-z_][\w:.-]*)/g;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    if (m[1]) {
      if (m[2] === "--") continue;
      continue; // <?xml ...?>, <!DOCTYPE ...>, <!-- ... -->
    }
    const name = m[2]!.toLowerCase();
    const colon = name.indexOf(":");
    return colon >= 0 ? name.slice(colon + 1) : name;
  }
  return null;
}

/** True when the bytes are a sitemap (<urlset> or <sitemapindex>), possibly gzipped. */
export function looksLikeSitemap(b: Uint8Array): boolean {
  if (isGzip(b)) return true;
  const root = sniffRootElement(b);
  return root === "urlset" || root === "sitemapindex";
}

function declaredEncoding(b: Uint8Array): string {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  if (b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  const head = Buffer.from(b.subarray(0, 512)).toString("latin1");
  const m = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return normaliseCharset(m?.[1]) ?? "utf-8";
}

/** Decompressed 64 KiB slices; gunzip output is limited to maxBytes (gzip bombs). */
async function* slices(bytes: Uint8Array, maxBytes: number): AsyncGenerator<Buffer> {
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes)
      throw new FeedParseError(`sitemap larger than ${maxBytes} bytes (the protocol's limit is 50 MiB)`);
    for (let i = 0; i < bytes.length; i += SLICE) yield Buffer.from(bytes.subarray(i, i + SLICE));
    return;
  }
  const gunzip = zlib.createGunzip({ chunkSize: SLICE });
  const source = Readable.from([Buffer.from(bytes)]).pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes)
        throw new FeedParseError(`gzipped sitemap inflates past ${maxBytes} bytes; refused`);
      yield chunk;
    }
  } catch (e) {
    if (e instanceof FeedParseError) throw e;
    throw new FeedParseError(`cannot gunzip the sitemap: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  } finally {
    source.destroy();
  }
}

interface Entry {
  loc: string;
  lastmod: string;
  title: string;
  publicationDate: string;
  language: string;
  publication: string;
  keywords: string;
  inNews: boolean;
}
const emptyEntry = (): Entry => ({
  loc: "",
  lastmod: "",
  title: "",
  publicationDate: "",
  language: "",
  publication: "",
  keywords: "",
  inNews: false,
});

const localName = (name: string) => {
  const i = name.indexOf(":");
  return (i >= 0 ? name.slice(i + 1) : name).toLowerCase();
};
const prefixOf = (name: string) => {
  const i = name.indexOf(":");
  return i >= 0 ? name.slice(0, i).toLowerCase() : "";
};

function mostFrequent(counts: Map<string, number>): string | null {
  let best: string | null = null;
  let n = 0;
  for (const [k, v] of counts)
    if (v > n) {
      best = k;
      n = v;
    }
  return best;
}

/**
 * Reads a sitemap, a Google News sitemap or a sitemap index (gzipped or not). Throws FeedParseError when
 * the bytes are not a sitemap or nothing could be read; XML errors after some entries are warnings (a
 * truncated or sloppy sitemap still yields what it had).
 */
export async function readSitemap(bytes: Uint8Array, opts: ReadSitemapOptions): Promise<ReadSitemapResult> {
  const maxBytes = opts.maxBytes ?? SITEMAP_DEFAULTS.maxBytes;
  const maxItems = opts.maxItems ?? SITEMAP_DEFAULTS.maxItems;
  const maxAgeDays = opts.maxItemAgeDays ?? SITEMAP_DEFAULTS.maxItemAgeDays;
  const maxChildren = opts.maxChildren ?? SITEMAP_DEFAULTS.maxChildren;
  if (bytes.length === 0) throw new FeedParseError("empty body");

  const warnings: string[] = [];
  const stats: SitemapStats = { entries: 0, untitled: 0, tooOld: 0, overCap: 0, badLocation: 0 };
  const items: NormalisedItem[] = [];
  const children: SitemapChild[] = [];
  const seen = new Set<string>();
  let dupes = 0;
  const languages = new Map<string, number>();
  const publications = new Map<string, number>();
  const oldest = opts.fetchedAt.getTime() - maxAgeDays * 86_400_000;

  let root: string | null = null;
  let rootNamespaceOk = true;
  let entry: Entry | null = null;
  const stack: string[] = [];
  let text = "";
  const xmlErrors: string[] = [];
  let errorCount = 0;
  let encoding = "utf-8";

  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  parser.onerror = (e) => {
    errorCount++;
    if (xmlErrors.length < 3) xmlErrors.push(e.message.split("\n")[0]!.toLowerCase());
    parser.resume(); // sax's documented recovery: go on after the error
  };
  parser.onopentag = (node) => {
    const name = localName(node.name);
    if (stack.length === 0) {
      root = name;
      if (name !== "urlset" && name !== "sitemapindex") return;
      const ns = Object.entries(node.attributes).find(([k]) => k === "xmlns")?.[1];
      rootNamespaceOk = typeof ns === "string" && /sitemaps\.org\/schemas\/sitemap\//i.test(ns);
    }
    stack.push(name);
    text = "";
    if ((name === "url" && root === "urlset") || (name === "sitemap" && root === "sitemapindex")) {
      entry = emptyEntry();
    } else if (entry && name === "news") entry.inNews = true;
  };
  parser.ontext = (t) => {
    if (entry) text += t;
  };
  parser.oncdata = (t) => {
    if (entry) text += t;
  };
  parser.onclosetag = (rawName) => {
    const name = localName(rawName);
    // Sloppy nesting: pop to the matching element (sax reports the mismatch as an error, already counted).
    const at = stack.lastIndexOf(name);
    if (at >= 0) stack.length = at;
    const value = text.trim();
    text = "";
    if (!entry) return;
    const parent = stack[stack.length - 1];
    const newsField = entry.inNews || prefixOf(rawName) === "news";
    switch (name) {
      case "loc":
        if (parent === "url" || parent === "sitemap") entry.loc = value;
        break;
      case "lastmod":
        if (parent === "url" || parent === "sitemap") entry.lastmod = value;
        break;
      case "title":
        if (newsField && !entry.title) entry.title = value;
        break;
      case "publication_date":
        if (newsField) entry.publicationDate = value;
        break;
      case "language":
        if (newsField) entry.language = value;
        break;
      case "name":
        if (newsField) entry.publication = value;
        break;
      case "keywords":
        if (newsField) entry.keywords = value;
        break;
      case "news":
        entry.inNews = false;
        break;
      case "url":
      case "sitemap": {
        const e = entry;
        entry = null;
        finishEntry(e);
        break;
      }
    }
  };

  const finishEntry = (e: Entry) => {
    stats.entries++;
    const loc = resolveUrl(e.loc, opts.feedUrl);
    if (!loc) {
      stats.badLocation++;
      return;
    }
    if (root === "sitemapindex") {
      if (children.length >= maxChildren) {
        stats.overCap++;
        return;
      }
      const t = e.lastmod ? Date.parse(e.lastmod) : Number.NaN;
      children.push({ url: loc, lastmod: Number.isNaN(t) ? null : new Date(t) });
      return;
    }
    if (!e.title) {
      stats.untitled++;
      return;
    }
    // Cheap checks first: most entries of a big sitemap are archive, and only maxItems are kept.
    if (items.length >= maxItems) {
      stats.overCap++;
      return;
    }
    const dates = [e.publicationDate || null, e.lastmod || null];
    const date = resolveItemDate(dates, opts.timeZone, opts.fetchedAt);
    if (!date.publishedEstimated && date.publishedAt.getTime() < oldest) {
      stats.tooOld++;
      return;
    }
    const raw: RawItem = {
      title: e.title,
      link: loc,
      guid: null,
      guidIsPermaLink: false,
      origLink: null,
      xmlBase: null,
      dates,
      summary: null,
      content: null,
      author: null,
      categories: e.keywords
        ? e.keywords
            .split(",")
            .map((k) => k.trim())
            .filter(Boolean)
        : [],
    };
    const item = normaliseItem(raw, opts.feedUrl, opts, warnings, stats.entries - 1);
    if (!item) return;
    if (seen.has(item.identityKey)) {
      dupes++;
      return;
    }
    seen.add(item.identityKey);
    items.push(item);
    if (e.language)
      languages.set(e.language.toLowerCase(), (languages.get(e.language.toLowerCase()) ?? 0) + 1);
    if (e.publication) publications.set(e.publication, (publications.get(e.publication) ?? 0) + 1);
  };

  let decoder: { write(b: Buffer): string; end(): string | undefined } | null = null;
  let sinceYield = 0;
  let sniffed = false;
  for await (const chunk of slices(bytes, maxBytes)) {
    if (!sniffed) {
      sniffed = true;
      const first = sniffRootElement(chunk);
      if (first !== "urlset" && first !== "sitemapindex")
        throw new FeedParseError(
          first ? `not a sitemap (root element <${first}>)` : "not a sitemap (no XML root element)",
        );
      encoding = declaredEncoding(chunk);
      decoder =
        encoding === "utf-8"
          ? (() => {
              const td = new TextDecoder("utf-8", { fatal: false });
              return { write: (b: Buffer) => td.decode(b, { stream: true }), end: () => td.decode() };
            })()
          : iconv.getDecoder(encoding);
    }
    let s = decoder!.write(chunk);
    if (s.charCodeAt(0) === 0xfeff && parser.position === 0) s = s.slice(1);
    parser.write(s);
    if (errorCount > MAX_XML_ERRORS) break;
    sinceYield += chunk.length;
    if (sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      // A long parse must not starve the event loop (job lock renewals, health checks).
      await new Promise((r) => setImmediate(r));
    }
  }
  if (decoder) {
    const rest = decoder.end();
    if (rest) parser.write(rest);
  }
  if (errorCount <= MAX_XML_ERRORS) {
    try {
      parser.close();
    } catch {
      // counted by onerror
    }
  }

  const read = root === "sitemapindex" ? children.length : items.length + stats.untitled + stats.tooOld;
  if (errorCount > 0) {
    const where = xmlErrors.join("; ");
    if (stats.entries === 0 || (errorCount > MAX_XML_ERRORS && read === 0))
      throw new FeedParseError(`malformed sitemap XML: ${where}`);
    warnings.push(
      `${errorCount} XML error(s) (${where}); kept the ${stats.entries} entries that could be read${
        errorCount > MAX_XML_ERRORS ? ", then stopped" : ""
      }`,
    );
  }
  if (!rootNamespaceOk) warnings.push("root element lacks the sitemaps.org namespace; read by element names");
  if (stats.badLocation) warnings.push(`${stats.badLocation} entries without a usable http(s) <loc> skipped`);
  if (dupes) warnings.push(`${dupes} duplicate entries within the sitemap dropped`);
  if (stats.overCap)
    warnings.push(
      `${stats.overCap} entries beyond the limit of ${root === "sitemapindex" ? maxChildren : maxItems} skipped`,
    );
  if (root === "sitemapindex") return { kind: "index", children, encoding, warnings, stats };
  if (stats.untitled)
    warnings.push(
      `${stats.untitled} entries have no news:title (a plain sitemap lists pages, not headlines): not stored until their pages are fetched`,
    );
  if (stats.tooOld) warnings.push(`${stats.tooOld} entries older than ${maxAgeDays} days skipped`);
  return {
    kind: "urlset",
    items,
    language: mostFrequent(languages),
    publication: mostFrequent(publications),
    encoding,
    warnings,
    stats,
  };
}

export interface ChildSelection {
  selected: SitemapChild[];
  /** Children left out and why (counts). */
  skipped: { old: number; unchanged: number; overCap: number; loop: number; duplicate: number };
  warnings: string[];
}

/**
 * Which children of an index one poll fetches: recent ones (lastmod within maxAgeDays) that changed since
 * they were last fetched, newest first, at most maxChildren; URLs already on the path from the root (an
 * index loop) never. An index without any lastmod gives its first maxChildren children, those whose URL
 * says "news" first (conditional GET keeps repeats cheap).
 */
export function selectSitemapChildren(
  children: readonly SitemapChild[],
  opts: {
    now: Date;
    maxChildren: number;
    maxAgeDays: number;
    /** URLs that must not be fetched again in this poll: the index itself, its ancestors, children already taken. */
    exclude: ReadonlySet<string>;
    /** lastmod of each child when it was last fetched. */
    fetchedLastmod?: ReadonlyMap<string, Date | null>;
  },
): ChildSelection {
  const skipped = { old: 0, unchanged: 0, overCap: 0, loop: 0, duplicate: 0 };
  const warnings: string[] = [];
  const seen = new Set<string>();
  const candidates: SitemapChild[] = [];
  for (const c of children) {
    if (seen.has(c.url)) {
      skipped.duplicate++;
      continue;
    }
    seen.add(c.url);
    if (opts.exclude.has(c.url)) {
      skipped.loop++;
      continue;
    }
    candidates.push(c);
  }
  if (skipped.loop)
    warnings.push(`index loop: ${skipped.loop} child(ren) point back to a sitemap already read`);
  const dated = candidates.some((c) => c.lastmod);
  let pool: SitemapChild[];
  if (dated) {
    const oldest = opts.now.getTime() - opts.maxAgeDays * 86_400_000;
    pool = [];
    for (const c of candidates) {
      if (!c.lastmod || c.lastmod.getTime() < oldest) {
        skipped.old++;
        continue;
      }
      const before = opts.fetchedLastmod?.get(c.url);
      if (before && before.getTime() >= c.lastmod.getTime()) {
        skipped.unchanged++;
        continue;
      }
      pool.push(c);
    }
    pool.sort((a, b) => b.lastmod!.getTime() - a.lastmod!.getTime());
  } else {
    pool = [
      ...candidates.filter((c) => /news/i.test(c.url)),
      ...candidates.filter((c) => !/news/i.test(c.url)),
    ];
    if (pool.length > opts.maxChildren)
      warnings.push(`index gives no <lastmod>: fetching its first ${opts.maxChildren} children (news first)`);
  }
  if (pool.length > opts.maxChildren) {
    skipped.overCap = pool.length - opts.maxChildren;
    pool = pool.slice(0, opts.maxChildren);
  }
  return { selected: pool, skipped, warnings };
}
