// Serbian Latin maps onto Serbian Cyrillic letter by letter (lj → љ, nj → њ, dž → џ as digraphs), so the
// Cyrillic dictionary can judge Latin words too. Two things make the mapping one-to-many:
// - digraphs are not always digraphs: "injekcija" is ињекција, "nadživeti" надживети;
// - much Serbian web text is typed without diacritics: c stands for ц ч ћ, s for с ш, z for з ж, dj for ђ,
//   dz for џ. A word that has a č ć š ž đ anywhere was typed with diacritics, so its plain letters are plain.
// The candidates are all the spellings the word can stand for; the dictionary says which, if any, exists.
// Croatian and the ijekavian Serbian of Bosnia and Montenegro write ije/je where the dictionary (ekavian)
// has e (vrijeme → vreme, svjetlo → svetlo): ekavianCandidates gives those spellings too.

const SINGLE: Readonly<Record<string, string>> = {
  a: "а",
  b: "б",
  c: "ц",
  č: "ч",
  ć: "ћ",
  d: "д",
  đ: "ђ",
  e: "е",
  f: "ф",
  g: "г",
  h: "х",
  i: "и",
  j: "ј",
  k: "к",
  l: "л",
  m: "м",
  n: "н",
  o: "о",
  p: "п",
  r: "р",
  s: "с",
  š: "ш",
  t: "т",
  u: "у",
  v: "в",
  z: "з",
  ž: "ж",
};

// What an ASCII letter may stand for when the writer leaves diacritics out.
const ASCII_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  c: ["ц", "ч", "ћ"],
  s: ["с", "ш"],
  z: ["з", "ж"],
};

const DIACRITIC = /[čćšžđ]/;

/** At most this many spellings per word: beyond it the word is left unjudged (rare: long, all c s z). */
export const MAX_CANDIDATES = 64;

/**
 * The Cyrillic spellings a lowercase Serbian Latin word can stand for, or [] when it has a letter Serbian
 * Latin lacks (q w x y, ä é …): such a word is not Serbian as written.
 */
export function serbianCyrillicCandidates(word: string): string[] {
  const ascii = !DIACRITIC.test(word);
  let out: string[] = [""];
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const ch = word[i]!;
    const next = i + 1 < n ? word[i + 1]! : "";
    let options: readonly string[];
    if ((ch === "l" || ch === "n") && next === "j") {
      options = ch === "l" ? ["љ", "лј"] : ["њ", "нј"];
      i++;
    } else if (ch === "d" && next === "ž") {
      options = ["џ", "дж"];
      i++;
    } else if (ch === "d" && ascii && next === "j") {
      options = ["ђ", "дј"];
      i++;
    } else if (ch === "d" && ascii && next === "z") {
      options = ["дз", "џ", "дж"];
      i++;
    } else if (ascii && ASCII_ALTERNATIVES[ch]) {
      options = ASCII_ALTERNATIVES[ch]!;
    } else if (ch === "-" || ch === "'") {
      options = [ch];
    } else {
      const c = SINGLE[ch];
      if (c === undefined) return [];
      options = [c];
    }
    if (options.length === 1) {
      for (let k = 0; k < out.length; k++) out[k] += options[0]!;
      continue;
    }
    if (out.length * options.length > MAX_CANDIDATES) return [];
    const grown: string[] = [];
    for (const prefix of out) for (const o of options) grown.push(prefix + o);
    out = grown;
  }
  return out;
}

/**
 * Ekavian spellings of an ijekavian word: ije → e and je after a consonant → e (rijeka → reka,
 * mlijeko → mleko, svjetlo → svetlo, prije → pre), all at once. [] when there is nothing to change.
 */
export function ekavianCandidates(word: string): string[] {
  if (!word.includes("je")) return [];
  const out = word.replace(/ije/g, "e").replace(/([bcčćdđfghklmnprsštvzž])je/g, "$1e");
  return out === word ? [] : [out];
}
