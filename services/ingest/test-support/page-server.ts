import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A real HTTP server on a loopback address for the page fetcher's tests, with a log of every request: when
// it arrived and when its response ended (finished, or the client went away), so that tests can check the
// politeness rules (one request at a time per host, the spacing between them) from what the server saw.

export interface LoggedRequest {
  path: string;
  userAgent: string;
  /** performance.now() on arrival, and when the response ended. */
  start: number;
  end: number | null;
}

/** Answers one request; `n` counts the requests for this path so far (1 for the first). */
export type PageRoute = (req: IncomingMessage, res: ServerResponse, n: number) => void;

export interface PageServer {
  baseUrl: string;
  host: string;
  log: LoggedRequest[];
  /** Requests for a path (query included). */
  count(path: string): number;
  close(): Promise<void>;
}

export async function startPageServer(
  route: (path: string) => PageRoute | undefined,
  options: { host?: string } = {},
): Promise<PageServer> {
  const log: LoggedRequest[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    const entry: LoggedRequest = {
      path,
      userAgent: String(req.headers["user-agent"] ?? ""),
      start: performance.now(),
      end: null,
    };
    log.push(entry);
    res.on("close", () => {
      entry.end = performance.now();
    });
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const handler = route(path);
    if (!handler) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    handler(req, res, n);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    host: `${host}:${port}`,
    log,
    count: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const html =
  (body: string | Buffer, headers: Record<string, string> = {}): PageRoute =>
  (_req, res) =>
    void res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...headers }).end(body);

export const text =
  (body: string, status = 200, headers: Record<string, string> = {}): PageRoute =>
  (_req, res) =>
    void res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(body);

/** A page larger than any limit, streamed (no Content-Length) until the client gives up. */
export const endlessHtml =
  (totalBytes: number): PageRoute =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    const chunk = Buffer.from(`<p>${"Veliki tekst. ".repeat(4600)}</p>\n`);
    let sent = 0;
    const write = () => {
      while (sent < totalBytes && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", write);
      }
      if (!res.destroyed) res.end();
    };
    write();
  };

/** Headers and the start of a page, then nothing, ever (until the client gives up). */
export const neverEnding: PageRoute = (_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.write("<!doctype html><html><head><title>...</title></head><body><p>Učitava se");
};

/** An article page: a title and paragraphs, in the shape the extractor reads. */
export function articleHtml(title: string, paragraphs: readonly string[]): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return (
    `<!doctype html><html lang="sr"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>` +
    `<header><nav><a href="/">Početna</a> <a href="/politika">Politika</a></nav></header>` +
    `<main><article><h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}</article></main>` +
    `<footer>© Redakcija</footer></body></html>`
  );
}
