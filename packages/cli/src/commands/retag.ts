import { activateTaxonomyVersion } from "@vesti/db";
import { processRetag, RETAG_BATCH_SIZE } from "@vesti/ingest";
import { defaultTaxonomy } from "@vesti/themes";
import type { Command } from "commander";
import { withDb } from "./with-db";

export function registerRetagCommands(program: Command): void {
  program
    .command("retag")
    .description("re-apply the current taxonomy to stored articles now, in this process (resumable)")
    .option("--batch <n>", "articles per transaction", String(RETAG_BATCH_SIZE))
    .action(async (opts: { batch: string }) => {
      await withDb(async (db) => {
        // Ctrl-C stops at the next batch boundary, recorded as interrupted; a later run resumes.
        const abort = new AbortController();
        process.once("SIGINT", () => abort.abort());
        const taxonomy = defaultTaxonomy();
        await activateTaxonomyVersion(db, taxonomy.version);
        const t0 = performance.now();
        const result = await processRetag(
          {
            db,
            signal: abort.signal,
            taxonomy,
            onProgress: (p) => {
              process.stderr.write(`\rretagged ${p.articlesDone} articles (last id ${p.lastArticleId})`);
            },
          },
          { toVersion: taxonomy.version, batchSize: Number(opts.batch) },
        );
        const seconds = (performance.now() - t0) / 1000;
        process.stderr.write("\n");
        process.stdout.write(
          `${JSON.stringify({ version: taxonomy.version, ...result, seconds: Number(seconds.toFixed(2)) })}\n`,
        );
      });
    });
}
