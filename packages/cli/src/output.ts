// Rows out of the CLI in one of three shapes: an aligned table for people, CSV for spreadsheets and
// notebooks, JSON for programs. Every command that prints rows goes through here.

export type OutputFormat = "table" | "csv" | "json";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "csv", "json"];

export type Row = Record<string, unknown>;

export interface RenderOptions {
  /** Column order (default: the first row's keys). */
  columns?: readonly string[];
  /** How a table shows a value (CSV and JSON always carry the raw value). */
  cell?: (column: string, value: unknown) => string;
  /** Printed by the table instead of nothing when there are no rows. */
  empty?: string;
}

export function renderRows(rows: readonly Row[], format: OutputFormat, options: RenderOptions = {}): string {
  const columns = options.columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (format === "json")
    return `${JSON.stringify(
      rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))),
      null,
      2,
    )}\n`;
  if (format === "csv")
    return [columns, ...rows.map((r) => columns.map((c) => plain(r[c])))]
      .map((line) => `${line.map(csvField).join(",")}\n`)
      .join("");
  if (rows.length === 0) return options.empty ? `${options.empty}\n` : "";
  const show = options.cell ?? ((_c: string, v: unknown) => plain(v));
  const body = rows.map((r) => columns.map((c) => show(c, r[c]).replace(/[\r\n\t]+/g, " ")));
  // A column is right-aligned when every non-empty value in it is a number.
  const numeric = columns.map(
    (c) => rows.some((r) => r[c] != null) && rows.every((r) => r[c] == null || isNumber(r[c])),
  );
  const widths = columns.map((c, i) => Math.max(width(c), ...body.map((line) => width(line[i]!))));
  const line = (cells: readonly string[]) =>
    cells
      .map((v, i) => (numeric[i] ? pad(v, widths[i]!, "start") : pad(v, widths[i]!, "end")))
      .join("  ")
      .trimEnd();
  return `${[line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n")}\n`;
}

/** A value as text: numbers and strings as they are, dates as ISO 8601, arrays and objects as JSON. */
export function plain(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function isNumber(v: unknown): boolean {
  return (
    typeof v === "number" || typeof v === "bigint" || (typeof v === "string" && /^-?\d+(\.\d+)?%?$/.test(v))
  );
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Display width: combining marks take no column (Serbian and Russian text is otherwise one per letter). */
function width(s: string): number {
  return [...s.replace(/\p{M}/gu, "")].length;
}

function pad(s: string, w: number, side: "start" | "end"): string {
  const fill = " ".repeat(Math.max(0, w - width(s)));
  return side === "start" ? fill + s : s + fill;
}
