import { loadConfig } from "@vesti/config";
import { activateTaxonomyVersion } from "@vesti/db";
import { processRetag } from "@vesti/ingest";
import { createServiceContext } from "@vesti/runtime";
import { defaultTaxonomy } from "@vesti/themes";
import type { Command } from "commander";

export function registerRetagCommands(program: Command): void {
  program
    .command("retag")
    .description("re-apply the current taxonomy to stored articles now, in this process (resumable)")
    .option("--batch <n>", "articles per transaction", "2000")
    .action(async (opts: { batch: string }) => {
      const ctx = createServiceContext("retag", loadConfig());
      try {
        const taxonomy = defaultTaxonomy();
        await activateTaxonomyVersion(ctx.db, taxonomy.version);
        const t0 = performance.now();
        const result = await processRetag(
          {
            db: ctx.db,
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
      } finally {
        await ctx.shutdown.shutdown("retag finished");
      }
    });
}
