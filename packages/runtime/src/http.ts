import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { StartupError } from "./startup";

export type HealthCheck = () => Promise<void>;

export interface OpsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * /healthz (200 when every check passes, 503 with the failures otherwise) and /metrics (Prometheus text).
 * `fallback` serves any other path (the ops service mounts Bull Board there).
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  checks: Record<string, HealthCheck>;
  beforeScrape?: () => Promise<void>;
  fallback?: RequestListener;
}): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      void runChecks(options.checks).then((failures) => {
        res.writeHead(failures.length === 0 ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: failures.length === 0, failures }));
      });
      return;
    }
    if (path === "/metrics") {
      void (async () => {
        try {
          await options.beforeScrape?.();
        } catch {
          // a failed queue-depth refresh must not hide the other metrics
        }
        res.writeHead(200, { "content-type": options.registry.contentType });
        res.end(await options.registry.metrics());
      })();
      return;
    }
    if (options.fallback) return options.fallback(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new StartupError(
              `port ${options.port} on ${options.host} (HTTP_PORT, for /healthz and /metrics) is taken, perhaps by another Vesti process: ` +
                "set HTTP_PORT to another port, or to 0 for any free one",
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function runChecks(checks: Record<string, HealthCheck>): Promise<{ check: string; error: string }[]> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([check, fn]) => {
      try {
        await withTimeout(fn(), 2_000);
        return null;
      } catch (error) {
        return { check, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return results.filter((r): r is { check: string; error: string } => r !== null);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
