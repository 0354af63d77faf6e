import { decodeHTML } from "entities";
import Parser from "rss-parser";
import { FeedParseError } from "./errors";

export type FeedFormat = "rss2" | "rss1" | "rss0.9" | "atom";

export interface RawItem {
  title: unknown;
  link: unknown;
  guid: unknown;
  guidIsPermaLink: boolean;
  origLink: unknown;
  xmlBase: string | null;
  dates: unknown[];
  summary: unknown;
  content: unknown;
  author: unknown;
  categories: unknown;
}

export interface RawFeed {
  format: FeedFormat;
  title: unknown;
  description: unknown;
  link: unknown;
  language: unknown;
  ttl: unknown;
  updatePeriod: unknown;
  updateFrequency: unknown;
  xmlBase: string | null;
  items: RawItem[];
  warnings: string[];
}

const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

/** Skips BOM, whitespace, PIs, comments and a DOCTYPE; returns where the root element starts. */
function scanProlog(text: string): { rootStart: number; doctype: string | null } {
  let i = 0;
  let doctype: string | null = null;
  const n = text.length;
  for (;;) {
    while (i < n && /[\s\ufeff]/.test(text[i]!)) i++;
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end < 0) return { rootStart: n, doctype };
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) return { rootStart: n, doctype };
      i = end + 3;
    } else if (/^<!DOCTYPE/i.test(text.slice(i, i + 9))) {
      // The internal subset may contain ">" inside declarations, so honour brackets.
      let j = i + 9;
      let depth = 0;
      while (j < n) {
        const c = text[j];
        if (c === "[") depth++;
        else if (c === "]") depth--;
        else if (c === ">" && depth <= 0) break;
        j++;
      }
      doctype = text.slice(i, j + 1);
      i = j + 1;
    } else {
      return { rootStart: i, doctype };
    }
  }
}

/** An HTML page often advertises its feed; naming it makes the error actionable. */
function htmlPageMessage(text: string): string {
  const links = text.slice(0, 200_000).match(/<link\b[^>]*>/gi) ?? [];
  for (const l of links) {
    if (/\btype\s*=\s*["']application\/(?:rss|atom)\+xml["']/i.test(l)) {
      const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(l)?.[1];
      if (href) return `HTML page, not an RSS/Atom feed (the page advertises a feed at ${href})`;
    }
  }
  return "HTML page, not an RSS/Atom feed";
}

function describeNonFeed(text: string, rootStart: number, doctype: string | null): string | null {
  const trimmed = text.trim();
  if (!trimmed) return "empty body";
  const first = trimmed.replace(/^\ufeff/, "")[0];
  if (first === "{" || first === "[") return "JSON, not an RSS/Atom feed";
  if (doctype && /^<!DOCTYPE\s+html/i.test(doctype)) return htmlPageMessage(text);
  const root = /^<([A-Za-z_][\w:.-]*)/.exec(text.slice(rootStart, rootStart + 200));
  if (!root) return `not XML (starts with ${JSON.stringify(trimmed.slice(0, 30))})`;
  const name = root[1]!.toLowerCase();
  if (name === "html" || name === "body" || name === "head") return htmlPageMessage(text);
  if (name !== "rss" && name !== "rdf:rdf" && name !== "feed" && !name.endsWith(":rdf")) {
    return `not an RSS/Atom feed (root element <${root[1]}>)`;
  }
  return null;
}

/**
 * Makes real-world XML acceptable to a strict parser without changing its meaning:
 * HTML named entities (&nbsp; &laquo; …) become characters, bare "&" becomes &amp;,
 * and characters illegal in XML 1.0 are dropped.
 */
export function preclean(xml: string, warnings: string[]): string {
  let fixedEntities = 0;
  let bareAmps = 0;
  // CDATA sections and comments are left alone: "&" is literal there. The alternation matches them
  // first so the replacer can hand them back unchanged.
  let out = xml.replace(
    /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&(#x[0-9a-fA-F]+;|#\d+;|[A-Za-z][A-Za-z0-9]*;)?/g,
    (m, ent: string | undefined) => {
      if (m.charCodeAt(0) === 0x3c) return m;
      if (!ent) {
        bareAmps++;
        return "&amp;";
      }
      if (ent[0] === "#") return m;
      const name = ent.slice(0, -1);
      if (XML_ENTITIES.has(name)) return m;
      const decoded = decodeHTML(m);
      if (decoded === m) {
        bareAmps++;
        return `&amp;${ent}`;
      }
      fixedEntities++;
      return decoded.replace(/[<&]/g, (c) => (c === "<" ? "&lt;" : "&amp;"));
    },
  );
  if (fixedEntities) warnings.push(`${fixedEntities} HTML named entities replaced (not valid in XML)`);
  if (bareAmps) warnings.push(`${bareAmps} unescaped "&" escaped`);
  // XML 1.0 forbids C0 controls other than tab/CR/LF; some CMSes leak them.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(out)) {
    out = out.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
    warnings.push("control characters removed");
  }
  return out;
}

function rootXmlBase(text: string, rootStart: number): string | null {
  const tag = /^<[^>]*>/.exec(text.slice(rootStart, rootStart + 2000))?.[0] ?? "";
  const channelTag = /<channel\b[^>]*>/.exec(text.slice(rootStart, rootStart + 5000))?.[0] ?? "";
  const m =
    /\bxml:base\s*=\s*["']([^"']*)["']/.exec(tag) ?? /\bxml:base\s*=\s*["']([^"']*)["']/.exec(channelTag);
  return m?.[1] ?? null;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | null => (v && typeof v === "object" ? (v as Obj) : null);

// rss-parser builds Atom dates with `new Date(x).toISOString()`, which throws on garbage dates.
// This subclass hides published/updated from it and hands the raw strings through instead.
class SafeParser extends Parser<Obj, Obj> {
  parseItemAtom(entry: Obj): Obj {
    const { published, updated, ...rest } = entry;
    const base = (Parser.prototype as unknown as { parseItemAtom(e: Obj): Obj }).parseItemAtom.call(
      this,
      rest,
    );
    base["__published"] = Array.isArray(published) ? published[0] : undefined;
    base["__updated"] = Array.isArray(updated) ? updated[0] : undefined;
    return base;
  }
}

const CUSTOM_FIELDS = {
  feed: ["ttl", "sy:updatePeriod", "sy:updateFrequency", "dc:language", "subtitle"],
  item: [
    ["$", "__attrs", { keepArray: true }],
    ["guid", "__guid", { keepArray: true }],
    ["feedburner:origLink", "__origLink"],
    ["dc:date", "__dcdate"],
    ["published", "__published"],
    ["updated", "__updated"],
    ["description", "__description"],
    ["content:encoded", "__encoded"],
  ],
};

function detectFormat(text: string, rootStart: number): FeedFormat {
  const head = text.slice(rootStart, rootStart + 500);
  if (/^<feed\b/i.test(head)) return "atom";
  if (/^<[\w]*:?rdf\b/i.test(head)) return "rss1";
  if (/^<rss[^>]*\bversion\s*=\s*["']0\.9/i.test(head)) return "rss0.9";
  return "rss2";
}

/**
 * Parses decoded feed text with rss-parser (a fresh parser per document: a reused xml2js parser can
 * carry a previous error into the next document). Throws FeedParseError on unusable input.
 */
export async function parseFeedText(text: string): Promise<RawFeed> {
  const warnings: string[] = [];
  const { rootStart, doctype } = scanProlog(text);
  const problem = describeNonFeed(text, rootStart, doctype);
  if (problem) throw new FeedParseError(problem);
  let body = text;
  if (doctype) {
    if (/<!ENTITY/i.test(doctype)) {
      throw new FeedParseError(
        "DOCTYPE with entity declarations refused (entity expansion / external entities are not allowed)",
      );
    }
    // A plain DOCTYPE (e.g. the old Netscape RSS 0.91 DTD) is harmless; drop it so nothing resolves it.
    body = text.slice(0, text.indexOf(doctype)) + text.slice(text.indexOf(doctype) + doctype.length);
    warnings.push("DOCTYPE removed");
  }
  const format = detectFormat(text, rootStart);
  body = preclean(body, warnings);
  const xmlBase = rootXmlBase(text, rootStart);

  if (format !== "atom" && format !== "rss1" && !/<channel[\s>]/i.test(body)) {
    // `<rss version="2.0"></rss>`: a feed with nothing in it, not an error.
    warnings.push("feed has no <channel>");
    return {
      format,
      title: null,
      description: null,
      link: null,
      language: null,
      ttl: null,
      updatePeriod: null,
      updateFrequency: null,
      xmlBase,
      items: [],
      warnings,
    };
  }

  const parser = new SafeParser({
    defaultRSS: 2,
    customFields: CUSTOM_FIELDS as never,
    xml2js: { strict: true, normalize: false, async: false },
  });
  let out: Obj;
  try {
    out = (await parser.parseString(body)) as unknown as Obj;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const firstLine = msg.split("\n")[0] ?? msg;
    // sax reports 0-based lines; show them 1-based like editors do.
    const line = /Line: (\d+)/.exec(msg)?.[1];
    const col = /Column: (\d+)/.exec(msg)?.[1];
    const where =
      line !== undefined ? ` at line ${Number(line) + 1}${col !== undefined ? `, column ${col}` : ""}` : "";
    if (/Unclosed root tag|Unexpected end/i.test(msg)) {
      throw new FeedParseError(`truncated XML: ${firstLine.toLowerCase()}${where}`, { cause: e });
    }
    throw new FeedParseError(`malformed XML: ${firstLine.toLowerCase()}${where}`, { cause: e });
  }

  const rawItems = Array.isArray(out["items"]) ? (out["items"] as unknown[]) : [];
  const items: RawItem[] = [];
  for (const it of rawItems) {
    const o = asObj(it);
    if (!o) continue;
    const attrs = asObj(o["__attrs"]);
    const guidArr = Array.isArray(o["__guid"]) ? (o["__guid"] as unknown[]) : [];
    const guidAttrs = asObj(asObj(guidArr[0])?.["$"]);
    items.push({
      title: o["title"],
      link: o["link"],
      guid: o["guid"] ?? o["id"] ?? null,
      guidIsPermaLink: String(guidAttrs?.["isPermaLink"] ?? "true").toLowerCase() !== "false",
      origLink: o["__origLink"],
      xmlBase: typeof attrs?.["xml:base"] === "string" ? (attrs["xml:base"] as string) : null,
      dates: [o["pubDate"], o["__published"], o["__dcdate"], o["__updated"]],
      summary: o["__description"] ?? o["summary"] ?? o["content"],
      content: o["__encoded"] ?? o["content"],
      author: o["creator"] ?? o["author"],
      categories: o["categories"],
    });
  }
  return {
    format,
    title: out["title"],
    description: out["description"] ?? out["subtitle"],
    link: out["link"],
    language: out["language"] ?? out["dc:language"],
    ttl: out["ttl"],
    updatePeriod: out["sy:updatePeriod"],
    updateFrequency: out["sy:updateFrequency"],
    xmlBase,
    items,
    warnings,
  };
}
