export {
  type ArticlePage,
  languageDiffers,
  type PageReading,
  readArticlePage,
} from "./article-page";
export { type Classification, type ClassifyInput, classifyItem } from "./classify";
export {
  type ArticleBodyDeps,
  type ArticleBodyFailure,
  type ArticleBodyInput,
  type ArticleBodyResult,
  processArticleBody,
  processArticleBodyFailure,
} from "./processors/article-body";
export {
  type FetchArticleDeps,
  type FetchArticleResult,
  processFetchArticle,
  retryWaitMs,
} from "./processors/fetch-article";
export { type FetchFeedResult, prepareArticles, processFetchFeed } from "./processors/fetch-feed";
export { processRetag, RETAG_BATCH_SIZE, type RetagResult } from "./processors/retag";
export { type CycleSummary, formatCycle, reportPollCycles } from "./progress";
export { startIngestWorkers } from "./workers";
