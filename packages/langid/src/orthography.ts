// Letter-trigram models of each Cyrillic language's words, built from its Hunspell dictionary: which
// letters follow which, at the start, inside and at the end of a word. They judge the words no candidate's
// dictionary knows (names in transliteration, compounds, forms a word list lacks): "вишестраначки" has
// Serbian's -ачки, "Тройборг" the look of a Russian or Bulgarian transliteration, "Рынаў" Belarusian's ы
// and ў. The dictionaries are word lists, so these are statistics of word types, not of running text:
// weak evidence, weighed down in detect.ts.
//
// Each model is an interpolated absolute-discounting trigram model over the letters of the six alphabets
// (plus one symbol for any other letter, and the word's start and end), trained on a sample of the
// dictionary's forms (lexicon.ts sampleForms), and stored as one table of log probabilities, so scoring a
// word is one look-up per letter. Built on first use, from the dictionaries already loaded.
import { CYR_LANGS, type CyrLang } from "./alphabets";
import { sampleForms } from "./lexicon";

// Letters of the six alphabets (alphabets.ts), and the apostrophe Ukrainian and Belarusian write inside words.
const LETTERS = "абвгґдѓђеёєжзѕийіїјклљмнњопрстќћуўфхцчџшщъыьэюяѐѝ'";
/** Index 0: the word's edge (start or end); 1: any other character; then the letters. */
const EDGE = 0;
const OTHER = 1;
const SYMBOLS = LETTERS.length + 2;
const INDEX = new Uint8Array(0x500).fill(OTHER);
for (let i = 0; i < LETTERS.length; i++) INDEX[LETTERS.charCodeAt(i)] = i + 2;

function symbol(c: number): number {
  return c < 0x500 ? INDEX[c]! : OTHER;
}

/** Stems sampled per language, and forms per stem: some 60,000 forms, a few tens of milliseconds. */
const SAMPLE_STEMS = 12_000;
const SAMPLE_PER_STEM = 6;
/** Absolute discount of the interpolated model. */
const DISCOUNT = 0.75;

type Model = Float32Array; // log P(c | a b) at (a * S + b) * S + c

const models: Partial<Record<CyrLang, Model>> = {};

function train(words: readonly string[]): Model {
  const S = SYMBOLS;
  const tri = new Uint32Array(S * S * S);
  const bi = new Uint32Array(S * S);
  const uni = new Uint32Array(S);
  for (const w of words) {
    let a = EDGE;
    let b = EDGE;
    for (let i = 0; i <= w.length; i++) {
      const c = i < w.length ? symbol(w.charCodeAt(i)) : EDGE;
      tri[(a * S + b) * S + c]!++;
      bi[b * S + c]!++;
      uni[c]!++;
      a = b;
      b = c;
    }
  }
  // Unigram: discounted counts plus a uniform floor.
  let n1 = 0;
  let types1 = 0;
  for (let c = 0; c < S; c++) {
    n1 += uni[c]!;
    if (uni[c]! > 0) types1++;
  }
  const p1 = new Float64Array(S);
  for (let c = 0; c < S; c++) p1[c] = (Math.max(uni[c]! - DISCOUNT, 0) + (DISCOUNT * types1) / S) / n1;
  // Bigram: P(c | b), interpolated with the unigram.
  const p2 = new Float64Array(S * S);
  for (let b = 0; b < S; b++) {
    let total = 0;
    let types = 0;
    for (let c = 0; c < S; c++) {
      const k = bi[b * S + c]!;
      total += k;
      if (k > 0) types++;
    }
    for (let c = 0; c < S; c++) {
      p2[b * S + c] =
        total === 0 ? p1[c]! : (Math.max(bi[b * S + c]! - DISCOUNT, 0) + DISCOUNT * types * p1[c]!) / total;
    }
  }
  // Trigram: P(c | a b), interpolated with the bigram; stored as logs.
  const out = new Float32Array(S * S * S);
  for (let a = 0; a < S; a++) {
    for (let b = 0; b < S; b++) {
      const row = (a * S + b) * S;
      let total = 0;
      let types = 0;
      for (let c = 0; c < S; c++) {
        const k = tri[row + c]!;
        total += k;
        if (k > 0) types++;
      }
      for (let c = 0; c < S; c++) {
        const p =
          total === 0
            ? p2[b * S + c]!
            : (Math.max(tri[row + c]! - DISCOUNT, 0) + DISCOUNT * types * p2[b * S + c]!) / total;
        out[row + c] = Math.log(p);
      }
    }
  }
  return out;
}

function model(lang: CyrLang): Model {
  let m = models[lang];
  if (!m) {
    m = train(sampleForms(lang, SAMPLE_STEMS, SAMPLE_PER_STEM));
    models[lang] = m;
  }
  return m;
}

/** Build the models now (preloadLexicons does, after the dictionaries). */
export function preloadOrthography(langs: readonly CyrLang[] = CYR_LANGS): void {
  for (const l of langs) model(l);
}

/** log P(word | lang) under the language's letter-trigram model, end of word included (lowercase word). */
export function orthographyLogProb(word: string, lang: CyrLang): number {
  const m = model(lang);
  const S = SYMBOLS;
  let a = EDGE;
  let b = EDGE;
  let lp = 0;
  for (let i = 0; i <= word.length; i++) {
    const c = i < word.length ? symbol(word.charCodeAt(i)) : EDGE;
    lp += m[(a * S + b) * S + c]!;
    a = b;
    b = c;
  }
  return lp;
}
