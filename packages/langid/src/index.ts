export type { CyrLang } from "./alphabets";
export { CYR_LANGS, cyrForeignCounts } from "./alphabets";
export type {
  CandidateEvidence,
  ExplainedLangResult,
  Lang,
  LangEvidence,
  LangInput,
  LangResult,
  Script,
  ScriptSplit,
} from "./detect";
export {
  detectLanguage,
  explainLanguage,
  languageLetters,
  MAX_CHARS,
  MIN_LETTERS,
  prepareText,
} from "./detect";
export type { HintLang } from "./hints";
export { normalizeLangTag } from "./hints";
export type { LexLang } from "./lexicon";
export { clearLexiconCache, LEX_LANGS } from "./lexicon";
export { preloadLexicons } from "./preload";
