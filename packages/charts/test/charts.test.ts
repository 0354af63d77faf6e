import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import {
  calendar,
  isoWeekLabel,
  type PeriodCount,
  periodLabel,
  periodStart,
  prepareSeries,
  renderChart,
  svgToPng,
} from "../src/index";

/** The SVG as a DOM, to look at it the way a test or a screen reader would. */
function dom(svg: string) {
  const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
  return document;
}

const weeks = (n: number, start = "2020-01-06") =>
  calendar(
    start,
    new Date(Date.parse(`${start}T00:00:00Z`) + (n - 1) * 7 * 86_400_000).toISOString().slice(0, 10),
    "week",
  );

describe("periods", () => {
  it("starts weeks on Monday and months on the 1st, in UTC", () => {
    expect(periodStart("2020-03-29", "week")).toBe("2020-03-23");
    expect(periodStart("2020-03-29", "month")).toBe("2020-03-01");
    expect(calendar("2020-01-30", "2020-03-02", "month")).toEqual(["2020-01-01", "2020-02-01", "2020-03-01"]);
    expect(calendar("2020-02-27", "2020-03-01", "day")).toEqual([
      "2020-02-27",
      "2020-02-28",
      "2020-02-29",
      "2020-03-01",
    ]);
  });
  it("labels ISO weeks across year ends", () => {
    expect(isoWeekLabel("2020-12-28")).toBe("2020-W53");
    expect(isoWeekLabel("2019-12-30")).toBe("2020-W01");
    expect(periodLabel("2021-03-01", "month")).toBe("2021-03");
  });
});

describe("prepareSeries", () => {
  const periods = ["2020-01-06", "2020-01-13", "2020-01-20", "2020-01-27", "2020-02-03"];
  const counts: PeriodCount[] = [
    { period: "2020-01-06", mentions: 10, articles: 100 },
    { period: "2020-01-13", mentions: 0, articles: 50 },
    // 2020-01-20: nothing fetched
    { period: "2020-01-27", mentions: 30, articles: 100 },
    { period: "2020-02-03", mentions: 5, articles: 0 },
  ];
  it("draws a period without articles as a gap and zero mentions as zero", () => {
    const s = prepareSeries(counts, periods, "share");
    expect(s.map((p) => p.value)).toEqual([0.1, 0, null, 0.3, null]);
    expect(prepareSeries(counts, periods, "count").map((p) => p.value)).toEqual([10, 0, null, 30, null]);
  });
  it("smooths over the present periods of the window only, and keeps gaps as gaps", () => {
    const share = prepareSeries(counts, periods, "share", 3).map((p) => p.value);
    // week 4: window weeks 2..4, week 3 is a gap: (0 + 30) / (50 + 100)
    expect(share).toEqual([0.1, 10 / 150, null, 30 / 150, null]);
    const count = prepareSeries(counts, periods, "count", 3).map((p) => p.value);
    expect(count).toEqual([10, 5, null, 15, null]);
    expect(() => prepareSeries(counts, periods, "share", 31)).toThrow(/0 to 30/);
  });
});

describe("renderChart", () => {
  const periods = weeks(30);
  const series = [
    {
      id: "russian_aid",
      label: "Руска помоћ",
      points: periods.map((p, i) => ({ period: p, mentions: i % 5, articles: i >= 10 && i < 13 ? 0 : 200 })),
    },
    {
      id: "chinese_aid",
      label: "Kineska pomoć",
      points: periods
        .filter((_, i) => i !== 20)
        .map((p, i) => ({ period: p, mentions: 10 + i, articles: i >= 10 && i < 13 ? 0 : 200 })),
    },
  ];
  const chart = renderChart({
    title: "Пажња: помоћ",
    by: "week",
    measure: "share",
    series,
    marks: [{ date: periods[25]!, label: "алерт", kind: "alert" }],
    href: (s, p) => `/articles?theme=${s}&period=${p}&x=<"&>`,
  });
  const doc = dom(chart.svg);

  it("draws one point per period with articles, with the numbers in its title", () => {
    const ru = doc.querySelectorAll('g[data-series="russian_aid"][data-role="points"] circle');
    expect(ru.length).toBe(27);
    const cn = doc.querySelectorAll('g[data-series="chinese_aid"][data-role="points"] circle');
    expect(cn.length).toBe(26);
    const title = ru[1]!.querySelector("title")!.textContent;
    expect(title).toBe("Руска помоћ · 2020-W03: 1 of 200 articles (0.50%)");
  });

  it("breaks the lines at gaps and shades periods where no series has articles", () => {
    const path = doc.querySelector('g[data-series="russian_aid"][data-role="line"] path')!.getAttribute("d")!;
    expect(path.match(/M/g)).toHaveLength(2);
    const cnPath = doc
      .querySelector('g[data-series="chinese_aid"][data-role="line"] path')!
      .getAttribute("d")!;
    expect(cnPath.match(/M/g)).toHaveLength(3);
    expect(chart.gaps).toEqual(periods.slice(10, 13));
    expect(doc.querySelectorAll('g[data-role="gaps"] rect').length).toBe(3);
    expect(doc.querySelector('[data-role="note"]')!.textContent).toMatch(/3 weeks with no articles/);
  });

  it("labels in Cyrillic and Latin with diacritics, escaped as XML", () => {
    expect(doc.querySelector('[data-role="title"]')!.textContent).toBe("Пажња: помоћ");
    const legend = [...doc.querySelectorAll("g[data-legend] text")].map((t) => t.textContent);
    expect(legend).toEqual(["Руска помоћ", "Kineska pomoć"]);
    expect(chart.svg).toContain(
      'href="/articles?theme=russian_aid&amp;period=2020-01-06&amp;x=&lt;&quot;&amp;&gt;"',
    );
    expect(chart.svg).not.toMatch(/<style|style="/);
  });

  it("draws annotation marks", () => {
    const notes = doc.querySelectorAll('g[data-role="annotation"][data-kind="alert"]');
    expect(notes.length).toBe(2);
    expect(notes[1]!.textContent).toBe("алерт");
  });

  it("escapes hostile labels", () => {
    const hostile = renderChart({
      title: "<script>alert(1)</script>",
      by: "week",
      measure: "count",
      series: [{ id: 'x"><script>', label: "\u202Egnp.exe <b>", points: series[0]!.points }],
    }).svg;
    expect(hostile).not.toContain("<script>");
    expect(hostile).not.toContain("<b>");
    expect(dom(hostile).querySelector('[data-role="title"]')!.textContent).toBe("<script>alert(1)</script>");
  });

  it("rasterises to a PNG of the SVG's size", () => {
    const png = svgToPng(chart.svg);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const svgHeight = Number(/height="(\d+)"/.exec(chart.svg)![1]);
    expect([width, height]).toEqual([880, svgHeight]);
    const wide = svgToPng(chart.svg, { width: 1760 });
    expect(wide.readUInt32BE(16)).toBe(1760);
    expect(wide.readUInt32BE(20)).toBe(2 * svgHeight);
  });
});
