import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { type PreparedArticle, storeArticles } from "../src/repositories/articles";
import { makeTaxonomyCurrent, withTaxonomyLock } from "../src/repositories/taxonomy";
import type { Database } from "../src/schema";

// Crafted articles for tests that need a series with a known shape (a spike on a given day, an outage):
// stored through storeArticles, so the count tables and rollups are what ingest would write.

export interface TestOutlet {
  id: string;
  country: string;
  collections?: string[];
}

/** Creates the outlets (each with one inactive feed) and makes "test" the current taxonomy if none is. */
export async function createTestOutlets(db: Kysely<Database>, outlets: readonly TestOutlet[]): Promise<void> {
  await withTaxonomyLock(db, async (trx, current) => {
    if (!current) await makeTaxonomyCurrent(trx, "test");
  });
  for (const o of outlets) {
    await db
      .insertInto("outlets")
      .values({
        id: o.id,
        name: `Outlet ${o.id}`,
        country: o.country,
        language: o.country === "RU" ? "ru" : "sr",
        time_zone: "UTC",
        collections: o.collections ?? [],
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    await db
      .insertInto("feeds")
      .values({ outlet_id: o.id, url: `https://${o.id}.test/rss`, active: false })
      .onConflict((oc) => oc.column("url").doNothing())
      .execute();
  }
}

/**
 * Stores `count` articles of one outlet on one UTC day; `themesOf(i)` gives the i-th article's themes.
 * URLs are unique per (outlet, day, i, tag), so calls with another tag add articles rather than repeat.
 */
export async function storeTestArticles(
  db: Kysely<Database>,
  a: {
    outlet: string;
    day: string;
    count: number;
    lang?: string;
    /** The articles' script (default Latn). */
    script?: string;
    tag?: string;
    themesOf: (i: number) => string[];
  },
): Promise<number> {
  const feed = await db
    .selectFrom("feeds")
    .innerJoin("outlets", "outlets.id", "feeds.outlet_id")
    .select(["feeds.id", "outlets.country"])
    .where("feeds.outlet_id", "=", a.outlet)
    .executeTakeFirstOrThrow();
  const version = await db
    .selectFrom("taxonomy_versions")
    .select("version")
    .where("is_current", "=", true)
    .executeTakeFirstOrThrow();
  const items: PreparedArticle[] = [];
  for (let i = 0; i < a.count; i++) {
    const url = `https://${a.outlet}.test/${a.day}/${a.tag ?? "a"}/${i}`;
    const themes = a.themesOf(i);
    const title = `Test ${a.outlet} ${a.day} ${a.tag ?? "a"} ${i} ${themes.join(" ")}`;
    items.push({
      url_hash: createHash("sha256").update(url).digest("hex"),
      canonical_url: url,
      link: url,
      guid: url,
      title,
      summary: "",
      title_key: title.toLowerCase(),
      published_at: new Date(`${a.day}T${String(6 + (i % 16)).padStart(2, "0")}:00:00Z`),
      published_estimated: false,
      fetched_at: new Date(`${a.day}T23:00:00Z`),
      lang: a.lang ?? "sr",
      script: a.script ?? "Latn",
      lang_confidence: 0.99,
      themes: themes.map((id) => ({ id, evidence: [] })),
    });
  }
  const r = await storeArticles(
    db,
    { feed_id: feed.id, outlet_id: a.outlet, country: feed.country, taxonomy_version: version.version },
    items,
  );
  return r.inserted;
}
