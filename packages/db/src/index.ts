export { createDb, createPool, type DbOptions, ensureDatabase } from "./client";
export { createMigrator, migrateToLatest, migrationNames } from "./migrate";
export {
  type PreparedArticle,
  type StoreResult,
  type StoreTarget,
  storeArticles,
  TITLE_DEDUPE_DAYS,
} from "./repositories/articles";
export { addToCounts, applyThemeChanges, type CountedArticle } from "./repositories/counts";
export { type SourceFeed, type SourceOutlet, type SyncReport, syncSources } from "./repositories/sources";
export * from "./schema";
