import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedFetchError, fetchFeed, readFeed, SITEMAP_DEFAULTS, selectSitemapChildren } from "../src/index";

// Hostile sitemaps over a real loopback HTTP server, through the worker's fetch and read path: a 50 MB
// urlset, the same gzipped, one past the limit, and an index of 10,000 children.

const NOW = new Date();
function urlset(bytes: number): Buffer {
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n',
  ];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes - 100; i++) {
    const recent = i < 3000;
    const date = new Date(NOW.getTime() - (recent ? i * 1000 : 400 * 86_400_000)).toISOString();
    const e = `<url><loc>https://rt.rs/world/${i}/</loc><news:news><news:publication_date>${date}</news:publication_date><news:title>Кинески лекари, вест ${i}</news:title></news:news></url>\n`;
    parts.push(e);
    size += Buffer.byteLength(e);
  }
  parts.push("</urlset>");
  return Buffer.from(parts.join(""));
}
const big = urlset(50_000_000);
const gz = zlib.gzipSync(big);
const index = Buffer.from(
  `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${Array.from(
    { length: 10_000 },
    (_, i) =>
      `<sitemap><loc>https://rt.rs/sitemap/${i}.xml</loc><lastmod>${new Date(NOW.getTime() - i * 3_600_000).toISOString()}</lastmod></sitemap>`,
  ).join("")}</sitemapindex>`,
);

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((q, r) => {
    if (q.url === "/big.xml") r.writeHead(200, { "content-type": "application/xml" }).end(big);
    else if (q.url === "/big.xml.gz") r.writeHead(200, { "content-type": "application/x-gzip" }).end(gz);
    else if (q.url === "/index.xml") r.writeHead(200, { "content-type": "application/xml" }).end(index);
    else r.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

const fetchOpts = {
  allowedCidrs: ["127.0.0.0/8"],
  maxBytes: SITEMAP_DEFAULTS.maxBytes,
  totalTimeoutMs: 60_000,
};
async function read(path: string, limits: { maxBytes?: number } = {}) {
  const res = await fetchFeed(base + path, fetchOpts);
  if (res.kind !== "ok") throw new Error("expected a body");
  return readFeed(res.body, {
    feedUrl: res.finalUrl,
    timeZone: "Europe/Belgrade",
    fetchedAt: NOW,
    sitemap: limits,
  });
}

describe("hostile sitemaps", () => {
  it("reads a 50 MB sitemap in one pass, keeping only recent entries up to the cap", async () => {
    expect(big.length).toBeGreaterThan(49_000_000);
    const r = await read("/big.xml");
    expect(r.meta.format).toBe("sitemap");
    expect(r.items).toHaveLength(3000);
    expect(r.sitemapStats!.entries).toBeGreaterThan(200_000);
    expect(r.sitemapStats!.tooOld).toBe(r.sitemapStats!.entries - 3000);
    expect(r.items[0]!.title).toBe("Кинески лекари, вест 0");
  });
  it("reads the same sitemap gzipped, and refuses it when it inflates past the limit", async () => {
    const r = await read("/big.xml.gz");
    expect(r.items).toHaveLength(3000);
    await expect(read("/big.xml.gz", { maxBytes: 10_000_000 })).rejects.toThrow(
      /inflates past 10000000 bytes/,
    );
  });
  it("refuses a sitemap past the fetch limit before reading it", async () => {
    const e = await fetchFeed(`${base}/big.xml`, { ...fetchOpts, maxBytes: 10_000_000 }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(FeedFetchError);
    expect((e as FeedFetchError).kind).toBe("too_large");
  });
  it("reads an index of 10,000 children, of which a poll takes a bounded few", async () => {
    const r = await read("/index.xml");
    expect(r.sitemapChildren).toHaveLength(10_000);
    const s = selectSitemapChildren(r.sitemapChildren!, {
      now: NOW,
      maxChildren: 5,
      maxAgeDays: 3,
      exclude: new Set(),
    });
    expect(s.selected.map((c) => c.url)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `https://rt.rs/sitemap/${i}.xml`),
    );
    expect(s.skipped.old + s.selected.length + s.skipped.overCap).toBe(10_000);
    expect(s.skipped.old).toBeGreaterThan(9_900);
  });
});
