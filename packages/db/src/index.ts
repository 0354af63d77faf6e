export { createDb, createPool, type DbOptions, dropDatabase, ensureDatabase } from "./client";
export { DEMO_OUTLETS, type DemoSeedOptions, type DemoSeedResult, mulberry32, seedDemo } from "./demo";
export { createMigrator, migrateToLatest, migrationNames } from "./migrate";
export {
  collectionParam,
  countryParam,
  DIMENSION_NAMES,
  DIMENSIONS,
  type Dimension,
  dayParam,
  describeParamError,
  dimensionParam,
  langParam,
  measureParam,
  outletParam,
  periodParam,
  type SeriesFilters,
  type SeriesQuery,
  seriesFiltersSchema,
  seriesQuerySchema,
  smoothParam,
  themeParam,
  trendQuerySchema,
} from "./params";
export {
  type PreparedArticle,
  type StoreResult,
  type StoreTarget,
  storeArticles,
  TITLE_DEDUPE_DAYS,
} from "./repositories/articles";
export {
  type ArticleForBody,
  type BodyToStore,
  findArticlesWithoutBody,
  getArticleForBody,
  type StoreBodyResult,
  storeArticleBody,
  TaxonomyMismatchError,
} from "./repositories/bodies";
export {
  type ArticleCountTable,
  addBodyTotals,
  addToCounts,
  applyThemeChanges,
  type CountedArticle,
  type ThemeCountTable,
} from "./repositories/counts";
export {
  addSubscriber,
  type DigestAid,
  type DigestAidByAlignment,
  type DigestArticle,
  type DigestData,
  type DigestPair,
  type DigestThemeCount,
  listSubscribers,
  loadDigestData,
  pendingDigestSubscribers,
  recordDigestDelivery,
  type Subscriber,
  unsubscribe,
} from "./repositories/digest";
export {
  type AidWeekRow,
  asAnalyst,
  type EvidenceSpan,
  type ExplorePeriod,
  type ExploreSeriesQuery,
  type OutletActivity,
  type PeriodArticle,
  type PeriodArticlesQuery,
  queryAidAttention,
  queryDimensionValues,
  queryKosovoTie,
  queryLastDay,
  queryOutletActivity,
  queryPeriodArticles,
  querySeries,
  type SeriesRow,
  TIE_THEMES,
  type TieWeekRow,
} from "./repositories/explore";
export {
  type FeedForFetch,
  type FeedHealth,
  type FetchOutcome,
  feedHealth,
  findDueFeeds,
  getFeedForFetch,
  pruneFetchLog,
  recentPublicationTimes,
  recordFetch,
} from "./repositories/feeds";
export {
  clearPageRetry,
  getPageRetry,
  type PageHealth,
  type PageRetry,
  pageHealth,
  recordPageRetry,
} from "./repositories/pages";
export { getRobots, type StoredRobots, saveRobots } from "./repositories/robots";
export {
  pendingSitemapChildren,
  recordSitemapChild,
  recordSitemapIndexFetch,
  type SitemapChildFetch,
  type SitemapChildRow,
  selectSitemapChildrenForPoll,
  sitemapChildren,
  sitemapPollTotals,
  sitemapUrlsOfPoll,
} from "./repositories/sitemaps";
export {
  type SourceFeed,
  type SourceFulltext,
  type SourceOutlet,
  type SyncReport,
  syncSources,
} from "./repositories/sources";
export {
  activateTaxonomyVersion,
  markRetagInterrupted,
  type RetagArticle,
  type RetagProgress,
  retagBatch,
  startRetagRun,
  type Tagger,
} from "./repositories/taxonomy";
export {
  type AidAttentionWeeklyView,
  type AnalyticsViews,
  queryTrends,
  type ThemeDailyByCollectionView,
  type ThemeDailyView,
  type ThemeWeeklyByCollectionView,
  type ThemeWeeklyView,
  type TrendQuery,
  type TrendRow,
} from "./repositories/trends";
export * from "./schema";
