import type { DigestData } from "@vesti/db";
import { describe, expect, it } from "vitest";
import { composeDigest, isoWeekLabel, lastCompleteWeek, parseWeek, weekStartOf } from "../src/index";

describe("ISO weeks", () => {
  it("finds the Monday of a day's week, in UTC", () => {
    expect(weekStartOf(new Date("2026-11-27T12:00:00Z"))).toBe("2026-11-23");
    expect(weekStartOf(new Date("2026-11-23T00:00:00Z"))).toBe("2026-11-23");
    expect(weekStartOf(new Date("2026-11-29T23:59:59Z"))).toBe("2026-11-23");
  });
  it("reports on the last complete week", () => {
    expect(lastCompleteWeek(new Date("2026-11-30T06:00:00Z"))).toBe("2026-11-23");
    expect(lastCompleteWeek(new Date("2026-11-27T12:00:00Z"))).toBe("2026-11-16");
  });
  it("labels and parses ISO weeks across year ends", () => {
    expect(isoWeekLabel("2026-11-23")).toBe("2026-W48");
    expect(isoWeekLabel("2020-12-28")).toBe("2020-W53");
    expect(isoWeekLabel("2024-12-30")).toBe("2025-W01");
    expect(parseWeek("2026-W48")).toBe("2026-11-23");
    expect(parseWeek("2020-W53")).toBe("2020-12-28");
    expect(parseWeek("2025-W01")).toBe("2024-12-30");
    expect(parseWeek("2026-11-27")).toBe("2026-11-23");
  });
  it("rejects what is not a week", () => {
    expect(() => parseWeek("2026-W54")).toThrow(/no such ISO week/);
    expect(() => parseWeek("2021-W53")).toThrow(/no such ISO week/);
    expect(() => parseWeek("last week")).toThrow(/YYYY-Www/);
  });
});

const data: DigestData = {
  weekStart: "2026-11-16",
  articles: 1200,
  prevArticles: 1000,
  themes: [
    {
      theme: "kosovo",
      label: "Kosovo",
      country: "RS",
      mentions: 60,
      articles: 600,
      prevMentions: 40,
      prevArticles: 500,
    },
    {
      theme: "kosovo",
      label: "Kosovo",
      country: "RU",
      mentions: 12,
      articles: 600,
      prevMentions: 12,
      prevArticles: 500,
    },
    {
      theme: "kosovo",
      label: "Kosovo",
      country: "*",
      mentions: 72,
      articles: 1200,
      prevMentions: 52,
      prevArticles: 1000,
    },
    {
      theme: "putin",
      label: "Vladimir Putin",
      country: "RU",
      mentions: 90,
      articles: 600,
      prevMentions: 0,
      prevArticles: 0,
    },
    {
      theme: "putin",
      label: "Vladimir Putin",
      country: "*",
      mentions: 90,
      articles: 1200,
      prevMentions: 0,
      prevArticles: 0,
    },
  ],
  aid: { russian_aid: 6, chinese_aid: 30, eu_aid: 12, articles: 600 },
  prevAid: { russian_aid: 5, chinese_aid: 10, eu_aid: 12, articles: 500 },
  aidByAlignment: [
    { alignment: "independent", russian_aid: 0, chinese_aid: 4, eu_aid: 8, articles: 200, prev: null },
    { alignment: "state-media", russian_aid: 5, chinese_aid: 6, eu_aid: 0, articles: 100, prev: null },
    { alignment: "pro-government", russian_aid: 1, chinese_aid: 20, eu_aid: 4, articles: 300, prev: null },
  ],
  aidHistory: [
    { week_start: "2026-11-02", russian_aid: 2, chinese_aid: 4, eu_aid: 8, articles: 400 },
    { week_start: "2026-11-09", russian_aid: 5, chinese_aid: 10, eu_aid: 12, articles: 500 },
    { week_start: "2026-11-16", russian_aid: 6, chinese_aid: 30, eu_aid: 12, articles: 600 },
  ],
  latest: [
    {
      theme: "kosovo",
      title: 'Priština <script>alert("x")</script> & Beograd',
      url: "javascript:alert(1)",
      outlet_name: "N1",
      country: "RS",
      lang: "sr",
      published_at: new Date("2026-11-20T10:00:00Z"),
    },
    {
      theme: "putin",
      title: "Путин провел переговоры",
      url: "https://example.ru/a?b=1&c=2",
      outlet_name: "RIA",
      country: "RU",
      lang: "ru",
      published_at: new Date("2026-11-19T10:00:00Z"),
    },
  ],
  pairs: [{ theme_a: "kosovo", theme_b: "putin", articles: 7 }],
  alerts: [
    {
      query: "<b>Kosovo</b> in Serbian outlets",
      themes: ["kosovo"],
      granularity: "day",
      direction: "up",
      period: "2026-11-18",
      message:
        "<b>Kosovo</b> in Serbian outlets: 21.0% of articles (42 of 200) on Wed 18 Nov 2026, against 7.1% ± 1.9% over the previous 28 days",
    },
    {
      query: "Putin, weekly",
      themes: ["putin", "xi"],
      granularity: "week",
      direction: "up",
      period: "2026-11-16",
      message:
        "Putin, weekly: 15.0% of articles (90 of 600) in 2026-W47, against 9.0% ± 1.0% over the previous 12 weeks",
    },
  ],
};
const to = { email: "analyst@example.org", themes: null, unsubscribeToken: "tok123" };

describe("composeDigest", () => {
  const mail = composeDigest(data, to);
  it("names the week in the subject", () => {
    expect(mail.subject).toBe("Vesti weekly digest 2026-W47 (16 Nov – 22 Nov 2026)");
  });
  it("gives the aid attention of Serbian outlets with shares and the change from the week before", () => {
    expect(mail.text).toMatch(/Chinese aid\s+30\s+5\.0%\s+\(previous week 10; \+3\.0 pts\)/);
    expect(mail.text).toMatch(/EU aid\s+12\s+2\.0%\s+\(previous week 12; −0\.4 pts\)/);
    expect(mail.text).toContain("of 600 articles published by Serbian outlets");
  });
  it("splits aid attention into pro-government, independent and state media outlets", () => {
    const at = (label: string) => mail.text.split("\n").find((l) => l.trim().startsWith(label))!;
    expect(mail.text).toContain("BY THE OUTLETS' ALIGNMENT");
    expect(at("pro-government")).toMatch(/1 0\.3%\s+20 6\.7%\s+4 1\.3%\s+300/);
    expect(at("independent")).toMatch(/0 0\.0%\s+4 2\.0%\s+8 4\.0%\s+200/);
    expect(at("state media")).toMatch(/5 5\.0%\s+6 6\.0%\s+0 0\.0%\s+100/);
    expect(mail.text.indexOf("pro-government")).toBeLessThan(mail.text.indexOf("  state media"));
    expect(mail.html).toContain('<td style="padding:2px 12px 2px 0;vertical-align:top">state media</td>');
  });
  it("lists themes by outlet country, most mentioned first, with shares", () => {
    const kosovo = mail.text.split("\n").find((l) => l.trim().startsWith("Kosovo"))!;
    expect(kosovo).toMatch(/60 10\.0% \+2\.0 pts\s+12 2\.0% −0\.4 pts\s+72 6\.0% \+0\.8 pts/);
    expect(mail.text.indexOf("Vladimir Putin")).toBeLessThan(mail.text.indexOf("  Kosovo "));
    expect(mail.text).toMatch(/Vladimir Putin\s+–\s+90 15\.0% new/);
    expect(mail.text).toContain("Kosovo + Vladimir Putin: 7 articles");
  });
  it("escapes feed text in the HTML part and links only http(s) URLs", () => {
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&#60;script&#62;");
    expect(mail.html).not.toContain('href="javascript:');
    expect(mail.html).toContain('href="https://example.ru/a?b=1&#38;c=2"');
    expect(mail.text).toContain("Путин провел переговоры (RIA, 2026-11-19)");
  });
  it("tells the reader how to unsubscribe", () => {
    expect(mail.text).toContain('"unsubscribe tok123"');
    expect(mail.html).toContain("unsubscribe tok123");
  });
  it("shows only the themes a subscriber follows", () => {
    const only = composeDigest(data, { ...to, themes: ["kosovo"] });
    expect(only.text).toContain("Kosovo");
    expect(only.text).not.toContain("Путин провел");
    expect(only.text.split("\n").some((l) => l.trim().startsWith("Vladimir Putin"))).toBe(false);
  });
  it("shows the thesis chart inline, with a table of bars for clients that block images", () => {
    const withChart = composeDigest(data, to, {
      chartCid: "thesis-2026-11-16@vesti.example",
      pageUrl: "https://vesti.example.org/?week=2026-11-16",
    });
    expect(withChart.html).toContain('<img src="cid:thesis-2026-11-16@vesti.example"');
    const fallback =
      /<table role="presentation" data-fallback="aid-bars"[\s\S]*?<\/table><\/td><\/tr><\/table>/.exec(
        withChart.html,
      )?.[0];
    expect(fallback).toBeDefined();
    expect(withChart.html).toMatch(/2026-W45[\s\S]*2026-W46[\s\S]*2026-W47/);
    // the largest share (30 of 600, Chinese aid in W47) gets the widest bar, 160 px; 4 of 400 a fifth of it
    expect(withChart.html).toContain('width="160" height="8" bgcolor="#e09f3e"');
    expect(withChart.html).toContain('width="32" height="8" bgcolor="#e09f3e"');
    expect(withChart.html).toContain('href="https://vesti.example.org/?week=2026-11-16"');
    expect(withChart.text).toContain(
      "The chart and the articles behind it: https://vesti.example.org/?week=2026-11-16",
    );
    expect(mail.html).not.toContain("cid:");
    expect(mail.text).not.toContain("trends page");
  });

  it("lists this week's alerts, escaped in HTML, only on the themes a subscriber follows", () => {
    expect(mail.text).toMatch(
      /THIS WEEK'S ALERTS\n {2}- <b>Kosovo<\/b> in Serbian outlets: 21\.0% of articles/,
    );
    expect(mail.text).toContain("  - Putin, weekly: 15.0% of articles");
    expect(mail.html).toContain("<li>&#60;b&#62;Kosovo&#60;/b&#62; in Serbian outlets: 21.0% of articles");
    expect(mail.html).not.toContain("<b>Kosovo</b>");
    const kosovo = composeDigest(data, { ...to, themes: ["kosovo"] });
    expect(kosovo.text).toContain("Kosovo</b> in Serbian outlets: 21.0%");
    expect(kosovo.text).not.toContain("Putin, weekly");
    expect(composeDigest(data, { ...to, themes: ["eu_aid"] }).text).toContain(
      "No alerts on your themes this week.",
    );
    expect(composeDigest({ ...data, alerts: [] }, to).text).toContain(
      "THIS WEEK'S ALERTS\n  No alerts this week.",
    );
  });
  it("says so when Serbian outlets published nothing", () => {
    expect(composeDigest({ ...data, aid: null }, to).text).toContain(
      "Serbian outlets published nothing this week.",
    );
  });
});
