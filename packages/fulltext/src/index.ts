// @vesti/fulltext: article extraction from web pages (pure core: no network, no database).
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

export { blockText, cutText } from "./text";
