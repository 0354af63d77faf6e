import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseConfig } from "@vesti/config";
import { dropDatabase, seedDemo } from "@vesti/db";
import type { Command } from "commander";
import { sql } from "kysely";
import { DEMO_FEED_OUTLETS, demoFeed, demoItems } from "../demo/feeds";
import { renderRows } from "../output";
import { runPipeline } from "./run";
import { onModeServer, selectDatabase, selectedDatabase, withDb } from "./with-db";

export const DEMO_DATABASE = "vesti_demo";

export function registerDemoCommands(program: Command): void {
  const demo = program
    .command("demo")
    .description(
      "the pipeline on a bundled sample (no network needed): serve six demo outlets' feeds on loopback, " +
        `ingest them into the database ${DEMO_DATABASE}, show the trends and what to try next`,
    )
    .action(async () => {
      await runDemo();
    });
  demo
    .command("seed")
    .description(
      "store deterministic synthetic articles (titles start with 'Demo:') for nine Serbian and Russian " +
        "outlets, for trying the SQL in docs/sql.md on years of data",
    )
    .option("--from <YYYY-MM-DD>", "first UTC day", "2020-01-01")
    .option("--to <YYYY-MM-DD>", "last UTC day", "2021-12-31")
    .option("--per-day <n>", "average articles per outlet and weekday", "40")
    .option("--seed <n>", "PRNG seed (same seed and dates give the same articles)", "1")
    .option("--force", "seed even if the database already holds real articles")
    .action(async (options: { from: string; to: string; perDay: string; seed: string; force?: boolean }) => {
      const perDay = Number(options.perDay);
      const seed = Number(options.seed);
      if (!Number.isFinite(perDay) || perDay <= 0) throw new Error("--per-day must be a positive number");
      if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");
      const started = Date.now();
      let lastMonth = "";
      await withDb(async (db) => {
        const result = await seedDemo(db, {
          from: options.from,
          to: options.to,
          perDay,
          seed,
          force: options.force,
          onProgress: ({ day, inserted }) => {
            const month = day.slice(0, 7);
            if (month !== lastMonth && process.stderr.isTTY)
              process.stderr.write(`\r${month}: ${inserted} stored`);
            lastMonth = month;
          },
        });
        if (process.stderr.isTTY) process.stderr.write("\n");
        process.stdout.write(
          `demo seed: ${result.inserted} articles stored (${result.duplicates} already present) for ` +
            `${result.outlets} outlets over ${result.days} days, taxonomy version ${result.taxonomyVersion}, ` +
            `in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
      });
    });
}

/** Serves the sample feeds on 127.0.0.1 (a free port) until closed. */
async function serveSample(now: Date) {
  const items = demoItems(now);
  const server = createServer((req, res) => {
    const id = (req.url ?? "").replace(/^\/+|\.xml$/g, "");
    const outlet = DEMO_FEED_OUTLETS.find((o) => o.id === id);
    if (!outlet) return void res.writeHead(404).end();
    const { body, contentType } = demoFeed(outlet, items.get(id) ?? [], `${base}/${id}.xml`);
    res.writeHead(200, { "content-type": contentType, "content-length": body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    items: [...items.values()].reduce((n, list) => n + list.length, 0),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function sourcesYaml(base: string): string {
  const lines = ["version: 1", "outlets:"];
  for (const o of DEMO_FEED_OUTLETS)
    lines.push(
      `  - id: ${o.id}`,
      `    name: ${JSON.stringify(o.name)}`,
      `    country: ${o.country}`,
      `    language: ${o.variant === "ru" ? "ru" : "sr"}`,
      `    script: ${o.variant === "sr-Cyrl" || o.variant === "ru" ? "cyrillic" : "latin"}`,
      `    timeZone: ${o.country === "RU" ? "Europe/Moscow" : "Europe/Belgrade"}`,
      `    homeUrl: https://demo.invalid/${o.id}/`,
      `    ownership: ${o.ownership}`,
      `    alignment: ${o.alignment}`,
      ...(o.alignment === "unknown" ? [] : ["    alignmentSource: demo data (an invented outlet)"]),
      `    collections: [${o.collections.join(", ")}]`,
      "    feeds:",
      `      - url: ${base}/${o.id}.xml`,
      "        note: vesti demo sample, served on loopback",
    );
  return `${lines.join("\n")}\n`;
}

export async function runDemo(options: { now?: Date } = {}): Promise<void> {
  const now = options.now ?? new Date();
  const database = selectedDatabase() ?? DEMO_DATABASE;
  selectDatabase(database);
  const sample = await serveSample(now);
  const dir = mkdtempSync(join(tmpdir(), "vesti-demo-"));
  const sources = join(dir, "sources.yaml");
  writeFileSync(sources, sourcesYaml(sample.base));
  try {
    // A fresh demo database each time: its dates follow today's.
    await onModeServer(async (url) => dropDatabase(url));
    process.stderr.write(
      `vesti demo: ${DEMO_FEED_OUTLETS.length} demo outlets, ${sample.items} items over nine weeks, served on ${sample.base}; ` +
        `ingesting into the database ${database}\n`,
    );
    const env = loadConfig();
    await runPipeline({
      once: true,
      timeoutSeconds: 300,
      sourcesFile: sources,
      // The sample lives on loopback, which feed fetches refuse by default.
      config: parseConfig({
        ...process.env,
        FETCH_ALLOW_PRIVATE_NETWORKS: "true",
        HOST_MIN_SPACING_MS: "0",
        LOG_LEVEL: process.env.LOG_LEVEL ?? (env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL),
      }),
      opsServer: false,
    });
    await withDb(async (db) => {
      const thesis = await sql<Record<string, unknown>>`
        SELECT iso_week AS week, articles,
               russian_aid, round(100 * russian_aid_share::numeric, 1) AS "russian %",
               chinese_aid, round(100 * chinese_aid_share::numeric, 1) AS "chinese %",
               eu_aid, round(100 * eu_aid_share::numeric, 1) AS "eu %"
        FROM analytics.aid_attention_weekly ORDER BY week_start`.execute(db);
      process.stdout.write(
        `\nThe thesis: Serbian outlets' attention to Russian, Chinese and EU aid, per ISO week (analytics.aid_attention_weekly):\n${renderRows(thesis.rows, "table")}`,
      );
    });
    const v = `pnpm vesti --db ${database}`;
    const next: [string, string][] = [
      [`${v} sql "SELECT * FROM analytics.aid_attention_weekly ORDER BY week_start"`, ""],
      [`${v} trends --theme chinese_aid --share`, "one theme, per week"],
      [
        `${v} trends --theme chinese_aid --country RS --script Cyrl --share`,
        "Serbian outlets, Cyrillic only",
      ],
      [`${v} sql`, "an interactive prompt; \\d lists the views"],
      [`${v} digest preview`, "last week's e-mail digest"],
      ["docs/sql.md", "every view, with example queries"],
      ["pnpm start", "the real thing: polls the outlets in infra/sources.yaml"],
    ];
    const w = Math.max(...next.filter(([, why]) => why).map(([cmd]) => cmd.length));
    process.stdout.write(
      `\nTry next:\n${next.map(([cmd, why]) => `  ${why ? `${cmd.padEnd(w)}  (${why})` : cmd}`).join("\n")}\n`,
    );
  } finally {
    await sample.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
