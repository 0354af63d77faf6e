export {
  type AlertArticle,
  type AlertEmail,
  type AlertFacts,
  type AlertQueryDescription,
  alertMessage,
  composeAlertEmail,
  formatShare,
  periodLabel,
} from "./compose";
export {
  type Baseline,
  DEFAULT_PARAMS,
  type Detection,
  type DetectorParams,
  type Direction,
  detect,
  type Episode,
  type Method,
  type PeriodCounts,
  type PeriodResult,
  type StratumCounts,
  validateParams,
} from "./detect";
export * from "./period";
export { type SeriesRow, seriesFromRows } from "./series";
