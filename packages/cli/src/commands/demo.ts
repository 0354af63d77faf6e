import { seedDemo } from "@vesti/db";
import type { Command } from "commander";
import { withDb } from "./with-db";

export function registerDemoCommands(program: Command): void {
  const demo = program.command("demo").description("synthetic demo data for trying the analytics views");
  demo
    .command("seed")
    .description(
      "store deterministic synthetic articles (titles start with 'Demo:') for nine Serbian and Russian " +
        "outlets",
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
