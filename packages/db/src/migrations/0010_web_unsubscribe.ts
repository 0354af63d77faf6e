import { type Kysely, sql } from "kysely";

// Unsubscribing from the digest by its link (the trends page's /unsubscribe, and mail clients' one-click
// List-Unsubscribe-Post), without giving the page's read-only role any reach into subscribers:
//
// - subscribers.unsubscribed_at: when a subscriber left (by link, reply or `vesti subscribers remove`).
// - digest_unsubscribe(token): the one write the page can make. SECURITY DEFINER, so it runs as the owner of
//   the tables; vesti_analyst may call it and nothing else on subscribers. The token is the capability: the
//   function answers only whether it was valid, never who it belongs to. Idempotent: a second call with the
//   same token answers true and changes nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE subscribers ADD COLUMN unsubscribed_at timestamptz;
    CREATE FUNCTION public.digest_unsubscribe(token text) RETURNS boolean
      LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
      WITH hit AS (
        SELECT id, active FROM subscribers WHERE unsubscribe_token = token
      ), done AS (
        UPDATE subscribers s SET active = false, unsubscribed_at = now()
        FROM hit WHERE s.id = hit.id AND hit.active
      )
      SELECT EXISTS (SELECT 1 FROM hit)
    $$;
    REVOKE ALL ON FUNCTION public.digest_unsubscribe(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION public.digest_unsubscribe(text) TO vesti_analyst;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION public.digest_unsubscribe(text);
    ALTER TABLE subscribers DROP COLUMN unsubscribed_at;
  `.execute(db);
}
