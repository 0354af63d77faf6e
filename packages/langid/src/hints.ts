import type { LangInput } from "./detect";

export type HintLang = "sr" | "hr" | "bs" | "ru" | "uk" | "be" | "bg" | "mk" | "en";

export interface Hint {
  /** The feed's declared language, normalised; a prior, not the answer. */
  lang: HintLang | null;
  hrCountry: boolean;
  bsCountry: boolean;
  /** The Cyrillic language the item's country mostly writes, if any: a prior like the feed's language. */
  countryLang: HintLang | null;
  /** The language of the country's Latin-script press, between the two Latin languages we tell apart. */
  latinCountryLang: "sr" | "en" | null;
  /** The country as given, uppercase, or null. */
  country: string | null;
}

// Countries whose Cyrillic press is mostly in one of our languages. Bosnia and Montenegro write Serbian
// Cyrillic (Republika Srpska, Montenegrin press); Kazakhstan and Kyrgyzstan publish in Russian besides
// their own languages, whose distinctive letters (ә қ ү ө) rule them in or out anyway. Belarus is left
// out on purpose: most of its Cyrillic press is Russian, so BY says little about ru against be.
const COUNTRY_LANG: Record<string, HintLang> = {
  RS: "sr",
  ME: "sr",
  BA: "sr",
  XK: "sr",
  RU: "ru",
  KZ: "ru",
  KG: "ru",
  UA: "uk",
  BG: "bg",
  MK: "mk",
};

// Countries whose Latin-script press is Serbo-Croatian or English. Kosovo is left out: its Latin press is
// mostly Albanian.
const LATIN_COUNTRY_LANG: Record<string, "sr" | "en"> = {
  RS: "sr",
  ME: "sr",
  BA: "sr",
  HR: "sr",
  GB: "en",
  UK: "en",
  US: "en",
  IE: "en",
  CA: "en",
  AU: "en",
  NZ: "en",
};

// Primary subtags (ISO 639-1 and -2/3) we understand. Montenegrin and Serbo-Croatian count as Serbian.
const LANG_CODES: Record<string, HintLang> = {
  sr: "sr",
  srp: "sr",
  scc: "sr",
  cnr: "sr",
  me: "sr",
  sh: "sr",
  hbs: "sr",
  hr: "hr",
  hrv: "hr",
  scr: "hr",
  bs: "bs",
  bos: "bs",
  ru: "ru",
  rus: "ru",
  uk: "uk",
  ukr: "uk",
  be: "be",
  bel: "be",
  bg: "bg",
  bul: "bg",
  mk: "mk",
  mkd: "mk",
  mac: "mk",
  en: "en",
  eng: "en",
};

/** "sr-Latn-RS", "ru_RU", "EN" → primary subtag, lowercased. */
export function normalizeLangTag(tag: string | null | undefined): HintLang | null {
  if (!tag) return null;
  const primary =
    tag
      .trim()
      .toLowerCase()
      .split(/[-_\s]/)[0] ?? "";
  return LANG_CODES[primary] ?? null;
}

export function readHints(input: LangInput): Hint {
  const country = input.country?.trim().toUpperCase() ?? "";
  return {
    lang: normalizeLangTag(input.feedLanguage),
    hrCountry: country === "HR",
    bsCountry: country === "BA",
    countryLang: COUNTRY_LANG[country] ?? null,
    latinCountryLang: LATIN_COUNTRY_LANG[country] ?? null,
    country: country || null,
  };
}
