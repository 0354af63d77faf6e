import { performance } from "node:perf_hooks";
import { calendar, renderChart, svgToPng } from "../src/index";

// Chart rendering speed: 5 series × 260 weekly points (five years), the reference case, to SVG
// and to PNG. Prints p50/p95 over BENCH_RUNS runs; nothing is asserted.

const RUNS = Math.max(10, Number.parseInt(process.env.BENCH_RUNS ?? "30", 10));
const periods = calendar("2021-01-04", "2025-12-22", "week");
const spec = {
  title: "Пажња српских медија према руској, кинеској и помоћи ЕУ",
  subtitle: "Serbian outlets, share of articles per ISO week",
  by: "week" as const,
  measure: "share" as const,
  smooth: 4,
  series: ["Руска помоћ", "Kineska pomoć", "EU aid", "Косово", "Путин"].map((label, k) => ({
    id: `s${k}`,
    label,
    points: periods.map((period, i) => ({
      period,
      mentions: Math.round(20 + 15 * Math.sin(i / 9 + k)),
      articles: 1400 + ((i * 37) % 200),
    })),
  })),
  href: (s: string, p: string) => `/articles?series=${s}&period=${p}`,
};

function time(fn: () => unknown): { p50: number; p95: number } {
  for (let i = 0; i < 3; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)]!, p95: ms[Math.ceil(0.95 * ms.length) - 1]! };
}

const svg = renderChart(spec).svg;
const s = time(() => renderChart(spec));
const p = time(() => svgToPng(svg));
process.stdout.write(
  `5 series × ${periods.length} weekly points: SVG (${(svg.length / 1024).toFixed(0)} KB) p50 ${s.p50.toFixed(1)} ms, ` +
    `p95 ${s.p95.toFixed(1)} ms; PNG p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms (${RUNS} runs)\n`,
);
