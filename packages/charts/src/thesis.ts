import type { ChartMark, ChartSpec } from "./render";
import type { Measure } from "./series";

// The thesis chart, one definition for the page and the digest: Serbian outlets' attention to Russian,
// Chinese and EU aid per ISO week (the rows of analytics.aid_attention_weekly).

export interface AidWeekCounts {
  week_start: string;
  russian_aid: number;
  chinese_aid: number;
  eu_aid: number;
  articles: number;
}

export const AID_SERIES = [
  { id: "russian_aid", label: "Russian aid", color: "#d1495b" },
  { id: "chinese_aid", label: "Chinese aid", color: "#e09f3e" },
  { id: "eu_aid", label: "EU aid", color: "#1f5fbf" },
] as const;

export function aidAttentionSpec(
  rows: readonly AidWeekCounts[],
  options: {
    measure?: Measure;
    smooth?: number;
    from?: string;
    to?: string;
    hidden?: readonly string[];
    marks?: readonly ChartMark[];
    href?: ChartSpec["href"];
    width?: number;
    height?: number;
  } = {},
): ChartSpec {
  const measure = options.measure ?? "share";
  return {
    title: "Serbian outlets' attention to Russian, Chinese and EU aid",
    subtitle: `${measure === "share" ? "Share of all articles" : "Articles"} per ISO week, outlets in Serbia (RS), all languages · analytics.aid_attention_weekly`,
    by: "week",
    measure,
    smooth: options.smooth ?? 0,
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    series: AID_SERIES.map((s) => ({
      id: s.id,
      label: s.label,
      color: s.color,
      points: rows.map((r) => ({ period: r.week_start, mentions: r[s.id], articles: r.articles })),
    })),
    hidden: options.hidden ?? [],
    marks: options.marks ?? [],
    ...(options.href ? { href: options.href } : {}),
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
  };
}
