import { periodEnd, periodStart } from "@vesti/charts";
import {
  DIMENSION_NAMES,
  type Dimension,
  dayParam,
  describeParamError,
  dimensionParam,
  measureParam,
  periodParam,
  type SeriesQuery,
  seriesFiltersSchema,
  seriesQuerySchema,
  smoothParam,
  themeParam,
} from "@vesti/db";
import { z } from "zod";

// What a URL of the page means: the view (series, period, measure, smoothing, range, hidden series),
// parsed with the zod schemas `vesti trends` uses (packages/db/src/params.ts). A URL is the whole state, so
// a shared link restores the exact view. Unknown parameters are refused rather than ignored: a typo must
// not silently show a different chart.

export class BadRequest extends Error {
  override name = "BadRequest";
}

/**
 * URLSearchParams → an object: repeated keys and comma lists become arrays (of the values given). An empty
 * value is no value: the page's own form sends its empty fields (`from=&to=`) when the dates are not set.
 */
function collect(params: URLSearchParams, lists: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (lists.includes(key)) out[key] = values.flatMap((v) => v.split(",")).filter((v) => v !== "");
    else if (values[0] !== "") out[key] = values[0]!;
  }
  return out;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new BadRequest(describeParamError(r.error));
  return r.data;
}

const idList = z.array(z.string().regex(/^[a-z0-9_.:-]{1,80}$/, "a series id")).max(50);

const common = {
  by: periodParam.default("week"),
  measure: measureParam.default("share"),
  smooth: smoothParam.default(0),
  from: dayParam.optional(),
  to: dayParam.optional(),
  hide: idList.default([]),
};

export interface ChartView {
  series: { id: string; label?: string; query: SeriesQuery }[];
  split?: Dimension;
  by: "day" | "week" | "month";
  measure: "share" | "count";
  smooth: number;
  from?: string;
  to?: string;
  hide: string[];
}

const checkRange = (v: { from?: string; to?: string }) => {
  if (v.from && v.to && v.from > v.to) throw new BadRequest("from: is after to");
};

const exploreSchema = z
  .object({
    theme: z.array(themeParam).min(1).max(8).default(["kosovo", "russian_aid", "chinese_aid"]),
    ...seriesFiltersSchema.shape,
    split: dimensionParam.optional(),
    ...common,
  })
  .strict();

/** /explore: one or more themes with the same filters, optionally split on a dimension. */
export function parseExplore(params: URLSearchParams): ChartView {
  const p = parse(exploreSchema, collect(params, ["theme", "hide", ...DIMENSION_NAMES]));
  checkRange(p);
  const filters = Object.fromEntries(DIMENSION_NAMES.filter((d) => p[d]?.length).map((d) => [d, p[d]]));
  return {
    series: [...new Set(p.theme)].map((theme) => ({ id: theme, query: { theme, ...filters } })),
    ...(p.split ? { split: p.split } : {}),
    by: p.by,
    measure: p.measure,
    smooth: p.smooth,
    ...(p.from ? { from: p.from } : {}),
    ...(p.to ? { to: p.to } : {}),
    hide: p.hide,
  };
}

/**
 * One compared query as it appears in a URL: `theme;dim=v1,v2;dim=v` (e.g. `chinese_aid;country=RS`), with
 * an optional `label=...`.
 */
export function parseQueryString(q: string): { label?: string; query: SeriesQuery } {
  const [theme, ...parts] = q.split(";");
  const obj: Record<string, string | string[]> = { theme: theme ?? "" };
  let label: string | undefined;
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new BadRequest(`q: "${part}" is not dimension=value`);
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === "label") label = value.slice(0, 80);
    else obj[key] = value.split(",");
  }
  const query = parse(seriesQuerySchema.strict(), obj) as SeriesQuery;
  return label ? { label, query } : { query };
}

export function formatQueryString(q: SeriesQuery, label?: string): string {
  const parts = [q.theme as string];
  for (const d of DIMENSION_NAMES) if (q[d]?.length) parts.push(`${d}=${q[d]!.join(",")}`);
  if (label) parts.push(`label=${label}`);
  return parts.join(";");
}

const compareSchema = z
  .object({
    q: z
      .array(z.string().max(500))
      .min(1)
      .max(8)
      .default(["chinese_aid;country=RS", "chinese_aid;country=RU"]),
    ...common,
  })
  .strict();

/** /compare: several queries (`q`, repeated) on one chart. */
export function parseCompare(params: URLSearchParams): ChartView {
  const input: Record<string, unknown> = collect(params, ["hide"]);
  if (params.has("q")) input.q = params.getAll("q");
  const p = parse(compareSchema, input);
  checkRange(p);
  return {
    series: p.q.map((q, i) => ({ id: `q${i + 1}`, ...parseQueryString(q) })),
    by: p.by,
    measure: p.measure,
    smooth: p.smooth,
    ...(p.from ? { from: p.from } : {}),
    ...(p.to ? { to: p.to } : {}),
    hide: p.hide,
  };
}

/** The URL parameters of a view (the inverse of parseExplore / parseCompare). */
export function viewParams(view: ChartView, kind: "explore" | "compare"): URLSearchParams {
  const out = new URLSearchParams();
  if (kind === "explore") {
    out.set("theme", view.series.map((s) => s.query.theme).join(","));
    const q = view.series[0]?.query;
    for (const d of DIMENSION_NAMES) if (q?.[d]?.length) out.set(d, q[d]!.join(","));
    if (view.split) out.set("split", view.split);
  } else for (const s of view.series) out.append("q", formatQueryString(s.query, s.label));
  out.set("by", view.by);
  out.set("measure", view.measure);
  if (view.smooth > 0) out.set("smooth", String(view.smooth));
  if (view.from) out.set("from", view.from);
  if (view.to) out.set("to", view.to);
  if (view.hide.length) out.set("hide", view.hide.join(","));
  return out;
}

const landingSchema = z
  .object({
    measure: measureParam.default("share"),
    smooth: smoothParam.default(0),
    from: dayParam.optional(),
    to: dayParam.optional(),
    hide: idList.default([]),
    /** A week to read and mark (the digest links here); default: the last complete week. */
    week: dayParam.optional(),
  })
  .strict();
export type LandingView = z.output<typeof landingSchema>;

export function parseLanding(params: URLSearchParams): LandingView {
  const p = parse(landingSchema, collect(params, ["hide"]));
  checkRange(p);
  return p.week ? { ...p, week: periodStart(p.week, "week") } : p;
}

const articlesSchema = z
  .object({
    theme: themeParam,
    ...seriesFiltersSchema.shape,
    also: themeParam.optional(),
    by: periodParam.default("week"),
    period: dayParam,
    order: z.enum(["time", "sample"]).default("sample"),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    fragment: z.enum(["1"]).optional(),
  })
  .strict();

export interface ArticlesView {
  query: SeriesQuery;
  also?: string;
  by: "day" | "week" | "month";
  /** First and last day of the period. */
  from: string;
  to: string;
  period: string;
  order: "time" | "sample";
  page: number;
  fragment: boolean;
}

/** /articles: the articles behind one point. */
export function parseArticles(params: URLSearchParams): ArticlesView {
  const p = parse(articlesSchema, collect(params, DIMENSION_NAMES));
  const period = periodStart(p.period, p.by);
  const filters = Object.fromEntries(DIMENSION_NAMES.filter((d) => p[d]?.length).map((d) => [d, p[d]]));
  return {
    query: { theme: p.theme, ...filters },
    ...(p.also ? { also: p.also } : {}),
    by: p.by,
    period,
    from: period,
    to: periodEnd(period, p.by),
    order: p.order,
    page: p.page,
    fragment: p.fragment === "1",
  };
}

export function articlesParams(a: {
  query: SeriesQuery;
  also?: string;
  by: string;
  period: string;
  order?: string;
  page?: number;
}): URLSearchParams {
  const out = new URLSearchParams();
  out.set("theme", a.query.theme);
  for (const d of DIMENSION_NAMES) if (a.query[d]?.length) out.set(d, a.query[d]!.join(","));
  if (a.also) out.set("also", a.also);
  out.set("by", a.by);
  out.set("period", a.period);
  if (a.order) out.set("order", a.order);
  if (a.page && a.page > 1) out.set("page", String(a.page));
  return out;
}
