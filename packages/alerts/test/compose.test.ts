import { describe, expect, it } from "vitest";
import { type AlertFacts, alertMessage, composeAlertEmail, formatShare, periodLabel } from "../src/compose";
import { seriesFromRows } from "../src/series";

const weekly: AlertFacts = {
  queryName: "Russian aid in Serbian outlets",
  granularity: "week",
  direction: "up",
  period: "2020-04-06",
  mentions: 63,
  articles: 1402,
  share: 63 / 1402,
  expectedShare: 0.0061,
  baselineShare: 0.006,
  baselineSpread: 0.002,
  baselinePeriods: 12,
  z: 9.27,
  pValue: 1e-20,
  method: "nb",
};

describe("alertMessage", () => {
  it("says what moved, when, and against what", () => {
    expect(alertMessage(weekly)).toBe(
      "Russian aid in Serbian outlets: 4.5% of articles (63 of 1,402) in 2020-W15 (6–12 Apr 2020), " +
        "against 0.60% ± 0.20% over the previous 12 weeks",
    );
    expect(
      alertMessage({
        ...weekly,
        granularity: "day",
        period: "2020-04-07",
        direction: "down",
        baselinePeriods: 28,
      }),
    ).toBe(
      "Russian aid in Serbian outlets: down to 4.5% of articles (63 of 1,402) on Tue 7 Apr 2020, " +
        "against 0.60% ± 0.20% over the previous 28 days",
    );
  });

  it("says what was expected when the outlets that published were not the usual ones", () => {
    expect(alertMessage({ ...weekly, expectedShare: 0.012 })).toMatch(
      /over the previous 12 weeks \(1\.2% expected from the outlets that published\)$/,
    );
  });

  it("formats shares and periods", () => {
    expect([0, 0.0003, 0.0062, 0.045, 0.5].map(formatShare)).toEqual([
      "0%",
      "0.030%",
      "0.62%",
      "4.5%",
      "50.0%",
    ]);
    expect(periodLabel("2020-12-28", "week")).toBe("2020-W53 (28 Dec–3 Jan 2021)");
    expect(periodLabel("2026-11-18", "day")).toBe("Wed 18 Nov 2026");
  });
});

describe("composeAlertEmail", () => {
  const query = {
    name: 'Aid <script>alert("x")</script>',
    themes: [
      { id: "russian_aid", label: "Russian aid" },
      { id: "chinese_aid", label: "Chinese aid" },
    ],
    langs: ["sr"],
    countries: ["RS"],
    outlets: [],
    collections: ["serbia-national"],
    scripts: ["Cyrl"],
    granularity: "week" as const,
  };
  const articles = [
    {
      title: "Doctors <img src=x onerror=alert(1)> arrive",
      url: "https://demo.invalid/rts/1",
      outlet_name: "RTS & co",
      published_at: new Date("2020-04-08T10:00:00Z"),
    },
    {
      title: "Sneaky",
      url: "javascript:alert(1)",
      outlet_name: "X",
      published_at: new Date("2020-04-07T10:00:00Z"),
    },
  ];
  const mail = composeAlertEmail(
    { ...weekly, queryName: query.name },
    query,
    articles,
    "analyst@example.org",
  );

  it("has the same content in text and HTML", () => {
    expect(mail.subject).toBe(`Vesti alert: ${query.name}: 4.5% of articles in 2020-W15 (6–12 Apr 2020)`);
    expect(mail.text).toContain(
      "themes: Russian aid, Chinese aid (an article tagged with several counts once)",
    );
    expect(mail.text).toContain(
      "filters: language sr; outlet country RS; collection serbia-national; script Cyrl",
    );
    expect(mail.text).toMatch(/this week: 63 of 1,402 articles \(4\.5%\)/);
    expect(mail.text).toMatch(/test: {6}z = 9\.3, p = 1\.0e-20 \(negative binomial/);
    expect(mail.text).toContain("  - Doctors <img src=x onerror=alert(1)> arrive (RTS & co, 2020-04-08)");
    expect(mail.text).toContain('vesti alerts notify "Aid <script>');
    expect(mail.html).toContain("63 of 1,402 articles (4.5%)");
  });

  it("escapes every user and feed string in the HTML part and links only http(s)", () => {
    expect(mail.html).not.toMatch(/<script|<img/);
    expect(mail.html).toContain("Aid &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;");
    expect(mail.html).toContain("RTS &#38; co");
    expect(mail.html).toContain('<a href="https://demo.invalid/rts/1">');
    expect(mail.html).not.toContain("javascript:");
  });
});

describe("seriesFromRows", () => {
  it("fills every period, leaving those without rows empty (no data, not zero)", () => {
    const s = seriesFromRows(
      [
        { period: "2026-03-02", outlet: "rts", lang: "sr", mentions: 3, articles: 40 },
        { period: "2026-03-02", outlet: "n1", lang: "en", mentions: 0, articles: 5 },
        { period: "2026-03-04", outlet: "rts", lang: "sr", mentions: 1, articles: 38 },
      ],
      { from: "2026-03-01", to: "2026-03-04" },
      "day",
    );
    expect(s.map((p) => [p.period, p.strata.length])).toEqual([
      ["2026-03-01", 0],
      ["2026-03-02", 2],
      ["2026-03-03", 0],
      ["2026-03-04", 1],
    ]);
    expect(s[1]!.strata[1]).toEqual({ key: "n1|en", mentions: 0, articles: 5 });
    expect(seriesFromRows([], { from: "2026-03-04", to: "2026-03-18" }, "week").map((p) => p.period)).toEqual(
      ["2026-03-02", "2026-03-09", "2026-03-16"],
    );
    expect(() =>
      seriesFromRows(
        [{ period: "2026-04-01", outlet: "x", lang: "sr", mentions: 0, articles: 1 }],
        { from: "2026-03-01", to: "2026-03-04" },
        "day",
      ),
    ).toThrow(/outside/);
  });
});
