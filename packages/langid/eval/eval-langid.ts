// Evaluate detectLanguage on labelled TSV files (`text<TAB>lang`, one item a line).
//   pnpm eval:langid --data ../shared/data/langid [--check] [--waive FILE]... [--errors N]
// Accuracy is by group: sr, hr and bs are one answer. --check exits 1 when a goal is missed, except for
// files named with --waive, whose misses are still printed (CI waives one known shortfall; see .ci/run).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { detectLanguage, type Lang, languageLetters, MIN_LETTERS, preloadLexicons } from "../src/index";

interface Args {
  data: string;
  check: boolean;
  waive: string[];
  errors: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { data: "../shared/data/langid", check: false, waive: [], errors: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") continue;
    if (a === "--check") args.check = true;
    else if (a === "--data") args.data = argv[++i] ?? args.data;
    else if (a?.startsWith("--data=")) args.data = a.slice(7);
    else if (a === "--waive") args.waive.push(argv[++i] ?? "");
    else if (a === "--errors") args.errors = Number(argv[++i] ?? 0);
    else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return args;
}

const GROUP: Record<string, string> = { sr: "sr", hr: "sr", bs: "sr" };
const group = (l: string): string => GROUP[l] ?? l;

/** Goal per gold label: accuracy for the languages we must get right, "not sr/ru" for the neighbours. */
type Goal = { kind: "accuracy"; min: number } | { kind: "notSrRu"; min: number };
const GOALS: Record<string, Goal> = {
  sr: { kind: "accuracy", min: 0.995 },
  ru: { kind: "accuracy", min: 0.995 },
  en: { kind: "accuracy", min: 0.995 },
  uk: { kind: "notSrRu", min: 0.98 },
  be: { kind: "notSrRu", min: 0.98 },
  bg: { kind: "notSrRu", min: 0.98 },
  mk: { kind: "notSrRu", min: 0.98 },
};

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const dir = resolve(process.cwd(), args.data);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    console.log(`skipped: ${dir} not found`);
    return;
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".tsv"))
    .sort();
  if (files.length === 0) {
    console.log(`skipped: no .tsv files in ${dir}`);
    return;
  }

  // Load the dictionaries outside the timed part: items/s is the steady-state rate.
  const tLoad = performance.now();
  preloadLexicons();
  console.log(`dictionaries loaded in ${Math.round(performance.now() - tLoad)} ms`);

  const rows: string[][] = [];
  const failures: string[] = [];
  const waived: string[] = [];
  let totalItems = 0;
  let totalMs = 0;
  for (const file of files) {
    const items = readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((l) => l.includes("\t"))
      .map((l) => {
        const tab = l.lastIndexOf("\t");
        return { text: l.slice(0, tab), gold: l.slice(tab + 1).trim() };
      });
    const confusion = new Map<Lang, number>();
    const errors: string[] = [];
    let correct = 0;
    let notSrRu = 0;
    // Items with too few letters of running text for any answer but `und` (a URL, "12:05 PM"): the spec
    // asks for `und` there, so they are reported in their own column and left out of the goal.
    let tooShort = 0;
    let correctScored = 0;
    let notSrRuScored = 0;
    const t0 = performance.now();
    const predictions = items.map((it) => detectLanguage({ title: it.text }));
    const ms = performance.now() - t0;
    totalItems += items.length;
    totalMs += ms;
    items.forEach((it, i) => {
      const p = predictions[i]!;
      confusion.set(p.lang, (confusion.get(p.lang) ?? 0) + 1);
      const short = languageLetters({ title: it.text }) < MIN_LETTERS;
      if (short) tooShort++;
      const ok = group(p.lang) === group(it.gold);
      const nsr = p.lang !== "ru" && group(p.lang) !== "sr";
      if (ok) correct++;
      if (nsr) notSrRu++;
      if (!short) {
        if (ok) correctScored++;
        if (nsr) notSrRuScored++;
      }
      if (!ok && errors.length < args.errors)
        errors.push(`  ${it.gold}→${p.lang} ${p.confidence} ${it.text.slice(0, 140)}`);
    });
    const n = items.length;
    const scored = n - tooShort;
    const gold = items[0]?.gold ?? "?";
    const goal = GOALS[group(gold)];
    let goalCell = "-";
    if (goal) {
      const value = goal.kind === "accuracy" ? correctScored / scored : notSrRuScored / scored;
      const met = value >= goal.min;
      goalCell = `${goal.kind === "accuracy" ? "acc" : "not sr/ru"} ${pct(value)} ≥ ${pct(goal.min)} ${met ? "ok" : "MISSED"}`;
      if (!met) (args.waive.includes(file) ? waived : failures).push(`${file}: ${goalCell}`);
    }
    const conf = [...confusion.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([l, c]) => `${l}:${c}`)
      .join(" ");
    rows.push([
      file,
      gold,
      String(n),
      pct(correct / n),
      pct(notSrRu / n),
      String(tooShort),
      goalCell,
      conf,
      String(Math.round(n / (ms / 1000))),
    ]);
    if (errors.length) console.log(`${file} errors:\n${errors.join("\n")}`);
  }

  const header = [
    "file",
    "gold",
    "items",
    "acc",
    "not sr/ru",
    `no text (<${MIN_LETTERS} letters)`,
    "goal (items with letters)",
    "predicted",
    "items/s",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log(`\n${totalItems} items, ${Math.round(totalItems / (totalMs / 1000))} items/s overall`);
  if (waived.length) console.log(`\ngoals missed, waived:\n  ${waived.join("\n  ")}`);
  if (failures.length) {
    console.log(`\ngoals missed:\n  ${failures.join("\n  ")}`);
    if (args.check) process.exit(1);
  } else console.log(waived.length ? "\nall other goals met" : "\nall goals met");
}

main();
