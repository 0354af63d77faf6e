#!/usr/bin/env node
import { Command } from "commander";
import { registerCommands } from "./commands/index";

// The one `vesti` entry point: every sub-command lives in ./commands and is registered there.
const program = new Command()
  .name("vesti")
  .description("Vesti: Serbian and Russian news monitoring (ingest, language, themes, trends)")
  .showHelpAfterError();

registerCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`vesti: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
