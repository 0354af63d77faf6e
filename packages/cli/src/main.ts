#!/usr/bin/env node
import { Command } from "commander";
import { registerCommands } from "./commands/index";
import { selectDatabase } from "./commands/with-db";

// The one `vesti` entry point: every sub-command lives in ./commands and is registered there.
const program = new Command()
  .name("vesti")
  .description("Vesti: Serbian and Russian news monitoring (ingest, language, themes, trends)")
  .option("--db <name>", "use another database on the mode's server (`vesti demo` fills vesti_demo)")
  .showHelpAfterError()
  .hook("preAction", () => selectDatabase(program.opts<{ db?: string }>().db));

registerCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Every error the user can act on is one sentence naming what to fix; nothing else is printed.
  process.stderr.write(`vesti: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
