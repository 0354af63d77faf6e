import { readFile, rename, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@vesti/config";
import {
  type Database,
  feedHealth,
  type PageHealth,
  pageHealth,
  type SourceOutlet,
  type SyncReport,
  syncSources,
} from "@vesti/db";
import {
  buildOpml,
  FAILURE_HINTS,
  type FeedFetchErrorKind,
  importOpml,
  loadSources,
  type Outlet,
  parseOpml,
  parseSources,
  SourcesError,
} from "@vesti/feeds";
import { invalidSelectors } from "@vesti/fulltext";
import type { Command } from "commander";
import type { Kysely } from "kysely";
import { resolveUserPath } from "./paths";
import { withDb } from "./with-db";

export const DEFAULT_SOURCES_FILE = fileURLToPath(new URL("../../../../infra/sources.yaml", import.meta.url));

const SCRIPT: Record<Outlet["script"], string> = { cyrillic: "Cyrl", latin: "Latn", mixed: "mixed" };

export function toSourceOutlets(outlets: readonly Outlet[]): SourceOutlet[] {
  for (const o of outlets) {
    const bad = invalidSelectors([...(o.fulltext?.selectors ?? []), ...(o.fulltext?.exclude ?? [])]);
    if (bad.length > 0)
      throw new SourcesError(
        `sources: outlet ${o.id}: invalid CSS selector ${JSON.stringify(bad[0])} in fulltext`,
      );
  }
  return outlets.map((o) => ({
    id: o.id,
    name: o.name,
    country: o.country,
    language: o.language,
    script: SCRIPT[o.script],
    timeZone: o.timeZone,
    homeUrl: o.homeUrl,
    ownership: o.ownership,
    alignment: o.alignment,
    alignmentSource: o.alignmentSource ?? null,
    collections: o.collections,
    fulltext: o.fulltext
      ? {
          enabled: o.fulltext.enabled,
          selectors: "selectors" in o.fulltext ? (o.fulltext.selectors ?? null) : null,
          exclude: "exclude" in o.fulltext ? (o.fulltext.exclude ?? null) : null,
          minLength: "minLength" in o.fulltext ? (o.fulltext.minLength ?? null) : null,
        }
      : null,
    feeds: o.feeds.map((f) => ({
      url: f.url,
      kind: f.kind,
      language: f.language ?? null,
      note: f.note ?? null,
      verified: f.verified,
      headers: f.headers ?? null,
      robotsPermission: f.robotsPermission ?? o.robotsPermission ?? null,
    })),
  }));
}

export function sourcesPath(file: string | undefined): string {
  return file ? resolveUserPath(file) : DEFAULT_SOURCES_FILE;
}

export async function syncSourcesFile(db: Kysely<Database>, file: string | undefined): Promise<SyncReport> {
  return syncSources(db, toSourceOutlets(await loadSources(sourcesPath(file))));
}

function printSyncReport(report: SyncReport): void {
  const line = (what: string, r: { added: string[]; changed: string[]; removed: string[] }) =>
    `${what}: ${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed`;
  process.stdout.write(
    `${line("outlets", report.outlets)}\n${line("feeds", report.feeds)}, ${report.feeds.unchanged} unchanged\n`,
  );
  for (const url of report.feeds.removed) process.stdout.write(`  deactivated ${url}\n`);
  if (report.outlets.withoutFeeds.length > 0)
    process.stdout.write(`  outlets without a feed yet: ${report.outlets.withoutFeeds.join(", ")}\n`);
}

const ago = (d: Date | null) => {
  if (!d) return "never";
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 120
      ? `${abs}s`
      : abs < 7200
        ? `${Math.round(abs / 60)}m`
        : abs < 172800
          ? `${Math.round(abs / 3600)}h`
          : `${Math.round(abs / 86400)}d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
};

export function registerSourcesCommands(program: Command): void {
  const sources = program.command("sources").description("outlets and their feeds");
  sources
    .command("sync")
    .description("make the database's outlets and feeds match the sources file")
    .option("--file <path>", "sources YAML (default: SOURCES_FILE, else the repository's infra/sources.yaml)")
    .action(async (opts: { file?: string }) => {
      printSyncReport(await withDb((db) => syncSourcesFile(db, opts.file ?? loadConfig().SOURCES_FILE)));
    });
  sources
    .command("import")
    .argument("<file.opml>", "an OPML subscription list (Miniflux, Feedly, Inoreader, NetNewsWire, ...)")
    .description(
      "add the OPML's feeds to the sources file (its comments kept; nothing existing changed), then sync; reports what it could not map",
    )
    .option(
      "--file <path>",
      "sources YAML to edit (default: SOURCES_FILE, else the repository's infra/sources.yaml)",
    )
    .option("--country <CC>", "country of new outlets the OPML cannot place (default: from .rs/.ru domains)")
    .option("--language <code>", "language of such outlets")
    .option("--time-zone <iana>", "time zone of such outlets")
    .option("--script <script>", "cyrillic, latin or mixed")
    .option("--dry-run", "print the report and the new file, change nothing")
    .option("--no-sync", "edit the file only")
    .action(
      async (
        opml: string,
        opts: {
          file?: string;
          country?: string;
          language?: string;
          timeZone?: string;
          script?: "cyrillic" | "latin" | "mixed";
          dryRun?: boolean;
          sync: boolean;
        },
      ) => {
        const path = sourcesPath(opts.file ?? loadConfig().SOURCES_FILE);
        const opmlPath = resolveUserPath(opml);
        const { yaml, report } = importOpml(
          await readFile(path, "utf8"),
          parseOpml(await readFile(opmlPath, "utf8")),
          {
            ...(opts.country ? { country: opts.country.toUpperCase() } : {}),
            ...(opts.language ? { language: opts.language } : {}),
            ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
            ...(opts.script ? { script: opts.script } : {}),
          },
          basename(opmlPath),
        );
        const out = process.stdout;
        out.write(
          `import: ${report.addedOutlets.length} outlets and ${report.addedFeeds.length} feeds added, ` +
            `${report.alreadyListed.length} already listed, ${report.unmapped.length} not mapped\n`,
        );
        for (const id of report.addedOutlets) out.write(`  new outlet ${id}\n`);
        if (report.collections.length > 0)
          out.write(`  folders became collections: ${report.collections.join(", ")}\n`);
        for (const u of report.unmapped) out.write(`  not mapped: ${u.what}: ${u.reason}\n`);
        if (opts.dryRun) {
          out.write(`--- ${path} (not written)\n${yaml}`);
          return;
        }
        if (report.addedFeeds.length === 0) return;
        // write beside, then rename: a crash never leaves half a sources file
        await writeFile(`${path}.tmp`, yaml, "utf8");
        await rename(`${path}.tmp`, path);
        out.write(`wrote ${path}\n`);
        if (opts.sync)
          printSyncReport(await withDb((db) => syncSources(db, toSourceOutlets(parseSources(yaml)))));
      },
    );
  sources
    .command("export")
    .description(
      "the sources file as OPML (for feed readers; Vesti's outlet fields ride along as vesti:* attributes)",
    )
    .option("--format <format>", "only opml", "opml")
    .option("--file <path>", "sources YAML (default: SOURCES_FILE, else the repository's infra/sources.yaml)")
    .action(async (opts: { format: string; file?: string }) => {
      if (opts.format !== "opml") throw new Error(`unknown format "${opts.format}"; only opml`);
      const outlets = await loadSources(sourcesPath(opts.file ?? loadConfig().SOURCES_FILE));
      process.stdout.write(buildOpml(outlets));
    });
  sources
    .command("health")
    .description(
      "every feed's polling state, last error and last new item; per full-text outlet, its article pages",
    )
    .option(
      "--json",
      "JSON lines instead of tables (feeds, then one line per full-text outlet: section pages)",
    )
    .option("--days <n>", "the article pages of the last n days", "7")
    .action(async (opts: { json?: boolean; days: string }) => {
      const days = Number(opts.days);
      if (!Number.isFinite(days) || days <= 0)
        throw new Error(`--days must be a positive number, got ${opts.days}`);
      const since = new Date(Date.now() - days * 86_400_000);
      const [rows, pages] = await withDb((db) => Promise.all([feedHealth(db), pageHealth(db, { since })]));
      if (opts.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        for (const p of pages) process.stdout.write(`${JSON.stringify({ section: "pages", ...p })}\n`);
        return;
      }
      const table = rows.map((r) => ({
        outlet: r.outlet_id,
        state: r.state,
        kind: r.kind,
        failures: r.failure_count.toFixed(1),
        every: `${Math.round(r.interval_seconds / 60)}m`,
        next: ago(r.next_fetch_at),
        fetched: ago(r.last_fetched_at),
        "new item": ago(r.last_new_item_at),
        new: String(r.items_new),
        "last error": (r.last_error ?? "").slice(0, 60),
        url: r.url,
        "moved to": r.moved_to ?? "",
      }));
      process.stdout.write(`${formatTable(table)}\n`);
      // One hint per failure kind that needs the operator (robots.txt refusals, bot protection, ...).
      const kinds = [...new Set(rows.map((r) => r.last_error_kind).filter((k): k is string => !!k))];
      for (const k of kinds) {
        const hint = FAILURE_HINTS[k as FeedFetchErrorKind];
        if (hint) process.stdout.write(`\n${k}: ${hint}\n`);
      }
      if (pages.length > 0)
        process.stdout.write(
          `\nArticle pages (full text), last ${days} days:\n${formatTable(pageTable(pages))}\n`,
        );
    });
}

/** One row per full-text outlet: what became of its pages, and the median extracted length. */
export function pageTable(pages: readonly PageHealth[]): Record<string, string>[] {
  return pages.map((p) => ({
    outlet: p.outlet_id,
    "full text": p.fulltext ? "on" : "off",
    fetched: String(p.fetched),
    extracted: String(p.extracted),
    "summary kept": String(p.fell_back),
    failed: String(p.failed),
    "robots.txt": String(p.blocked_robots),
    waiting: String(p.waiting),
    retrying: String(p.retrying),
    "median chars": p.median_length === null ? "" : String(p.median_length),
    "last page": ago(p.last_fetched_at),
    "last failure": (p.last_failure ?? "").slice(0, 60),
  }));
}

export function formatTable(rows: Record<string, string>[]): string {
  if (rows.length === 0) return "(none)";
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(width[i]!))
      .join("  ")
      .trimEnd();
  return [
    fmt(cols),
    fmt(width.map((w) => "-".repeat(w))),
    ...rows.map((r) => fmt(cols.map((c) => r[c] ?? ""))),
  ].join("\n");
}
