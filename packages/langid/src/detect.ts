import { CYR_LANGS, type CyrLang, cyrForeignCounts, cyrLetterEvidence, LATIN_TO_CYR } from "./alphabets";
import { francDistances } from "./franc-core";
import { type Hint, readHints } from "./hints";
import { knows, langMask, lexiconMask } from "./lexicon";
import { BCS_ENDINGS, BCS_WORDS, CYR_WORDS, countHits, EN_WORDS } from "./words";

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
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isLatinLetter(c) && !isCyrLetter(c)) {
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
    words.push({ text: raw.toLowerCase(), cyr, lat, named: first !== first.toLowerCase() || upperInside });
  }
  return words;
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
  const main = wc >= wl ? "Cyrl" : "Latn";
  const share = total === 0 ? 1 : Math.max(wc, wl) / total;
  // Genuinely mixed: both scripts carry running text, not just a name or two.
  const minorRun = main === "Cyrl" ? runLat : runCyr;
  const script: Script = 1 - share >= MIXED_MIN_SHARE && minorRun >= 4 ? "mixed" : main;
  return { script, main, share, runCyr, runLat };
}

// Evidence is added up per candidate in nats (natural-log units); the largest sum wins. franc's distance
// is a sum of per-trigram rank differences (a trigram a model lacks costs 300); francScale converts it.
// Weights were set by hand and checked on the development set, not fitted to it item by item.
const T = {
  francScale: 1000,
  francScaleLatin: 600,
  prior: 1.5, // Latin: the feed's declared language
  wordHit: 1.5,
  bcsLetter: 1,
  asciiEnglish: 2, // plain-ASCII Latin text with nothing else to go on is English more often than not
  bcsEnding: 1.5,
  cyrWord: 2.5,
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

/** Confidence from the winning margin (nats) and the amount of text. */
function confidenceOf(margin: number, letters: number): number {
  const p = 1 / (1 + Math.exp(-margin)); // two-way posterior of winner over runner-up
  const size = Math.min(1, letters / 30);
  const c = p * (0.5 + 0.5 * size);
  return Math.round(Math.min(1, Math.max(0, c)) * 1000) / 1000;
}

function rank<K extends string>(evidence: Map<K, number>): [K, number][] {
  return [...evidence.entries()].sort((a, b) => b[1] - a[1]);
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

function detectCyrillic(words: readonly Word[], hint: Hint): Decision {
  const parts: string[] = [];
  const codes: number[] = [];
  for (const w of words) {
    if (w.cyr === 0) continue;
    parts.push(w.text);
    for (let i = 0; i < w.text.length; i++) {
      const c = w.text.charCodeAt(i);
      if (isCyrLetter(c)) codes.push(c);
    }
  }
  const letters = codes.length;
  const foreign = cyrForeignCounts(codes, letters);
  let minForeign = Number.POSITIVE_INFINITY;
  for (const l of CYR_LANGS) minForeign = Math.min(minForeign, foreign[l]);
  // Letters nobody here uses (Kazakh ә қ, Old Russian ѣ …) in bulk: out of scope.
  if (minForeign > Math.max(2, letters * 0.1)) return { lang: "und", confidence: 0, scores: {} };
  // A language whose alphabet lacks several of the letters is out, with no need to ask franc.
  const cands = CYR_LANGS.filter((l) => foreign[l] <= minForeign + Math.floor(letters / 100));
  const lx = cyrLetterEvidence(codes, letters);
  const prior = cyrLogPrior(hint);
  const text = parts.join(" ");
  const only: string[] = [];
  for (const l of cands) only.push(...FRANC_CYR[l]);
  const franc = cands.length > 1 ? francDistances(text, "Cyrillic", only) : null;
  const w = textWeight(letters, T.textHalf);
  // log posterior (up to a constant) = log prior + letter log-likelihood + words + w · franc (+ dictionaries below).
  const evidence = new Map<CyrLang, number>();
  for (const l of cands) {
    let e = prior[l] + T.markerWeight * lx.marker[l] + T.shapeWeight * lx.shape[l];
    // Function words are lexical evidence like the letters: a hit counts whatever the length.
    e += T.cyrWord * countHits(parts, CYR_WORDS[l]);
    if (franc) {
      let d = Number.POSITIVE_INFINITY;
      for (const code of FRANC_CYR[l]) d = Math.min(d, franc.distances.get(code) ?? d);
      e -= (w * d) / T.francScale;
    }
    evidence.set(l, e);
  }
  // What settles a headline or a two-word comment: which of the languages' dictionaries know its words.
  // Skipped when letters and trigrams have already decided (long text, distinctive letters): look-ups are
  // the slowest step.
  if (cands.length > 1 && margin(rank(evidence)) < T.lexSkip) {
    const lex = lexiconEvidence(parts, cands);
    for (const l of cands) evidence.set(l, evidence.get(l)! + lex[l]);
  }
  const ranked = rank(evidence);
  const top = ranked[0]!;
  return {
    lang: outLang(top[0], hint, "Cyrl"),
    confidence: posteriorConfidence(ranked),
    scores: franc?.scores ?? {},
  };
}

// How often a language's dictionary knows a word of running text in that language (names and rare words
// are what it misses: 92-97% on the development text, 87% for Belarusian), and how often it knows a word of
// another language's text (about a third: shared Slavic words, short forms).
const LEX_COVER = 0.92;
const LEX_OVERLAP = 0.3;
const LEX_KNOWN = Math.log(LEX_COVER / LEX_OVERLAP);
const LEX_UNKNOWN = Math.log((1 - LEX_COVER) / (1 - LEX_OVERLAP));

/**
 * Per candidate, the log-likelihood ratio of its dictionary knowing (or not knowing) each word, against
 * the word being from some other language: +1.1 nats per known word, -2.2 per unknown one (half that
 * for words of two or three letters). A word every candidate knows moves nothing; a word none knows (a
 * name, a typo, slang) is left out rather than held against all of them. Each language is judged by its own dictionary only: the dictionaries' answers are
 * strongly correlated (a word Serbian knows, Macedonian usually knows too), so multiplying them all in
 * would count the same evidence several times.
 */
function lexiconEvidence(parts: readonly string[], cands: readonly CyrLang[]): Record<CyrLang, number> {
  const ev: Record<CyrLang, number> = { ru: 0, uk: 0, be: 0, bg: 0, mk: 0, sr: 0 };
  const want = langMask(cands);
  let looked = 0;
  for (const word of parts) {
    if (word.length < 2) continue;
    if (++looked > T.lexWords) break;
    const mask = lexiconMask(word, want);
    let any = false;
    for (const l of cands) if (knows(mask, l)) any = true;
    if (!any) continue;
    // Two- and three-letter strings turn up in other dictionaries by chance (abbreviations, interjections).
    const k = word.length <= 3 ? 0.5 : 1;
    for (const l of cands) ev[l] += k * (knows(mask, l) ? LEX_KNOWN : LEX_UNKNOWN);
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

const BCS_LETTER = /[čćžšđ]/g;
const NON_ASCII = /[^\x00-\x7f]/;

function detectLatin(words: readonly Word[], hint: Hint): Decision {
  const parts: string[] = [];
  let letters = 0;
  for (const w of words) {
    if (w.lat === 0) continue;
    parts.push(w.text);
    letters += w.lat;
  }
  const text = parts.join(" ");
  const franc = francDistances(text, "Latin", FRANC_LATIN);
  const enHits = countHits(parts, EN_WORDS);
  const bcsHits = countHits(parts, BCS_WORDS);
  let bcsEndings = 0;
  for (const p of parts) if (p.length > 3 && BCS_ENDINGS.test(p)) bcsEndings++;
  const bcsLetters = Math.min(3, text.match(BCS_LETTER)?.length ?? 0);
  const ascii = !NON_ASCII.test(text);

  let en = Number.NEGATIVE_INFINITY;
  let bcs = Number.NEGATIVE_INFINITY;
  let bcsCode = "srp";
  let other = Number.NEGATIVE_INFINITY;
  for (const [code, d] of franc.distances) {
    const e = -d / T.francScaleLatin;
    if (code === "eng") en = e;
    else if (BCS_FRANC.has(code)) {
      if (e > bcs) {
        bcs = e;
        bcsCode = code;
      }
    } else other = Math.max(other, e);
  }
  // Function words are decisive on headlines, where trigrams are too few.
  en += T.wordHit * enHits + (ascii ? T.asciiEnglish : 0);
  bcs += T.wordHit * bcsHits + T.bcsLetter * bcsLetters + T.bcsEnding * bcsEndings;
  if (hint.lang === "en") en += T.prior;
  if (hint.lang === "sr" || hint.lang === "hr" || hint.lang === "bs") bcs += T.prior;
  const ranked = rank(
    new Map([
      ["en", en],
      ["sr", bcs],
      ["other", other],
    ]),
  );
  const top = ranked[0]!;
  const gap = margin(ranked);
  if (top[0] === "other") return { lang: "und", confidence: 0, scores: franc.scores };
  if (top[0] === "en") return { lang: "en", confidence: confidenceOf(gap, letters), scores: franc.scores };
  let lang = outLang("sr", hint, "Latn");
  if (lang === "sr" && hint.bsCountry && bcsCode === "bos") lang = "bs";
  return { lang, confidence: confidenceOf(gap, letters), scores: franc.scores };
}

/** Turn a detected language into the answer, applying the Serbian/Croatian/Bosnian hints. */
function outLang(lang: CyrLang | "sr", hint: Hint, script: "Cyrl" | "Latn"): Lang {
  if (lang !== "sr") return lang;
  if (hint.lang === "hr" || (hint.hrCountry && hint.lang !== "sr")) return script === "Latn" ? "hr" : "sr";
  if (hint.lang === "bs") return "bs";
  return "sr";
}

/** Words of the text, with look-alike letters fixed, and how its scripts split. */
function analyse(input: LangInput): { words: Word[]; split: ScriptSplit; mainLetters: number } {
  const words = tokenize(prepareText(input));
  for (const w of words) fixHomoglyphs(w);
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
  return analyse(input).mainLetters;
}

export function detectLanguage(input: LangInput): LangResult {
  const { words, split, mainLetters } = analyse(input);
  if (mainLetters === 0) return { ...UND };
  if (mainLetters < MIN_LETTERS) return { ...UND, script: split.script };
  // Too mixed to say: running text of comparable size in both scripts.
  if (split.script === "mixed" && split.share < 0.6 && Math.min(split.runCyr, split.runLat) >= 8) {
    return { ...UND, script: "mixed" };
  }
  const hint = readHints(input);
  const r = split.main === "Cyrl" ? detectCyrillic(words, hint) : detectLatin(words, hint);
  return {
    lang: r.lang,
    script: split.script,
    confidence: r.lang === "und" ? 0 : r.confidence,
    scores: r.scores,
  };
}
