import { type Kysely, sql } from "kysely";

// Alert recipients unsubscribe themselves by the link in each alert e-mail, through the page's
// /unsubscribe, as digest readers do (0010_web_unsubscribe):
//
// - alert_deliveries.unsubscribe_token: one per e-mail (random, 32 hex digits), so the link names no
//   address and no query.
// - alert_unsubscribe(token): removes that delivery's address from its query's recipients and drops the
//   query's e-mails still pending for it; answers the query's name (null: no such token). SECURITY
//   DEFINER, callable by vesti_analyst and nothing else on these tables. Idempotent.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE alert_deliveries
      ADD COLUMN unsubscribe_token text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
    CREATE UNIQUE INDEX alert_deliveries_unsubscribe_token_key ON alert_deliveries (unsubscribe_token);
    CREATE FUNCTION public.alert_unsubscribe(token text) RETURNS text
      LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
      WITH hit AS (
        SELECT d.email, q.id AS query_id, q.name
        FROM alert_deliveries d
        JOIN alerts a ON a.id = d.alert_id
        JOIN alert_queries q ON q.id = a.query_id
        WHERE d.unsubscribe_token = token
      ), removed AS (
        UPDATE alert_queries q SET recipients = array_remove(q.recipients, hit.email), updated_at = now()
        FROM hit WHERE q.id = hit.query_id AND hit.email = ANY (q.recipients)
      ), cancelled AS (
        DELETE FROM alert_deliveries d USING alerts a, hit
        WHERE d.alert_id = a.id AND a.query_id = hit.query_id AND d.email = hit.email AND d.sent_at IS NULL
      )
      SELECT name FROM hit
    $$;
    REVOKE ALL ON FUNCTION public.alert_unsubscribe(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION public.alert_unsubscribe(text) TO vesti_analyst;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION public.alert_unsubscribe(text);
    ALTER TABLE alert_deliveries DROP COLUMN unsubscribe_token;
  `.execute(db);
}
