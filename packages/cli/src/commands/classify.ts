import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { classifyItem } from "@vesti/ingest";
import { explainLanguage } from "@vesti/langid";
import { defaultTaxonomy, describeTaxonomy, type Taxonomy, tagItem } from "@vesti/themes";
import type { Command } from "commander";
import { z } from "zod";

const inputLine = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  summary: z.string().nullish(),
  feedLanguage: z.string().nullish(),
  country: z.string().nullish(),
});

export interface ClassifyOptions {
  /** Add `langEvidence` to each line: what decided the language (see explainLanguage in @vesti/langid). */
  explain?: boolean;
}

/**
 * Reads JSON lines ({"id","title","summary","feedLanguage","country"}, only title required) and writes one
 * JSON line per input line. A malformed line yields an error line with its line number; the rest still run.
 * Returns the number of malformed lines.
 */
export async function classifyStream(
  input: Readable,
  output: Writable,
  taxonomy: Taxonomy,
  options: ClassifyOptions = {},
): Promise<number> {
  let lineNo = 0;
  let errors = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    if (line.trim() === "") continue;
    let result: Record<string, unknown>;
    try {
      const item = inputLine.parse(JSON.parse(line));
      const c = classifyItem(taxonomy, item);
      result = {
        ...(item.id !== undefined ? { id: item.id } : {}),
        lang: c.lang,
        script: c.script,
        langConfidence: Number(c.langConfidence.toFixed(3)),
        themes: c.themes,
        taxonomyVersion: taxonomy.version,
      };
      if (options.explain) {
        // The same decision, traced: letters, frequent words, dictionary answers, letter models, franc, hints.
        result.langEvidence = explainLanguage({
          title: item.title,
          summary: item.summary ?? null,
          feedLanguage: item.feedLanguage ?? null,
          country: item.country ?? null,
        }).evidence;
      }
    } catch (error) {
      errors++;
      const message =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join(".") || "line"}: ${i.message}`).join("; ")
          : error instanceof Error
            ? error.message
            : String(error);
      result = { line: lineNo, error: message };
    }
    if (!output.write(`${JSON.stringify(result)}\n`)) await new Promise((r) => output.once("drain", r));
  }
  return errors;
}

export function registerClassifyCommands(program: Command): void {
  program
    .command("classify")
    .description("language, script and themes for JSON lines on stdin (one JSON line out per line in)")
    .option(
      "--explain",
      "add langEvidence to each line: the letters, frequent words, dictionary answers per language, letter-model scores of the words no dictionary knows, franc scores and hints that decided the language",
    )
    .action(async (opts: { explain?: boolean }) => {
      const errors = await classifyStream(process.stdin, process.stdout, defaultTaxonomy(), {
        explain: opts.explain === true,
      });
      if (errors > 0) process.exitCode = 1;
    });

  const themes = program.command("themes").description("the theme taxonomy");
  themes
    .command("list")
    .description("print the taxonomy and its version")
    .action(() => {
      process.stdout.write(`${describeTaxonomy(defaultTaxonomy())}\n`);
    });
  themes
    .command("test")
    .argument("<text>", "a title (and optionally a summary after a blank line or ' || ')")
    .option("--summary <text>", "the item's summary")
    .option("--lang <code>", "language hint (sr, ru, en)")
    .description("show the tags and evidence for one text")
    .action((text: string, opts: { summary?: string; lang?: string }) => {
      const tax = defaultTaxonomy();
      const tags = tagItem(tax, { title: text, summary: opts.summary ?? null, lang: opts.lang ?? null });
      process.stdout.write(`${JSON.stringify({ taxonomyVersion: tax.version, themes: tags }, null, 2)}\n`);
    });
}
