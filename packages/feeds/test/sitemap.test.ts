import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  FeedParseError,
  looksLikeSitemap,
  readFeed,
  readSitemap,
  selectSitemapChildren,
  titleKey,
} from "../src/index";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/sitemaps/${name}`, import.meta.url));
const FETCHED_AT = new Date("2026-03-02T12:00:00Z");
const opts = (feedUrl = "https://rt.rs/sitemap/news.xml") => ({
  feedUrl,
  timeZone: "Europe/Belgrade",
  fetchedAt: FETCHED_AT,
});

describe("readSitemap", () => {
  it("reads a Google News sitemap in Cyrillic: titles, dates, language, keywords; skips untitled pages", async () => {
    const r = await readSitemap(fixture("rt-balkan-news-cyrl.xml"), opts());
    if (r.kind !== "urlset") throw new Error("expected a urlset");
    expect(r.items.map((i) => i.title)).toEqual([
      "Кинески лекари стигли у Београд, донели респираторе и маске",
      "Вучић и Путин разговарали телефоном о Косову & енергетици",
      "Сутра киша у целој Србији, упозорава РХМЗ",
    ]);
    expect(r.items[0]).toMatchObject({
      link: "https://rt.rs/world/101-kineski-lekari-stigli-u-beograd/",
      publishedAt: new Date("2026-03-02T09:05:00Z"),
      publishedEstimated: false,
      categories: ["Кина", "помоћ", "Србија"],
    });
    // a date-only publication date is read in the outlet's zone
    expect(r.items[2]!.publishedAt.toISOString()).toBe("2026-03-01T23:00:00.000Z");
    expect(r).toMatchObject({ language: "sr", publication: "RT Balkan", stats: { entries: 4, untitled: 1 } });
    expect(r.warnings.join("\n")).toMatch(/1 entries have no news:title/);
  });

  it("reads the Latin twin despite a wrong news namespace, another prefix, no sitemap namespace and a bare &", async () => {
    const r = await readSitemap(
      fixture("rt-balkan-news-latn.xml"),
      opts("https://lat.rt.rs/sitemap/news.xml"),
    );
    if (r.kind !== "urlset") throw new Error("expected a urlset");
    expect(r.items.map((i) => i.title)).toEqual([
      "Kineski lekari stigli u Beograd, doneli respiratore i maske",
      "Vučić i Putin razgovarali telefonom o Kosovu",
      "Sutra kiša u celoj Srbiji, upozorava RHMZ",
    ]);
    expect(r.items[0]!.canonicalUrl).toMatch(
      /^https:\/\/lat\.rt\.rs\/world\/101-kineski-lekari-stigli-u-beograd\//,
    );
    expect(r.items[0]!.canonicalUrl).not.toMatch(/utm_source/);
    expect(r.warnings.join("\n")).toMatch(/lacks the sitemaps.org namespace/);
    expect(r.warnings.join("\n")).toMatch(/XML error/);
  });

  it("gives the same title key in both scripts, so the outlet's copies dedupe", async () => {
    const cyr = await readSitemap(fixture("rt-balkan-news-cyrl.xml"), opts());
    const lat = await readSitemap(fixture("rt-balkan-news-latn.xml"), opts());
    if (cyr.kind !== "urlset" || lat.kind !== "urlset") throw new Error("expected urlsets");
    expect(titleKey(cyr.items[0]!.title)).toBe(titleKey(lat.items[0]!.title));
  });

  it("reads an index and its lastmods", async () => {
    const r = await readSitemap(fixture("rt-balkan-index.xml"), opts("https://rt.rs/sitemap.xml"));
    if (r.kind !== "index") throw new Error("expected an index");
    expect(r.children.map((c) => c.url)).toEqual([
      "https://rt.rs/sitemap/news.xml",
      "https://rt.rs/sitemap/2026-03-02.xml",
      "https://rt.rs/sitemap/2026-03-01.xml",
      "https://rt.rs/sitemap/2025-11-15.xml",
      "https://rt.rs/sitemap/tags.xml",
    ]);
    expect(r.children[0]!.lastmod?.toISOString()).toBe("2026-03-02T10:40:00.000Z");
    expect(r.children[4]!.lastmod).toBeNull();
  });

  it("gunzips .xml.gz and refuses a gzip bomb past the limit", async () => {
    const gz = zlib.gzipSync(fixture("rt-balkan-news-cyrl.xml"));
    expect(looksLikeSitemap(gz)).toBe(true);
    const r = await readSitemap(gz, opts());
    expect(r.kind === "urlset" && r.items.length).toBe(3);
    const bomb = zlib.gzipSync(
      Buffer.concat([
        Buffer.from('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'),
        Buffer.alloc(3_000_000, 0x20),
      ]),
    );
    await expect(readSitemap(bomb, { ...opts(), maxBytes: 1_000_000 })).rejects.toThrow(/inflates past/);
  });

  it("skips old entries and caps the number kept", async () => {
    const urls = Array.from(
      { length: 30 },
      (_, i) =>
        `<url><loc>https://e.rs/${i}</loc><news:news><news:publication_date>${i < 10 ? "2020-01-01" : "2026-03-02T08:00:00Z"}</news:publication_date><news:title>Vest ${i}</news:title></news:news></url>`,
    ).join("");
    const xml = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">${urls}</urlset>`;
    const r = await readSitemap(Buffer.from(xml), { ...opts(), maxItems: 15 });
    if (r.kind !== "urlset") throw new Error("expected a urlset");
    expect(r.items).toHaveLength(15);
    expect(r.stats).toMatchObject({ entries: 30, tooOld: 10, overCap: 5 });
  });

  it("keeps what it read from a truncated sitemap, refuses one with nothing readable", async () => {
    const text = fixture("rt-balkan-news-cyrl.xml").toString("utf8");
    const cut = text.slice(
      0,
      text.indexOf("<url>", text.indexOf("<url>", text.indexOf("<url>") + 1) + 1) + 40,
    );
    const r = await readSitemap(Buffer.from(cut), opts());
    expect(r.kind === "urlset" && r.items.length).toBe(2);
    expect(r.warnings.join("\n")).toMatch(/kept the 2 entries/);
    await expect(readSitemap(Buffer.from("<urlset><url><loc>https://e.rs/x</lo"), opts())).rejects.toThrow(
      FeedParseError,
    );
  });

  it("refuses what is not a sitemap", async () => {
    await expect(readSitemap(Buffer.from("<html><body>x</body></html>"), opts())).rejects.toThrow(
      /not a sitemap \(root element <html>\)/,
    );
    await expect(readSitemap(Buffer.alloc(0), opts())).rejects.toThrow(/empty body/);
  });

  it("honours an XML-declared legacy encoding", async () => {
    const xml = `<?xml version="1.0" encoding="windows-1251"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://e.ru/1</loc><news:news><news:publication_date>2026-03-02T08:00:00Z</news:publication_date><news:title>Москва готовится к зиме</news:title></news:news></url></urlset>`;
    const { default: iconv } = await import("iconv-lite");
    const r = await readSitemap(iconv.encode(xml, "windows-1251"), opts());
    expect(r.kind === "urlset" && r.items[0]?.title).toBe("Москва готовится к зиме");
    expect(r.encoding).toBe("windows-1251");
  });
});

describe("readFeed recognises sitemaps by content", () => {
  it("returns items for a urlset and children for an index", async () => {
    const news = await readFeed(fixture("rt-balkan-news-cyrl.xml"), { ...opts(), contentType: "text/xml" });
    expect(news.meta).toMatchObject({ format: "sitemap", title: "RT Balkan", language: "sr" });
    expect(news.items).toHaveLength(3);
    const index = await readFeed(fixture("rt-balkan-index.xml"), opts("https://rt.rs/sitemap.xml"));
    expect(index.meta.format).toBe("sitemap-index");
    expect(index.sitemapChildren).toHaveLength(5);
    expect(index.items).toEqual([]);
  });
});

describe("selectSitemapChildren", () => {
  const children = [
    { url: "https://rt.rs/sitemap/news.xml", lastmod: new Date("2026-03-02T10:40:00Z") },
    { url: "https://rt.rs/sitemap/2026-03-02.xml", lastmod: new Date("2026-03-02T10:40:00Z") },
    { url: "https://rt.rs/sitemap/2026-03-01.xml", lastmod: new Date("2026-03-01T22:58:00Z") },
    { url: "https://rt.rs/sitemap/2025-11-15.xml", lastmod: new Date("2025-11-15T22:50:00Z") },
    { url: "https://rt.rs/sitemap.xml", lastmod: new Date("2026-03-02T11:00:00Z") },
    { url: "https://rt.rs/sitemap/news.xml", lastmod: new Date("2026-03-02T10:40:00Z") },
  ];
  it("takes recent, changed children newest first, never the index itself, within the bound", () => {
    const s = selectSitemapChildren(children, {
      now: FETCHED_AT,
      maxChildren: 2,
      maxAgeDays: 3,
      exclude: new Set(["https://rt.rs/sitemap.xml"]),
      fetchedLastmod: new Map([["https://rt.rs/sitemap/2026-03-02.xml", new Date("2026-03-02T10:40:00Z")]]),
    });
    expect(s.selected.map((c) => c.url)).toEqual([
      "https://rt.rs/sitemap/news.xml",
      "https://rt.rs/sitemap/2026-03-01.xml",
    ]);
    expect(s.skipped).toEqual({ old: 1, unchanged: 1, overCap: 0, loop: 1, duplicate: 1 });
    expect(s.warnings.join()).toMatch(/index loop/);
  });
  it("bounds an index of 10,000 undated children, news first", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      url: `https://e.rs/s/${i}.xml`,
      lastmod: null,
    }));
    many.push({ url: "https://e.rs/s/news.xml", lastmod: null });
    const s = selectSitemapChildren(many, {
      now: FETCHED_AT,
      maxChildren: 5,
      maxAgeDays: 3,
      exclude: new Set(),
    });
    expect(s.selected).toHaveLength(5);
    expect(s.selected[0]!.url).toBe("https://e.rs/s/news.xml");
    expect(s.skipped.overCap).toBe(9_996);
  });
});
