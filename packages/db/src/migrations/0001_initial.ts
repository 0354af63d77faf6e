import { type Kysely, sql } from "kysely";

// The first schema. Every write path is idempotent through a unique key:
// outlets.id, feeds.url, articles.url_hash, (articles.feed_id, guid), article_themes (article_id, theme),
// and the count tables' primary keys (updated with ON CONFLICT ... DO UPDATE).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE outlets (
      id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]*$'),
      name        text NOT NULL,
      country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
      language    text NOT NULL,
      script      text CHECK (script IN ('Cyrl', 'Latn', 'mixed')),
      time_zone   text NOT NULL,
      home_url    text,
      active      boolean NOT NULL DEFAULT true,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE feeds (
      id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      outlet_id         text NOT NULL REFERENCES outlets (id),
      url               text NOT NULL UNIQUE,
      language          text,
      note              text,
      verified          boolean NOT NULL DEFAULT false,
      active            boolean NOT NULL DEFAULT true,
      -- polling state
      next_fetch_at     timestamptz NOT NULL DEFAULT now(),
      interval_seconds  integer NOT NULL DEFAULT 1800 CHECK (interval_seconds > 0),
      etag              text,
      last_modified     text,
      content_hash      text,
      failure_count     real NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
      failing           boolean NOT NULL DEFAULT false,
      last_status       integer,
      last_error        text,
      last_error_at     timestamptz,
      last_fetched_at   timestamptz,
      last_success_at   timestamptz,
      last_new_item_at  timestamptz,
      items_seen        bigint NOT NULL DEFAULT 0,
      items_new         bigint NOT NULL DEFAULT 0,
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX feeds_due_idx ON feeds (next_fetch_at) WHERE active;

    -- One row per fetch attempt, for operators (what happened to this feed lately?).
    CREATE TABLE feed_fetches (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      feed_id      bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
      started_at   timestamptz NOT NULL,
      duration_ms  integer NOT NULL,
      status       integer,
      outcome      text NOT NULL,
      items_found  integer NOT NULL DEFAULT 0,
      items_new    integer NOT NULL DEFAULT 0,
      encoding     text,
      error        text
    );
    CREATE INDEX feed_fetches_feed_idx ON feed_fetches (feed_id, started_at DESC);

    CREATE TABLE taxonomy_versions (
      version        text PRIMARY KEY,
      first_seen_at  timestamptz NOT NULL DEFAULT now(),
      is_current     boolean NOT NULL DEFAULT false
    );
    CREATE UNIQUE INDEX taxonomy_versions_one_current ON taxonomy_versions (is_current) WHERE is_current;

    CREATE TABLE articles (
      id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      outlet_id            text NOT NULL REFERENCES outlets (id),
      feed_id              bigint NOT NULL REFERENCES feeds (id),
      -- sha256 of the canonical URL (or, for items without a link, of the feed and GUID)
      url_hash             text NOT NULL UNIQUE,
      canonical_url        text,
      link                 text,
      guid                 text,
      title                text NOT NULL,
      summary              text NOT NULL DEFAULT '',
      -- normalised title (lower case, Latin script, no punctuation) for wire-copy dedupe
      title_key            text NOT NULL,
      published_at         timestamptz NOT NULL,
      published_estimated  boolean NOT NULL DEFAULT false,
      -- UTC day of published_at: the grain of every trend count
      day                  date NOT NULL,
      fetched_at           timestamptz NOT NULL,
      lang                 text NOT NULL,
      script               text NOT NULL,
      lang_confidence      real NOT NULL,
      taxonomy_version     text NOT NULL
    );
    CREATE UNIQUE INDEX articles_feed_guid_key ON articles (feed_id, guid) WHERE guid IS NOT NULL;
    CREATE INDEX articles_outlet_title_idx ON articles (outlet_id, title_key, published_at);
    CREATE INDEX articles_day_idx ON articles (day);
    CREATE INDEX articles_published_idx ON articles (published_at);

    CREATE TABLE article_themes (
      article_id        bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
      theme             text NOT NULL,
      taxonomy_version  text NOT NULL,
      evidence          jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (article_id, theme)
    );
    CREATE INDEX article_themes_theme_idx ON article_themes (theme, article_id);

    -- Trend counts, maintained in the same transaction as the articles they count.
    CREATE TABLE article_daily_counts (
      day        date NOT NULL,
      lang       text NOT NULL,
      country    char(2) NOT NULL,
      outlet_id  text NOT NULL REFERENCES outlets (id),
      articles   bigint NOT NULL CHECK (articles >= 0),
      PRIMARY KEY (day, lang, country, outlet_id)
    );

    CREATE TABLE theme_daily_counts (
      day               date NOT NULL,
      theme             text NOT NULL,
      lang              text NOT NULL,
      country           char(2) NOT NULL,
      outlet_id         text NOT NULL REFERENCES outlets (id),
      taxonomy_version  text NOT NULL,
      mentions          bigint NOT NULL CHECK (mentions >= 0),
      PRIMARY KEY (theme, day, lang, country, outlet_id, taxonomy_version)
    );
    CREATE INDEX theme_daily_counts_day_idx ON theme_daily_counts (day);

    -- Resumable retagging after a taxonomy change (keyset pagination over articles.id).
    CREATE TABLE retag_runs (
      id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      to_version        text NOT NULL,
      last_article_id   bigint NOT NULL DEFAULT 0,
      articles_done     bigint NOT NULL DEFAULT 0,
      articles_changed  bigint NOT NULL DEFAULT 0,
      status            text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
      started_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now(),
      finished_at       timestamptz
    );
    CREATE UNIQUE INDEX retag_runs_one_running ON retag_runs (to_version) WHERE status = 'running';

    -- Weekly digest: subscribers and what was sent to whom (one delivery per subscriber and week).
    CREATE TABLE subscribers (
      id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email              text NOT NULL UNIQUE,
      themes             text[],
      lang               text NOT NULL DEFAULT 'en',
      active             boolean NOT NULL DEFAULT true,
      unsubscribe_token  text NOT NULL UNIQUE,
      created_at         timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE digest_deliveries (
      subscriber_id  bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
      week_start     date NOT NULL,
      sent_at        timestamptz NOT NULL DEFAULT now(),
      message_id     text,
      PRIMARY KEY (subscriber_id, week_start)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE digest_deliveries, subscribers, retag_runs, theme_daily_counts, article_daily_counts,
      article_themes, articles, taxonomy_versions, feed_fetches, feeds, outlets;
  `.execute(db);
}
