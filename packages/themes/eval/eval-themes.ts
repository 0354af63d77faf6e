// Evaluates the tagger on a labelled JSONL set: per-tag and micro P/R/F1, plus every miss.
// Usage (from the repo root): pnpm eval:themes --data ../shared/data/themes/dev.jsonl [--check]

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defaultTaxonomy, loadTaxonomy, THEME_IDS, type ThemeId, tagItem } from "../src/index";

export const GOALS = { precision: 0.95, recall: 0.9, microF1: 0.95 };

interface GoldItem {
  id: string;
  lang?: string;
  title: string;
  summary?: string | null;
  themes: string[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataArg = arg("--data") ?? "../shared/data/themes/dev.jsonl";
const check = process.argv.includes("--check");
const noLang = process.argv.includes("--no-lang"); // ignore the lang hint (tagger must work without it)
const taxPath = arg("--taxonomy");
const dataPath = resolve(process.cwd(), dataArg);

if (!existsSync(dataPath)) {
  console.log(`skipped: ${dataPath} not found`);
  process.exit(0);
}

const tax = taxPath ? loadTaxonomy(resolve(process.cwd(), taxPath)) : defaultTaxonomy();
const items: GoldItem[] = readFileSync(dataPath, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as GoldItem);

const counts = new Map<ThemeId, { tp: number; fp: number; fn: number }>();
for (const id of THEME_IDS) counts.set(id, { tp: 0, fp: 0, fn: 0 });
const misses: string[] = [];

for (const it of items) {
  const tags = tagItem(tax, { title: it.title, summary: it.summary, lang: noLang ? null : it.lang });
  const got = new Map(tags.map((t) => [t.id, t]));
  const gold = new Set(it.themes);
  for (const id of THEME_IDS) {
    const c = counts.get(id)!;
    const g = gold.has(id);
    const p = got.get(id);
    if (g && p) c.tp++;
    else if (p) {
      c.fp++;
      const ev = p.evidence.map((e) => `${e.field}:"${e.text}"`).join(", ");
      misses.push(`FP ${id.padEnd(14)} ${it.id}  ${it.title} || ${it.summary ?? ""}\n     evidence: ${ev}`);
    } else if (g) {
      c.fn++;
      misses.push(`FN ${id.padEnd(14)} ${it.id}  ${it.title} || ${it.summary ?? ""}`);
    }
  }
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const fmt = (x: number) => x.toFixed(3);

console.log(
  `taxonomy ${tax.version}  data ${dataPath}  items ${items.length}${noLang ? "  (lang hint ignored)" : ""}`,
);
console.log("");
console.log(
  `${"tag".padEnd(16)}${"P".padStart(7)}${"R".padStart(7)}${"F1".padStart(7)}${"TP".padStart(5)}${"FP".padStart(5)}${"FN".padStart(5)}`,
);
let tp = 0;
let fp = 0;
let fn = 0;
let ok = true;
for (const id of THEME_IDS) {
  const c = counts.get(id)!;
  tp += c.tp;
  fp += c.fp;
  fn += c.fn;
  const p = ratio(c.tp, c.tp + c.fp);
  const r = ratio(c.tp, c.tp + c.fn);
  const flag = p >= GOALS.precision && r >= GOALS.recall ? "" : "  <- below goal";
  if (flag) ok = false;
  console.log(
    `${id.padEnd(16)}${fmt(p).padStart(7)}${fmt(r).padStart(7)}${fmt(f1(p, r)).padStart(7)}${String(c.tp).padStart(5)}${String(c.fp).padStart(5)}${String(c.fn).padStart(5)}${flag}`,
  );
}
const mp = ratio(tp, tp + fp);
const mr = ratio(tp, tp + fn);
const mf = f1(mp, mr);
if (mf < GOALS.microF1) ok = false;
console.log(
  `${"micro".padEnd(16)}${fmt(mp).padStart(7)}${fmt(mr).padStart(7)}${fmt(mf).padStart(7)}${String(tp).padStart(5)}${String(fp).padStart(5)}${String(fn).padStart(5)}`,
);
console.log("");
console.log(
  `goals: per-tag P >= ${GOALS.precision}, R >= ${GOALS.recall}; micro-F1 >= ${GOALS.microF1} -> ${ok ? "met" : "NOT met"}`,
);
console.log("");
console.log(misses.length === 0 ? "no misses" : `misses (${misses.length}):`);
for (const m of misses) console.log(`  ${m}`);

if (check && !ok) process.exit(1);
