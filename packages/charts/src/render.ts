import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import {
  calendar,
  formatShare,
  type Measure,
  nextPeriod,
  type Period,
  type PeriodCount,
  type PreparedPoint,
  parseDay,
  periodLabel,
  prepareSeries,
} from "./series";

// Chart specs → SVG with Observable Plot, server-side on linkedom's DOM. The result is one self-contained
// <svg>: a title, a legend, the plot and a footnote, so the same markup is inlined in the page, downloaded
// as a file and rasterised to PNG. Every series is a group with data-series and an aria-label, every point
// a circle with a <title> (the numbers, shown on hover) inside an optional link (the drill-down), so
// tests, screen readers and the page's script can all read the chart without knowing Plot's internals.

export interface ChartSeries {
  /** Stable id (legend toggles, URLs, data-series). */
  id: string;
  label: string;
  points: readonly PeriodCount[];
  color?: string;
}

/** An annotation on the time axis: a week of interest ("week"), an alert raised there ("alert"). */
export interface ChartMark {
  /** YYYY-MM-DD */
  date: string;
  label: string;
  kind?: string;
  /** A longer text shown on hover (an alert's message). */
  title?: string;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  by: Period;
  measure: Measure;
  /** Rolling average over this many periods (0 or 1: none), at most 30. */
  smooth?: number;
  /** Domain, YYYY-MM-DD; defaults to the first and last period with data. */
  from?: string;
  to?: string;
  series: readonly ChartSeries[];
  marks?: readonly ChartMark[];
  /** Series ids drawn hidden (the page's legend can show them again). */
  hidden?: readonly string[];
  /** Link of a point (the drill-down); none when omitted. */
  href?: (seriesId: string, period: string) => string;
  /** Extra line under the chart (e.g. the data source). */
  note?: string;
  width?: number;
  height?: number;
  /** Drop hidden series entirely instead of drawing them hidden (downloads). */
  omitHidden?: boolean;
}

export interface RenderedChart {
  svg: string;
  /** The drawn series, as prepared (for CSV files and readings). */
  series: { id: string; label: string; color: string; hidden: boolean; points: PreparedPoint[] }[];
  /** Periods where no series had articles. */
  gaps: string[];
  periods: string[];
}

export const PALETTE = [
  "#1f5fbf",
  "#d1495b",
  "#e09f3e",
  "#2a9d8f",
  "#7b4fa6",
  "#6c757d",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
];

export const FONT_FAMILY = "'Noto Sans', sans-serif";
const SVG_NS = "http://www.w3.org/2000/svg";
const MAX_POINTS_WITH_DOTS = 4000;
/** Left padding of the title, legend and notes. */
const PAD = 6;

/** The few DOM members used here (linkedom's nodes), so that consumers need no DOM lib to type-check. */
interface DomNode {
  nodeType: number;
  textContent: string | null;
}
interface DomElement extends DomNode {
  localName: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<DomNode>;
  setAttribute(name: string, value: string): void;
  appendChild(child: DomElement): unknown;
  querySelector(selector: string): DomElement | null;
  remove(): void;
}

const { document } = parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {
  document: { createElementNS(ns: string, name: string): DomElement };
};

/** Roughly how wide a label is in Noto Sans at `size` px (for laying out the legend). */
function textWidth(s: string, size: number): number {
  return [...s].length * size * 0.52;
}

function el(name: string, attrs: Record<string, string | number>, text?: string): DomElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e as unknown as DomElement;
}

/** Plot's render hook that tags a mark's group with attributes. */
function tagged(attrs: Record<string, string>) {
  return (
    index: number[],
    scales: Plot.ScaleFunctions,
    values: Plot.ChannelValues,
    dimensions: Plot.Dimensions,
    context: Plot.Context,
    next?: Plot.RenderFunction,
  ) => {
    const g = next!(index, scales, values, dimensions, context) as unknown as DomElement | null;
    if (g) for (const [k, v] of Object.entries(attrs)) g.setAttribute(k, v);
    return g as never;
  };
}

export function renderChart(spec: ChartSpec): RenderedChart {
  const width = spec.width ?? 880;
  const plotHeight = spec.height ?? 340;
  const smooth = spec.smooth ?? 0;
  const hidden = new Set(spec.hidden ?? []);

  const allPeriods = spec.series.flatMap((s) => s.points.filter((p) => p.articles > 0).map((p) => p.period));
  const sorted = [...allPeriods].sort();
  const first = spec.from ?? sorted[0] ?? "";
  const last = spec.to ?? sorted[sorted.length - 1] ?? "";
  const periods = first && last && first <= last ? calendar(first, last, spec.by) : [];

  const series = spec.series.map((s, i) => ({
    id: s.id,
    label: s.label,
    color: s.color ?? PALETTE[i % PALETTE.length]!,
    hidden: hidden.has(s.id),
    points: prepareSeries(s.points, periods, spec.measure, smooth),
  }));
  const drawn = spec.omitHidden ? series.filter((s) => !s.hidden) : series;
  const gaps = periods.filter(
    (_, i) => series.length > 0 && series.every((s) => s.points[i]!.value === null),
  );

  // ---- header: title, subtitle, legend (laid out in rows)
  const header: DomElement[] = [];
  let y = 22;
  header.push(
    el("text", { x: PAD, y, "font-size": 16, "font-weight": 700, "data-role": "title" }, spec.title),
  );
  if (spec.subtitle) {
    y += 20;
    header.push(
      el("text", { x: PAD, y, "font-size": 12, fill: "#555", "data-role": "subtitle" }, spec.subtitle),
    );
  }
  y += 12;
  const legend = el("g", { "data-role": "legend", "font-size": 12 });
  let lx = PAD;
  let ly = y + 12;
  for (const s of drawn) {
    const w = 18 + textWidth(s.label, 12) + 18;
    if (lx > PAD && lx + w > width) {
      lx = PAD;
      ly += 18;
    }
    const item = el("g", {
      "data-legend": s.id,
      transform: `translate(${lx},${ly})`,
      ...(s.hidden ? { "data-hidden": "true" } : {}),
    });
    item.appendChild(el("rect", { x: 0, y: -9, width: 12, height: 12, rx: 2, fill: s.color }));
    item.appendChild(el("text", { x: 17, y: 1 }, s.label));
    legend.appendChild(item);
    lx += w;
  }
  if (drawn.length > 0) header.push(legend);
  const top = (drawn.length > 0 ? ly : y) + 12;

  // ---- the plot
  const values = drawn.flatMap((s) => s.points.map((p) => p.value ?? 0));
  const max = Math.max(0, ...values);
  const yFormat = spec.measure === "share" ? (v: number) => formatShare(v, max) : (v: number) => `${v}`;
  const fromDate = periods.length ? parseDay(periods[0]!) : new Date(0);
  const toDate = periods.length ? parseDay(periods[periods.length - 1]!) : new Date(86_400_000);
  const totalPoints = drawn.reduce((n, s) => n + s.points.filter((p) => p.value !== null).length, 0);
  const withDots = totalPoints <= MAX_POINTS_WITH_DOTS;
  const marginLeft = 60;
  const marginRight = 24;

  const marks: Plot.Markish[] = [];
  if (gaps.length > 0) {
    const bands = gaps.map((p) => ({ x1: parseDay(p), x2: parseDay(nextPeriod(p, spec.by)) }));
    marks.push(
      Plot.rectX(bands, {
        x1: "x1",
        x2: "x2",
        fill: "#e9e9e9",
        clip: true,
        title: () => "no articles fetched",
        render: tagged({ "data-role": "gaps" }),
      }),
    );
  }
  marks.push(Plot.ruleY([0], { stroke: "#999" }));
  // Annotations under the series, so that they never take a click meant for a point.
  const mid = (fromDate.getTime() + toDate.getTime()) / 2;
  for (const m of spec.marks ?? []) {
    const at = [{ x: parseDay(m.date), label: m.label, title: m.title ?? m.label }];
    const right = at[0]!.x.getTime() > mid;
    const attrs = { "data-role": "annotation", "data-kind": m.kind ?? "note" };
    const alert = m.kind === "alert";
    marks.push(
      Plot.ruleX(at, {
        x: "x",
        stroke: alert ? "#b3261e" : "#444",
        strokeDasharray: alert ? "2,2" : "4,3",
        title: "title",
        render: tagged(attrs),
      }),
      Plot.text(at, {
        x: "x",
        text: "label",
        frameAnchor: "top",
        textAnchor: right ? "end" : "start",
        dx: right ? -4 : 4,
        dy: alert ? 18 : 4,
        fill: alert ? "#b3261e" : "#444",
        render: tagged(attrs),
      }),
    );
  }

  const describe = (label: string, p: PreparedPoint) => {
    const when = periodLabel(p.period, spec.by);
    if (p.mentions === null || p.articles === null) return `${label} · ${when}: no articles`;
    let text = `${label} · ${when}: ${p.mentions.toLocaleString("en")} of ${p.articles.toLocaleString("en")} articles (${formatShare(p.mentions / p.articles)})`;
    if (smooth > 1 && p.value !== null)
      text += `; ${smooth}-${spec.by} average ${spec.measure === "share" ? formatShare(p.value) : p.value.toFixed(1)}`;
    return text;
  };
  for (const s of drawn) {
    const data = s.points.map((p) => ({ ...p, y: p.value ?? Number.NaN }));
    const attrs: Record<string, string> = { "data-series": s.id };
    if (s.hidden) attrs["data-hidden"] = "true";
    marks.push(
      Plot.lineY(data, {
        x: "date",
        y: "y",
        stroke: s.color,
        strokeWidth: 2,
        title: () => s.label,
        render: tagged({ ...attrs, "data-role": "line" }),
      }),
    );
    if (withDots) {
      const points = data.filter((p) => p.value !== null);
      marks.push(
        Plot.dot(points, {
          x: "date",
          y: "y",
          r: 2.5,
          fill: s.color,
          title: (p: PreparedPoint) => describe(s.label, p),
          ...(spec.href ? { href: (p: PreparedPoint) => spec.href!(s.id, p.period) } : {}),
          render: tagged({ ...attrs, "data-role": "points" }),
        }),
      );
    }
  }
  const plot = Plot.plot({
    document: document as never,
    className: "vesti-plot",
    width,
    height: plotHeight,
    marginLeft,
    marginRight,
    marginTop: 16,
    marginBottom: 36,
    x: { type: "utc", domain: [fromDate, toDate], label: null },
    y: {
      domain: [0, max > 0 ? max * 1.08 : 1],
      label: spec.measure === "share" ? "share of articles" : "articles",
      labelArrow: "none",
      tickFormat: yFormat,
      grid: true,
    },
    marks,
  }) as unknown as DomElement;
  plot.querySelector("style")?.remove();
  plot.setAttribute("y", String(top));
  plot.setAttribute("font-family", FONT_FAMILY);

  // ---- footnote
  const foot: string[] = [];
  if (gaps.length > 0)
    foot.push(
      `Shaded: ${gaps.length} ${spec.by}${gaps.length === 1 ? "" : "s"} with no articles fetched (a gap, not a zero).`,
    );
  else if (drawn.some((s) => s.points.some((p) => p.value === null)))
    foot.push("A break in a line: no articles for that series in the period (a gap, not a zero).");
  if (smooth > 1) foot.push(`Rolling average over ${smooth} ${spec.by}s.`);
  if (!withDots && totalPoints > 0) foot.push("Too many points to mark: zoom in to hover and click them.");
  if (spec.note) foot.push(spec.note);
  const footTop = top + plotHeight;
  const footLines = foot.map((line, i) =>
    el(
      "text",
      { x: PAD, y: footTop + 16 + 15 * i, "font-size": 11, fill: "#555", "data-role": "note" },
      line,
    ),
  );
  const height = footTop + (foot.length > 0 ? 16 + 15 * foot.length : 8);

  const root = el("svg", {
    xmlns: SVG_NS,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "font-family": FONT_FAMILY,
    "font-size": 10,
    color: "#222",
    fill: "#222",
    class: "vesti-chart",
    "data-by": spec.by,
    "data-measure": spec.measure,
    "data-t0": periods[0] ?? "",
    "data-t1": periods[periods.length - 1] ?? "",
    "data-px0": marginLeft,
    "data-px1": width - marginRight,
  });
  root.appendChild(el("title", {}, spec.title));
  root.appendChild(
    el(
      "desc",
      {},
      `${drawn.map((s) => s.label).join(", ")}; ${spec.measure === "share" ? "share of articles" : "articles"} per ${spec.by}` +
        (periods.length
          ? `, ${periodLabel(periods[0]!, spec.by)} to ${periodLabel(periods[periods.length - 1]!, spec.by)}`
          : ""),
    ),
  );
  root.appendChild(el("rect", { x: 0, y: 0, width, height, fill: "#fff", "data-role": "background" }));
  for (const h of header) root.appendChild(h);
  root.appendChild(plot);
  for (const f of footLines) root.appendChild(f);

  return { svg: serialize(root), series, gaps, periods };
}

const escapeText = (s: string) =>
  s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, "&quot;");

/**
 * XML serialisation of the chart's DOM (linkedom's outerHTML is HTML: it leaves & and < raw in attribute
 * values, which is not well-formed SVG). Every attribute value and text node is escaped here, so a label
 * from a feed can never become markup, in the page or in a file.
 */
function serialize(node: DomElement): string {
  let out = `<${node.localName}`;
  for (const a of Array.from(node.attributes)) out += ` ${a.name}="${escapeAttr(a.value)}"`;
  const children = Array.from(node.childNodes);
  if (children.length === 0) return `${out}/>`;
  out += ">";
  for (const c of children) {
    if (c.nodeType === 1) out += serialize(c as DomElement);
    else if (c.nodeType === 3) out += escapeText(c.textContent ?? "");
  }
  return `${out}</${node.localName}>`;
}
