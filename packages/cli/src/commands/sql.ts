import { createInterface } from "node:readline/promises";
import { createPool } from "@vesti/db";
import { type Command, Option } from "commander";
import type pg from "pg";
import { OUTPUT_FORMATS, type OutputFormat, renderRows } from "../output";
import { withDb } from "./with-db";

// `vesti sql`: psql's everyday use on whichever database the mode uses, the embedded one included (its
// binaries ship no psql). Read-only by default, as the analysts' role vesti_analyst.

interface SqlOptions {
  format: OutputFormat;
  admin?: boolean;
}

export function registerSqlCommands(program: Command): void {
  program
    .command("sql")
    .description(
      "run SQL on the mode's database and print the rows (no query: an interactive prompt, or the query from stdin)",
    )
    .argument("[query]", "SQL to run (several statements separated by ;)")
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS).default("table"))
    .option("--admin", "run as the database owner instead of the read-only analyst role vesti_analyst")
    .action(async (query: string | undefined, options: SqlOptions) => {
      await withDb(async (_db, url) => {
        const pool = createPool(url, { poolSize: 1, applicationName: "vesti-sql" });
        const client = await pool.connect();
        try {
          if (!options.admin) await client.query("SET ROLE vesti_analyst");
          if (query !== undefined) return void (await runAndPrint(client, query, options.format, true));
          if (!process.stdin.isTTY)
            return void (await runAndPrint(client, await readStdin(), options.format, true));
          await prompt(client, options);
        } finally {
          client.release();
          await pool.end();
        }
      });
    });
}

/** Runs one or more statements and prints each result; false when the server refused them. */
async function runAndPrint(
  client: pg.PoolClient,
  text: string,
  format: OutputFormat,
  failHard: boolean,
): Promise<boolean> {
  if (!text.trim()) return true;
  let results: pg.QueryResult | pg.QueryResult[];
  try {
    // No parameters: the simple query protocol, which takes several statements at once.
    results = await client.query(text);
  } catch (error) {
    const e = error as { message?: string; position?: string; hint?: string };
    const message = `ERROR: ${e.message ?? String(error)}${e.hint ? ` (hint: ${e.hint})` : ""}`;
    if (failHard) throw new Error(message);
    process.stderr.write(`${message}\n`);
    return false;
  }
  for (const r of Array.isArray(results) ? results : [results]) process.stdout.write(formatResult(r, format));
  return true;
}

/** A query's rows in the chosen format; a statement without rows prints its command tag (UPDATE 3). */
export function formatResult(result: pg.QueryResult, format: OutputFormat): string {
  if (!result.fields || result.fields.length === 0)
    return format === "table"
      ? `${result.command}${result.rowCount !== null ? ` ${result.rowCount}` : ""}\n`
      : "";
  const columns = result.fields.map((f) => f.name);
  const out = renderRows(result.rows as Record<string, unknown>[], format, { columns });
  if (format !== "table") return out;
  const n = result.rows.length;
  return `${out}(${n} ${n === 1 ? "row" : "rows"})\n`;
}

async function prompt(client: pg.PoolClient, options: SqlOptions): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(
    `vesti sql: statements end with ;  \\d lists the analysts' views  \\q quits  ` +
      `(${options.admin ? "as the database owner" : "read-only, as vesti_analyst"})\n`,
  );
  let buffer = "";
  try {
    for (;;) {
      const line = await rl.question(buffer ? "vesti-> " : "vesti=> ").catch(() => "\\q");
      const trimmed = line.trim();
      if (!buffer && (trimmed === "\\q" || trimmed === "exit" || trimmed === "quit")) return;
      if (!buffer && trimmed === "\\d") {
        await runAndPrint(client, LIST_VIEWS, "table", false);
        continue;
      }
      buffer += `${line}\n`;
      if (trimmed.endsWith(";")) {
        await runAndPrint(client, buffer, options.format, false);
        buffer = "";
      }
    }
  } finally {
    rl.close();
  }
}

const LIST_VIEWS = `
SELECT table_schema || '.' || table_name AS name,
       CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind
FROM information_schema.tables
WHERE table_schema = 'analytics'
ORDER BY 2 DESC, 1;`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
