import { CYR_LANGS, type CyrLang } from "./alphabets";
import { LEX_LANGS, type LexLang, preloadLexicons as preloadDictionaries } from "./lexicon";
import { preloadOrthography } from "./orthography";

/**
 * Load the dictionaries, and build the letter models made from them, now rather than on the first item
 * that needs them (a second or two for all; the ingest workers call this when they start).
 */
export function preloadLexicons(langs: readonly LexLang[] = LEX_LANGS): void {
  preloadDictionaries(langs);
  preloadOrthography(CYR_LANGS.filter((l: CyrLang) => langs.includes(l)));
}
