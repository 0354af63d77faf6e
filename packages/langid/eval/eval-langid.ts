// Evaluate detectLanguage on labelled TSV files (`text<TAB>lang`, one item a line), without hints and with
// the hints the pipeline gives every item (its feed's language and its outlet's country).
//   pnpm eval:langid --data ../shared/data/langid [--check] [--waive FILE]... [--waive-no-hints FILE]...
//     [--errors N]
//                    [--wrong-feed SHARE] [--seed N]
// Accuracy is by group: sr, hr and bs are one answer. Files named short_* are headline-length (2-6 words)
// and have their own goals. --check exits 1 when a goal is missed, except for files named with --waive,
// whose misses are still printed.
//
// With hints, each item gets the hints of a plausible outlet for its gold language (sr → sr/RS, ru → ru/RU,
// en → en with GB or US, …), and a share of the items (--wrong-feed, 5% by default) a wrong feed language,
// as outlets mislabel: `en` for items not in English (a CMS's default, the commonest mislabel), `sr` for
// English ones. Which items, and which English country, is drawn from a seeded generator (--seed), per
// file, so a run is repeatable. Every English file is also run as if it were a Serbian outlet's feed
// (sr/RS): at most 1 in 200 of a headline file's items may come out `sr` (issue 14's goal; for sentence
// files, whose goals are the earlier issue's, the share is printed, not gated).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import {
  detectLanguage,
  type Lang,
  type LangInput,
  languageLetters,
  MIN_LETTERS,
  preloadLexicons,
} from "../src/index";

interface Args {
  data: string;
  check: boolean;
  waive: string[];
  /** Files whose no-hint goal alone is waived (their goals with hints still gate). */
  waiveNoHints: string[];
  errors: number;
  wrongFeed: number;
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    data: "../shared/data/langid",
    check: false,
    waive: [],
    waiveNoHints: [],
    errors: 0,
    wrongFeed: 0.05,
    seed: 14,
  };
  const number = (v: string | undefined, name: string): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) {
      console.error(`${name} needs a number`);
      process.exit(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") continue;
    if (a === "--check") args.check = true;
    else if (a === "--data") args.data = argv[++i] ?? args.data;
    else if (a?.startsWith("--data=")) args.data = a.slice(7);
    else if (a === "--waive") args.waive.push(argv[++i] ?? "");
    else if (a === "--waive-no-hints") args.waiveNoHints.push(argv[++i] ?? "");
    else if (a === "--errors") args.errors = number(argv[++i], a);
    else if (a === "--wrong-feed") args.wrongFeed = number(argv[++i], a);
    else if (a === "--seed") args.seed = number(argv[++i], a);
    else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  if (args.wrongFeed < 0 || args.wrongFeed > 1) {
    console.error("--wrong-feed is a share, between 0 and 1");
    process.exit(2);
  }
  return args;
}

const GROUP: Record<string, string> = { sr: "sr", hr: "sr", bs: "sr" };
const group = (l: string): string => GROUP[l] ?? l;

/** Goal per gold label: accuracy for the languages we must get right, "not sr/ru" for the neighbours. */
type Goal = { kind: "accuracy"; min: number } | { kind: "notSrRu"; min: number };
type Goals = Record<string, Goal>;
const acc = (min: number): Goal => ({ kind: "accuracy", min });
const notSrRu = (min: number): Goal => ({ kind: "notSrRu", min });
const NEIGHBOURS = { uk: notSrRu(0.98), be: notSrRu(0.98), bg: notSrRu(0.98), mk: notSrRu(0.98) };

// Sentences and feed fields (the earlier language issue), and headline-length runs (issue 14).
const SENTENCE_GOALS: Goals = { sr: acc(0.995), ru: acc(0.995), en: acc(0.995), ...NEIGHBOURS };
const HEADLINE_GOALS: Goals = { sr: acc(0.99), ru: acc(0.99), en: acc(0.995), ...NEIGHBOURS };
// With hints the pipeline's everyday case: Serbian and Russian at 99.5% on headlines too, and no file
// worse than its goal without hints.
const HINTED_GOALS = (headline: boolean): Goals => ({
  ...(headline ? HEADLINE_GOALS : SENTENCE_GOALS),
  sr: acc(0.995),
  ru: acc(0.995),
});
/** At most this share of an English file may come out `sr` in a Serbian outlet's feed. */
const EN_IN_SERBIAN_FEED_MAX = 1 / 200;

const isHeadlineFile = (file: string): boolean => file.startsWith("short_");

/** A plausible outlet per gold language: its feed's language and its country (English: one of several). */
const OUTLETS: Record<string, { feed: string; countries: readonly string[] }> = {
  sr: { feed: "sr", countries: ["RS"] },
  hr: { feed: "hr", countries: ["HR"] },
  bs: { feed: "bs", countries: ["BA"] },
  ru: { feed: "ru", countries: ["RU"] },
  uk: { feed: "uk", countries: ["UA"] },
  be: { feed: "be", countries: ["BY"] },
  bg: { feed: "bg", countries: ["BG"] },
  mk: { feed: "mk", countries: ["MK"] },
  en: { feed: "en", countries: ["GB", "US"] },
};

/** mulberry32: a small seeded generator, so the same items get the same hints on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

interface Item {
  text: string;
  gold: string;
}

interface Scored {
  n: number;
  correct: number;
  notSrRu: number;
  tooShort: number;
  correctScored: number;
  notSrRuScored: number;
  confusion: Map<Lang, number>;
  errors: string[];
  ms: number;
}

function score(items: readonly Item[], inputs: readonly LangInput[], keepErrors: number): Scored {
  const t0 = performance.now();
  const predictions = inputs.map((input) => detectLanguage(input));
  const ms = performance.now() - t0;
  const s: Scored = {
    n: items.length,
    correct: 0,
    notSrRu: 0,
    tooShort: 0,
    correctScored: 0,
    notSrRuScored: 0,
    confusion: new Map(),
    errors: [],
    ms,
  };
  items.forEach((it, i) => {
    const p = predictions[i]!;
    s.confusion.set(p.lang, (s.confusion.get(p.lang) ?? 0) + 1);
    // Items with too few letters of running text for any answer but `und` (a URL, "12:05 PM"): the spec
    // asks for `und` there, so they are reported in their own column and left out of the goal.
    const short = languageLetters({ title: it.text }) < MIN_LETTERS;
    if (short) s.tooShort++;
    const ok = group(p.lang) === group(it.gold);
    const nsr = p.lang !== "ru" && group(p.lang) !== "sr";
    if (ok) s.correct++;
    if (nsr) s.notSrRu++;
    if (!short) {
      if (ok) s.correctScored++;
      if (nsr) s.notSrRuScored++;
    }
    if (!ok && s.errors.length < keepErrors) {
      const input = inputs[i]!;
      const hints = input.feedLanguage ? ` [${input.feedLanguage}/${input.country}]` : "";
      s.errors.push(`  ${it.gold}→${p.lang} ${p.confidence}${hints} ${it.text.slice(0, 140)}`);
    }
  });
  return s;
}

function confusionCell(c: Map<Lang, number>): string {
  return [...c.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([l, n]) => `${l}:${n}`)
    .join(" ");
}

/** The goal cell, and whether it is met (null when the file's label has no goal). */
function goalCell(s: Scored, goal: Goal | undefined): { cell: string; met: boolean | null } {
  if (!goal) return { cell: "-", met: null };
  const scored = s.n - s.tooShort;
  const value = goal.kind === "accuracy" ? s.correctScored / scored : s.notSrRuScored / scored;
  const met = value >= goal.min;
  const kind = goal.kind === "accuracy" ? "acc" : "not sr/ru";
  return { cell: `${kind} ${pct(value)} ≥ ${pct(goal.min)} ${met ? "ok" : "MISSED"}`, met };
}

function printTable(header: readonly string[], rows: readonly string[][]): void {
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}

function readItems(path: string): Item[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.includes("\t"))
    .map((l) => {
      const tab = l.lastIndexOf("\t");
      return { text: l.slice(0, tab), gold: l.slice(tab + 1).trim() };
    });
}

/** The hints of a plausible outlet for each item's gold language, a share of them with a wrong feed language. */
function outletHints(
  file: string,
  items: readonly Item[],
  args: Args,
): { inputs: LangInput[]; wrong: number } {
  const random = generator(args.seed ^ hashName(file));
  let wrong = 0;
  const inputs = items.map((it): LangInput => {
    const outlet = OUTLETS[it.gold];
    if (!outlet) return { title: it.text };
    const country = outlet.countries[Math.floor(random() * outlet.countries.length)]!;
    let feedLanguage = outlet.feed;
    if (random() < args.wrongFeed) {
      feedLanguage = it.gold === "en" ? "sr" : "en";
      wrong++;
    }
    return { title: it.text, feedLanguage, country };
  });
  return { inputs, wrong };
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

  const plainRows: string[][] = [];
  const hintRows: string[][] = [];
  const feedRows: string[][] = [];
  const failures: string[] = [];
  const waived: string[] = [];
  const miss = (file: string, what: string) => (args.waive.includes(file) ? waived : failures).push(what);
  let totalItems = 0;
  let totalMs = 0;
  for (const file of files) {
    const items = readItems(join(dir, file));
    const gold = items[0]?.gold ?? "?";
    const headline = isHeadlineFile(file);

    const plain = score(
      items,
      items.map((it) => ({ title: it.text })),
      args.errors,
    );
    totalItems += plain.n;
    totalMs += plain.ms;
    const g = goalCell(plain, (headline ? HEADLINE_GOALS : SENTENCE_GOALS)[group(gold)]);
    if (g.met === false)
      (args.waiveNoHints.includes(file) ? waived : failures).push(`${file}, no hints: ${g.cell}`);
    plainRows.push([
      file,
      gold,
      String(plain.n),
      pct(plain.correct / plain.n),
      pct(plain.notSrRu / plain.n),
      String(plain.tooShort),
      g.cell,
      confusionCell(plain.confusion),
      String(Math.round(plain.n / (plain.ms / 1000))),
    ]);

    const { inputs, wrong } = outletHints(file, items, args);
    const hinted = score(items, inputs, args.errors);
    const outlet = OUTLETS[gold];
    const gh = goalCell(hinted, HINTED_GOALS(headline)[group(gold)]);
    if (gh.met === false) miss(file, `${file}, with hints: ${gh.cell}`);
    hintRows.push([
      file,
      gold,
      String(hinted.n),
      outlet ? `${outlet.feed}/${outlet.countries.join(",")}, ${wrong} wrong feed` : "-",
      pct(hinted.correct / hinted.n),
      pct(hinted.notSrRu / hinted.n),
      gh.cell,
      confusionCell(hinted.confusion),
    ]);

    const errors = [...plain.errors.map((e) => `${e}`), ...hinted.errors];
    if (gold === "en") {
      const inSerbianFeed = score(
        items,
        items.map((it) => ({ title: it.text, feedLanguage: "sr", country: "RS" })),
        args.errors,
      );
      const toSr = (inSerbianFeed.confusion.get("sr") ?? 0) + (inSerbianFeed.confusion.get("hr") ?? 0);
      const share = toSr / inSerbianFeed.n;
      const met = share <= EN_IN_SERBIAN_FEED_MAX;
      const cell = headline
        ? `${pct(share)} ≤ ${pct(EN_IN_SERBIAN_FEED_MAX)} ${met ? "ok" : "MISSED"}`
        : `${pct(share)} (no goal for sentence files)`;
      if (headline && !met) miss(file, `${file} in a Serbian feed: ${cell}`);
      feedRows.push([
        file,
        String(inSerbianFeed.n),
        String(toSr),
        cell,
        confusionCell(inSerbianFeed.confusion),
      ]);
      errors.push(...inSerbianFeed.errors.filter((e) => e.includes("→sr") || e.includes("→hr")));
    }
    if (errors.length) console.log(`${file} errors:\n${errors.join("\n")}`);
  }

  console.log("\nwithout hints");
  printTable(
    [
      "file",
      "gold",
      "items",
      "acc",
      "not sr/ru",
      `no text (<${MIN_LETTERS} letters)`,
      "goal (items with letters)",
      "predicted",
      "items/s",
    ],
    plainRows,
  );
  console.log(`\n${totalItems} items, ${Math.round(totalItems / (totalMs / 1000))} items/s overall`);
  console.log(
    `\nwith hints (the outlet's feed language and country; ${pct(args.wrongFeed)} of items with a wrong ` +
      `feed language: en, or sr for English items; seed ${args.seed})`,
  );
  printTable(
    ["file", "gold", "items", "hints", "acc", "not sr/ru", "goal (items with letters)", "predicted"],
    hintRows,
  );
  if (feedRows.length) {
    console.log("\nEnglish items in a Serbian outlet's feed (sr/RS)");
    printTable(["file", "items", "→ sr", "goal", "predicted"], feedRows);
  }
  if (waived.length) console.log(`\ngoals missed, waived:\n  ${waived.join("\n  ")}`);
  if (failures.length) {
    console.log(`\ngoals missed:\n  ${failures.join("\n  ")}`);
    if (args.check) process.exit(1);
  } else console.log(waived.length ? "\nall other goals met" : "\nall goals met");
}

main();
