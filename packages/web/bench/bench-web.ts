import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createDb } from "@vesti/db";
import { createLogger } from "@vesti/runtime";
import { sql } from "kysely";
import { CHROMIUM, launchBrowser } from "../../../test/support/browser";
import { startWebServer } from "../src/index";

// The trends page's speed on the benchmark database that packages/db's bench fills (vesti_bench: 10M
// articles over five years by default; BENCH_TREND_ARTICLES=1000000 there for a smaller one). For each
// page: the server's time (request to last byte, over loopback) and, when Debian's chromium is installed,
// the browser's time to a ready page (navigation start to the page's script having run, i.e. HTML, CSS,
// font, script, inline SVG parsed and laid out). Prints p50/p95; asserts nothing. Goal: under 1 s.

const URL_ = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/vesti_bench";
const RUNS = Math.max(5, Number.parseInt(process.env.BENCH_RUNS ?? "15", 10));
const log = (msg: string) => process.stdout.write(`${msg}\n`);

const quantiles = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { p50: q(0.5), p95: q(0.95) };
};

async function main(): Promise<void> {
  const probe = createDb(URL_, { poolSize: 1 });
  let size: { articles: number; db: string; first: string | null; last: string | null };
  try {
    const r = await sql<{ articles: number; db: string; first: string | null; last: string | null }>`
      SELECT (SELECT count(*) FROM articles)::int8 AS articles,
             pg_size_pretty(pg_database_size(current_database())) AS db,
             (SELECT min(day) FROM article_daily_counts)::text AS first,
             (SELECT max(day) FROM article_daily_counts)::text AS last`.execute(probe);
    size = r.rows[0]!;
  } catch (error) {
    log(`no benchmark database at ${URL_} (${(error as Error).message}): run packages/db's bench first`);
    return;
  } finally {
    await probe.destroy();
  }
  if (!size.articles || !size.last) {
    log(`${URL_} holds no articles: run packages/db's bench first (BENCH_GENERATE_ONLY=1 fills it)`);
    return;
  }
  log(`database ${size.db}: ${size.articles.toLocaleString("en")} articles, ${size.first} to ${size.last}`);

  const year = new Date(`${size.last}T00:00:00Z`);
  year.setUTCFullYear(year.getUTCFullYear() - 1);
  const lastYear = year.toISOString().slice(0, 10);
  const week = new Date(`${size.last}T00:00:00Z`);
  week.setUTCDate(week.getUTCDate() - 14 - ((week.getUTCDay() + 6) % 7));
  const aWeek = week.toISOString().slice(0, 10);
  const pages: [string, string][] = [
    ["landing (thesis + tie, five years)", "/"],
    ["explore: 3 themes by week, all outlets", "/explore"],
    ["explore: kosovo split by country, by month", "/explore?theme=kosovo&split=country&by=month"],
    [
      "explore: russian_aid, Serbian outlets, split by script",
      "/explore?theme=russian_aid&country=RS&lang=sr&split=script&by=week",
    ],
    ["explore: putin by day, last year, smoothed", `/explore?theme=putin&by=day&from=${lastYear}&smooth=7`],
    [
      "compare: 3 queries by week",
      "/compare?q=chinese_aid;country=RS&q=chinese_aid;country=RU&q=russian_aid;country=RS;lang=sr",
    ],
    ["articles of a point (sample)", `/articles?theme=kosovo&country=RS&by=week&period=${aWeek}`],
    ["articles of a point (all, page 2)", `/articles?theme=kosovo&by=week&period=${aWeek}&order=time&page=2`],
    ["outlets", "/outlets"],
    ["download thesis.csv", "/thesis.csv"],
    ["download explore.png", "/explore.png"],
  ];

  const server = await startWebServer({
    databaseUrl: URL_,
    port: 0,
    logger: createLogger("web-bench", "warn"),
  });
  try {
    // The landing page's co-occurrence numbers are cached (5 min) after the first request: time it cold
    // once, then warm like everything else.
    let t = performance.now();
    await (await fetch(`${server.url}/`)).arrayBuffer();
    log(
      `landing, first request after start (co-occurrence warming): ${(performance.now() - t).toFixed(0)} ms`,
    );
    log("server time, request to last byte:");
    for (const [name, path] of pages) {
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS + 2; i++) {
        t = performance.now();
        const res = await fetch(`${server.url}${path}`);
        bytes = (await res.arrayBuffer()).byteLength;
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
        if (i >= 2) ms.push(performance.now() - t);
      }
      const q = quantiles(ms);
      log(
        `  ${name}: p50 ${q.p50.toFixed(0)} ms, p95 ${q.p95.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KB (${RUNS} runs)`,
      );
    }

    if (!existsSync(CHROMIUM)) {
      log(`load time: skipped (${CHROMIUM} not installed)`);
      return;
    }
    const browser = await launchBrowser();
    const { context } = browser;
    try {
      log("browser load time, navigation start to page ready (script run) / load event:");
      const page = await context.newPage();
      for (const [name, path] of pages.filter(([, p]) => !/\.(csv|png)$/.test(p.split("?")[0]!))) {
        const ready: number[] = [];
        const loaded: number[] = [];
        for (let i = 0; i < Math.max(5, Math.round(RUNS / 2)) + 1; i++) {
          await page.goto(`${server.url}${path}`, { waitUntil: "load" });
          await page.waitForSelector("html[data-ready]");
          // Runs in the page (a string, so this file needs no DOM types).
          const nav = (await page.evaluate(
            `(() => { const e = performance.getEntriesByType("navigation")[0]; return { ready: e.domContentLoadedEventEnd, load: e.loadEventEnd }; })()`,
          )) as { ready: number; load: number };
          if (i === 0) continue; // the first load fills the browser's cache of the assets
          ready.push(nav.ready);
          loaded.push(nav.load);
        }
        const r = quantiles(ready);
        const l = quantiles(loaded);
        log(
          `  ${name}: ready p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms; load p50 ${l.p50.toFixed(0)} ms, p95 ${l.p95.toFixed(0)} ms`,
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}

await main();
