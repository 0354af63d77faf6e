import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopEmbeddedPostgres } from "@vesti/embedded";

/** A free loopback port (the embedded server needs a fixed one; tests must not take the default). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A fresh VESTI_HOME and port for the embedded mode; `remove` stops its server and deletes the folder. */
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
