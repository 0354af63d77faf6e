import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

export interface SourceFeed {
  url: string;
  /** "feed" (RSS/Atom, the default) or "sitemap". */
  kind?: "feed" | "sitemap";
  language?: string | null;
  note?: string | null;
  verified?: boolean;
  /** Extra request headers (set with the site's permission). */
  headers?: Readonly<Record<string, string>> | null;
  /** Permission to fetch although robots.txt disallows the feed (the feed's, else its outlet's). */
  robotsPermission?: string | null;
}

/** Per-outlet full-text options (infra/sources.yaml `fulltext`); absent or disabled: headlines only. */
export interface SourceFulltext {
  enabled: boolean;
  selectors?: string[] | null;
  exclude?: string[] | null;
  minLength?: number | null;
}

export interface SourceOutlet {
  id: string;
  name: string;
  country: string;
  language: string;
  script?: string | null;
  timeZone: string;
  homeUrl?: string | null;
  ownership?: string;
  alignment?: string;
  alignmentSource?: string | null;
  collections?: readonly string[];
  fulltext?: SourceFulltext | null;
  feeds: SourceFeed[];
}

const sameList = (a: readonly string[] | null, b: readonly string[] | null) =>
  (a ?? []).join("\u0000") === (b ?? []).join("\u0000") && (a === null) === (b === null);

export interface SyncReport {
  /** withoutFeeds: outlets in the file that list no feed yet. */
  outlets: { added: string[]; changed: string[]; removed: string[]; withoutFeeds: string[] };
  feeds: { added: string[]; changed: string[]; removed: string[]; unchanged: number };
}

/**
 * Makes the outlets and feeds tables match the sources file. Removed entries are deactivated, not
 * deleted, so the articles they produced keep their outlet and feed. Re-adding one reactivates it.
 */
export async function syncSources(
  db: Kysely<Database>,
  outlets: readonly SourceOutlet[],
): Promise<SyncReport> {
  const report: SyncReport = {
    outlets: {
      added: [],
      changed: [],
      removed: [],
      withoutFeeds: outlets.filter((o) => o.feeds.length === 0).map((o) => o.id),
    },
    feeds: { added: [], changed: [], removed: [], unchanged: 0 },
  };
  const feedOwner = new Map<string, string>();
  for (const o of outlets)
    for (const f of o.feeds) {
      const owner = feedOwner.get(f.url);
      if (owner) throw new Error(`feed ${f.url} is listed twice (outlets ${owner} and ${o.id})`);
      feedOwner.set(f.url, o.id);
    }

  await db.transaction().execute(async (trx) => {
    // One sync at a time: two operators running it at once would otherwise race on removals.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended('vesti:sources-sync', 0))`.execute(trx);
    const existingOutlets = new Map(
      (await trx.selectFrom("outlets").selectAll().execute()).map((o) => [o.id, o]),
    );
    const existingFeeds = new Map(
      (await trx.selectFrom("feeds").selectAll().execute()).map((f) => [f.url, f]),
    );

    for (const o of outlets) {
      const row = {
        id: o.id,
        name: o.name,
        country: o.country,
        language: o.language,
        script: o.script ?? null,
        time_zone: o.timeZone,
        home_url: o.homeUrl ?? null,
        ownership: o.ownership ?? "unknown",
        alignment: o.alignment ?? "unknown",
        alignment_source: o.alignmentSource ?? null,
        collections: [...(o.collections ?? [])].sort(),
        active: true,
        fulltext: o.fulltext?.enabled ?? false,
        fulltext_selectors: o.fulltext?.selectors?.length ? [...o.fulltext.selectors] : null,
        fulltext_exclude: o.fulltext?.exclude?.length ? [...o.fulltext.exclude] : null,
        fulltext_min_length: o.fulltext?.minLength ?? null,
      };
      const old = existingOutlets.get(o.id);
      if (!old) {
        await trx.insertInto("outlets").values(row).execute();
        report.outlets.added.push(o.id);
      } else if (
        old.name !== row.name ||
        old.country !== row.country ||
        old.language !== row.language ||
        old.script !== row.script ||
        old.time_zone !== row.time_zone ||
        old.home_url !== row.home_url ||
        old.ownership !== row.ownership ||
        old.alignment !== row.alignment ||
        old.alignment_source !== row.alignment_source ||
        [...old.collections].sort().join(",") !== row.collections.join(",") ||
        old.fulltext !== row.fulltext ||
        !sameList(old.fulltext_selectors, row.fulltext_selectors) ||
        !sameList(old.fulltext_exclude, row.fulltext_exclude) ||
        old.fulltext_min_length !== row.fulltext_min_length ||
        !old.active
      ) {
        await trx
          .updateTable("outlets")
          .set({ ...row, updated_at: new Date() })
          .where("id", "=", o.id)
          .execute();
        report.outlets.changed.push(o.id);
      }
      for (const f of o.feeds) {
        const headers = sortedHeaders(f.headers);
        const frow = {
          outlet_id: o.id,
          url: f.url,
          kind: f.kind ?? "feed",
          language: f.language ?? null,
          note: f.note ?? null,
          verified: f.verified ?? false,
          headers: JSON.stringify(headers),
          robots_permission: f.robotsPermission ?? null,
        };
        const oldFeed = existingFeeds.get(f.url);
        if (!oldFeed) {
          await trx.insertInto("feeds").values(frow).execute();
          report.feeds.added.push(f.url);
        } else if (
          oldFeed.outlet_id !== frow.outlet_id ||
          oldFeed.language !== frow.language ||
          oldFeed.note !== frow.note ||
          oldFeed.verified !== frow.verified ||
          oldFeed.kind !== frow.kind ||
          JSON.stringify(sortedHeaders(oldFeed.headers)) !== frow.headers ||
          oldFeed.robots_permission !== frow.robots_permission ||
          !oldFeed.active
        ) {
          // Its polling history is kept.
          await trx
            .updateTable("feeds")
            .set({
              ...frow,
              active: true,
              updated_at: new Date(),
              // reactivated, or given permission or headers (e.g. after a robots.txt refusal): due at once
              ...(!oldFeed.active ||
              oldFeed.robots_permission !== frow.robots_permission ||
              JSON.stringify(sortedHeaders(oldFeed.headers)) !== frow.headers
                ? { next_fetch_at: new Date() }
                : {}),
            })
            .where("id", "=", oldFeed.id)
            .execute();
          report.feeds.changed.push(f.url);
        } else report.feeds.unchanged++;
      }
    }

    const removedFeeds = [...existingFeeds.values()].filter((f) => f.active && !feedOwner.has(f.url));
    if (removedFeeds.length > 0)
      await trx
        .updateTable("feeds")
        .set({ active: false, updated_at: new Date() })
        .where(
          "id",
          "in",
          removedFeeds.map((f) => f.id),
        )
        .execute();
    report.feeds.removed = removedFeeds.map((f) => f.url);

    const keep = new Set(outlets.map((o) => o.id));
    const removedOutlets = [...existingOutlets.values()].filter((o) => o.active && !keep.has(o.id));
    if (removedOutlets.length > 0)
      await trx
        .updateTable("outlets")
        .set({ active: false, updated_at: new Date() })
        .where(
          "id",
          "in",
          removedOutlets.map((o) => o.id),
        )
        .execute();
    report.outlets.removed = removedOutlets.map((o) => o.id);
  });
  return report;
}

/** Header names lower-cased, in name order: the stored form, so that a sync compares like with like. */
function sortedHeaders(h: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(h ?? {})
      .map(([k, v]) => [k.toLowerCase(), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
