import { describeParamError, queryTrends, type TrendQuery, type TrendRow, trendQuerySchema } from "@vesti/db";
import { THEME_IDS } from "@vesti/themes";
import { type Command, Option } from "commander";
import { withDb } from "./with-db";

/** The command's options: the query's fields plus the output format. */
interface TrendOptions extends TrendQuery {
  format: "table" | "csv" | "json";
}

export function registerTrendCommands(program: Command): void {
  program
    .command("trends")
    .description("mentions of one theme per UTC day or ISO week (current taxonomy; see docs/sql.md)")
    .requiredOption("--theme <id>", `theme id: ${THEME_IDS.join(", ")}`)
    .addOption(
      new Option("--by <period>", "one row per day or per ISO week").choices(["day", "week"]).default("week"),
    )
    .option("--since <YYYY-MM-DD>", "first UTC day (by week: its whole ISO week)")
    .option("--until <YYYY-MM-DD>", "last UTC day (by week: weeks starting on or before it)")
    .option("--lang <code>", "only articles in this language (sr, ru, en, ...)")
    .option("--script <code>", "only articles in this script: Cyrl (Cyrillic), Latn (Latin) or mixed")
    .option("--country <CC>", "only outlets of this country (RS, RU, ...)")
    .option("--outlet <id>", "only this outlet")
    .option(
      "--collection <slug>",
      "only outlets of this collection, e.g. pro-government-rs (docs/sources.md)",
    )
    .option("--share", "add the share column: mentions / articles of the period")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "csv", "json"]).default("table"),
    )
    .action(async (options: TrendOptions) => {
      // The same schema as the web page's parameters (packages/db/src/params.ts).
      const { format: _format, ...flags } = options;
      const parsed = trendQuerySchema.safeParse(flags);
      if (!parsed.success) throw new Error(describeParamError(parsed.error));
      const query: TrendQuery = parsed.data;
      await withDb(async (db) => {
        const rows = await queryTrends(db, query);
        process.stdout.write(formatTrends(rows, options));
        if (rows.length === 0) process.stderr.write("no articles match these filters\n");
      });
    });
}

/** Renders the rows; the share column only with --share. Exported for tests. */
export function formatTrends(
  rows: readonly TrendRow[],
  options: Pick<TrendOptions, "by" | "share" | "format">,
): string {
  const columns = ["period", ...(options.by === "week" ? ["iso_week"] : []), "mentions", "articles"];
  if (options.share) columns.push("share");
  const value = (row: TrendRow, c: string) => (row as unknown as Record<string, unknown>)[c] ?? null;

  if (options.format === "json")
    return `${JSON.stringify(
      rows.map((r) => Object.fromEntries(columns.map((c) => [c, value(r, c)]))),
      null,
      2,
    )}\n`;
  if (options.format === "csv")
    return [columns.join(","), ...rows.map((r) => columns.map((c) => String(value(r, c) ?? "")).join(","))]
      .map((line) => `${line}\n`)
      .join("");

  const cell = (r: TrendRow, c: string) => {
    const v = value(r, c);
    if (c === "share") return v === null ? "-" : `${((v as number) * 100).toFixed(2)}%`;
    return String(v);
  };
  const table = [columns, ...rows.map((r) => columns.map((c) => cell(r, c)))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  const numeric = (c: string) => c === "mentions" || c === "articles" || c === "share";
  return table
    .map(
      (line) =>
        `${line
          .map((v, i) => (numeric(columns[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
