import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

// Hand-written table types (kysely's own example does the same): the migrations in ./migrations are the
// source of truth, and this file must follow them.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** `date` columns come back as 'YYYY-MM-DD' strings (see client.ts): a day is not an instant. */
type Day = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export interface OutletsTable {
  id: string;
  name: string;
  country: string;
  language: string;
  script: string | null;
  time_zone: string;
  home_url: string | null;
  /** Who owns the outlet (docs/sources.md): state-ru, state-cn, public-service, private, ..., unknown. */
  ownership: ColumnType<string, string | undefined, string>;
  /** Editorial alignment (docs/sources.md): pro-government, independent, state-media, ..., unknown. */
  alignment: ColumnType<string, string | undefined, string>;
  /** Citation for the alignment label (Media Ownership Monitor Serbia, State Media Monitor, BIRN, ...). */
  alignment_source: string | null;
  /** Named groups of outlets (Media Cloud's collections), e.g. serbia-national, russian-state-in-serbian. */
  collections: ColumnType<string[], string[] | undefined, string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  /** Fetch and extract each new article's page (off by default; infra/sources.yaml `fulltext`). */
  fulltext: ColumnType<boolean, boolean | undefined, boolean>;
  /** CSS selectors of the article body, tried before readability. */
  fulltext_selectors: string[] | null;
  /** CSS selectors of elements dropped before extraction. */
  fulltext_exclude: string[] | null;
  /** Shortest body accepted (characters); shorter falls back to the summary. */
  fulltext_min_length: number | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface FeedsTable {
  id: Generated<number>;
  outlet_id: string;
  url: string;
  language: string | null;
  note: string | null;
  verified: ColumnType<boolean, boolean | undefined, boolean>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  next_fetch_at: ColumnType<Date, Date | string | undefined, Date | string>;
  interval_seconds: ColumnType<number, number | undefined, number>;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  failure_count: ColumnType<number, number | undefined, number>;
  failing: ColumnType<boolean, boolean | undefined, boolean>;
  last_status: number | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  /** Where permanent redirects (301/308 on every hop) lead, set on each successful fetch; null when none. */
  moved_to: string | null;
  /** When moved_to was first seen with its current value. */
  moved_at: Timestamp | null;
  /** "feed" (RSS/Atom) or "sitemap" (news sitemap or sitemap index); see docs/sources.md. */
  kind: ColumnType<"feed" | "sitemap", "feed" | "sitemap" | undefined, "feed" | "sitemap">;
  /** Request headers the operator set for this feed (sources file `headers`), with the site's permission. */
  headers: ColumnType<Record<string, string>, string | undefined, string>;
  /** The operator's record of permission to fetch a feed that robots.txt disallows; null: none. */
  robots_permission: string | null;
  /** Failure kind of the last fetch (e.g. robots_disallowed, blocked_by_server); null after a success. */
  last_error_kind: string | null;
  last_fetched_at: Timestamp | null;
  last_success_at: Timestamp | null;
  last_new_item_at: Timestamp | null;
  items_seen: ColumnType<number, number | undefined, number>;
  items_new: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface FeedFetchesTable {
  id: Generated<number>;
  feed_id: number;
  started_at: Timestamp;
  duration_ms: number;
  status: number | null;
  outcome: string;
  items_found: number;
  items_new: number;
  encoding: string | null;
  error: string | null;
}

export interface RobotsTxtTable {
  /** scheme://host[:port] */
  origin: string;
  outcome: "ok" | "unavailable" | "unreachable";
  status: number | null;
  body: string | null;
  error: string | null;
  fetched_at: Timestamp;
  expires_at: Timestamp;
  unreachable_since: Timestamp | null;
}

export interface SitemapChildrenTable {
  feed_id: number;
  url: string;
  lastmod: Timestamp | null;
  fetched_lastmod: Timestamp | null;
  depth: ColumnType<number, number | undefined, number>;
  selected_for: Timestamp | null;
  fetched_for: Timestamp | null;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  last_status: number | null;
  last_error: string | null;
  items_found: ColumnType<number, number | undefined, number>;
  items_new: ColumnType<number, number | undefined, number>;
  last_fetched_at: Timestamp | null;
}

export interface ArticlesTable {
  id: Generated<number>;
  outlet_id: string;
  feed_id: number;
  url_hash: string;
  canonical_url: string | null;
  link: string | null;
  guid: string | null;
  title: string;
  summary: string;
  title_key: string;
  published_at: Timestamp;
  published_estimated: boolean;
  day: Day;
  fetched_at: Timestamp;
  lang: string;
  script: string;
  lang_confidence: number;
  taxonomy_version: string;
}

export interface ArticleThemesTable {
  article_id: number;
  theme: string;
  taxonomy_version: string;
  evidence: Json<unknown[]>;
}

/** Outcome of an article's page: `ok` an extracted body; the others store the summary or nothing. */
export type BodyStatus = "ok" | "fallback_summary" | "paywalled" | "empty" | "failed" | "blocked_robots";
export type BodyMethod = "selector" | "readability" | "paragraphs" | "fallback-summary" | "none";

export interface ArticleBodiesTable {
  article_id: number;
  status: BodyStatus;
  method: BodyMethod;
  text: string;
  length: number;
  reason: string | null;
  title: string | null;
  lang: string | null;
  script: string | null;
  lang_confidence: number | null;
  lang_differs: boolean;
  final_url: string | null;
  http_status: number | null;
  page_bytes: number | null;
  content_hash: string | null;
  encoding: string | null;
  taxonomy_version: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  fetched_at: Timestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PageFetchRetriesTable {
  article_id: number;
  /** Transient failures so far (429, 5xx, robots.txt unreachable). */
  attempts: number;
  last_error: string;
  last_status: number | null;
  /** Not before: the Retry-After, else the backoff. */
  retry_at: Timestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ArticleBodyThemesTable {
  article_id: number;
  theme: string;
  taxonomy_version: string;
  evidence: Json<unknown[]>;
  body_only: boolean;
}

export interface ThemeDailyCountsTable {
  day: Day;
  theme: string;
  lang: string;
  /** The articles' script (0009_script_counts). */
  script: string;
  country: string;
  outlet_id: string;
  taxonomy_version: string;
  mentions: number;
}

export interface ArticleDailyCountsTable {
  day: Day;
  lang: string;
  script: string;
  country: string;
  outlet_id: string;
  articles: number;
}

/** Body-only mentions: the keys of ThemeDailyCountsTable. */
export type ThemeBodyDailyCountsTable = ThemeDailyCountsTable;
/** Articles with an extracted body: the keys of ArticleDailyCountsTable. */
export type ArticleBodyDailyCountsTable = ArticleDailyCountsTable;

export interface TaxonomyVersionsTable {
  version: string;
  first_seen_at: CreatedAt;
  is_current: boolean;
}

export type RetagStatus = "running" | "interrupted" | "done";

export interface RetagRunsTable {
  id: Generated<number>;
  to_version: string;
  last_article_id: ColumnType<number, number | undefined, number>;
  articles_done: ColumnType<number, number | undefined, number>;
  articles_changed: ColumnType<number, number | undefined, number>;
  status: ColumnType<RetagStatus, RetagStatus | undefined, RetagStatus>;
  /** Articles to retag when the run started (an upper bound: ingest may add some meanwhile). */
  articles_total: number | null;
  /** The last time a shutdown stopped the run at a batch boundary; it resumes on the next start. */
  interrupted_at: Timestamp | null;
  interruptions: ColumnType<number, number | undefined, number>;
  started_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: Timestamp | null;
}

export interface SubscribersTable {
  id: Generated<number>;
  email: string;
  themes: string[] | null;
  lang: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  unsubscribe_token: string;
  created_at: CreatedAt;
  /** When the subscriber unsubscribed (null: never, or before this was recorded). */
  unsubscribed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface DigestDeliveriesTable {
  subscriber_id: number;
  week_start: Day;
  sent_at: Timestamp;
  message_id: string | null;
}

export interface AlertQueriesTable {
  id: Generated<number>;
  name: string;
  /** Any of these themes (an article tagged with several counts once). */
  themes: string[];
  /** Filters; empty means any. */
  langs: ColumnType<string[], string[] | undefined, string[]>;
  countries: ColumnType<string[], string[] | undefined, string[]>;
  outlets: ColumnType<string[], string[] | undefined, string[]>;
  collections: ColumnType<string[], string[] | undefined, string[]>;
  /** The article's script: Cyrl, Latn or mixed. */
  scripts: ColumnType<string[], string[] | undefined, string[]>;
  granularity: "day" | "week";
  directions: ColumnType<("up" | "down")[], ("up" | "down")[] | undefined, ("up" | "down")[]>;
  /** Overrides of the detector's defaults (DetectorParams in @vesti/alerts). */
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
  recipients: ColumnType<string[], string[] | undefined, string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AlertsTable {
  id: Generated<number>;
  query_id: number;
  granularity: "day" | "week";
  direction: "up" | "down";
  /** The period that triggered the episode (a UTC day or an ISO week's Monday). */
  period: Day;
  /** The last period still elevated, as far as the detector has seen. */
  last_period: Day;
  shift: ColumnType<boolean, boolean | undefined, boolean>;
  raised_at: CreatedAt;
  mentions: number;
  articles: number;
  share: number;
  expected_share: number;
  baseline_share: number;
  baseline_spread: number;
  baseline_periods: number;
  z: number;
  p_value: number;
  method: string;
  message: string;
}

export interface AlertDeliveriesTable {
  alert_id: number;
  email: string;
  message_id: string;
  created_at: CreatedAt;
  /** Null until the SMTP server accepted the message. */
  sent_at: Timestamp | null;
  /** The e-mail's unsubscribe link's token (random, set by Postgres). */
  unsubscribe_token: Generated<string>;
}

export interface Database {
  outlets: OutletsTable;
  feeds: FeedsTable;
  feed_fetches: FeedFetchesTable;
  robots_txt: RobotsTxtTable;
  sitemap_children: SitemapChildrenTable;
  articles: ArticlesTable;
  article_themes: ArticleThemesTable;
  theme_daily_counts: ThemeDailyCountsTable;
  article_daily_counts: ArticleDailyCountsTable;
  article_bodies: ArticleBodiesTable;
  article_body_themes: ArticleBodyThemesTable;
  page_fetch_retries: PageFetchRetriesTable;
  theme_body_daily_counts: ThemeBodyDailyCountsTable;
  article_body_daily_counts: ArticleBodyDailyCountsTable;
  taxonomy_versions: TaxonomyVersionsTable;
  retag_runs: RetagRunsTable;
  subscribers: SubscribersTable;
  digest_deliveries: DigestDeliveriesTable;
  alert_queries: AlertQueriesTable;
  alerts: AlertsTable;
  alert_deliveries: AlertDeliveriesTable;
}

export type Outlet = Selectable<OutletsTable>;
export type NewOutlet = Insertable<OutletsTable>;
export type Feed = Selectable<FeedsTable>;
export type FeedUpdate = Updateable<FeedsTable>;
export type Article = Selectable<ArticlesTable>;
export type NewArticle = Insertable<ArticlesTable>;
export type ArticleBody = Selectable<ArticleBodiesTable>;
