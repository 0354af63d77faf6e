import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpml, FeedParseError, importOpml, loadSources, parseOpml, parseSources } from "../src/index";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/opml/${name}`, import.meta.url), "utf8");
const BASE = `# Vesti sources (test copy)
version: 1
outlets:
  # --- Serbia ---
  - id: n1
    name: N1 Srbija
    country: RS
    language: sr
    script: latin
    timeZone: Europe/Belgrade
    homeUrl: https://n1info.rs/
    feeds:
      - url: https://n1info.rs/feed/
        verified: false # checked by hand
  - id: danas
    name: Danas
    country: RS
    language: sr
    script: latin
    timeZone: Europe/Belgrade
    homeUrl: https://www.danas.rs/
    feeds:
      - url: https://www.danas.rs/feed/
        verified: false
`;

describe("parseOpml", () => {
  it.each([
    ["miniflux.opml", 3, "Miniflux"],
    ["feedly.opml", 4, "Vesti analyst subscriptions in feedly Cloud"],
    ["inoreader.opml", 4, "Subscriptions of analyst from Inoreader [https://www.inoreader.com]"],
    ["netnewswire.opml", 3, "Subscriptions-OnMyMac.opml"],
  ])("reads %s", (name, feeds, title) => {
    const o = parseOpml(fixture(name));
    expect(o.feeds).toHaveLength(feeds);
    expect(o.title).toBe(title);
  });
  it("keeps folders and refuses what is not OPML", () => {
    const o = parseOpml(fixture("feedly.opml"));
    expect(o.feeds[2]).toMatchObject({ title: "Коммерсантъ. Новости", folders: ["Russia"], type: "rss" });
    expect(() => parseOpml("<rss version='2.0'/>")).toThrow(FeedParseError);
  });
});

describe("importOpml", () => {
  it("adds new outlets and feeds, skips listed ones, reports what it cannot map, keeps the file's comments", () => {
    const { yaml, report } = importOpml(BASE, parseOpml(fixture("miniflux.opml")), {}, "miniflux.opml");
    expect(report.alreadyListed).toEqual(["https://n1info.rs/feed/"]);
    expect(report.addedOutlets).toEqual(["beta"]);
    expect(report.unmapped).toEqual([
      { what: "KoSSev <https://kossev.info/feed/>", reason: expect.stringMatching(/no country.*\.info/) },
    ]);
    expect(yaml).toContain("# --- Serbia ---");
    expect(yaml).toContain("verified: false # checked by hand");
    expect(yaml).toMatch(
      /# Imported from miniflux.opml; country, language, script and time zone inferred from the .rs domain/,
    );
    const beta = parseSources(yaml).find((o) => o.id === "beta");
    expect(beta).toMatchObject({ country: "RS", language: "sr", ownership: "unknown", alignment: "unknown" });
  });
  it("places an outlet with the operator's defaults and turns folders into collections", () => {
    const { yaml, report } = importOpml(BASE, parseOpml(fixture("miniflux.opml")), {
      country: "XK",
      language: "sr",
      timeZone: "Europe/Belgrade",
    });
    expect(report.unmapped).toEqual([]);
    expect(parseSources(yaml).find((o) => o.id === "kossev")).toMatchObject({
      country: "XK",
      collections: ["kosovo"],
    });
  });
  it("adds a feed to the outlet of the same site and maps the Feedly, Inoreader and NetNewsWire shapes", () => {
    const feedly = importOpml(BASE, parseOpml(fixture("feedly.opml")));
    expect(feedly.report.addedOutlets).toEqual(["nova", "kommersant", "vedomosti"]);
    expect(feedly.report.unmapped.map((u) => u.what)).toEqual(["Insajder <https://insajder.net/feed>"]);
    expect(parseSources(feedly.yaml).find((o) => o.id === "kommersant")).toMatchObject({
      country: "RU",
      script: "cyrillic",
      collections: ["russia"],
    });
    const ino = importOpml(BASE, parseOpml(fixture("inoreader.opml")), {
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
    });
    expect(ino.report.alreadyListed).toEqual(["https://www.danas.rs/feed/"]);
    expect(ino.report.addedOutlets).toEqual(["balkaninsight", "dw"]);
    expect(ino.report.unmapped).toEqual([
      { what: "Broken <feed://example.org/rss>", reason: "not an http(s) URL" },
      { what: "Newsletters", reason: "an outline without xmlUrl (not a feed)" },
    ]);
    const extra = `${BASE}      - url: https://www.danas.rs/rss/ekonomija\n        verified: false\n`;
    const nnw = importOpml(extra, parseOpml(fixture("netnewswire.opml")));
    expect(nnw.report.addedOutlets).toEqual(["politika"]);
    expect(nnw.report.unmapped).toHaveLength(2);
  });
  it("round-trips the sources file through Vesti's own OPML export", async () => {
    const outlets = await loadSources(new URL("../../../infra/sources.yaml", import.meta.url).pathname);
    const opml = buildOpml(outlets, { now: new Date("2026-03-02T00:00:00Z") });
    const { yaml, report } = importOpml("version: 1\noutlets: []\n", parseOpml(opml));
    expect(report.unmapped).toEqual([]);
    const back = parseSources(yaml);
    const shape = (list: typeof outlets) =>
      list
        .filter((o) => o.feeds.length > 0)
        .map((o) => ({
          id: o.id,
          name: o.name,
          country: o.country,
          language: o.language,
          script: o.script,
          timeZone: o.timeZone,
          homeUrl: o.homeUrl,
          ownership: o.ownership,
          alignment: o.alignment,
          alignmentSource: o.alignmentSource,
          collections: o.collections,
          feeds: o.feeds.map((f) => ({ url: f.url, kind: f.kind, language: f.language, note: f.note })),
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(shape(back)).toEqual(shape(outlets));
  });
});
