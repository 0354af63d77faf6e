import sax from "sax";
import { FeedParseError } from "./errors";
import type { Outlet } from "./sources";

// OPML, the subscription list every feed reader exports and imports (Miniflux, Feedly, Inoreader,
// NetNewsWire...): a tree of <outline> elements, folders holding feeds with xmlUrl/htmlUrl/text/title.
// Vesti's own export adds its outlet fields as attributes in its own namespace, so that an export
// imported again gives back the same outlets; other readers ignore them.

export const VESTI_OPML_NS = "https://github.com/vesti-news/vesti/opml/1";

export interface OpmlFeed {
  xmlUrl: string;
  htmlUrl: string | null;
  /** title, else text */
  title: string | null;
  description: string | null;
  /** type attribute (rss, atom, ...) lower case */
  type: string | null;
  language: string | null;
  /** Names of the folders the feed sits in, outermost first. */
  folders: string[];
  /** vesti:* attributes (Vesti's own export), without the prefix. */
  vesti: Record<string, string>;
}

export interface ParsedOpml {
  title: string | null;
  feeds: OpmlFeed[];
  /** Outlines that are neither feeds nor folders (no xmlUrl, no children), by their text. */
  skipped: string[];
  warnings: string[];
}

/** Reads an OPML document. Throws FeedParseError when it is not OPML. */
export function parseOpml(text: string): ParsedOpml {
  const parser = sax.parser(true, { trim: false, normalize: false });
  const feeds: OpmlFeed[] = [];
  const skipped: string[] = [];
  const warnings: string[] = [];
  let title: string | null = null;
  let root: string | null = null;
  let inHeadTitle = false;
  let titleText = "";
  // Stack of open outlines: folder name (or null for a feed outline) and whether it had children.
  const stack: { name: string | null; attrs: Record<string, string>; children: number }[] = [];
  let error: string | null = null;

  parser.onerror = (e) => {
    error ??= e.message.split("\n")[0]!;
    parser.resume();
  };
  parser.onopentag = (node) => {
    const name = node.name.toLowerCase();
    root ??= name;
    if (name === "title" && stack.length === 0) inHeadTitle = true;
    if (name !== "outline") return;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.attributes)) attrs[k] = String(v);
    const parent = stack[stack.length - 1];
    if (parent) parent.children++;
    stack.push({ name: attrs["text"] ?? attrs["title"] ?? null, attrs, children: 0 });
  };
  parser.ontext = (t) => {
    if (inHeadTitle) titleText += t;
  };
  parser.onclosetag = (raw) => {
    const name = raw.toLowerCase();
    if (name === "title" && inHeadTitle) {
      inHeadTitle = false;
      title = titleText.trim() || null;
    }
    if (name !== "outline") return;
    const o = stack.pop();
    if (!o) return;
    const a = o.attrs;
    const xmlUrl = a["xmlUrl"] ?? a["xmlurl"] ?? a["url"] ?? null;
    if (xmlUrl) {
      const vesti: Record<string, string> = {};
      for (const [k, v] of Object.entries(a)) if (k.startsWith("vesti:")) vesti[k.slice(6)] = v;
      feeds.push({
        xmlUrl: xmlUrl.trim(),
        htmlUrl: (a["htmlUrl"] ?? a["htmlurl"])?.trim() || null,
        title: (a["title"] ?? a["text"])?.trim() || null,
        description: a["description"]?.trim() || null,
        type: a["type"]?.toLowerCase() || null,
        language: a["language"]?.trim() || null,
        folders: stack.map((s) => s.name).filter((n): n is string => !!n),
        vesti,
      });
    } else if (o.children === 0 && o.name) skipped.push(o.name);
  };
  parser.write(text).close();
  const rootName = root as string | null; // assigned in the callbacks
  if (rootName !== "opml")
    throw new FeedParseError(rootName ? `not OPML (root element <${rootName}>)` : "not OPML");
  const firstError = error as string | null; // assigned in the callbacks
  if (firstError) warnings.push(`XML error (${firstError.toLowerCase()}); read what could be read`);
  return { title, feeds, skipped, warnings };
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
const attr = (name: string, value: string | null | undefined) =>
  value === null || value === undefined || value === "" ? "" : ` ${name}="${esc(value)}"`;

/**
 * OPML 2.0 of the sources, one folder per country, one outline per feed (text: the outlet's name).
 * Outlet fields ride along as vesti:* attributes; feed readers show a normal subscription list.
 */
export function buildOpml(outlets: readonly Outlet[], opts: { title?: string; now?: Date } = {}): string {
  const byCountry = new Map<string, Outlet[]>();
  // OPML lists feeds: an outlet without one has nothing to export.
  for (const o of outlets)
    if (o.feeds.length > 0) byCountry.set(o.country, [...(byCountry.get(o.country) ?? []), o]);
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:vesti="${VESTI_OPML_NS}">`,
    "  <head>",
    `    <title>${esc(opts.title ?? "Vesti sources")}</title>`,
    `    <dateCreated>${(opts.now ?? new Date()).toUTCString()}</dateCreated>`,
    "  </head>",
    "  <body>",
  ];
  for (const [country, list] of [...byCountry].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`    <outline text="${esc(country)}" title="${esc(country)}">`);
    for (const o of list)
      for (const f of o.feeds)
        lines.push(
          `      <outline type="${f.kind === "sitemap" ? "sitemap" : "rss"}"${attr("text", o.name)}${attr("title", o.name)}` +
            `${attr("xmlUrl", f.url)}${attr("htmlUrl", o.homeUrl)}${attr("language", f.language ?? o.language)}` +
            `${attr("description", f.note)}${attr("vesti:outlet", o.id)}${attr("vesti:country", o.country)}` +
            `${attr("vesti:language", o.language)}${attr("vesti:script", o.script)}${attr("vesti:timeZone", o.timeZone)}` +
            `${attr("vesti:kind", f.kind)}${attr("vesti:feedLanguage", f.language)}${attr("vesti:ownership", o.ownership)}` +
            `${attr("vesti:alignment", o.alignment)}${attr("vesti:alignmentSource", o.alignmentSource)}` +
            `${attr("vesti:collections", o.collections.join(" "))}${attr("vesti:outletNote", o.note)}/>`,
        );
    lines.push("    </outline>");
  }
  lines.push("  </body>", "</opml>", "");
  return lines.join("\n");
}
