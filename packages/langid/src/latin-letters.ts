// Letter evidence for Latin text: a unigram model of English and of Serbian Latin (typed with and without
// diacritics) against a generic model of "some other Latin-script language". On a headline, letters are
// most of what there is: English spends 6% of its letters on h and 4% on w and y, which Serbian writes only
// in foreign names; Serbian spends 4.5% on j and 3.5% on k and v, which English rarely uses. Lowercase only.

// Approximate letter frequencies, per cent. English: the usual printed-English figures. Serbian Latin: the
// Serbian Cyrillic figures of alphabets.ts spelled in Latin (љ → l + j, њ → n + j, џ → d + ž), with a
// trace of q w x y for foreign names. General knowledge, not fitted to any data set.
const EN: Readonly<Record<string, number>> = {
  e: 12.02,
  t: 9.1,
  a: 8.12,
  o: 7.68,
  i: 7.31,
  n: 6.95,
  s: 6.28,
  r: 6.02,
  h: 5.92,
  d: 4.32,
  l: 3.98,
  u: 2.88,
  c: 2.71,
  m: 2.61,
  f: 2.3,
  y: 2.11,
  w: 2.09,
  g: 2.03,
  p: 1.82,
  b: 1.49,
  v: 1.11,
  k: 0.69,
  x: 0.17,
  q: 0.11,
  j: 0.1,
  z: 0.07,
};

const SR: Readonly<Record<string, number>> = {
  a: 11.0,
  i: 9.5,
  o: 9.0,
  e: 8.5,
  n: 6.1,
  r: 5.0,
  s: 5.0,
  j: 5.6,
  t: 4.5,
  u: 4.3,
  d: 3.55,
  k: 3.5,
  v: 3.5,
  l: 3.5,
  m: 3.2,
  p: 2.8,
  z: 1.7,
  g: 1.6,
  b: 1.5,
  č: 1.0,
  c: 0.9,
  š: 0.8,
  ć: 0.8,
  ž: 0.75,
  h: 0.4,
  đ: 0.3,
  f: 0.2,
  q: 0.01,
  w: 0.02,
  x: 0.02,
  y: 0.02,
};

/** The same text typed without diacritics: č ć → c, š → s, ž → z, đ → dj. */
const SR_ASCII: Readonly<Record<string, number>> = (() => {
  const fold: Record<string, string> = { č: "c", ć: "c", š: "s", ž: "z" };
  const out: Record<string, number> = {};
  for (const [ch, f] of Object.entries(SR)) {
    if (ch === "đ") {
      out.d = (out.d ?? 0) + f;
      out.j = (out.j ?? 0) + f;
      continue;
    }
    const to = fold[ch] ?? ch;
    out[to] = (out[to] ?? 0) + f;
  }
  return out;
})();

// Letters of the other Latin alphabets a news item may come in (Western and Central European, Baltic,
// Turkish, Romanian, Albanian): the generic model gives them a share, English and Serbian next to none.
const OTHER_LETTERS = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿąęłńśźżřůěťďňőűğışșțăāēīūķļņģœß";

/** Probability of a letter outside a language's alphabet (a quoted name, a typo). */
const FOREIGN_P = 0.0003;
/** Share of the generic model's letters outside a–z and Serbian's č ć š ž đ. */
const OTHER_SHARE = 0.12;

export type LatinModel = "en" | "sr" | "srAscii" | "other";

function logTable(freq: Readonly<Record<string, number>>): Map<string, number> {
  let total = 0;
  for (const f of Object.values(freq)) total += f;
  const m = new Map<string, number>();
  for (const [ch, f] of Object.entries(freq)) m.set(ch, Math.log(f / total));
  return m;
}

const TABLES: Record<Exclude<LatinModel, "other">, Map<string, number>> = {
  en: logTable(EN),
  sr: logTable(SR),
  srAscii: logTable(SR_ASCII),
};

// Generic: the average of English and Serbian over their letters, and an even share of OTHER_LETTERS.
const GENERIC: Map<string, number> = (() => {
  const mixed: Record<string, number> = {};
  const add = (freq: Readonly<Record<string, number>>) => {
    let total = 0;
    for (const f of Object.values(freq)) total += f;
    for (const [ch, f] of Object.entries(freq)) mixed[ch] = (mixed[ch] ?? 0) + (f / total) * 0.5;
  };
  add(EN);
  add(SR);
  const m = new Map<string, number>();
  for (const [ch, p] of Object.entries(mixed)) m.set(ch, Math.log(p * (1 - OTHER_SHARE)));
  const others = [...OTHER_LETTERS];
  for (const ch of others) m.set(ch, Math.log(OTHER_SHARE / others.length));
  return m;
})();
const LOG_FOREIGN = Math.log(FOREIGN_P);

// Per code point below U+0250 (Basic Latin to Latin Extended-B), the four log-probabilities side by side:
// one array read per letter instead of four map look-ups. Letters beyond it are foreign to all but the
// generic model, which gives them an even share too.
const TABLE_END = 0x250;
const MODELS: readonly LatinModel[] = ["en", "sr", "srAscii", "other"];
const LOGP = new Float64Array(TABLE_END * 4).fill(LOG_FOREIGN);
for (let c = 0; c < TABLE_END; c++) {
  const ch = String.fromCharCode(c);
  MODELS.forEach((m, k) => {
    const t = m === "other" ? GENERIC : TABLES[m];
    LOGP[c * 4 + k] = t.get(ch) ?? LOG_FOREIGN;
  });
}
const LOG_OTHER_BEYOND = Math.log(OTHER_SHARE / [...OTHER_LETTERS].length);

export interface LatinLetterEvidence {
  /** Log-likelihood of the letters under English, Serbian (the better of its two spellings) and the
   * generic model, in nats. */
  en: number;
  sr: number;
  other: number;
  /** Whether the text reads better as Serbian typed without diacritics. */
  srAscii: boolean;
}

/**
 * Unigram log-likelihoods of the letters of `words` (lowercase), each word weighed by `weights[i]` (names
 * count less than running text). Serbian is a mixture of its two spellings: with diacritics or without.
 */
export function latinLetterEvidence(
  words: readonly string[],
  weights: readonly number[],
): LatinLetterEvidence {
  let en = 0;
  let sr = 0;
  let srAscii = 0;
  let other = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const k = weights[i]!;
    for (let j = 0; j < w.length; j++) {
      const c = w.charCodeAt(j);
      if (c === 0x2d || c === 0x27) continue; // - '
      if (c >= TABLE_END) {
        en += k * LOG_FOREIGN;
        sr += k * LOG_FOREIGN;
        srAscii += k * LOG_FOREIGN;
        other += k * LOG_OTHER_BEYOND;
        continue;
      }
      const o = c * 4;
      en += k * LOGP[o]!;
      sr += k * LOGP[o + 1]!;
      srAscii += k * LOGP[o + 2]!;
      other += k * LOGP[o + 3]!;
    }
  }
  // log(½ e^sr + ½ e^srAscii), computed without underflow.
  const hi = Math.max(sr, srAscii);
  const mix = hi + Math.log(0.5 * Math.exp(sr - hi) + 0.5 * Math.exp(srAscii - hi));
  return { en, sr: mix, other, srAscii: srAscii > sr };
}
