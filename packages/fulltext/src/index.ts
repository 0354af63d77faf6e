// @vesti/fulltext: article extraction from web pages (pure core: no network, no database).
export { cleanLines, removeBoilerplate } from "./boilerplate";
export {
  FIXTURE_PAGES_DIR,
  type LabelledPage,
  loadBenchmarkCorpus,
  loadFixturePages,
} from "./corpus";
export {
  type ExtractMethod,
  type ExtractOptions,
  type ExtractResult,
  type ExtractStatus,
  extractArticle,
  extractArticleFromBytes,
  invalidSelectors,
} from "./extract";
export * from "./limits";
export * from "./metric";
export { type PageSignals, pageSignals, textMarkers } from "./signals";
export { blockText, cutText, normaliseLines } from "./text";
