import { createHash } from "node:crypto";
import { type Database, type PreparedArticle, seedDemo, storeArticles } from "@vesti/db";
import type { Kysely } from "kysely";

// The trends page's test data: demo articles with a two-week hole (nothing fetched: a gap), plus hostile
// feed strings on one Kosovo day of a Serbian outlet.

export const DEMO_RANGES = [
  { from: "2026-09-07", to: "2026-10-04" },
  { from: "2026-10-19", to: "2026-11-22" },
] as const;
/** What the page takes as "now": the last complete week is then 2026-11-16 (W47). */
export const NOW = new Date("2026-11-25T12:00:00Z");
export const HOSTILE_DAY = "2026-11-18";

export const HOSTILE = {
  script: '<script>window.__pwned = 1</script>Kosovo: "quoted" & more',
  img: "<img src=x onerror=alert(1)> Kosovo i Metohija",
  rtl: "Kosovo \u202Egnp.exe\u202C report",
  long: `Kosovo ${"Ж".repeat(10_240)}`,
  summary: '"><svg onload=alert(1)></svg> Priština <b>bold</b>',
};

function article(n: number, title: string, url: string, summary = "hostile fixture"): PreparedArticle {
  const at = new Date(`${HOSTILE_DAY}T${String(8 + n).padStart(2, "0")}:00:00Z`);
  const start = title.indexOf("Kosovo");
  return {
    url_hash: createHash("sha256").update(`hostile-${n}`).digest("hex"),
    canonical_url: url,
    link: url,
    guid: `hostile-${n}`,
    title,
    summary,
    title_key: `hostile fixture ${n}`,
    published_at: at,
    published_estimated: false,
    fetched_at: at,
    lang: "sr",
    script: "Latn",
    lang_confidence: 0.9,
    themes: [{ id: "kosovo", evidence: [{ field: "title", start, end: start + 6, text: "Kosovo" }] }],
  };
}

export async function seedWebFixture(db: Kysely<Database>): Promise<void> {
  for (const r of DEMO_RANGES) await seedDemo(db, { ...r, perDay: 6 });
  const feed = await db
    .selectFrom("feeds")
    .select("id")
    .where("outlet_id", "=", "n1")
    .executeTakeFirstOrThrow();
  const version = await db
    .selectFrom("taxonomy_versions")
    .select("version")
    .where("is_current", "=", true)
    .executeTakeFirstOrThrow();
  await storeArticles(
    db,
    { feed_id: feed.id, outlet_id: "n1", country: "RS", taxonomy_version: version.version },
    [
      article(1, HOSTILE.script, "javascript:alert(1)"),
      article(2, HOSTILE.img, "https://example.org/a?x=1&y=<2>", HOSTILE.summary),
      article(3, HOSTILE.rtl, "data:text/html,<script>alert(1)</script>"),
      article(4, HOSTILE.long, "https://example.org/long"),
    ],
  );
  // Collections for the collection filter (the demo outlets have none).
  await db
    .updateTable("outlets")
    .set({ collections: ["serbia-independent"] })
    .where("id", "in", ["n1", "danas"])
    .execute();
  await db
    .updateTable("outlets")
    .set({ collections: ["russia-state"] })
    .where("id", "in", ["tass", "ria", "rg"])
    .execute();
}
