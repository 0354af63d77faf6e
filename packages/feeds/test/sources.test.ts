import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSources, parseSources } from "../src/sources";

const here = dirname(fileURLToPath(import.meta.url));
const good = `
version: 1
outlets:
  - id: primer
    name: Primer
    country: RS
    language: sr
    script: mixed
    timeZone: Europe/Belgrade
    homeUrl: https://primer.rs/
    feeds:
      - url: https://primer.rs/feed
        verified: false
`;

describe("sources", () => {
  it("loads infra/sources.yaml", async () => {
    const outlets = await loadSources(resolve(here, "../../../infra/sources.yaml"));
    expect(outlets.length).toBeGreaterThanOrEqual(21);
    expect(outlets.filter((o) => o.country === "RS").length).toBeGreaterThanOrEqual(10);
    expect(outlets.every((o) => o.feeds.every((f) => f.verified === false))).toBe(true);
    expect(outlets.find((o) => o.id === "b92")?.feeds[0]?.url).toBe("https://www.b92.net/rss/latest");
    // outlets with only a news sitemap are declared as such
    for (const id of ["rt-balkan", "alo"])
      expect(outlets.find((o) => o.id === id)?.feeds.map((f) => f.kind)).toEqual(["sitemap"]);
    // every label other than unknown cites its evidence; state media are labelled as such
    for (const o of outlets) if (o.alignment !== "unknown") expect(o.alignmentSource, o.id).toBeTruthy();
    const collection = (c: string) =>
      outlets
        .filter((o) => o.collections.includes(c))
        .map((o) => o.id)
        .sort();
    expect(collection("russian-state-in-serbian")).toEqual(["rt-balkan", "sputnik-rs"]);
    expect(collection("kosovo-serbian")).toEqual(["kosovo-online", "kossev"]);
  });
  it("parses a minimal file with defaults", () => {
    expect(parseSources(good)[0]).toMatchObject({
      id: "primer",
      feeds: [{ url: "https://primer.rs/feed", verified: false }],
    });
  });
  it("defaults outlet metadata to unknown and no collections", () => {
    expect(parseSources(good)[0]).toMatchObject({
      ownership: "unknown",
      alignment: "unknown",
      collections: [],
    });
  });
  it("takes ownership, alignment with its source, and collections; refuses a label without evidence", () => {
    const labelled = good.replace(
      "    feeds:",
      "    ownership: private\n    alignment: independent\n    alignmentSource: Media Ownership Monitor Serbia\n    collections: [serbia-national, independent-rs]\n    feeds:",
    );
    expect(parseSources(labelled)[0]).toMatchObject({
      ownership: "private",
      alignment: "independent",
      alignmentSource: "Media Ownership Monitor Serbia",
      collections: ["serbia-national", "independent-rs"],
    });
    expect(() =>
      parseSources(labelled.replace("    alignmentSource: Media Ownership Monitor Serbia\n", "")),
    ).toThrow(/primer.*needs an alignmentSource/);
    expect(() => parseSources(labelled.replace("ownership: private", "ownership: oligarch"))).toThrow(
      /\(primer\)\.ownership/,
    );
    expect(() => parseSources(labelled.replace("independent-rs", "Independent RS"))).toThrow(/collections/);
  });
  it("names the bad entry", () => {
    expect(() => parseSources(good.replace("Europe/Belgrade", "Mars/Olympus"))).toThrow(
      /outlets\[0\] \(primer\)\.timeZone/,
    );
    expect(() => parseSources(good.replace("country: RS", "country: Serbia"))).toThrow(/\(primer\)\.country/);
    expect(() => parseSources(good.replace("https://primer.rs/feed", "ftp://primer.rs/feed"))).toThrow(
      /feeds\.0\.url/,
    );
    expect(() => parseSources(good.replace("    feeds:", "    feedz: 1\n    feeds:"))).toThrow(/primer/);
    expect(() => parseSources("version: 1\noutlets: [")).toThrow(/invalid YAML/);
  });
  it("refuses duplicate ids and duplicate feed URLs", () => {
    const twice = good + good.split("outlets:\n")[1]!;
    expect(() => parseSources(twice)).toThrow(/duplicate outlet id "primer"/);
  });
});

describe("sources: fulltext", () => {
  const withFulltext = (block: string) => good.replace("    feeds:\n", `${block}\n    feeds:\n`);
  it("is off unless an outlet asks for it", () => {
    expect(parseSources(good)[0]!.fulltext).toBeUndefined();
    expect(parseSources(withFulltext("    fulltext: false"))[0]!.fulltext).toEqual({ enabled: false });
    expect(parseSources(withFulltext("    fulltext: true"))[0]!.fulltext).toEqual({ enabled: true });
  });
  it("takes selectors, exclude selectors and a minimum length (an object turns it on)", () => {
    const o = parseSources(
      withFulltext(
        '    fulltext:\n      selectors: [".article-body", "#tekst"]\n      exclude: [".related"]\n      minLength: 400',
      ),
    )[0]!;
    expect(o.fulltext).toEqual({
      enabled: true,
      selectors: [".article-body", "#tekst"],
      exclude: [".related"],
      minLength: 400,
    });
    expect(
      parseSources(withFulltext("    fulltext:\n      enabled: false\n      minLength: 10"))[0]!.fulltext,
    ).toEqual({
      enabled: false,
      minLength: 10,
    });
  });
  it("names a bad option", () => {
    expect(() => parseSources(withFulltext("    fulltext:\n      minLength: -3"))).toThrow(
      /\(primer\)\.fulltext\.minLength/,
    );
    expect(() => parseSources(withFulltext("    fulltext:\n      selector: x"))).toThrow(
      /\(primer\)\.fulltext/,
    );
    expect(() => parseSources(withFulltext("    fulltext: yes please"))).toThrow(/\(primer\)\.fulltext/);
  });
});
