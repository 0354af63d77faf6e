// Extraction speed and memory: decode + parse + extract over the labelled pages (and, with --data DIR or
// BENCH_EXTRACT_DATA, a corpus in the article-extraction-benchmark layout), on one core.
// Usage: pnpm --filter @vesti/fulltext bench [-- --data DIR] [-- --rounds N]
import { resolve } from "node:path";
import {
  extractArticleFromBytes,
  type LabelledPage,
  loadBenchmarkCorpus,
  loadFixturePages,
} from "../src/index";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const rounds = Number(arg("--rounds") ?? process.env["BENCH_ROUNDS"] ?? 5);
const dataArg = arg("--data") ?? process.env["BENCH_EXTRACT_DATA"];

function bench(label: string, pages: LabelledPage[]): void {
  // One warm-up round (JIT, lazily built tables), then timed rounds.
  for (const p of pages) extractArticleFromBytes(p.html, null, p.options);
  const times: number[] = [];
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++)
    for (const p of pages) {
      const s = performance.now();
      extractArticleFromBytes(p.html, null, p.options);
      times.push(performance.now() - s);
    }
  const seconds = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]!;
  const mb = pages.reduce((s, p) => s + p.html.length, 0) / 1024 / 1024;
  console.log(
    `${label}: ${pages.length} pages (${mb.toFixed(1)} MiB) x ${rounds} rounds: ${(times.length / seconds).toFixed(1)} pages/s, per page p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${q(1).toFixed(1)} ms`,
  );
}

bench("labelled pages", loadFixturePages());
if (dataArg) {
  const dir = resolve(process.env["INIT_CWD"] ?? process.cwd(), dataArg);
  const corpus = loadBenchmarkCorpus(dir);
  if (corpus) bench(`benchmark corpus ${dir}`, corpus);
  else console.log(`skipped: ${dir} holds no ground-truth.json`);
}
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; heap after GC ${(mem.heapUsed / 1024 / 1024).toFixed(0)} MiB (Node ${process.version})`,
);
