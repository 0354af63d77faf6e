// Text views the matcher runs on. Each view keeps a map from view offsets back to the
// original string, so evidence always points into the text the caller gave us.

/** A normalised copy of a text plus `orig[i]` = original offset of view char i (length+1 entries). */
export interface TextView {
  text: string;
  orig: Uint32Array;
}

// Serbian Cyrillic → Latin without diacritics. Digraph letters (љ, њ, џ, ђ) become two chars.
const SR_CYR: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  ђ: "dj",
  е: "e",
  ж: "z",
  з: "z",
  и: "i",
  ј: "j",
  к: "k",
  л: "l",
  љ: "lj",
  м: "m",
  н: "n",
  њ: "nj",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  ћ: "c",
  у: "u",
  ф: "f",
  х: "h",
  ц: "c",
  ч: "c",
  џ: "dz",
  ш: "s",
};

// Latin letters whose folding is not plain "strip the combining mark".
const LATN_SPECIAL: Record<string, string> = { đ: "dj", Đ: "Dj", ð: "d", ł: "l", Ł: "L", ß: "ss" };

/** Per-code-unit folding table for the Latin view (BMP only; astral chars pass through). */
const LATN_TABLE: (string | undefined)[] = buildLatnTable();

function buildLatnTable(): (string | undefined)[] {
  const t: (string | undefined)[] = new Array(0x500);
  for (const [cyr, lat] of Object.entries(SR_CYR)) {
    t[cyr.charCodeAt(0)] = lat;
    const upper = cyr.toUpperCase();
    // Uppercase digraphs are title-cased (Љ → Lj) so a capitalised word stays capitalised.
    t[upper.charCodeAt(0)] = lat.charAt(0).toUpperCase() + lat.slice(1);
  }
  for (let c = 0xc0; c < 0x250; c++) {
    const ch = String.fromCharCode(c);
    const special = LATN_SPECIAL[ch];
    if (special !== undefined) {
      t[c] = special;
      continue;
    }
    const base = ch.normalize("NFD").charAt(0);
    if (base !== ch && /[A-Za-z]/.test(base)) t[c] = base;
  }
  return t;
}

/** Serbian/English view: Serbian Cyrillic transliterated, Latin diacritics folded, case kept. */
export function latnView(s: string): TextView {
  const orig = new Uint32Array(s.length * 2 + 1);
  const parts: string[] = [];
  let k = 0;
  let runStart = 0; // start of the current run of unchanged chars
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const rep = c < 0x500 ? LATN_TABLE[c] : undefined;
    if (rep === undefined) {
      orig[k++] = i;
      continue;
    }
    if (runStart < i) parts.push(s.slice(runStart, i));
    runStart = i + 1;
    parts.push(rep);
    for (let j = 0; j < rep.length; j++) orig[k++] = i;
  }
  if (runStart === 0) {
    orig[k] = s.length;
    return { text: s, orig: orig.subarray(0, k + 1) };
  }
  if (runStart < s.length) parts.push(s.slice(runStart));
  orig[k] = s.length;
  return { text: parts.join(""), orig: orig.subarray(0, k + 1) };
}

/** Russian view: identical to the input except ё → е (1:1, so offsets are the identity). */
export function cyrlView(s: string): TextView {
  const text = s.replace(/ё/g, "е").replace(/Ё/g, "Е");
  const orig = new Uint32Array(s.length + 1);
  for (let i = 0; i <= s.length; i++) orig[i] = i;
  return { text, orig };
}

/** Fold a pattern written by an analyst (Latin with or without diacritics, or Serbian Cyrillic). */
export function foldLatn(s: string): string {
  return latnView(s).text;
}

export function foldCyrl(s: string): string {
  return s.replace(/ё/g, "е").replace(/Ё/g, "Е");
}

export type Script = "latn" | "sr-cyrl" | "ru-cyrl" | "cyrl";

// 1 = letter only Serbian Cyrillic has, 2 = letter only Russian has (index: code - 0x400).
const CYR_KIND = new Uint8Array(0x100);
for (const ch of "ђјљњћџЂЈЉЊЋЏ") CYR_KIND[ch.charCodeAt(0) - 0x400] = 1;
for (const ch of "ыэъйяюёщьЫЭЪЙЯЮЁЩЬ") CYR_KIND[ch.charCodeAt(0) - 0x400] = 2;

/**
 * Which script/language family a text is in. Serbian Cyrillic and Russian share most letters,
 * so the letters only one of them has decide; a Cyrillic text with neither is ambiguous ("cyrl").
 */
export function detectScript(s: string, lang?: string | null): Script {
  let cyr = 0;
  let lat = 0;
  let sr = 0;
  let ru = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x400 && c <= 0x4ff) {
      cyr++;
      const kind = CYR_KIND[c - 0x400];
      if (kind === 1) sr++;
      else if (kind === 2) ru++;
    } else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) lat++;
  }
  if (lat >= cyr) return "latn";
  if (sr > ru) return "sr-cyrl";
  if (ru > sr) return "ru-cyrl";
  if (lang === "sr") return "sr-cyrl";
  if (lang === "ru") return "ru-cyrl";
  return "cyrl";
}

// Function words and letters tell Serbian Latin from English for the one decision that needs it
// (whether a Serbian item may leave Serbia implicit as the recipient). Serbian Latin has no
// q, w, x, y; English has no č, ć, š, ž, đ. With no signal at all we assume Serbian, the
// pipeline's main language.
const SR_WORDS = new Set(
  "je i u su se na da za od sa iz o ne ali kao koji koja koje što sto još jos bi biti posle".split(" "),
);
const EN_WORDS = new Set(
  "the of and to in is are was were for on with by from that has have a an".split(" "),
);

export function guessLatnLang(s: string): "sr" | "en" {
  let sr = 0;
  let en = 0;
  for (const w of s.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (SR_WORDS.has(w)) sr++;
    else if (EN_WORDS.has(w)) en++;
    if (/[čćšžđ]/.test(w)) sr++;
    else if (/[qwxy]|th/.test(w)) en++;
  }
  return en > sr ? "en" : "sr";
}
