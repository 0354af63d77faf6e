// Measures the spike detector on synthetic series with known events (eval/synthetic.ts): recall,
// precision and false alerts per query-year, per scenario and direction, and the detection delay; for
// the default method and the alternatives docs/alerts.md compares it with.
// Usage (from the repo root): pnpm eval:alerts [--check] [--seed N] [--scenario NAME] [--sweep] [--calibrate]

import { DEFAULT_PARAMS, type DetectorParams, type Method } from "../src/detect";
import type { Granularity } from "../src/period";
import { rates, type ScenarioScore, scoreScenario } from "./score";
import { SCENARIOS, type Scenario } from "./synthetic";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const check = process.argv.includes("--check");
const calibrate = process.argv.includes("--calibrate");
const sweep = process.argv.includes("--sweep");
const seed = Number(arg("--seed") ?? 1);
const only = arg("--scenario");
const scenarios = SCENARIOS.filter((s) => !only || s.name === only);
if (scenarios.length === 0) {
  console.error(`no scenario "${only}"; there are: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

/**
 * The minimums `--check` holds the default method to (docs/alerts.md): per scenario, recall and
 * precision floors and a ceiling on false alerts per query-year, by direction.
 */
export const GOALS: Record<
  string,
  { recallUp?: number; precisionUp?: number; falseUpPerYear?: number; recallDown?: number }
> = {
  // Set a little below what the default measured on seed 1 (docs/alerts.md), so a change that makes it
  // worse fails. quiet-heavy breaks the model's assumption on purpose: a looser ceiling.
  quiet: { falseUpPerYear: 0.5 },
  "quiet-seasonal": { falseUpPerYear: 0.5 },
  "quiet-heavy": { falseUpPerYear: 2 },
  "quiet-rare": { falseUpPerYear: 0.2 },
  spike: { recallUp: 0.88, precisionUp: 0.85 },
  "spike-rare": { recallUp: 0.5, precisionUp: 0.9 },
  "double-spike": { recallUp: 0.85, precisionUp: 0.8 },
  "level-shift": { recallUp: 0.7, precisionUp: 0.7 },
  ramp: { recallUp: 0.75, precisionUp: 0.7 },
  outage: { falseUpPerYear: 0.6 },
  "low-volume": { recallUp: 0.6, precisionUp: 0.9 },
  "weekly-quiet": { falseUpPerYear: 0.3 },
  "weekly-spike": { recallUp: 0.85, precisionUp: 0.9 },
  "weekly-outage": { falseUpPerYear: 0.4 },
};

/**
 * What the table compares: the default, and alternatives at the threshold that gives them the default's
 * false-alarm rate on the quiet scenarios (`--calibrate` recomputes those thresholds), so that their
 * recall can be compared at an equal cost; plus two usual settings to show what they cost.
 */
const METHODS: {
  label: string;
  method: Method;
  z?: Record<Granularity, number>;
  /** z chosen for the default's false-alarm rate (what --calibrate recomputes). */
  matched?: boolean;
  note: string;
}[] = [
  { label: "nb", method: "nb", note: "default: negative binomial on the outlet-mix-adjusted expectation" },
  {
    label: "pln",
    method: "pln",
    z: { day: 3.4, week: 2.95 },
    matched: true,
    note: "Poisson–lognormal, same expectation (z for equal false alarms)",
  },
  {
    label: "zscore",
    method: "zscore",
    z: { day: 7.05, week: 6.13 },
    matched: true,
    note: "mean ± sd of the baseline's shares (z for equal false alarms)",
  },
  {
    label: "mad",
    method: "mad",
    z: { day: 7.17, week: 6.43 },
    matched: true,
    note: "median ± 1.4826·MAD of the shares (z for equal false alarms)",
  },
  { label: "zscore@3", method: "zscore", z: { day: 3, week: 3 }, note: "the textbook z ≥ 3 on shares" },
  {
    label: "binom",
    method: "binomial",
    z: { day: 3.75, week: 3 },
    note: "exact binomial on the pooled share, the default's z (no overdispersion)",
  },
];

const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(0)}%`);
const num = (x: number) => x.toFixed(2);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);

function paramsFor(s: Scenario, m: (typeof METHODS)[number], overrides: Partial<DetectorParams> = {}) {
  const d = DEFAULT_PARAMS[s.granularity];
  const z = m.z?.[s.granularity] ?? d.z;
  // Both directions are measured, so the table shows what enabling drops would cost.
  const p: DetectorParams = {
    ...d,
    method: m.method,
    z,
    continueZ: Math.min(d.continueZ, z),
    directions: ["up", "down"],
  };
  return { ...p, ...overrides };
}

function row(label: string, score: ScenarioScore): string {
  const up = rates(score, "up");
  const down = rates(score, "down");
  const delays = [...score.delays].sort((a, b) => a - b);
  const median = delays.length > 0 ? String(delays[delays.length >> 1]) : "–";
  const max = delays.length > 0 ? String(delays[delays.length - 1]) : "–";
  return [
    pad(label, 9),
    lpad(`${score.up.detected}/${score.up.events}`, 8),
    lpad(pct(up.recall), 5),
    lpad(pct(up.precision), 5),
    lpad(num(up.falsePerYear), 7),
    lpad(`${score.down.detected}/${score.down.events}`, 8),
    lpad(pct(down.recall), 5),
    lpad(pct(down.precision), 5),
    lpad(num(down.falsePerYear), 7),
    lpad(`${median}/${max}`, 7),
  ].join(" ");
}

const header = [
  pad("method", 9),
  lpad("up hit", 8),
  lpad("R↑", 5),
  lpad("P↑", 5),
  lpad("false↑", 7),
  lpad("down hit", 8),
  lpad("R↓", 5),
  lpad("P↓", 5),
  lpad("false↓", 7),
  lpad("delay", 7),
].join(" ");

console.log(`pnpm eval:alerts: synthetic series, seed ${seed} (packages/alerts/eval/synthetic.ts)`);
console.log(
  "R recall, P precision, false: false alerts per query-year (365 days or 52 weeks), delay: periods from\n" +
    "an event's start to its alert (median/max). Both directions are measured; the default alerts on ↑ only.",
);
for (const m of METHODS) console.log(`  ${pad(m.label, 9)} ${m.note}`);

const failures: string[] = [];
for (const s of calibrate ? [] : scenarios) {
  console.log("");
  console.log(`${s.name} (${s.granularity}, ${s.count} series): ${s.description}`);
  console.log(`  ${header}`);
  for (const m of METHODS) {
    const score = scoreScenario(s, paramsFor(s, m), seed);
    console.log(`  ${row(m.label, score)}`);
    if (m !== METHODS[0]) continue;
    const goal = GOALS[s.name];
    if (!goal) continue;
    const up = rates(score, "up");
    if (goal.recallUp !== undefined && (up.recall ?? 0) < goal.recallUp)
      failures.push(`${s.name}: recall ↑ ${pct(up.recall)} < ${pct(goal.recallUp)}`);
    if (goal.precisionUp !== undefined && (up.precision ?? 1) < goal.precisionUp)
      failures.push(`${s.name}: precision ↑ ${pct(up.precision)} < ${pct(goal.precisionUp)}`);
    if (goal.falseUpPerYear !== undefined && up.falsePerYear > goal.falseUpPerYear)
      failures.push(`${s.name}: ${num(up.falsePerYear)} false ↑ alerts a year > ${goal.falseUpPerYear}`);
  }
}

if (sweep) {
  // The default method's threshold against the two things it trades: false alerts on quiet series and
  // recall on the hard spikes.
  console.log("");
  console.log(
    "sweep of the default method's daily z (↑ only): false↑/yr on quiet; R↑ on spike, spike-rare, low-volume",
  );
  const byName = (n: string) => SCENARIOS.find((s) => s.name === n)!;
  for (const z of [2.75, 3, 3.25, 3.5, 3.75])
    for (const minLift of [1.5]) {
      const o = {
        z,
        minLift,
        continueZ: Math.min(1, z),
        elevatedZ: Math.min(2, z),
        directions: ["up"] as const,
      };
      const quiet = rates(
        scoreScenario(byName("quiet"), paramsFor(byName("quiet"), METHODS[0]!, o), seed),
        "up",
      );
      const cells = ["spike", "spike-rare", "low-volume"].map((n) =>
        pct(rates(scoreScenario(byName(n), paramsFor(byName(n), METHODS[0]!, o), seed), "up").recall),
      );
      console.log(
        `  z ${z}  minLift ${minLift}  false↑/yr ${num(quiet.falsePerYear)}  R↑ ${cells.join("  ")}`,
      );
    }
  console.log(
    "sweep of the weekly baseline (↑ only): window, z → false↑/yr on weekly-quiet, weekly-outage; R↑/P↑ on weekly-spike",
  );
  for (const window of [8, 12, 16])
    for (const z of [3, 3.5]) {
      const o = {
        window,
        minBaseline: window / 2,
        maxLookback: 2 * window,
        maxEpisode: window / 2,
        z,
        directions: ["up"] as const,
      };
      const fp = ["weekly-quiet", "weekly-outage"].map((n) =>
        num(rates(scoreScenario(byName(n), paramsFor(byName(n), METHODS[0]!, o), seed), "up").falsePerYear),
      );
      const spike = rates(
        scoreScenario(byName("weekly-spike"), paramsFor(byName("weekly-spike"), METHODS[0]!, o), seed),
        "up",
      );
      console.log(
        `  window ${window}  z ${z}  false↑/yr ${fp.join("  ")}  R↑ ${pct(spike.recall)}  P↑ ${pct(spike.precision)}`,
      );
    }
}

if (calibrate) {
  // The z at which each alternative raises as many false alerts on the quiet scenario as the default
  // (bisection): the thresholds METHODS uses.
  console.log("");
  console.log("calibration: z giving each method the default's false↑/yr on quiet / weekly-quiet");
  for (const name of ["quiet", "weekly-quiet"]) {
    const s = SCENARIOS.find((x) => x.name === name)!;
    const fp = (m: (typeof METHODS)[number], z: number) =>
      rates(
        scoreScenario(
          s,
          paramsFor(s, m, { z, continueZ: Math.min(1, z), elevatedZ: Math.min(2, z), directions: ["up"] }),
          seed,
        ),
        "up",
      ).falsePerYear;
    const target = fp(METHODS[0]!, DEFAULT_PARAMS[s.granularity].z);
    for (const m of METHODS.filter((x) => x.matched)) {
      let lo = 1;
      let hi = 16;
      for (let i = 0; i < 10; i++) {
        const mid = (lo + hi) / 2;
        if (fp(m, mid) > target) lo = mid;
        else hi = mid;
      }
      console.log(
        `  ${name} ${m.label}: z ${hi.toFixed(2)} (false↑/yr ${num(fp(m, hi))}, default ${num(target)})`,
      );
    }
  }
}

if (check) {
  if (failures.length > 0) {
    console.log("");
    console.log(`FAILED (${failures.length}):`);
    for (const f of failures) console.log(`  ${f}`);
    process.exit(1);
  }
  console.log("");
  console.log("all documented minimums met");
}
