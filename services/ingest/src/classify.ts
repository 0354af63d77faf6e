import { detectLanguage } from "@vesti/langid";
import { type Taxonomy, type ThemeTag, tagItem } from "@vesti/themes";

export interface ClassifyInput {
  title: string;
  summary?: string | null;
  feedLanguage?: string | null;
  country?: string | null;
}

export interface Classification {
  lang: string;
  script: string;
  langConfidence: number;
  themes: ThemeTag[];
}

/** Language, script and themes of one item: the pure core shared by the worker and `vesti classify`. */
export function classifyItem(taxonomy: Taxonomy, input: ClassifyInput): Classification {
  const language = detectLanguage({
    title: input.title,
    summary: input.summary ?? null,
    feedLanguage: input.feedLanguage ?? null,
    country: input.country ?? null,
  });
  const themes = tagItem(taxonomy, {
    title: input.title,
    summary: input.summary ?? null,
    lang: language.lang,
  });
  return {
    lang: language.lang,
    script: language.script,
    langConfidence: language.confidence,
    themes,
  };
}
