import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FeedServer {
  baseUrl: string;
  requests: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on a loopback address serving `feeds` (path → body). `delayMs` slows every response
 * so a run lasts long enough to inject faults into it.
 */
export async function startFeedServer(
  feeds: Map<string, string>,
  options: { host?: string; delayMs?: number } = {},
): Promise<FeedServer> {
  const requests = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const body = feeds.get(path);
    setTimeout(() => {
      if (body === undefined) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(body);
    }, options.delayMs ?? 0);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
