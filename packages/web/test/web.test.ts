import type { AidWeekRow, TieWeekRow } from "@vesti/db";
import { trendQuerySchema } from "@vesti/db";
import { describe, expect, it } from "vitest";
import {
  feedText,
  h,
  highlight,
  parseCompare,
  parseExplore,
  parseLanding,
  readAidWeek,
  readTieWeek,
  safeHref,
} from "../src/index";
import { viewParams } from "../src/view";

describe("escaping feed strings", () => {
  it("escapes text and attributes, shows bidi controls, cuts long text", () => {
    expect(h(`<a href="x" onclick='y'>&`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
    expect(feedText("Kosovo \u202Egnp.exe")).toBe("Kosovo [U+202E]gnp.exe");
    expect(feedText("x".repeat(1000), 10)).toBe(`${"x".repeat(10)}…`);
  });
  it("links only absolute http(s) URLs", () => {
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JAVASCRIPT:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,x")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
    expect(safeHref("https://example.org/a?b=<c>")).toBe("https://example.org/a?b=%3Cc%3E");
  });
  it("marks the evidence, found by offset or by its text, escaped", () => {
    const title = "<b>Pomoć</b>: kineska pomoć stiže";
    expect(highlight(title, "title", [{ field: "title", start: 14, end: 27, text: "kineska pomoć" }])).toBe(
      "&lt;b&gt;Pomoć&lt;/b&gt;: <mark>kineska pomoć</mark> stiže",
    );
    expect(highlight(title, "title", [{ field: "title", start: 0, end: 3, text: "stiže" }])).toContain(
      "<mark>stiže</mark>",
    );
    expect(
      highlight(title, "summary", [{ field: "title", start: 14, end: 27, text: "kineska pomoć" }]),
    ).not.toContain("<mark>");
  });
});

describe("URL parameters", () => {
  it("restores an explore view from its own URL", () => {
    const view = parseExplore(
      new URLSearchParams(
        "theme=kosovo,putin&country=rs&lang=sr&script=cyrl,latin&split=outlet&by=month&measure=count&smooth=3&from=2020-01-01&to=2020-12-31&hide=kosovo.n1",
      ),
    );
    expect(view.series.map((s) => s.query)).toEqual([
      { theme: "kosovo", lang: ["sr"], script: ["Cyrl", "Latn"], country: ["RS"] },
      { theme: "putin", lang: ["sr"], script: ["Cyrl", "Latn"], country: ["RS"] },
    ]);
    expect(parseExplore(viewParams(view, "explore"))).toEqual(view);
  });
  it("takes the page's form as submitted: empty fields are not set", () => {
    const view = parseExplore(
      new URLSearchParams("theme=kosovo&split=script&by=week&measure=share&smooth=0&from=&to="),
    );
    expect(view).toMatchObject({ split: "script", by: "week", smooth: 0 });
    expect(view.from).toBeUndefined();
    expect(view.to).toBeUndefined();
    expect(() => parseExplore(new URLSearchParams("theme=kosovo&from=2020-13-01"))).toThrow(/YYYY-MM-DD/);
  });
  it("restores a comparison, labels included", () => {
    const view = parseCompare(
      new URLSearchParams([
        ["q", "chinese_aid;country=RS;label=Serbia"],
        ["q", "chinese_aid;collection=russia-state"],
        ["by", "week"],
        ["hide", "q2"],
      ]),
    );
    expect(view.series.map((s) => s.id)).toEqual(["q1", "q2"]);
    expect(view.series[0]!.label).toBe("Serbia");
    expect(parseCompare(viewParams(view, "compare"))).toEqual(view);
  });
  it("uses the schemas `vesti trends` uses", () => {
    expect(() => parseExplore(new URLSearchParams("theme=nato"))).toThrow(/unknown theme "nato"/);
    expect(trendQuerySchema.safeParse({ theme: "nato" }).error?.issues[0]?.message).toMatch(
      /unknown theme "nato"/,
    );
    expect(() => parseExplore(new URLSearchParams("theme=kosovo&from=2020-02-30"))).toThrow(/YYYY-MM-DD/);
    expect(() => parseExplore(new URLSearchParams("theme=kosovo&from=2021-01-01&to=2020-01-01"))).toThrow(
      /after/,
    );
    expect(() => parseExplore(new URLSearchParams("theme=kosovo&where=1"))).toThrow(/where/);
    expect(parseCompare(new URLSearchParams("q=kosovo;script=Cyrl")).series[0]!.query).toEqual({
      theme: "kosovo",
      script: ["Cyrl"],
    });
    expect(() => parseCompare(new URLSearchParams("q=kosovo;script=cyr"))).toThrow(
      /script.0: a script: Cyrl/,
    );
    expect(() => parseExplore(new URLSearchParams("theme=kosovo&split=alphabet"))).toThrow(/split/);
    expect(parseExplore(new URLSearchParams("theme=kosovo&split=script")).split).toBe("script");
    expect(trendQuerySchema.parse({ theme: "kosovo", script: "cyrillic" }).script).toBe("Cyrl");
    expect(trendQuerySchema.parse({ theme: "kosovo", script: "LATN" }).script).toBe("Latn");
    expect(trendQuerySchema.safeParse({ theme: "kosovo", script: "Ćirilica" }).success).toBe(false);
    expect(parseLanding(new URLSearchParams("week=2026-11-19")).week).toBe("2026-11-16");
  });
});

const aid = (
  week_start: string,
  iso_week: string,
  r: number,
  c: number,
  e: number,
  articles: number,
): AidWeekRow => ({
  week_start,
  iso_week,
  russian_aid: r,
  chinese_aid: c,
  eu_aid: e,
  articles,
  russian_aid_share: r / articles,
  chinese_aid_share: c / articles,
  eu_aid_share: e / articles,
  taxonomy_version: "t",
});

describe("readings", () => {
  it("reads the aid week from the numbers", () => {
    expect(
      readAidWeek(
        aid("2020-03-23", "2020-W13", 36, 172, 28, 1414),
        aid("2020-03-16", "2020-W12", 17, 152, 14, 1457),
      ),
    ).toBe(
      "In 2020-W13 Chinese aid led in Serbian outlets: Chinese 172 (12.2%), Russian 36 (2.5%), EU 28 (1.98%) of 1,414 articles; Chinese aid +1.7 pts on the week before.",
    );
    expect(readAidWeek(aid("2020-03-23", "2020-W13", 0, 0, 0, 900), undefined)).toMatch(
      /none about Russian, Chinese or EU aid/,
    );
    expect(readAidWeek(undefined, undefined)).toMatch(/no reading/);
  });
  it("reads the Kosovo–Russia tie", () => {
    const rows: TieWeekRow[] = [
      {
        week_start: "2021-09-20",
        iso_week: "2021-W38",
        theme: "putin",
        articles: 30,
        kosovo: 229,
        total: 1442,
      },
      {
        week_start: "2021-09-20",
        iso_week: "2021-W38",
        theme: "russian_aid",
        articles: 2,
        kosovo: 229,
        total: 1442,
      },
    ];
    expect(readTieWeek(rows)).toBe(
      "In 2021-W38 30 of Serbian outlets' 229 Kosovo articles also mentioned Putin (13.1%) and 2 Russian aid (0.87%).",
    );
  });
});
