// Benchmark: a 50 MB news sitemap (and its .xml.gz) served on loopback, fetched with the worker's guard and
// limits and read by the streaming sitemap reader. Prints time and peak RSS of a fresh process per case, so
// that one case's heap does not hide in another's figure.
// Run: pnpm --filter @vesti/feeds bench   (or: tsx bench/bench-sitemap.ts)
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { fetchFeed, readFeed, SITEMAP_DEFAULTS } from "../src/index";

const TARGET_BYTES = Number(process.env["BENCH_SITEMAP_BYTES"] ?? 50_000_000);

export function bigSitemap(bytes: number, now: Date): Buffer {
  const head =
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n';
  const parts: string[] = [head];
  let size = head.length;
  for (let i = 0; size < bytes - 200; i++) {
    // a third recent, with Cyrillic and Latin Serbian titles; the rest an archive (skipped as too old)
    const recent = i % 3 === 0;
    const date = new Date(now.getTime() - (recent ? i : 400 * 86_400_000 + i) * 1000).toISOString();
    const title =
      i % 2
        ? `Кинески лекари стигли у Београд, вест број ${i}`
        : `Vučić i Putin razgovarali o Kosovu, vest broj ${i}`;
    const e = `<url><loc>https://rt.rs/world/${i}-vest/</loc><news:news><news:publication><news:name>RT Balkan</news:name><news:language>sr</news:language></news:publication><news:publication_date>${date}</news:publication_date><news:title>${title}</news:title></news:news></url>\n`;
    parts.push(e);
    size += Buffer.byteLength(e);
  }
  parts.push("</urlset>\n");
  return Buffer.from(parts.join(""));
}

/** The client side, in its own process: fetch with the worker's limits, then read. */
async function child(url: string): Promise<void> {
  const now = new Date();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const res = await fetchFeed(url, {
    allowedCidrs: ["127.0.0.0/8"],
    maxBytes: SITEMAP_DEFAULTS.maxBytes,
    totalTimeoutMs: 120_000,
  });
  if (res.kind !== "ok") throw new Error("expected a body");
  const t1 = performance.now();
  const r = await readFeed(res.body, { feedUrl: url, timeZone: "Europe/Belgrade", fetchedAt: now });
  const t2 = performance.now();
  const peak = process.resourceUsage().maxRSS * 1024;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `${url.endsWith(".gz") ? "gzip " : "plain"}: ${mb(res.body.length)} MiB on the wire, ` +
      `${r.sitemapStats?.entries} entries, ${r.items.length} items kept; fetch ${(t1 - t0).toFixed(0)} ms, ` +
      `read ${(t2 - t1).toFixed(0)} ms; RSS at start ${mb(rssBefore)} MiB, peak ${mb(peak)} MiB`,
  );
}

if (process.argv[1]?.endsWith("bench-sitemap.ts") && process.argv[2] === "child")
  await child(process.argv[3]!);
else if (process.argv[1]?.endsWith("bench-sitemap.ts")) {
  const plain = bigSitemap(TARGET_BYTES, new Date());
  const gz = zlib.gzipSync(plain);
  console.log(
    `bench-sitemap: ${(plain.length / 1024 / 1024).toFixed(1)} MiB sitemap (${(gz.length / 1024 / 1024).toFixed(1)} MiB gzipped), ` +
      `Node ${process.version}; figures are noisy on a shared machine`,
  );
  const server = createServer((q, r) => {
    const isGz = q.url?.endsWith(".gz");
    r.writeHead(200, { "content-type": isGz ? "application/x-gzip" : "application/xml" });
    r.end(isGz ? gz : plain);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = (url: string) =>
    new Promise<number | null>((done) => {
      const c = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "child", url], {
        stdio: "inherit",
      });
      c.on("exit", (code) => done(code));
    });
  for (const path of ["/sitemap.xml", "/sitemap.xml.gz"])
    if ((await run(base + path)) !== 0) process.exitCode = 1;
  server.close();
}
