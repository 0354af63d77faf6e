// Serbian Latin → Cyrillic, so every Serbian test sentence can be checked in both scripts.
const DIGRAPHS: Record<string, string> = {
  lj: "љ",
  nj: "њ",
  dž: "џ",
  Lj: "Љ",
  LJ: "Љ",
  Nj: "Њ",
  NJ: "Њ",
  Dž: "Џ",
  DŽ: "Џ",
};
const SINGLE: Record<string, string> = {
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

export function toCyrillic(latin: string): string {
  let out = "";
  for (let i = 0; i < latin.length; i++) {
    const two = latin.slice(i, i + 2);
    const d = DIGRAPHS[two];
    if (d !== undefined) {
      out += d;
      i++;
      continue;
    }
    const ch = latin[i] ?? "";
    const lower = ch.toLowerCase();
    const c = SINGLE[lower];
    out += c === undefined ? ch : ch === lower ? c : c.toUpperCase();
  }
  return out;
}
