import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import type { OpmlFeed, ParsedOpml } from "./opml";
import { parseSources, SourcesError } from "./sources";

// Adds an OPML subscription list to the sources file. The YAML file stays the source of truth: it is
// edited as a document (yaml's Document API keeps comments and layout), new entries are appended, nothing
// existing is changed, and the result must pass the same validation as any sources file.

export interface ImportDefaults {
  /** For outlets the OPML cannot place: ISO country, BCP 47 language, IANA zone, script. */
  country?: string;
  language?: string;
  timeZone?: string;
  script?: "cyrillic" | "latin" | "mixed";
}

export interface ImportReport {
  addedOutlets: string[];
  /** Feed URLs added (to new or existing outlets). */
  addedFeeds: string[];
  /** Feed URLs the sources file already lists. */
  alreadyListed: string[];
  /** What could not be mapped, and why. */
  unmapped: { what: string; reason: string }[];
  /** Folder names that became collections. */
  collections: string[];
}

/** Country defaults by top-level domain, for outlets whose OPML entry says nothing (noted on the outlet). */
const BY_TLD: Record<string, Required<ImportDefaults>> = {
  rs: { country: "RS", language: "sr", timeZone: "Europe/Belgrade", script: "mixed" },
  ru: { country: "RU", language: "ru", timeZone: "Europe/Moscow", script: "cyrillic" },
};
/** Folder names feed readers use for "no folder". */
const GENERIC_FOLDERS = new Set([
  "all",
  "uncategorized",
  "uncategorised",
  "subscriptions",
  "feeds",
  "rss",
  "news",
]);

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return null;
  }
};
const slugify = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/đ/g, "dj")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/^([^a-z])/, "x-$1");

interface NewOutlet {
  id: string;
  name: string;
  country: string;
  language: string;
  script: string;
  timeZone: string;
  homeUrl: string;
  note?: string;
  ownership?: string;
  alignment?: string;
  alignmentSource?: string;
  collections: string[];
  feeds: Record<string, unknown>[];
  host: string | null;
  inferred: string | null;
}

/**
 * Merges the OPML's feeds into the sources YAML text. Returns the new text and a report; throws
 * SourcesError when the result would not be a valid sources file (nothing is written then).
 */
export function importOpml(
  yamlText: string,
  opml: ParsedOpml,
  defaults: ImportDefaults = {},
  source = "OPML",
): { yaml: string; report: ImportReport } {
  const existing = parseSources(yamlText);
  const doc = parseDocument(yamlText);
  const seq = doc.get("outlets", true);
  if (!isSeq(seq)) throw new SourcesError("sources: `outlets` is not a list");
  const report: ImportReport = {
    addedOutlets: [],
    addedFeeds: [],
    alreadyListed: [],
    unmapped: [],
    collections: [],
  };
  const listed = new Set(existing.flatMap((o) => o.feeds.map((f) => f.url)));
  const ids = new Set(existing.map((o) => o.id));
  const outletByHost = new Map<string, string>();
  for (const o of existing) {
    const h = hostOf(o.homeUrl);
    if (h) outletByHost.set(h, o.id);
    for (const f of o.feeds) {
      const fh = hostOf(f.url);
      if (fh && !outletByHost.has(fh)) outletByHost.set(fh, o.id);
    }
  }
  const fresh = new Map<string, NewOutlet>();
  const addToExisting = new Map<string, Record<string, unknown>[]>();

  for (const f of opml.feeds) {
    const what = `${f.title ?? "(untitled)"} <${f.xmlUrl}>`;
    if (!/^https?:\/\//i.test(f.xmlUrl) || !URL.canParse(f.xmlUrl)) {
      report.unmapped.push({ what, reason: "not an http(s) URL" });
      continue;
    }
    if (listed.has(f.xmlUrl)) {
      report.alreadyListed.push(f.xmlUrl);
      continue;
    }
    listed.add(f.xmlUrl);
    const feed = feedEntry(f);
    const host = hostOf(f.htmlUrl ?? f.xmlUrl);
    const target =
      (f.vesti["outlet"] && ids.has(f.vesti["outlet"]) ? f.vesti["outlet"] : undefined) ??
      (host ? outletByHost.get(host) : undefined) ??
      (hostOf(f.xmlUrl) ? outletByHost.get(hostOf(f.xmlUrl)!) : undefined);
    if (target && !fresh.has(target)) {
      addToExisting.set(target, [...(addToExisting.get(target) ?? []), feed]);
      report.addedFeeds.push(f.xmlUrl);
      continue;
    }
    const known = [...fresh.values()].find((o) =>
      f.vesti["outlet"] ? o.id === f.vesti["outlet"] : o.host === host,
    );
    if (known) {
      known.feeds.push(feed);
      report.addedFeeds.push(f.xmlUrl);
      continue;
    }
    const outlet = newOutlet(f, host, defaults, ids);
    if ("reason" in outlet) {
      report.unmapped.push({ what, reason: outlet.reason });
      continue;
    }
    outlet.feeds.push(feed);
    fresh.set(outlet.id, outlet);
    ids.add(outlet.id);
    if (host) outletByHost.set(host, outlet.id);
    report.addedFeeds.push(f.xmlUrl);
    report.addedOutlets.push(outlet.id);
    for (const c of outlet.collections) if (!report.collections.includes(c)) report.collections.push(c);
  }
  for (const s of opml.skipped)
    report.unmapped.push({ what: s, reason: "an outline without xmlUrl (not a feed)" });

  for (const [id, feeds] of addToExisting) {
    const node = seq.items.find((n) => isMap(n) && n.get("id") === id) as YAMLMap | undefined;
    if (!node) continue;
    const list = node.get("feeds", true);
    if (isSeq(list) && list.items.length > 0 && !list.flow)
      for (const f of feeds) (list as YAMLSeq).add(doc.createNode(f));
    else node.set("feeds", doc.createNode([...((isSeq(list) ? list.toJSON() : []) as unknown[]), ...feeds]));
  }
  for (const o of fresh.values()) {
    const { host: _h, inferred, feeds, ...fields } = o;
    const node = doc.createNode({ ...fields, feeds }) as YAMLMap;
    node.spaceBefore = true;
    node.commentBefore = ` Imported from ${source}${inferred ? `; ${inferred}` : ""}. Ownership and alignment unknown until there is evidence (docs/sources.md).`;
    seq.add(node);
  }
  const out = doc.toString({ lineWidth: 0 });
  parseSources(out); // the result must be a valid sources file
  return { yaml: out, report };
}

function feedEntry(f: OpmlFeed): Record<string, unknown> {
  const kind = f.vesti["kind"] === "sitemap" || f.type === "sitemap" ? "sitemap" : undefined;
  const language = f.vesti["feedLanguage"];
  const note = f.description ?? undefined;
  return {
    url: f.xmlUrl,
    ...(kind ? { kind } : {}),
    ...(language ? { language } : {}),
    ...(note ? { note } : {}),
    verified: false,
  };
}

function newOutlet(
  f: OpmlFeed,
  host: string | null,
  defaults: ImportDefaults,
  ids: Set<string>,
): NewOutlet | { reason: string } {
  const v = f.vesti;
  const tld = host?.split(".").pop() ?? "";
  const byTld = BY_TLD[tld];
  const country = v["country"] ?? defaults.country ?? byTld?.country;
  if (!country)
    return {
      reason: `no country: the OPML does not say and .${tld || "?"} is not a known domain (pass --country)`,
    };
  const language =
    v["language"] ?? f.language?.slice(0, 2).toLowerCase() ?? defaults.language ?? byTld?.language;
  if (!language) return { reason: "no language (pass --language)" };
  const timeZone = v["timeZone"] ?? defaults.timeZone ?? byTld?.timeZone;
  if (!timeZone) return { reason: "no time zone (pass --time-zone)" };
  const script =
    v["script"] ?? defaults.script ?? byTld?.script ?? (language === "ru" ? "cyrillic" : "mixed");
  const inferred =
    !v["country"] && !defaults.country && byTld
      ? `country, language, script and time zone inferred from the .${tld} domain: check them`
      : null;
  let id = slugify(v["outlet"] ?? host?.replace(/\.[a-z]+$/, "") ?? f.title ?? "outlet");
  if (!id) id = "outlet";
  for (let n = 2; ids.has(id); n++) id = `${id.replace(/-\d+$/, "")}-${n}`;
  const folders = f.folders.map(slugify).filter((c) => c && !GENERIC_FOLDERS.has(c) && !/^[a-z]{2}$/.test(c));
  const collections = v["collections"]
    ? v["collections"].split(/\s+/).filter(Boolean)
    : [...new Set(folders)];
  const origin = `${new URL(f.xmlUrl).origin}/`;
  const homeUrl =
    f.htmlUrl && /^https?:\/\/[^\s/]+/i.test(f.htmlUrl) && URL.canParse(f.htmlUrl) ? f.htmlUrl : origin;
  return {
    id,
    name: f.title ?? host ?? id,
    country,
    language,
    script,
    timeZone,
    homeUrl,
    ...(v["outletNote"] ? { note: v["outletNote"] } : {}),
    ...(v["ownership"] && v["ownership"] !== "unknown" ? { ownership: v["ownership"] } : {}),
    ...(v["alignment"] && v["alignment"] !== "unknown" ? { alignment: v["alignment"] } : {}),
    ...(v["alignmentSource"] ? { alignmentSource: v["alignmentSource"] } : {}),
    collections,
    feeds: [],
    host,
    inferred,
  };
}
