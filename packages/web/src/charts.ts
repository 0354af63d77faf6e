import {
  aidAttentionSpec,
  type ChartMark,
  type ChartSeries,
  type ChartSpec,
  isoDay,
  type PeriodCount,
  periodLabel,
} from "@vesti/charts";
import {
  type AidWeekRow,
  type Database,
  DIMENSION_NAMES,
  DIMENSIONS,
  listAlertMarks,
  queryAidAttention,
  queryKosovoTie,
  querySeries,
  type SeriesQuery,
  type SeriesRow,
  TIE_THEMES,
  type TieWeekRow,
} from "@vesti/db";
import type { Kysely } from "kysely";
import { readAidWeek, readTieWeek } from "./readings";
import { articlesParams, type ChartView, type LandingView } from "./view";

// Every chart of the page as data: its spec (drawn by @vesti/charts) and its CSV (the views' numbers,
// unsmoothed, one row per period the views have). The page, the downloads and the digest use these.

export interface ChartData {
  spec: ChartSpec;
  csv: string;
}

export type ThemeLabels = ReadonlyMap<string, string>;

const TIE_LABELS: Record<(typeof TIE_THEMES)[number], { label: string; color: string }> = {
  putin: { label: "Kosovo + Putin", color: "#7b4fa6" },
  russian_aid: { label: "Kosovo + Russian aid", color: "#d1495b" },
};

/** A CSV field: quoted when needed; a leading = + - @ is neutralised so spreadsheets do not run it. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.join(","), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(","))]
    .map((l) => `${l}\r\n`)
    .join("");
}

/** The Monday of the last ISO week that has ended before `now`, among the weeks with data. */
export function lastCompleteWeek(weeks: readonly string[], now: Date): string | undefined {
  const today = isoDay(now);
  const done = weeks.filter((w) => isoDay(new Date(Date.parse(`${w}T00:00:00Z`) + 7 * 86_400_000)) <= today);
  return done[done.length - 1];
}

const AID_COLUMNS = [
  "week_start",
  "iso_week",
  "russian_aid",
  "chinese_aid",
  "eu_aid",
  "articles",
  "russian_aid_share",
  "chinese_aid_share",
  "eu_aid_share",
  "taxonomy_version",
];

/** The alerts raised on these themes in the chart's range, as marks on its time axis (docs/alerts.md). */
export async function alertMarks(
  db: Kysely<Database>,
  themes: readonly string[],
  range: { from?: string | undefined; to?: string | undefined },
): Promise<ChartMark[]> {
  const alerts = await listAlertMarks(db, {
    themes,
    ...(range.from ? { from: range.from } : {}),
    ...(range.to ? { to: range.to } : {}),
  });
  return alerts.map((a) => ({
    date: a.period,
    label: `${a.direction === "up" ? "▲" : "▼"} ${a.query}`.slice(0, 48),
    kind: "alert",
    title: a.message,
  }));
}

export interface Reading {
  week: string | undefined;
  text: string;
}

/** The thesis: analytics.aid_attention_weekly, one series per aid theme. */
export async function thesisChart(
  db: Kysely<Database>,
  view: LandingView,
  now: Date,
): Promise<ChartData & { reading: Reading; rows: AidWeekRow[] }> {
  const rows = await queryAidAttention(db, {
    ...(view.from ? { since: view.from } : {}),
    ...(view.to ? { until: view.to } : {}),
  });
  const week =
    view.week ??
    lastCompleteWeek(
      rows.map((r) => r.week_start),
      now,
    );
  const i = rows.findIndex((r) => r.week_start === week);
  const alerts = await alertMarks(db, ["russian_aid", "chinese_aid", "eu_aid"], view);
  const reading = {
    week,
    text: readAidWeek(i >= 0 ? rows[i] : undefined, i > 0 ? rows[i - 1] : undefined),
  };
  return {
    rows,
    reading,
    spec: aidAttentionSpec(rows, {
      measure: view.measure,
      smooth: view.smooth,
      ...(view.from ? { from: view.from } : {}),
      ...(view.to ? { to: view.to } : {}),
      hidden: view.hide,
      marks: [...(week ? [{ date: week, label: periodLabel(week, "week"), kind: "week" }] : []), ...alerts],
      href: (id, period) =>
        `/articles?${articlesParams({ query: { theme: id as SeriesQuery["theme"], country: ["RS"] }, by: "week", period })}`,
    }),
    csv: toCsv(AID_COLUMNS, rows as unknown as Record<string, unknown>[]),
  };
}

/** The Kosovo–Russia tie: Kosovo articles also tagged Putin / Russian aid, Serbian outlets, per week. */
export async function tieChart(
  db: Kysely<Database>,
  view: LandingView,
  now: Date,
  load: (range: { since?: string; until?: string }) => Promise<TieWeekRow[]> = (range) =>
    queryKosovoTie(db, range),
): Promise<ChartData & { reading: Reading }> {
  const rows = await load({
    ...(view.from ? { since: view.from } : {}),
    ...(view.to ? { until: view.to } : {}),
  });
  const weeks = [...new Set(rows.map((r) => r.week_start))];
  const week = view.week ?? lastCompleteWeek(weeks, now);
  const reading = { week, text: readTieWeek(rows.filter((r) => r.week_start === week)) };
  const series: ChartSeries[] = TIE_THEMES.map((theme) => ({
    id: `kosovo+${theme}`,
    label: TIE_LABELS[theme].label,
    color: TIE_LABELS[theme].color,
    points: rows
      .filter((r) => r.theme === theme)
      .map((r) => ({ period: r.week_start, mentions: r.articles, articles: r.total })),
  }));
  return {
    reading,
    spec: {
      title: "The Kosovo–Russia tie: Kosovo articles that also mention Putin or Russian aid",
      subtitle: `${view.measure === "share" ? "Share of all articles" : "Articles"} per ISO week, outlets in Serbia (RS) · analytics.theme_cooccurrence`,
      by: "week",
      measure: view.measure,
      smooth: view.smooth,
      ...(view.from ? { from: view.from } : {}),
      ...(view.to ? { to: view.to } : {}),
      series,
      hidden: view.hide,
      marks: week ? [{ date: week, label: periodLabel(week, "week"), kind: "week" }] : [],
      href: (id, period) =>
        `/articles?${articlesParams({ query: { theme: "kosovo", country: ["RS"] }, also: id.split("+")[1]!, by: "week", period })}`,
    },
    csv: toCsv(
      ["week_start", "iso_week", "theme", "articles", "kosovo", "total"],
      rows as unknown as Record<string, unknown>[],
    ),
  };
}

/** "country RS, RU · language sr" for a query's filters. */
export function describeFilters(q: SeriesQuery): string {
  return DIMENSION_NAMES.filter((d) => q[d]?.length)
    .map((d) => `${DIMENSIONS[d].label} ${q[d]!.join(", ")}`)
    .join(" · ");
}

/** Runs a read (the server's asAnalyst); each call may use its own connection. */
export type ReadFn = <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/**
 * Explore and compare: each series query through querySeries (split into several series when asked), the
 * queries in parallel, each in its own read.
 */
export async function viewChart(
  read: ReadFn,
  view: ChartView,
  kind: "explore" | "compare",
  labels: ThemeLabels,
): Promise<ChartData & { series: { id: string; label: string; query: SeriesQuery; rows: SeriesRow[] }[] }> {
  const drawn: { id: string; label: string; query: SeriesQuery; rows: SeriesRow[] }[] = [];
  // The alert marks read alongside the series, not after them.
  const [results, marks] = await Promise.all([
    Promise.all(
      view.series.map((s) =>
        read((db) =>
          querySeries(db, {
            query: s.query,
            by: view.by,
            ...(view.from ? { since: view.from } : {}),
            ...(view.to ? { until: view.to } : {}),
            ...(view.split ? { split: view.split } : {}),
          }),
        ),
      ),
    ),
    read((db) =>
      alertMarks(db, [...new Set(view.series.map((s) => s.query.theme))], { from: view.from, to: view.to }),
    ),
  ]);
  for (const [i, s] of view.series.entries()) {
    const rows = results[i]!;
    const themeLabel = labels.get(s.query.theme) ?? s.query.theme;
    if (view.split) {
      const keys = [...new Set(rows.map((r) => r.key))];
      for (const key of keys) {
        const query: SeriesQuery = { ...s.query, [view.split]: [key] };
        drawn.push({
          id: `${s.id}.${key}`.toLowerCase(),
          label: `${themeLabel} · ${key}`,
          query,
          rows: rows.filter((r) => r.key === key),
        });
      }
    } else {
      const filters = describeFilters(s.query);
      const label = s.label ?? (kind === "compare" && filters ? `${themeLabel} · ${filters}` : themeLabel);
      drawn.push({ id: s.id, label, query: s.query, rows });
    }
  }
  const filters = kind === "explore" && view.series[0] ? describeFilters(view.series[0].query) : "";
  const what = view.measure === "share" ? "Share of articles" : "Articles";
  const subtitle =
    `${what} per ${view.by === "week" ? "ISO week" : view.by}` +
    (filters ? ` · ${filters}` : kind === "explore" ? " · all outlets" : "") +
    (view.split ? ` · split by ${DIMENSIONS[view.split].label}` : "") +
    ` · analytics.${view.by === "week" ? "theme_weekly" : "theme_daily"}`;
  const byId = new Map(drawn.map((d) => [d.id, d]));
  const columns = [
    "series",
    "label",
    "theme",
    ...DIMENSION_NAMES,
    "period",
    "period_label",
    "mentions",
    "articles",
    "share",
  ];
  const csvRows = drawn.flatMap((d) =>
    d.rows.map((r) => ({
      series: d.id,
      label: d.label,
      theme: d.query.theme,
      ...Object.fromEntries(DIMENSION_NAMES.map((dim) => [dim, d.query[dim]?.join(" ") ?? ""])),
      period: r.period,
      period_label: periodLabel(r.period, view.by),
      mentions: r.mentions,
      articles: r.articles,
      share: r.articles > 0 ? r.mentions / r.articles : null,
    })),
  );
  return {
    series: drawn,
    spec: {
      title:
        kind === "compare"
          ? `Compared: ${drawn.map((d) => d.label).join(" vs ")}`.slice(0, 140)
          : `${view.series.map((s) => labels.get(s.query.theme) ?? s.query.theme).join(", ")}`,
      subtitle,
      by: view.by,
      measure: view.measure,
      smooth: view.smooth,
      ...(view.from ? { from: view.from } : {}),
      ...(view.to ? { to: view.to } : {}),
      series: drawn.map((d) => ({
        id: d.id,
        label: d.label,
        points: d.rows.map(
          (r): PeriodCount => ({ period: r.period, mentions: r.mentions, articles: r.articles }),
        ),
      })),
      hidden: view.hide,
      marks,
      href: (id, period) => {
        const d = byId.get(id)!;
        return `/articles?${articlesParams({ query: d.query, by: view.by, period })}`;
      },
    },
    csv: toCsv(columns, csvRows),
  };
}
