// Cyrillic alphabets of the languages we tell apart. A letter outside a language's alphabet is evidence
// against that language: Serbian has no я ю й ь ъ ы э щ ё, Russian has no ђ ћ џ љ њ ј і ї є ґ ў, etc.
// Lowercase only; callers lowercase first.

export type CyrLang = "ru" | "uk" | "be" | "bg" | "mk" | "sr";

export const CYR_LANGS: readonly CyrLang[] = ["ru", "uk", "be", "bg", "mk", "sr"];

const ALPHABETS: Record<CyrLang, string> = {
  ru: "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
  uk: "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
  // Belarusian: і instead of и, ў, no щ or ъ (an apostrophe instead).
  be: "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
  // ѝ is the grave-accented и Bulgarian writes for "her"/"to her".
  bg: "абвгдежзийклмнопрстуфхцчшщъьюяѝ",
  mk: "абвгдѓежзѕијклљмнњопрстќуфхцчџшѐѝ",
  sr: "абвгдђежзијклљмнњопрстћуфхцчџш",
};

/** One bit per language: the alphabet table below and the dictionaries' answers (lexicon.ts) use them. */
export const LANG_BIT: Record<CyrLang, number> = { ru: 1, uk: 2, be: 4, bg: 8, mk: 16, sr: 32 };

// Bitmask per code point U+0400..U+04FF: which languages use the letter.
const CYR_TABLE = new Uint8Array(0x100);
for (const lang of CYR_LANGS) {
  for (const ch of ALPHABETS[lang]) CYR_TABLE[ch.charCodeAt(0) - 0x400]! |= LANG_BIT[lang];
}

/** Per language, how many letters of `letters` (lowercase Cyrillic code points) it does not use. */
export function cyrForeignCounts(codes: ArrayLike<number>, n: number): Record<CyrLang, number> {
  let ru = 0;
  let uk = 0;
  let be = 0;
  let bg = 0;
  let mk = 0;
  let sr = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    const m = c >= 0x400 && c <= 0x4ff ? CYR_TABLE[c - 0x400]! : 0;
    if (m === 0x3f) continue; // shared by all six: the common case
    if (!(m & 1)) ru++;
    if (!(m & 2)) uk++;
    if (!(m & 4)) be++;
    if (!(m & 8)) bg++;
    if (!(m & 16)) mk++;
    if (!(m & 32)) sr++;
  }
  return { ru, uk, be, bg, mk, sr };
}

// Latin homoglyphs of Cyrillic letters, for words that mix the two (Ukrainian typed with a Latin "i",
// spam that swaps "о" for "o"). Only applied inside a word that is mostly Cyrillic.
export const LATIN_TO_CYR: Readonly<Record<string, string>> = {
  a: "а",
  c: "с",
  e: "е",
  i: "і",
  j: "ј",
  o: "о",
  p: "р",
  x: "х",
  y: "у",
  k: "к",
};

// Approximate letter frequencies (per cent, from general knowledge of each language, not from any data
// set). Used as a unigram model: the absence of a language's frequent marker letters (ъ for Bulgarian,
// ј for Serbian, і for Ukrainian, ы for Russian) is evidence too, and it grows with the length of the text.
const FREQ: Record<CyrLang, Record<string, number>> = {
  ru: {
    о: 10.97,
    е: 8.45,
    а: 8.01,
    и: 7.35,
    н: 6.7,
    т: 6.26,
    с: 5.47,
    р: 4.73,
    в: 4.54,
    л: 4.4,
    к: 3.49,
    м: 3.21,
    д: 2.98,
    п: 2.81,
    у: 2.62,
    я: 2.01,
    ы: 1.9,
    ь: 1.74,
    г: 1.7,
    з: 1.65,
    б: 1.59,
    ч: 1.44,
    й: 1.21,
    х: 0.97,
    ж: 0.94,
    ш: 0.73,
    ю: 0.64,
    ц: 0.48,
    щ: 0.36,
    э: 0.32,
    ф: 0.26,
    ъ: 0.04,
    ё: 0.1,
  },
  uk: {
    о: 9.3,
    а: 8.0,
    н: 6.5,
    и: 6.1,
    і: 5.9,
    т: 5.4,
    в: 4.6,
    е: 5.0,
    р: 4.6,
    с: 4.2,
    к: 3.6,
    л: 3.6,
    у: 3.3,
    д: 3.1,
    м: 3.0,
    п: 2.9,
    я: 2.0,
    з: 2.0,
    ь: 1.9,
    б: 1.6,
    г: 1.4,
    ч: 1.4,
    х: 1.2,
    й: 1.1,
    ж: 0.9,
    ц: 0.9,
    ю: 0.9,
    ї: 0.8,
    ш: 0.8,
    є: 0.5,
    щ: 0.6,
    ф: 0.3,
    ґ: 0.02,
  },
  be: {
    а: 11.0,
    о: 6.0,
    і: 5.0,
    ы: 4.0,
    н: 6.0,
    е: 5.0,
    р: 4.7,
    с: 4.5,
    ў: 2.0,
    л: 3.6,
    к: 3.3,
    д: 3.4,
    ц: 2.6,
    в: 3.0,
    т: 4.0,
    у: 3.0,
    м: 3.0,
    п: 2.7,
    я: 2.5,
    з: 2.4,
    ь: 1.8,
    б: 1.6,
    г: 1.6,
    й: 1.3,
    ч: 1.3,
    э: 0.8,
    ж: 0.8,
    х: 0.8,
    ш: 0.6,
    ю: 0.5,
    ё: 0.4,
    ф: 0.2,
  },
  bg: {
    а: 9.5,
    о: 8.7,
    е: 8.0,
    и: 7.7,
    т: 7.3,
    н: 7.0,
    р: 4.8,
    с: 4.6,
    в: 4.1,
    к: 3.5,
    д: 3.3,
    л: 3.2,
    п: 2.8,
    м: 2.6,
    ъ: 2.0,
    я: 2.0,
    з: 1.9,
    у: 1.4,
    г: 1.4,
    б: 1.2,
    ч: 1.2,
    ц: 0.8,
    щ: 0.8,
    й: 0.6,
    ж: 0.6,
    х: 0.6,
    ш: 0.5,
    ф: 0.3,
    ю: 0.2,
    ь: 0.05,
    ѝ: 0.05,
  },
  mk: {
    а: 10.0,
    о: 9.0,
    е: 8.5,
    и: 8.0,
    н: 6.5,
    т: 6.0,
    р: 5.0,
    с: 5.0,
    к: 4.0,
    в: 4.0,
    д: 3.5,
    л: 3.5,
    п: 3.0,
    м: 2.7,
    ј: 2.0,
    з: 1.8,
    у: 1.8,
    г: 1.6,
    б: 1.2,
    ч: 1.2,
    ш: 0.7,
    ќ: 0.6,
    ц: 0.5,
    ж: 0.5,
    њ: 0.5,
    љ: 0.3,
    х: 0.3,
    ѓ: 0.2,
    ф: 0.2,
    џ: 0.1,
    ѕ: 0.05,
    ѐ: 0.02,
    ѝ: 0.02,
  },
  sr: {
    а: 11.0,
    и: 9.5,
    о: 9.0,
    е: 8.5,
    н: 5.5,
    р: 5.0,
    с: 5.0,
    т: 4.5,
    ј: 4.5,
    у: 4.3,
    д: 3.5,
    к: 3.5,
    в: 3.5,
    м: 3.2,
    л: 3.0,
    п: 2.8,
    з: 1.7,
    г: 1.6,
    б: 1.5,
    ч: 1.0,
    ц: 0.9,
    ш: 0.8,
    ћ: 0.8,
    ж: 0.7,
    њ: 0.6,
    љ: 0.5,
    х: 0.4,
    ђ: 0.3,
    ф: 0.2,
    џ: 0.05,
  },
};

/** Probability given to a letter outside a language's alphabet: a quoted name, a typo. */
const FOREIGN_P = 0.0003;

// log-probability table per language over U+0400..U+04FF; NaN for letters no language here uses.
const LOGP: Record<CyrLang, Float64Array> = Object.fromEntries(
  CYR_LANGS.map((lang) => {
    const table = new Float64Array(0x100).fill(Math.log(FOREIGN_P));
    const freq = FREQ[lang];
    let total = 0;
    for (const ch in freq) total += freq[ch]!;
    for (const ch in freq) table[ch.charCodeAt(0) - 0x400] = Math.log(freq[ch]! / total);
    return [lang, table];
  }),
) as Record<CyrLang, Float64Array>;

// The same unigram model split in two (the sum of the two parts is the full log-likelihood):
// - marker evidence: every letter that is not in all six alphabets (и й я ь ю ы э ё ъ щ і ї є ґ ў ј љ њ ђ ћ
//   џ ѓ ќ ѕ …) counts with its own probability (presence), and every shared letter (а б в г д е …)
//   counts log(1 - q), q being the language's total share of non-shared letters. Over n shared letters
//   that is log((1-q)^n): the probability that n letters contain none of the language's characteristic
//   letters. Absence evidence is weak for short texts and strong for long ones, as it should be.
// - shape: how the shared letters are distributed among themselves, log p(c | shared). These frequencies
//   are rough and differ little between the languages; the caller may weigh this part down.
const SHARED_ALL = 0x3f;
const LOG_SHARED: Record<CyrLang, number> = Object.fromEntries(
  CYR_LANGS.map((lang) => {
    const freq = FREQ[lang];
    let total = 0;
    let shared = 0;
    for (const ch in freq) {
      total += freq[ch]!;
      if (CYR_TABLE[ch.charCodeAt(0) - 0x400] === SHARED_ALL) shared += freq[ch]!;
    }
    return [lang, Math.log(shared / total)];
  }),
) as Record<CyrLang, number>;

export interface CyrLetterEvidence {
  marker: Record<CyrLang, number>;
  shape: Record<CyrLang, number>;
}

/** Marker (presence and absence) and shape parts of the unigram log-likelihood; see above. */
export function cyrLetterEvidence(codes: ArrayLike<number>, n: number): CyrLetterEvidence {
  const marker = { ru: 0, uk: 0, be: 0, bg: 0, mk: 0, sr: 0 };
  const shape = { ru: 0, uk: 0, be: 0, bg: 0, mk: 0, sr: 0 };
  // Count each letter once, then weigh the distinct letters: a text uses a few dozen of them.
  const counts = new Uint16Array(0x100);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0x400 && c <= 0x4ff) counts[c - 0x400]!++;
  }
  let sharedCount = 0;
  for (let k = 0; k < 0x100; k++) {
    const m = counts[k]!;
    if (m === 0 || CYR_TABLE[k] === 0) continue; // absent, or nobody's letter: no evidence
    const shared = CYR_TABLE[k] === SHARED_ALL;
    if (shared) sharedCount += m;
    for (const l of CYR_LANGS) {
      if (shared) shape[l] += m * (LOGP[l][k]! - LOG_SHARED[l]);
      else marker[l] += m * LOGP[l][k]!;
    }
  }
  for (const l of CYR_LANGS) marker[l] += sharedCount * LOG_SHARED[l];
  return { marker, shape };
}
