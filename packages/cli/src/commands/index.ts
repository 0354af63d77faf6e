import type { Command } from "commander";
import { registerDbCommands } from "./db";

// Each area registers its own sub-commands; keep one line per area.
export function registerCommands(program: Command): void {
  registerDbCommands(program);
}
