export type { CyrLang } from "./alphabets";
export { CYR_LANGS, cyrForeignCounts } from "./alphabets";
export type { Lang, LangInput, LangResult, Script } from "./detect";
export { detectLanguage, languageLetters, MAX_CHARS, MIN_LETTERS, prepareText } from "./detect";
export type { HintLang } from "./hints";
export { normalizeLangTag } from "./hints";
export { clearLexiconCache, preloadLexicons } from "./lexicon";
