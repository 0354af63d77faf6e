// @vesti/charts: chart specs → SVG (Observable Plot on linkedom) → PNG (resvg), with no I/O of its own.
export { FONT_FILES, type PngOptions, svgToPng } from "./png";
export {
  type ChartMark,
  type ChartSeries,
  type ChartSpec,
  FONT_FAMILY,
  PALETTE,
  type RenderedChart,
  renderChart,
} from "./render";
export {
  calendar,
  formatShare,
  isoDay,
  isoWeekLabel,
  type Measure,
  nextPeriod,
  type Period,
  type PeriodCount,
  type PreparedPoint,
  parseDay,
  periodEnd,
  periodLabel,
  periodStart,
  prepareSeries,
} from "./series";
export { AID_SERIES, type AidWeekCounts, aidAttentionSpec } from "./thesis";
