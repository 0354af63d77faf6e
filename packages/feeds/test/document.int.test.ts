// fetchDocument (article pages) against a real HTTP server on 127.0.0.1: the feed fetcher's guard and
// limits, plus what only pages need: HTML only, refused before the body is read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeHtmlBytes, FeedFetchError, type FetchDocumentOptions, fetchDocument } from "../src/index";

const PAGE = `<!DOCTYPE html><html lang="sr"><head><meta charset="utf-8"><title>Vest</title></head><body><article><p>Beograđani će sutra duže čekati autobuse.</p></article></body></html>`;
const LOOPBACK: FetchDocumentOptions = {
  allowedCidrs: ["127.0.0.0/8"],
  totalTimeoutMs: 5000,
  maxBytes: 5 * 1024 * 1024,
};

let server: Server;
let base = "";
const open = new Set<ServerResponse>();
/** Bytes each route actually wrote before the client went away. */
const written = new Map<string, number>();

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes: Record<string, Handler> = {
  "/page": (_q, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE),
  "/xhtml": (_q, res) => res.writeHead(200, { "content-type": "application/xhtml+xml" }).end(PAGE),
  "/untyped-html": (_q, res) => res.writeHead(200).end(PAGE),
  "/untyped-binary": (_q, res) => res.writeHead(200).end(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31])),
  "/gzip": (_q, res) =>
    res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" }).end(zlib.gzipSync(PAGE)),
  "/redirect": (_q, res) => res.writeHead(301, { location: "/page" }).end(),
  "/to-private": (_q, res) => res.writeHead(302, { location: "http://192.168.1.1/admin" }).end(),
  // A 50 MB PDF: must be refused on its Content-Type, before the body is read.
  "/pdf": (_q, res) => {
    res.writeHead(200, { "content-type": "application/pdf", "content-length": String(50 * 1024 * 1024) });
    stream(res, "/pdf", 50 * 1024 * 1024);
  },
  "/json": (_q, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"a":1}'),
  // A 50 MB HTML page, chunked (no Content-Length): only the streaming limit can stop it.
  "/huge": (_q, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.write("<html><body><p>");
    stream(res, "/huge", 50 * 1024 * 1024);
  },
  // A page that never ends, fast: the size limit stops it.
  "/endless": (_q, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    stream(res, "/endless", Number.POSITIVE_INFINITY);
  },
  // A page that never ends, slowly (a byte a second): the total timeout stops it.
  "/drip": (_q, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    open.add(res);
    const t = setInterval(() => res.write("<p>"), 1000);
    res.on("close", () => clearInterval(t));
  },
};

function stream(res: ServerResponse, route: string, total: number): void {
  open.add(res);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let closed = false;
  res.on("close", () => {
    closed = true;
    written.set(route, sent);
  });
  const pump = () => {
    while (!closed && sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!closed) res.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) =>
    (routes[req.url ?? ""] ?? ((_q, r) => r.writeHead(404).end()))(req, res),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of open) r.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

async function fail(path: string, opts: FetchDocumentOptions = {}): Promise<FeedFetchError> {
  const e = await fetchDocument(base + path, { ...LOOPBACK, ...opts }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(FeedFetchError);
  return e as FeedFetchError;
}

describe("fetchDocument", () => {
  it("fetches an HTML page, following redirects and decompressing", async () => {
    for (const path of ["/page", "/xhtml", "/untyped-html", "/gzip", "/redirect"]) {
      const r = await fetchDocument(base + path, LOOPBACK);
      expect(decodeHtmlBytes(r.body, r.contentType).text, path).toBe(PAGE);
    }
    const r = await fetchDocument(`${base}/redirect`, LOOPBACK);
    expect(r.finalUrl).toBe(`${base}/page`);
    expect(r.redirects).toHaveLength(1);
    expect(r.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a non-HTML response before reading its body", async () => {
    const pdf = await fail("/pdf");
    expect([pdf.kind, pdf.permanent]).toEqual(["unsupported_type", true]);
    expect(pdf.message).toMatch(/application\/pdf/);
    // The server got to send at most a few socket buffers of its 50 MB.
    await new Promise((r) => setTimeout(r, 200));
    expect(written.get("/pdf") ?? 0).toBeLessThan(8 * 1024 * 1024);
    expect((await fail("/json")).kind).toBe("unsupported_type");
    expect((await fail("/untyped-binary")).kind).toBe("unsupported_type");
  });

  it("stops a 50 MB page at the size limit", async () => {
    const e = await fail("/huge", { maxBytes: 2 * 1024 * 1024 });
    expect(e.kind).toBe("too_large");
    await new Promise((r) => setTimeout(r, 200));
    expect(written.get("/huge") ?? 0).toBeLessThan(20 * 1024 * 1024);
  });

  it("stops a page that never ends: by size when fast, by time when slow", async () => {
    expect((await fail("/endless", { maxBytes: 1024 * 1024 })).kind).toBe("too_large");
    const t0 = Date.now();
    expect((await fail("/drip", { totalTimeoutMs: 1500 })).kind).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it("keeps the SSRF guard: loopback refused unless allowed, private redirects refused", async () => {
    expect((await fail("/page", { allowedCidrs: [] })).kind).toBe("blocked_address");
    expect((await fail("/to-private")).kind).toBe("blocked_address");
  });
});
