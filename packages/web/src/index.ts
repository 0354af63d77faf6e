// @vesti/web: the trends page (`vesti serve`, services/web).
export { type ChartData, thesisChart, tieChart, toCsv, viewChart } from "./charts";
export { feedText, h, highlight, safeHref } from "./html";
export { readAidWeek, readTieWeek } from "./readings";
export {
  CONTENT_SECURITY_POLICY,
  startWebServer,
  type WebServer,
  type WebServerOptions,
  webServerOptionsFromConfig,
} from "./server";
export { parseArticles, parseCompare, parseExplore, parseLanding } from "./view";
