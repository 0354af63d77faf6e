import { type Kysely, sql } from "kysely";

// Saved alert queries filter by the article's script too (Cyrl, Latn, mixed), as the trends page and
// the count views do since 0009_script_counts; analytics.alerts shows the filter (a new last column).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE alert_queries ADD COLUMN scripts text[] NOT NULL DEFAULT '{}'
      CHECK (array_position(scripts, NULL) IS NULL);
    CREATE OR REPLACE VIEW analytics.alerts AS
    SELECT a.id AS alert_id, q.name AS query, q.themes, q.langs, q.countries, q.outlets, q.collections,
           a.granularity, a.direction, a.period,
           CASE WHEN a.granularity = 'week' THEN to_char(a.period, 'IYYY-"W"IW') END AS iso_week,
           a.last_period, a.shift, a.raised_at, a.mentions, a.articles, a.share, a.expected_share,
           a.baseline_share, a.baseline_spread, a.baseline_periods, a.z, a.p_value, a.method, a.message,
           (SELECT count(*) FROM public.alert_deliveries d WHERE d.alert_id = a.id AND d.sent_at IS NOT NULL)::bigint
             AS emails_sent,
           q.scripts
    FROM public.alerts a
    JOIN public.alert_queries q ON q.id = a.query_id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW analytics.alerts;
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
    ALTER TABLE alert_queries DROP COLUMN scripts;
  `.execute(db);
}
