import { fileURLToPath } from "node:url";
import { loadConfig } from "@vesti/config";
import { type Database, feedHealth, type SourceOutlet, type SyncReport, syncSources } from "@vesti/db";
import { loadSources, type Outlet, SourcesError } from "@vesti/feeds";
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
      language: f.language ?? null,
      note: f.note ?? null,
      verified: f.verified,
    })),
  }));
}

export async function syncSourcesFile(db: Kysely<Database>, file: string | undefined): Promise<SyncReport> {
  const path = file ? resolveUserPath(file) : DEFAULT_SOURCES_FILE;
  return syncSources(db, toSourceOutlets(await loadSources(path)));
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
      const report = await withDb((db) => syncSourcesFile(db, opts.file ?? loadConfig().SOURCES_FILE));
      const line = (what: string, r: { added: string[]; changed: string[]; removed: string[] }) =>
        `${what}: ${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed`;
      process.stdout.write(
        `${line("outlets", report.outlets)}\n${line("feeds", report.feeds)}, ${report.feeds.unchanged} unchanged\n`,
      );
      for (const url of report.feeds.removed) process.stdout.write(`  deactivated ${url}\n`);
    });
  sources
    .command("health")
    .description("every feed's polling state, last error and last new item")
    .option("--json", "JSON lines instead of a table")
    .action(async (opts: { json?: boolean }) => {
      const rows = await withDb((db) => feedHealth(db));
      if (opts.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const table = rows.map((r) => ({
        outlet: r.outlet_id,
        state: r.state,
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
    });
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
