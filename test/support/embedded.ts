import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopEmbeddedPostgres } from "@vesti/embedded";
import { freePort } from "./processes";

/** A fresh VESTI_HOME and a free port (never the default one) for the embedded mode; `remove` stops its server and deletes the folder. */
export async function embeddedHome(): Promise<{
  home: string;
  port: number;
  env: Record<string, string>;
  remove: () => Promise<void>;
}> {
  const home = mkdtempSync(join(tmpdir(), "vesti-embedded-test-"));
  const port = await freePort();
  return {
    home,
    port,
    env: { VESTI_HOME: home, EMBEDDED_PG_PORT: String(port) },
    remove: async () => {
      await stopEmbeddedPostgres(home).catch(() => false);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
