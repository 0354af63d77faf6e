export { createDb, createPool, type DbOptions, dropDatabase, ensureDatabase } from "./client";
export { DEMO_OUTLETS, type DemoSeedOptions, type DemoSeedResult, mulberry32, seedDemo } from "./demo";
export { createMigrator, migrateToLatest, migrationNames } from "./migrate";
export {
  type AlertQuery,
  type AlertQueryFilters,
  type AlertQueryInput,
  type AlertRow,
  type AlertSeriesRow,
  alertArticles,
  findAlertQuery,
  listAlertQueries,
  listAlerts,
  loadAlertSeries,
  markAlertDelivered,
  type NewAlert,
  type PendingAlertDelivery,
  pendingAlertDeliveries,
  recordEpisode,
  removeAlertQuery,
  retagInProgress,
  saveAlertQuery,
  setAlertQueryActive,
  themeLabels,
} from "./repositories/alerts";
export {
  type PreparedArticle,
  type StoreResult,
  type StoreTarget,
  storeArticles,
  TITLE_DEDUPE_DAYS,
} from "./repositories/articles";
export { addToCounts, applyThemeChanges, type CountedArticle } from "./repositories/counts";
export {
  addSubscriber,
  type DigestAid,
  type DigestAlert,
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
export { type SourceFeed, type SourceOutlet, type SyncReport, syncSources } from "./repositories/sources";
export {
  activateTaxonomyVersion,
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
  type ThemeDailyView,
  type ThemeWeeklyView,
  type TrendQuery,
  type TrendRow,
} from "./repositories/trends";
export * from "./schema";
