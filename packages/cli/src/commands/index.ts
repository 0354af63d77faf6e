import type { Command } from "commander";
import { registerAlertCommands } from "./alerts";
import { registerArticleCommands } from "./article";
import { registerClassifyCommands } from "./classify";
import { registerDbCommands } from "./db";
import { registerDemoCommands } from "./demo";
import { registerDigestCommands } from "./digest";
import { registerFeedCommands } from "./feeds";
import { registerRetagCommands } from "./retag";
import { registerRunCommands } from "./run";
import { registerServeCommands } from "./serve";
import { registerSourcesCommands } from "./sources";
import { registerSqlCommands } from "./sql";
import { registerTrendCommands } from "./trends";

// Each area registers its own sub-commands; keep one line per area.
export function registerCommands(program: Command): void {
  registerDbCommands(program);
  registerTrendCommands(program);
  registerDemoCommands(program);
  registerRunCommands(program);
  registerSourcesCommands(program);
  registerFeedCommands(program);
  registerArticleCommands(program);
  registerClassifyCommands(program);
  registerRetagCommands(program);
  registerDigestCommands(program);
  registerAlertCommands(program);
  registerServeCommands(program);
  registerSqlCommands(program);
}
