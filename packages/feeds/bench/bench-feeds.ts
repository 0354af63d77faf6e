// Benchmark: decode + parse + normalise throughput on one core, and peak RSS for a 15 MB feed.
// Run: pnpm --filter @vesti/feeds bench   (or `pnpm bench` from the root via turbo).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readFeed } from "../src/index";
import { makeCorpus } from "./corpus";

const here = dirname(fileURLToPath(import.meta.url));
const FEEDS = Number(process.env["BENCH_FEEDS"] ?? 200);
const ITEMS = Number(process.env["BENCH_ITEMS_PER_FEED"] ?? 100);
const opts = {
  feedUrl: "https://bench.example.rs/feed",
  timeZone: "Europe/Belgrade",
  fetchedAt: new Date("2027-01-01T00:00:00Z"),
};

const corpus = makeCorpus(FEEDS, ITEMS);
const totalBytes = corpus.reduce((s, f) => s + f.bytes.length, 0);
const totalItems = corpus.reduce((s, f) => s + f.items, 0);

async function pass(): Promise<{ ms: number; items: number }> {
  const t0 = performance.now();
  let items = 0;
  for (const f of corpus)
    items += (await readFeed(f.bytes, { ...opts, contentType: f.contentType })).items.length;
  return { ms: performance.now() - t0, items };
}

await pass(); // warm-up (JIT)
const runs: number[] = [];
let parsed = 0;
for (let i = 0; i < 5; i++) {
  const r = await pass();
  runs.push(r.ms);
  parsed = r.items;
}
runs.sort((a, b) => a - b);
const best = runs[0]!;
const median = runs[2]!;
if (parsed !== totalItems) throw new Error(`expected ${totalItems} items, parsed ${parsed}`);
const ips = (totalItems / median) * 1000;
const mbs = (totalBytes / 1024 / 1024 / median) * 1000;
console.log(
  `corpus: ${FEEDS} feeds, ${totalItems} items, ${(totalBytes / 1024 / 1024).toFixed(1)} MB (RSS 2.0 + Atom; UTF-8, windows-1251 declared and undeclared)`,
);
console.log(
  `readFeed (decode+parse+normalise), one core: median ${median.toFixed(0)} ms, best ${best.toFixed(0)} ms`,
);
console.log(
  `  throughput: ${ips.toFixed(0)} items/s, ${mbs.toFixed(2)} MB/s  (goal ≥ 6000 items/s: ${ips >= 6000 ? "met" : "NOT met"})`,
);

// Peak RSS for a 15 MB feed, measured in a fresh child process.
const child = spawnSync(
  process.execPath,
  ["--import", "tsx", resolve(here, "rss-child.ts"), String(15 * 1024 * 1024)],
  {
    encoding: "utf8",
    cwd: resolve(here, ".."),
  },
);
if (child.status !== 0) {
  console.log(`peak RSS child failed: ${child.stderr.split("\n").slice(0, 3).join(" ")}`);
} else {
  const r = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
    bytes: number;
    items: number;
    ms: number;
    baselineKb: number;
    afterBuildKb: number;
    peakKb: number;
  };
  const peakMb = r.peakKb / 1024;
  console.log(
    `15 MB feed: ${(r.bytes / 1024 / 1024).toFixed(1)} MB, ${r.items} items in ${r.ms.toFixed(0)} ms; peak RSS ${peakMb.toFixed(0)} MB (process baseline ${(r.baselineKb / 1024).toFixed(0)} MB, after building input ${(r.afterBuildKb / 1024).toFixed(0)} MB)  (goal < 400 MB: ${peakMb < 400 ? "met" : "NOT met"})`,
  );
}

// Optional comparison with Python feedparser on the same corpus (Debian python3-feedparser).
// Debian's package lands in /usr/bin/python3's path, which a pyenv/venv python3 on PATH may not see.
const python = ["python3", "/usr/bin/python3"].find(
  (p) => spawnSync(p, ["-c", "import feedparser"], { encoding: "utf8" }).status === 0,
);
if (!python) {
  console.log("feedparser: not installed (apt-get install python3-feedparser to compare); skipped");
} else {
  const dir = mkdtempSync(join(tmpdir(), "vesti-bench-"));
  try {
    for (const [i, f] of corpus.entries()) writeFileSync(join(dir, `${i}.xml`), f.bytes);
    const script = `
import feedparser, glob, time, sys
files = sorted(glob.glob(sys.argv[1] + "/*.xml"))
data = [open(f, "rb").read() for f in files]
for d in data[:5]: feedparser.parse(d)
t = time.perf_counter(); n = 0
for d in data: n += len(feedparser.parse(d).entries)
print(n, (time.perf_counter() - t) * 1000)
`;
    const out = execFileSync(python, ["-c", script, dir], { encoding: "utf8", maxBuffer: 1 << 20 }).trim();
    const [n, ms] = out.split(/\s+/).map(Number) as [number, number];
    const fpIps = (n / ms) * 1000;
    console.log(
      `feedparser ${n} items in ${ms.toFixed(0)} ms: ${fpIps.toFixed(0)} items/s; Vesti/feedparser ratio ${(ips / fpIps).toFixed(2)}x`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
