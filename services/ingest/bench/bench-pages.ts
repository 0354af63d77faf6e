// Page-job throughput without politeness: the labelled pages served by loopback servers, each article
// through processFetchArticle (robots.txt from the cache, the host gate, fetchDocument, extraction,
// language, tags, store and count in Postgres), PAGE_FETCH_MIN_SPACING_MS=0, a few pages in flight. In
// production the per-host spacing (5 s) bounds the rate long before this does: the figure says how many
// hosts one worker process can keep busy. Printed, never asserted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@vesti/config";
import {
  activateTaxonomyVersion,
  createDb,
  dropDatabase,
  ensureDatabase,
  migrateToLatest,
  storeArticles,
  syncSources,
} from "@vesti/db";
import { FIXTURE_PAGES_DIR, loadFixturePages } from "@vesti/fulltext";
import { preloadLexicons } from "@vesti/langid";
import { MemoryHostGate } from "@vesti/queue";
import { createLogger, createMetrics } from "@vesti/runtime";
import { defaultTaxonomy } from "@vesti/themes";
import { classifyItem } from "../src/classify";
import { processFetchArticle } from "../src/processors/fetch-article";
import { startPageServer, text } from "../test-support/page-server";

const ROUNDS = Number(process.env.BENCH_PAGES_ROUNDS ?? 8);
const IN_FLIGHT = Number(process.env.BENCH_PAGES_CONCURRENCY ?? 4);
const DB_URL = process.env.BENCH_DATABASE_URL_PAGES ?? "postgres://postgres@127.0.0.1:5432/vesti_bench_pages";
const HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"];

async function main() {
  const dir = fileURLToPath(FIXTURE_PAGES_DIR);
  const pages = loadFixturePages();
  const byName = new Map(pages.map((p) => [p.name, p.html]));
  const servers = await Promise.all(
    HOSTS.map((host) =>
      startPageServer(
        (path) => {
          if (path === "/robots.txt") return text("User-agent: *\nAllow: /\n");
          const html = byName.get(decodeURIComponent(path.replace(/^\/pages\//, "").replace(/\?.*$/, "")));
          return html
            ? (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end(html)
            : undefined;
        },
        { host },
      ),
    ),
  );

  await dropDatabase(DB_URL);
  await ensureDatabase(DB_URL);
  const db = createDb(DB_URL, { poolSize: IN_FLIGHT + 2 });
  await migrateToLatest(db);
  const taxonomy = defaultTaxonomy();
  await activateTaxonomyVersion(db, taxonomy.version);
  await syncSources(db, [
    {
      id: "bench",
      name: "bench",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      fulltext: { enabled: true },
      feeds: [{ url: "http://bench.test/feed" }],
    },
  ]);
  const feed = await db.selectFrom("feeds").select("id").executeTakeFirstOrThrow();
  const ids: number[] = [];
  for (let r = 0; r < ROUNDS; r++)
    for (const [i, p] of pages.entries()) {
      const m = JSON.parse(readFileSync(join(dir, `${p.name}.json`), "utf8"));
      const c = classifyItem(taxonomy, {
        title: m.title,
        summary: m.summary,
        feedLanguage: "sr",
        country: "RS",
      });
      const url = `${servers[(r + i) % servers.length]!.baseUrl}/pages/${p.name}?r=${r}`;
      const stored = await storeArticles(
        db,
        { feed_id: feed.id, outlet_id: "bench", country: "RS", taxonomy_version: taxonomy.version },
        [
          {
            url_hash: url,
            canonical_url: url,
            link: url,
            guid: url,
            title: `${m.title} ${r}`,
            summary: m.summary,
            title_key: `${p.name}-${r}`,
            published_at: new Date(),
            published_estimated: false,
            fetched_at: new Date(),
            lang: c.lang,
            script: c.script,
            lang_confidence: c.langConfidence,
            themes: c.themes.map((t) => ({ id: t.id, evidence: t.evidence })),
          },
        ],
      );
      ids.push(...stored.insertedIds);
    }
  preloadLexicons();

  const deps = {
    db,
    config: parseConfig({
      FETCH_ALLOW_PRIVATE_NETWORKS: "true",
      PAGE_FETCH_MIN_SPACING_MS: "0",
      HOST_MIN_SPACING_MS: "0",
    }),
    taxonomy,
    hostGate: new MemoryHostGate({ spacingMs: 0, holdMs: 60_000 }),
    metrics: createMetrics("bench"),
    logger: createLogger("bench", "silent"),
  };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const queue = [...ids];
  const t0 = performance.now();
  let done = 0;
  let busy = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        for (;;) {
          const r = await processFetchArticle(deps, { articleId: id });
          if (r.status !== "host_busy") break;
          busy++;
          await new Promise((resolve) => setTimeout(resolve, r.waitMs));
        }
        done++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const statuses = await db
    .selectFrom("article_bodies")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  console.log(
    `page jobs: ${done} pages (${pages.length} labelled x ${ROUNDS}) on ${HOSTS.length} loopback hosts, ${IN_FLIGHT} in flight, no spacing: ` +
      `${(done / seconds).toFixed(1)} pages/s (${((seconds * 1000) / done).toFixed(1)} ms each), ${busy} host-busy waits`,
  );
  console.log(`outcomes: ${statuses.map((s) => `${s.status} ${s.n}`).join(", ")}`);
  console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (Node ${process.version})`);
  await db.destroy();
  await dropDatabase(DB_URL);
  await Promise.all(servers.map((s) => s.close()));
}

await main();
