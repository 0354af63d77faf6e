import { CYR_LANGS, type CyrLang, cyrForeignCounts, cyrLetterEvidence, LATIN_TO_CYR } from "./alphabets";
import { francDistances } from "./franc-core";
import { type Hint, type HintLang, readHints } from "./hints";
import { latinLetterEvidence } from "./latin-letters";
import { knows, type LexLang, langMask, lexiconMask, normalizeWord } from "./lexicon";
import { orthographyLogProb } from "./orthography";
import {
  CYR_ANY_WORD,
  CYR_WORD_BASE,
  CYR_WORD_FLOOR,
  CYR_WORD_KNOWN,
  CYR_WORDS,
  LATIN_WORD_BASE,
  LATIN_WORD_FLOOR,
  LATIN_WORDS,
} from "./words";

export interface LangInput {
  title: string;
  summary?: string | null;
  feedLanguage?: string | null;
  country?: string | null;
}
export type Lang = "sr" | "ru" | "en" | "uk" | "be" | "bg" | "mk" | "hr" | "bs" | "und";
export type Script = "Cyrl" | "Latn" | "mixed";
export interface LangResult {
  lang: Lang;
  script: Script;
  /** In [0, 1]. 0 for `und`. */
  confidence: number;
  /** Raw franc scores (1 = best) over the candidates franc was asked about; empty when letters decided. */
  scores: Record<string, number>;
}

/** One candidate's evidence, in nats (natural-log units): the largest total wins. */
export interface CandidateEvidence {
  /** A language, or `other` (Latin text in some language we do not answer: it makes the answer `und`). */
  lang: string;
  total: number;
  /** Log prior: base rates, or the feed's language and the country when given. */
  prior: number;
  /** Letters: alphabets and letter frequencies. */
  letters: number;
  /** Function words. */
  words: number;
  /** Dictionary look-ups. */
  dictionary: number;
  /** franc's trigram distance, weighed by the length of the text. */
  franc: number;
  /** Letter-trigram models of each language's words (orthography.ts), for words no dictionary knows. */
  orthography: number;
}

/** What decided an item: everything detectLanguage weighed, for `vesti classify --explain`. */
export interface LangEvidence {
  /** The text that was read: title and summary, cut, URLs and markup dropped. */
  text: string;
  script: ScriptSplit;
  /** Letters of the main script. */
  letters: number;
  hints: { feedLanguage: HintLang | null; country: string | null; countryLanguage: HintLang | null };
  /** Set when the answer came before any weighing (too few letters, too mixed, an alphabet we do not
   * handle, or a single candidate left by the letters). */
  shortcut: string | null;
  /** Candidates the letters left, with their evidence, best first. */
  candidates: CandidateEvidence[];
  /** The words read as function words (their weight per candidate is in `candidates[].words`). */
  functionWords: string[];
  /** Per word looked up, whose dictionaries know it (words no candidate knows are listed with []). */
  dictionary: { word: string; known: string[] }[];
  /** Per candidate, how many of the looked-up words its dictionary knows. */
  dictionaryHits: Record<string, number>;
  /** Letters outside each Cyrillic language's alphabet (only for Cyrillic text). */
  foreignLetters: Partial<Record<CyrLang, number>> | null;
  /** franc: the weight its distance got (0 to 1, by length) and its best scores (1 = best), at most ten. */
  franc: { weight: number; scores: Record<string, number> } | null;
}

export interface ExplainedLangResult extends LangResult {
  evidence: LangEvidence;
}

/** Collects the evidence as the decision is made; null on the normal path, which then pays nothing. */
type Trace = Omit<LangEvidence, "text" | "script" | "letters" | "hints" | "dictionaryHits">;

function newTrace(): Trace {
  return {
    shortcut: null,
    candidates: [],
    functionWords: [],
    dictionary: [],
    foreignLetters: null,
    franc: null,
  };
}

type Term = Exclude<keyof CandidateEvidence, "lang" | "total">;
type Terms = Record<Term, number>;

function zeroTerms(): Terms {
  return { prior: 0, letters: 0, words: 0, dictionary: 0, franc: 0, orthography: 0 };
}

function totalOf(t: Terms): number {
  return t.prior + t.letters + t.words + t.dictionary + t.franc + t.orthography;
}

function recordCandidates(trace: Trace | null, terms: ReadonlyMap<string, Terms>): void {
  if (!trace) return;
  const round = (x: number) => Math.round(x * 100) / 100;
  trace.candidates = [...terms.entries()]
    .map(([lang, t]) => ({
      lang,
      total: round(totalOf(t)),
      prior: round(t.prior),
      letters: round(t.letters),
      words: round(t.words),
      dictionary: round(t.dictionary),
      franc: round(t.franc),
      orthography: round(t.orthography),
    }))
    .sort((a, b) => b.total - a.total);
}

/** Text beyond this many characters adds cost, not accuracy: a headline plus a sentence is plenty. */
export const MAX_CHARS = 300;
/** Fewer letters than this in the running text: `und`. */
export const MIN_LETTERS = 3;

const FRANC_CYR: Record<CyrLang, readonly string[]> = {
  ru: ["rus"],
  uk: ["ukr"],
  be: ["bel"],
  bg: ["bul"],
  mk: ["mkd"],
  // franc's Cyrillic "bos" model is Serbian Cyrillic text as far as we are concerned.
  sr: ["srp", "bos"],
};

// Latin candidates: the two we want plus the languages a Latin news item is otherwise likely to be in
// (neighbours, Albanian for Kosovo coverage, major European languages). Answering among a fixed list keeps
// franc fast and keeps Scots and friends from claiming English headlines. Anything but eng/srp/hrv/bos
// maps to `und`.
const FRANC_LATIN = [
  "eng",
  "srp",
  "hrv",
  "bos",
  "slv",
  "ces",
  "slk",
  "pol",
  "als",
  "deu",
  "fra",
  "spa",
  "por",
  "ita",
  "nld",
  "ron",
  "hun",
  "tur",
  "swe",
  "dan",
  "nob",
  "fin",
  "lit",
  "lvs",
  "cat",
  "ind",
];
const BCS_FRANC = new Set(["srp", "hrv", "bos"]);

const UND: LangResult = Object.freeze({
  lang: "und",
  script: "Latn",
  confidence: 0,
  scores: {},
}) as LangResult;

interface Word {
  text: string; // lowercased
  cyr: number;
  lat: number;
  /** Starts uppercase or has inner capitals (iPhone): a name or a brand rather than running text. */
  named: boolean;
  /** Written in capitals only (NATO, EU, or an all-caps headline's words). */
  upper: boolean;
  /** Opens the text or a sentence: capitalised by rule, so its capital says nothing about a name. */
  initial: boolean;
  /** The parts of a word written in camel case (UnleadedStocks, iPhone), lowercase; null otherwise. */
  camel: string[] | null;
}

/** Join title and summary, cut to MAX_CHARS at a word boundary, drop URLs, e-mails, handles and markup. */
export function prepareText(input: LangInput): string {
  let text = input.title ?? "";
  const summary = input.summary;
  if (summary && text.length < MAX_CHARS) text = text ? `${text}. ${summary}` : summary;
  if (text.length > MAX_CHARS) {
    const cut = text.lastIndexOf(" ", MAX_CHARS);
    text = text.slice(0, cut > MAX_CHARS / 2 ? cut : MAX_CHARS);
  }
  if (text.includes("<")) text = text.replace(/<[^>]*>/g, " ");
  if (/[@/.]\w/.test(text))
    text = text.replace(/(?:https?:\/\/|www\.)\S+|\S+@\S+|@\w+|\S+\.(?:com|net|org|rs|ru|ba|hr)\b\S*/g, " ");
  if (/[\u0300-\u036f]/.test(text)) {
    // Compose й/ё/ї written with combining marks, then drop what is left (Russian stress accents).
    text = text.normalize("NFC").replace(/[\u0300-\u036f]/g, "");
  }
  return text;
}

function isLatinLetter(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
    (c >= 0x1e00 && c <= 0x1eff)
  );
}
function isCyrLetter(c: number): boolean {
  return c >= 0x400 && c <= 0x52f && !(c >= 0x482 && c <= 0x489);
}

/** Split into words of letters; apostrophes inside a word stay (Ukrainian/Belarusian м'ясо). */
function tokenize(text: string): Word[] {
  const words: Word[] = [];
  const n = text.length;
  let i = 0;
  let sentenceStart = true;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isLatinLetter(c) && !isCyrLetter(c)) {
      // . ! ? : … end a sentence (or a headline's kicker): the next word is capitalised by rule.
      if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3a || c === 0x2026) sentenceStart = true;
      i++;
      continue;
    }
    const start = i;
    let cyr = 0;
    let lat = 0;
    let upperInside = false;
    while (i < n) {
      c = text.charCodeAt(i);
      if (isLatinLetter(c)) lat++;
      else if (isCyrLetter(c)) cyr++;
      else if ((c === 0x27 || c === 0x2019 || c === 0x2bc) && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (!isLatinLetter(d) && !isCyrLetter(d)) break;
      } else break;
      if (i > start && !upperInside) {
        const ch = text[i]!;
        upperInside = ch !== ch.toLowerCase();
      }
      i++;
    }
    const raw = text.slice(start, i);
    const first = raw[0]!;
    const lower = raw.toLowerCase();
    words.push({
      text: lower,
      cyr,
      lat,
      named: first !== first.toLowerCase() || upperInside,
      upper: raw !== lower && raw === raw.toUpperCase(),
      initial: sentenceStart,
      camel: upperInside && lat > 0 && raw !== raw.toUpperCase() ? camelParts(raw) : null,
    });
    sentenceStart = false;
  }
  return words;
}

const CAMEL_PART = /\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})/gu;

/**
 * "UnleadedStocks" → ["unleaded", "stocks"]: the words a camel-case name or file name is made of. Pieces
 * in capitals (PADDI, HU in "PADDIstocksHU") are acronyms, as whole words in capitals are, and are left
 * out. A capital between a run of capitals and lowercase letters may open the word or close the acronym
 * ("PADDIIstocks"): the piece is given both ways, "istocks|stocks", and the dictionaries take either.
 */
function camelParts(raw: string): string[] {
  const parts: string[] = [];
  for (const m of raw.matchAll(CAMEL_PART)) {
    const piece = m[0];
    if (piece === piece.toUpperCase()) continue;
    const lower = piece.toLowerCase();
    const at = m.index ?? 0;
    const afterCapital = at > 0 && raw[at - 1] !== raw[at - 1]!.toLowerCase();
    parts.push(
      afterCapital && piece.length > 3 && piece[0] !== lower[0] ? `${lower}|${lower.slice(1)}` : lower,
    );
  }
  return parts;
}

/** Rewrite a mostly-Cyrillic word's Latin look-alikes as Cyrillic (and count them as such). */
function fixHomoglyphs(w: Word): void {
  if (w.cyr === 0 || w.lat === 0 || w.lat > w.cyr) return;
  let out = "";
  let fixed = 0;
  for (const ch of w.text) {
    const r = LATIN_TO_CYR[ch];
    if (r) fixed++;
    out += r ?? ch;
  }
  if (fixed === w.lat) {
    w.text = out;
    w.cyr += fixed;
    w.lat = 0;
  }
}

export interface ScriptSplit {
  script: Script;
  /** Which script's words carry the running text. */
  main: "Cyrl" | "Latn";
  /** Share of the weighted letters in the main script, in [0, 1]. */
  share: number;
  /** Letters in running-text words of each script. */
  runCyr: number;
  runLat: number;
  /** Every word is a name (capitalised, or a title case's small word): a run of names, or a title. */
  namesOnly: boolean;
}

// Names and brands weigh half: "Apple представила iPhone" is a Russian sentence with two Latin names.
const NAMED_WEIGHT = 0.5;
/** Below this share of weighted letters the minority script makes the item `mixed`. */
const MIXED_MIN_SHARE = 0.3;

export function splitScripts(words: readonly Word[]): ScriptSplit {
  let wc = 0;
  let wl = 0;
  let runCyr = 0;
  let runLat = 0;
  let allNamed = true;
  for (const w of words) if (!w.named) allNamed = false;
  for (const w of words) {
    // In an all-caps or title-case headline every word is "named"; then weigh them all the same.
    const k = w.named && !allNamed ? NAMED_WEIGHT : 1;
    wc += w.cyr * k;
    wl += w.lat * k;
    if (!w.named || allNamed) {
      runCyr += w.cyr;
      runLat += w.lat;
    }
  }
  const total = wc + wl;
  let main: "Cyrl" | "Latn" = wc >= wl ? "Cyrl" : "Latn";
  // Running text in one script only: that is the text's script, however long the names in the other
  // ("альбома The System Has Failed", "на Allmusic" are Russian).
  if (!allNamed && runCyr > 0 && runLat === 0) main = "Cyrl";
  else if (!allNamed && runLat > 0 && runCyr === 0) main = "Latn";
  // Names only, in both scripts: Cyrillic text quotes Latin names as they are written ("альбом Hearts of
  // Space", "Apple iPhone"), Latin text next to never carries a Cyrillic word.
  else if (allNamed && wc > 0 && wl > 0) main = "Cyrl";
  const share = total === 0 ? 1 : (main === "Cyrl" ? wc : wl) / total;
  // Genuinely mixed: both scripts carry running text, not just a name or two.
  const minorRun = main === "Cyrl" ? runLat : runCyr;
  const script: Script = 1 - share >= MIXED_MIN_SHARE && minorRun >= 4 ? "mixed" : main;
  return { script, main, share, runCyr, runLat, namesOnly: allNamed };
}

// Evidence is added up per candidate in nats (natural-log units); the largest sum wins. franc's distance
// is a sum of per-trigram rank differences (a trigram a model lacks costs 300); francScale converts it.
// Weights were set by hand and checked on the development set, not fitted to it item by item.
const T = {
  francScale: 1000,
  francScaleLatin: 600,
  latinWordWeight: 0.5, // Latin: function words' log frequency ratios (rough frequencies)
  latinLetterWeight: 0.3, // Latin letter model: rough frequencies, and it reads the letters franc reads
  latinNamed: 0.5, // weight of a name's dictionary answer (and, in Latin text, letters) against a running word's
  cyrWordWeight: 0.7, // Cyrillic: function words' log frequency ratios
  // Cyrillic: log posterior = log prior + marker + shapeWeight · shape + words + lexicon + w(n) · franc.
  markerWeight: 1, // presence and absence of the letters outside the shared core (alphabets.ts)
  shapeWeight: 0.3, // spread of the shared letters: rough frequencies, small differences between languages
  // Letters at which franc's distance counts half; w(n) = 1 / (1 + (half / n)²): about 0.2
  // on a single word of four letters, 0.5 at eight, 0.9 at a short sentence of 24.
  textHalf: 8,
  // The terms above are not independent (franc, the letter model and the dictionaries all read the same
  // letters), so their sum overstates the evidence; confidence divides the log-odds by this before the softmax.
  confTemp: 2,
  lexSkip: 10, // margin (nats) above which the dictionaries are not consulted
  // Letter-trigram models from word lists (types, not running text; orthography.ts), for unknown words.
  orthographyWeight: 0.05,
  lexWords: 24, // at most this many words are looked up: a headline and the start of the summary
};

function margin(ranked: readonly [string, number][]): number {
  return ranked.length > 1 ? ranked[0]![1] - ranked[1]![1] : Number.POSITIVE_INFINITY;
}

interface Decision {
  lang: Lang;
  confidence: number;
  scores: Record<string, number>;
}

// Prior over the Cyrillic languages when nothing says where the item comes from: roughly the share of
// Cyrillic-script text on the web and in news in each language (approximate, from general knowledge,
// not fitted to any data). Russian dominates (about 255 million speakers and by far the largest share of
// Cyrillic-script websites in web surveys of content languages);
// Ukrainian is a distant second (~40 million speakers, a large web and press); Bulgarian (~8 million)
// and Serbian (~9 million, Cyrillic being one of its two scripts, and our own feeds being Serbian) come
// next; Belarusian has ~5 million speakers but most Belarusian publishing is in Russian; Macedonian has
// ~2 million. Rounded, and Russian shaded down so that the small languages are not written off (a
// 0.7 Russian prior sent short Belarusian and Bulgarian lines to Russian; in the pipeline the outlet's
// country usually replaces these base rates anyway):
const CYR_PRIOR: Record<CyrLang, number> = { ru: 0.4, uk: 0.16, bg: 0.16, sr: 0.12, be: 0.12, mk: 0.04 };
/** Prior mass the feed's declared language gets; the rest is shared by the base rates. */
const FEED_PRIOR = 0.8;
/** Same for the outlet's country: for a word or two without decisive letters it decides (a Serbian
 * outlet's "Протест" is Serbian), while decisive letters still overrule it. */
const COUNTRY_PRIOR = 0.8;

/** Log prior per Cyrillic language from the base rates, replaced by the feed's language or the country's. */
function cyrLogPrior(hint: Hint): Record<CyrLang, number> {
  let prior: Record<CyrLang, number> = { ...CYR_PRIOR };
  const shift = (lang: string | null, mass: number) => {
    if (!lang || !(lang in prior)) return;
    const rest = 1 - prior[lang as CyrLang];
    const next = { ...prior };
    for (const l of CYR_LANGS) next[l] = l === lang ? mass : ((1 - mass) * prior[l]) / rest;
    prior = next;
  };
  // Country first, then the feed's language on top of it: the feed speaks for the item more directly.
  shift(hint.countryLang, COUNTRY_PRIOR);
  shift(hint.lang, FEED_PRIOR);
  const out = { ...prior };
  for (const l of CYR_LANGS) out[l] = Math.log(prior[l]);
  return out;
}

/**
 * Weight of the text-statistics evidence (franc's trigram distance) for a text of `letters`
 * letters. Their scores are not calibrated log-likelihoods, and on a word or two they are mostly noise
 * (franc is confidently wrong on single words): they count little on short texts and fully from a
 * sentence on. Function words and dictionary look-ups are not weighed down: they are lexical evidence,
 * like a letter.
 */
function textWeight(letters: number, half: number): number {
  const a = (letters / half) ** 2;
  return a / (1 + a);
}

function detectCyrillic(words: readonly Word[], hint: Hint, trace: Trace | null): Decision {
  const parts: string[] = [];
  const partNames: boolean[] = [];
  const codes: number[] = [];
  let allCaps = true;
  for (const w of words) if (w.cyr > 0 && !w.upper && w.text.length > 1) allCaps = false;
  for (const w of words) {
    if (w.cyr === 0) continue;
    parts.push(w.text);
    // Cyrillic writing has no title case: a capital inside a sentence, or an acronym, marks a name, whose
    // dictionary answer says less about the language than a running word's (Карл, Юхан).
    partNames.push(!allCaps && (w.upper || (w.named && !w.initial)));
    for (let i = 0; i < w.text.length; i++) {
      const c = w.text.charCodeAt(i);
      if (isCyrLetter(c)) codes.push(c);
    }
  }
  const letters = codes.length;
  const foreign = cyrForeignCounts(codes, letters);
  if (trace) trace.foreignLetters = foreign;
  let minForeign = Number.POSITIVE_INFINITY;
  for (const l of CYR_LANGS) minForeign = Math.min(minForeign, foreign[l]);
  // Letters nobody here uses (Kazakh ә қ, Old Russian ѣ …) in bulk: out of scope.
  if (minForeign > Math.max(2, letters * 0.1)) {
    if (trace) trace.shortcut = "letters outside every alphabet we handle";
    return { lang: "und", confidence: 0, scores: {} };
  }
  // A language whose alphabet lacks several of the letters is out, with no need to ask franc.
  const cands = CYR_LANGS.filter((l) => foreign[l] <= minForeign + Math.floor(letters / 100));
  const lx = cyrLetterEvidence(codes, letters);
  const prior = cyrLogPrior(hint);
  const text = parts.join(" ");
  const only: string[] = [];
  for (const l of cands) only.push(...FRANC_CYR[l]);
  const franc = cands.length > 1 ? francDistances(text, "Cyrillic", only) : null;
  const w = textWeight(letters, T.textHalf);
  if (trace && franc) trace.franc = { weight: round3(w), scores: topScores(franc.scores) };
  if (trace && cands.length === 1) trace.shortcut = `only ${cands[0]}'s alphabet has all the letters`;
  // log posterior (up to a constant) = log prior + letter log-likelihood + words + w · franc (+ dictionaries below).
  const terms = new Map<CyrLang, Terms>();
  for (const l of cands) {
    const t = zeroTerms();
    t.prior = prior[l];
    t.letters = T.markerWeight * lx.marker[l] + T.shapeWeight * lx.shape[l];
    if (franc) {
      let d = Number.POSITIVE_INFINITY;
      for (const code of FRANC_CYR[l]) d = Math.min(d, franc.distances.get(code) ?? d);
      t.franc = -(w * d) / T.francScale;
    }
    terms.set(l, t);
  }
  // Function words, by how much likelier each is in one language than in some language or other: lexical
  // evidence like the letters, counted whatever the length of the text.
  const content: string[] = [];
  const contentNames: boolean[] = [];
  const want = langMask(cands);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!CYR_ANY_WORD.has(p)) {
      content.push(p);
      contentNames.push(partNames[i]!);
      continue;
    }
    const mask = cands.length > 1 ? lexiconMask(p, want) : 0;
    for (const l of cands) {
      const f = CYR_WORDS[l].get(p) ?? (knows(mask, l) ? CYR_WORD_KNOWN : CYR_WORD_FLOOR);
      terms.get(l)!.words += T.cyrWordWeight * Math.log(f / CYR_WORD_BASE);
    }
    if (trace) trace.functionWords.push(p);
  }
  // What settles a headline or a two-word comment: which of the languages' dictionaries know its words.
  // Skipped when letters and trigrams have already decided (long text, distinctive letters): look-ups are
  // the slowest step.
  if (cands.length > 1 && margin(rankTerms(terms)) < T.lexSkip) {
    const unknown: string[] = [];
    const lex = lexiconEvidence(content, cands, trace, CYRILLIC_LEX, contentNames, unknown);
    for (const l of cands) terms.get(l)!.dictionary = lex[l]!;
    // The words no dictionary knows (names, compounds, forms the lists lack): how much each looks like
    // a word of each language, letter by letter.
    for (const word of unknown) {
      if (word.length < 3) continue;
      // Letters drawn out in informal writing ("Клааааас") are one letter to the model.
      const w = normalizeWord(word).replace(/(.)\1\1+/gu, "$1");
      for (const l of cands) terms.get(l)!.orthography += T.orthographyWeight * orthographyLogProb(w, l);
    }
  }
  recordCandidates(trace, terms);
  const ranked = rankTerms(terms);
  const top = ranked[0]!;
  return {
    lang: outLang(top[0], hint, "Cyrl"),
    confidence: posteriorConfidence(ranked),
    scores: franc?.scores ?? {},
  };
}

function rankTerms<K extends string>(terms: ReadonlyMap<K, Terms>): [K, number][] {
  return [...terms.entries()].map(([k, t]): [K, number] => [k, totalOf(t)]).sort((a, b) => b[1] - a[1]);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** franc's ten best scores, rounded: enough to see who was close. */
function topScores(scores: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [lang, score] of Object.entries(scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10))
    out[lang] = round3(score);
  return out;
}

// How often a language's dictionary knows a word of running text in that language (names and rare words
// are what it misses: 92-97% on the development text, 87% for Belarusian), and how often it knows a word of
// another language's text (about a third: shared Slavic words, short forms).
const LEX_COVER = 0.92;
const LEX_OVERLAP = 0.3;
const LEX_KNOWN = Math.log(LEX_COVER / LEX_OVERLAP);
const LEX_UNKNOWN = Math.log((1 - LEX_COVER) / (1 - LEX_OVERLAP));
// Names (Cyrillic): dictionaries list few names, foreign ones hardly any, so a name's dictionary says
// little: its own language's knows about half of the names in its text ("Карл", "Петров", but not
// "Тройборг"), another language's about one in five. +0.9 nats known, -0.5 unknown.
const NAME_COVER = 0.5;
const NAME_OVERLAP = 0.2;
const NAME_KNOWN = Math.log(NAME_COVER / NAME_OVERLAP);
const NAME_UNKNOWN = Math.log((1 - NAME_COVER) / (1 - NAME_OVERLAP));
// Latin text: English and Serbian share far fewer words than the Slavic languages do. Of a Serbian text's
// words (function words aside) English knows about one in twenty (international words, names); of an
// English text's, the Serbian dictionary, through the Latin spellings, knows about one in five (short
// words, loanwords, and English words it lists in transliteration: "роцк", "олд").
const LEX_OVERLAP_LATIN: Partial<Record<LexLang, number>> = { en: 0.05, sr: 0.2 };
interface LexWeights {
  known: (l: LexLang) => number;
  unknown: (l: LexLang) => number;
  /** The same for a name. */
  nameKnown: (l: LexLang) => number;
  nameUnknown: (l: LexLang) => number;
}
const CYRILLIC_LEX: LexWeights = {
  known: () => LEX_KNOWN,
  unknown: () => LEX_UNKNOWN,
  nameKnown: () => NAME_KNOWN,
  nameUnknown: () => NAME_UNKNOWN,
};
const latinKnown = Object.fromEntries(
  Object.entries(LEX_OVERLAP_LATIN).map(([l, o]) => [l, Math.log(LEX_COVER / o)]),
) as Record<LexLang, number>;
const latinUnknown = Object.fromEntries(
  Object.entries(LEX_OVERLAP_LATIN).map(([l, o]) => [l, Math.log((1 - LEX_COVER) / (1 - o))]),
) as Record<LexLang, number>;
const LATIN_LEX: LexWeights = {
  known: (l) => latinKnown[l],
  unknown: (l) => latinUnknown[l],
  nameKnown: (l) => T.latinNamed * latinKnown[l],
  nameUnknown: (l) => T.latinNamed * latinUnknown[l],
};

/**
 * Per candidate, the log-likelihood ratio of its dictionary knowing (or not knowing) each word, against
 * the word being from some other language: +1.1 nats per known word, -2.2 per unknown one (half that
 * for words of two or three letters). A word every candidate knows moves nothing; a word none knows (a
 * name, a typo, slang) is left out rather than held against all of them. Each language is judged by its
 * own dictionary only: the dictionaries' answers are strongly correlated (a word Serbian knows, Macedonian
 * usually knows too), so multiplying them all in would count the same evidence several times.
 * Names (`names[i]`) have rates of their own: dictionaries list few names of any language. The words no
 * candidate knows are pushed onto `unknown`, when given.
 */
function lexiconEvidence<L extends LexLang>(
  parts: readonly string[],
  cands: readonly L[],
  trace: Trace | null,
  lw: LexWeights,
  names?: readonly boolean[],
  unknown?: string[],
): Partial<Record<L, number>> {
  const ev: Partial<Record<L, number>> = {};
  for (const l of cands) ev[l] = 0;
  const want = langMask(cands);
  let looked = 0;
  for (let i = 0; i < parts.length; i++) {
    const word = parts[i]!;
    if (word.length < 2) continue;
    if (++looked > T.lexWords) break;
    // "a|b": a piece that may be read two ways (camelParts); known when either is.
    let mask = 0;
    if (word.includes("|")) for (const alt of word.split("|")) mask |= lexiconMask(alt, want);
    else mask = lexiconMask(word, want);
    if (trace) trace.dictionary.push({ word, known: cands.filter((l) => knows(mask, l)) });
    let any = false;
    for (const l of cands) if (knows(mask, l)) any = true;
    if (!any) {
      unknown?.push(word);
      continue;
    }
    // Two- and three-letter strings turn up in other dictionaries by chance (abbreviations, interjections).
    const k = word.length <= 3 ? 0.5 : 1;
    if (names?.[i])
      for (const l of cands) ev[l]! += k * (knows(mask, l) ? lw.nameKnown(l) : lw.nameUnknown(l));
    else for (const l of cands) ev[l]! += k * (knows(mask, l) ? lw.known(l) : lw.unknown(l));
  }
  return ev;
}

/** The winner's posterior probability: softmax of the log scores, tempered (they are over-confident). */
function posteriorConfidence(ranked: readonly [string, number][]): number {
  const top = ranked[0]![1];
  let z = 0;
  for (const [, e] of ranked) z += Math.exp((e - top) / T.confTemp);
  return Math.round((1 / z) * 1000) / 1000;
}

type LatinCand = "en" | "sr" | "other";

// Prior over Latin text when nothing says where it comes from. In Vesti's feeds Serbian Latin is the
// commonest Latin text (Serbian outlets' titles are mostly Latin), English the next (international
// outlets, English services); other languages (Albanian, Slovene, German …) are rare, and `other` stands for
// all of them together.
const LATIN_PRIOR: Record<LatinCand, number> = { sr: 0.35, en: 0.55, other: 0.1 };
// How much likelier the feed's language (and, separately, the country's) makes its language for Latin
// text. Weaker than for Cyrillic text: English and Serbian share few words, so the text itself nearly
// always decides, and a Serbian outlet's feed carries English items (an English service, a quoted
// statement) that a strong prior would turn into Serbian. It tips a two-word call, and no more.
const LATIN_HINT_RATIO = 1.5;

/** Log prior over the Latin candidates: base rates, times a likelihood ratio for the country's language
 * and another for the feed's, normalised. */
function latinLogPrior(hint: Hint): Record<LatinCand, number> {
  const feed =
    hint.lang === "en" ? "en" : hint.lang === "sr" || hint.lang === "hr" || hint.lang === "bs" ? "sr" : null;
  const odds: Record<LatinCand, number> = { ...LATIN_PRIOR };
  if (hint.latinCountryLang) odds[hint.latinCountryLang] *= LATIN_HINT_RATIO;
  if (feed) odds[feed] *= LATIN_HINT_RATIO;
  const z = odds.sr + odds.en + odds.other;
  return { sr: Math.log(odds.sr / z), en: Math.log(odds.en / z), other: Math.log(odds.other / z) };
}

const LATIN_CANDS: readonly LatinCand[] = ["sr", "en", "other"];

// Latin tokens that are not words of running text: acronyms in a text that is not all capitals (EU, NATO,
// PDF), and strings of two or more letters with no vowel and no r to carry a syllable (pdf, jpg, www, km;
// Serbian's vowelless words all have r: prst, vrh, trg).
const VOWEL_OR_R = /[aeiouyráéíóúàèìòùäëïöüâêîôûåæøœ]/;
function isLatinNonWord(w: Word, allCaps: boolean): boolean {
  if (w.text.length < 2) return false;
  if (!allCaps && w.upper) return true;
  return !VOWEL_OR_R.test(w.text);
}

/** Single letters in a run of three or more (U P D A T E D, P D A) are spelled out, not words. */
function spelledOut(latin: readonly Word[]): Set<Word> {
  const out = new Set<Word>();
  let run: Word[] = [];
  const flush = () => {
    if (run.length >= 3) for (const w of run) out.add(w);
    run = [];
  };
  for (const w of latin) {
    if (w.text.length === 1) run.push(w);
    else flush();
  }
  flush();
  return out;
}

/** Confidence of the guess for Latin text with no words in it. */
const NO_WORDS_CONFIDENCE = 0.5;

function detectLatin(words: readonly Word[], hint: Hint, trace: Trace | null): Decision {
  let latin = words.filter((w) => w.lat > 0);
  const allCaps = latin.every((w) => w.upper || w.text.length < 2);
  const spelled = spelledOut(latin);
  const real = latin.filter((w) => !spelled.has(w) && !isLatinNonWord(w, allCaps));
  // Nothing but acronyms, file names or spelled-out letters ("API pdf", "P D A", "Thx", "(BBC)"): no
  // word to read, and no hint should make one up. Latin-script acronyms and file names are English or
  // international far more often than anything else: English, as a guess.
  if (real.length === 0) {
    if (trace)
      trace.shortcut = "no words, only acronyms, abbreviations or spelled-out letters: English, as a guess";
    return { lang: "en", confidence: NO_WORDS_CONFIDENCE, scores: {} };
  }
  latin = real;
  const allNamed = latin.every((w) => w.named);
  const parts: string[] = [];
  const weights: number[] = [];
  let letters = 0;
  for (const w of latin) {
    parts.push(w.text);
    // Names and brands say less about the language of the text than running words do.
    weights.push(w.named && !allNamed && (!w.initial || w.upper) ? T.latinNamed : 1);
    letters += w.lat;
  }
  const text = parts.join(" ");
  const franc = francDistances(text, "Latin", FRANC_LATIN);
  const w = textWeight(letters, T.textHalf);
  if (trace) trace.franc = { weight: round3(w), scores: topScores(franc.scores) };
  let en = Number.POSITIVE_INFINITY;
  let bcs = Number.POSITIVE_INFINITY;
  let bcsCode = "srp";
  let other = Number.POSITIVE_INFINITY;
  for (const [code, d] of franc.distances) {
    if (code === "eng") en = d;
    else if (BCS_FRANC.has(code)) {
      if (d < bcs) {
        bcs = d;
        bcsCode = code;
      }
    } else other = Math.min(other, d);
  }
  const prior = latinLogPrior(hint);
  const lx = latinLetterEvidence(parts, weights);
  const terms = new Map<LatinCand, Terms>();
  for (const l of LATIN_CANDS) terms.set(l, { ...zeroTerms(), prior: prior[l] });
  const tEn = terms.get("en")!;
  const tSr = terms.get("sr")!;
  const tOther = terms.get("other")!;
  tEn.franc = (-w * en) / T.francScaleLatin;
  tSr.franc = (-w * bcs) / T.francScaleLatin;
  tOther.franc = (-w * other) / T.francScaleLatin;
  // Letters, as likelihood ratios against a generic Latin alphabet (so `other` stays at 0).
  tEn.letters = T.latinLetterWeight * (lx.en - lx.other);
  tSr.letters = T.latinLetterWeight * (lx.sr - lx.other);
  // Function words, by how much likelier each is in English or Serbian than in a third language. A lone
  // "i" is Serbian when lowercase; "I" is the English pronoun unless it opens the text or the text is in
  // capitals or title case.
  const fnWords: string[] = [];
  const content: string[] = [];
  const contentNames: boolean[] = [];
  for (let i = 0; i < latin.length; i++) {
    const word = latin[i]!;
    const p = word.text;
    const f = LATIN_WORDS.get(p);
    if (!f) {
      // A camel-case name is judged by the words it is made of, each at the name's weight.
      for (const part of word.camel ?? [p]) {
        content.push(part);
        contentNames.push(weights[i]! !== 1);
      }
      continue;
    }
    let fe = f.en;
    let fs = f.sr;
    if (p === "i") {
      if (!word.named) fe = LATIN_WORD_FLOOR;
      else if (word.initial || allNamed) fe = fs = LATIN_WORD_BASE;
      else fs = LATIN_WORD_FLOOR;
    }
    fnWords.push(p);
    tEn.words += T.latinWordWeight * Math.log(fe / LATIN_WORD_BASE);
    tSr.words += T.latinWordWeight * Math.log(fs / LATIN_WORD_BASE);
  }
  if (trace) trace.functionWords.push(...fnWords);
  // Dictionaries for the other words: English, and Serbian through the Cyrillic spellings.
  const lex = lexiconEvidence(content, ["en", "sr"] as const, trace, LATIN_LEX, contentNames);
  tEn.dictionary = lex.en!;
  tSr.dictionary = lex.sr!;
  recordCandidates(trace, terms);
  const ranked = rankTerms(terms);
  const top = ranked[0]!;
  const confidence = posteriorConfidence(ranked);
  if (top[0] === "other") return { lang: "und", confidence: 0, scores: franc.scores };
  if (top[0] === "en") return { lang: "en", confidence, scores: franc.scores };
  let lang = outLang("sr", hint, "Latn");
  if (lang === "sr" && hint.bsCountry && bcsCode === "bos") lang = "bs";
  return { lang, confidence, scores: franc.scores };
}

/** Turn a detected language into the answer, applying the Serbian/Croatian/Bosnian hints. */
function outLang(lang: CyrLang | "sr", hint: Hint, script: "Cyrl" | "Latn"): Lang {
  if (lang !== "sr") return lang;
  if (hint.lang === "hr" || (hint.hrCountry && hint.lang !== "sr")) return script === "Latn" ? "hr" : "sr";
  if (hint.lang === "bs") return "bs";
  return "sr";
}

// English title case leaves short function words lowercase: in "Hearts of Space" or "альбом Strata
// Presents the" the of and the are part of the name, not running English text.
const TITLE_SMALL_WORDS = new Set(["a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "or", "by"]);

/** A lowercase Latin small word next to a Latin name counts as part of the name. */
function markTitleWords(words: Word[]): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.named || w.cyr > 0 || !TITLE_SMALL_WORDS.has(w.text)) continue;
    const before = words[i - 1];
    const after = words[i + 1];
    const latinName = (x: Word | undefined) => x?.named === true && x.lat > 0 && x.cyr === 0;
    if (latinName(before) || latinName(after)) w.named = true;
  }
}

/** Words of the text, with look-alike letters fixed, and how its scripts split. */
function analyse(text: string): { words: Word[]; split: ScriptSplit; mainLetters: number } {
  const words = tokenize(text);
  for (const w of words) fixHomoglyphs(w);
  markTitleWords(words);
  const split = splitScripts(words);
  let mainLetters = 0;
  for (const w of words) mainLetters += split.main === "Cyrl" ? w.cyr : w.lat;
  return { words, split, mainLetters };
}

/**
 * Letters of running text in the main script once URLs, markup and the like are gone. Below MIN_LETTERS
 * the answer is always `und`.
 */
export function languageLetters(input: LangInput): number {
  return analyse(prepareText(input)).mainLetters;
}

/** The one decision path; `trace` (null on the normal path) collects the evidence for explainLanguage. */
function decide(
  input: LangInput,
  text: string,
  trace: Trace | null,
): LangResult & { split: ScriptSplit; mainLetters: number } {
  const { words, split, mainLetters } = analyse(text);
  const base = { split, mainLetters };
  if (mainLetters === 0) {
    if (trace) trace.shortcut = "no letters";
    return { ...UND, ...base };
  }
  if (mainLetters < MIN_LETTERS) {
    if (trace) trace.shortcut = `fewer than ${MIN_LETTERS} letters`;
    return { ...UND, script: split.script, ...base };
  }
  // Too mixed to say: running text of comparable size in both scripts.
  // (Names only in both scripts are Cyrillic text quoting Latin names: splitScripts.)
  const namesQuoted = split.namesOnly && split.main === "Cyrl";
  if (
    split.script === "mixed" &&
    !namesQuoted &&
    split.share < 0.6 &&
    Math.min(split.runCyr, split.runLat) >= 8
  ) {
    if (trace) trace.shortcut = "running text of comparable size in both scripts";
    return { ...UND, script: "mixed", ...base };
  }
  const hint = readHints(input);
  const r = split.main === "Cyrl" ? detectCyrillic(words, hint, trace) : detectLatin(words, hint, trace);
  return {
    lang: r.lang,
    script: split.script,
    confidence: r.lang === "und" ? 0 : r.confidence,
    scores: r.scores,
    ...base,
  };
}

export function detectLanguage(input: LangInput): LangResult {
  const { split: _s, mainLetters: _m, ...result } = decide(input, prepareText(input), null);
  return result;
}

/** detectLanguage's answer with the evidence that decided it (same code path, with a trace). */
export function explainLanguage(input: LangInput): ExplainedLangResult {
  const text = prepareText(input);
  const trace = newTrace();
  const { split, mainLetters, ...result } = decide(input, text, trace);
  const hint = readHints(input);
  const dictionaryHits: Record<string, number> = {};
  for (const c of trace.candidates) if (c.lang !== "other") dictionaryHits[c.lang] = 0;
  for (const d of trace.dictionary) for (const l of d.known) dictionaryHits[l] = (dictionaryHits[l] ?? 0) + 1;
  return {
    ...result,
    evidence: {
      text,
      script: { ...split, share: round3(split.share) },
      letters: mainLetters,
      hints: {
        feedLanguage: hint.lang,
        country: hint.country,
        countryLanguage: split.main === "Cyrl" ? hint.countryLang : hint.latinCountryLang,
      },
      ...trace,
      dictionaryHits,
    },
  };
}
