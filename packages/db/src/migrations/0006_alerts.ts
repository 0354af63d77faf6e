import { type Kysely, sql } from "kysely";

// Spike alerts (docs/alerts.md): analysts' saved queries, the alerts the detector raised on them, and
// who was e-mailed each alert. Detection is idempotent through alerts' unique key (one row per query,
// direction and episode, the episode named by the period that triggered it); e-mails are once-only
// through alert_deliveries (one row per alert and recipient, written with the alert, sent_at set right
// after the SMTP server accepts the message). Analysts read analytics.alerts, which shows no e-mail
// addresses: the three tables are not granted to vesti_analyst.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE alert_queries (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
      -- A set of themes means articles tagged with any of them, each article counted once.
      themes       text[] NOT NULL CHECK (cardinality(themes) >= 1 AND array_position(themes, NULL) IS NULL),
      -- Filters: empty means any. Within one filter any value matches; all filters must match.
      langs        text[] NOT NULL DEFAULT '{}' CHECK (array_position(langs, NULL) IS NULL),
      countries    text[] NOT NULL DEFAULT '{}' CHECK (array_position(countries, NULL) IS NULL),
      outlets      text[] NOT NULL DEFAULT '{}' CHECK (array_position(outlets, NULL) IS NULL),
      collections  text[] NOT NULL DEFAULT '{}' CHECK (array_position(collections, NULL) IS NULL),
      granularity  text NOT NULL CHECK (granularity IN ('day', 'week')),
      directions   text[] NOT NULL DEFAULT '{up}'
                   CHECK (cardinality(directions) >= 1 AND directions <@ ARRAY['up', 'down']),
      -- Overrides of the detector's documented defaults (DetectorParams), e.g. {"minMentions": 3}.
      params       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
      recipients   text[] NOT NULL DEFAULT '{}' CHECK (array_position(recipients, NULL) IS NULL),
      active       boolean NOT NULL DEFAULT true,
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX alert_queries_name_key ON alert_queries (lower(name));

    CREATE TABLE alerts (
      id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      query_id          bigint NOT NULL REFERENCES alert_queries (id) ON DELETE CASCADE,
      granularity       text NOT NULL CHECK (granularity IN ('day', 'week')),
      direction         text NOT NULL CHECK (direction IN ('up', 'down')),
      -- The period that triggered the episode (a UTC day, or the Monday of an ISO week), and the last
      -- period seen still elevated (updated by later runs while the episode goes on).
      period            date NOT NULL,
      last_period       date NOT NULL CHECK (last_period >= period),
      -- The episode turned out to be a lasting change of level.
      shift             boolean NOT NULL DEFAULT false,
      raised_at         timestamptz NOT NULL DEFAULT now(),
      -- The numbers that triggered it: the period's counts, what the test expected, the baseline.
      mentions          bigint NOT NULL CHECK (mentions >= 0),
      articles          bigint NOT NULL CHECK (articles > 0),
      share             float8 NOT NULL,
      expected_share    float8 NOT NULL,
      baseline_share    float8 NOT NULL,
      baseline_spread   float8 NOT NULL,
      baseline_periods  integer NOT NULL,
      z                 float8 NOT NULL,
      p_value           float8 NOT NULL,
      method            text NOT NULL,
      message           text NOT NULL,
      UNIQUE (query_id, direction, period)
    );
    CREATE INDEX alerts_period_idx ON alerts (period);

    CREATE TABLE alert_deliveries (
      alert_id    bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
      email       text NOT NULL,
      message_id  text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      -- Set right after the SMTP server accepted the message; null while it is still to be sent.
      sent_at     timestamptz,
      PRIMARY KEY (alert_id, email)
    );
    CREATE INDEX alert_deliveries_pending_idx ON alert_deliveries (alert_id) WHERE sent_at IS NULL;

    CREATE VIEW analytics.alerts AS
    SELECT a.id AS alert_id, q.name AS query, q.themes, q.langs, q.countries, q.outlets, q.collections,
           a.granularity, a.direction, a.period,
           CASE WHEN a.granularity = 'week' THEN to_char(a.period, 'IYYY-"W"IW') END AS iso_week,
           a.last_period, a.shift, a.raised_at, a.mentions, a.articles, a.share, a.expected_share,
           a.baseline_share, a.baseline_spread, a.baseline_periods, a.z, a.p_value, a.method, a.message,
           (SELECT count(*) FROM public.alert_deliveries d WHERE d.alert_id = a.id AND d.sent_at IS NOT NULL)::bigint
             AS emails_sent
    FROM public.alerts a
    JOIN public.alert_queries q ON q.id = a.query_id;
    GRANT SELECT ON analytics.alerts TO vesti_analyst;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW analytics.alerts;
    DROP TABLE alert_deliveries, alerts, alert_queries;
  `.execute(db);
}
