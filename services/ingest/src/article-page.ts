import { type ExtractOptions, type ExtractResult, extractArticleFromBytes } from "@vesti/fulltext";
import { detectLanguage, type LangResult } from "@vesti/langid";
import { type Taxonomy, type ThemeTag, tagItem } from "@vesti/themes";

// The pure core of an article page: extract, identify the body's language, tag the whole article. Shared
// by the page processor and `vesti article inspect`, so both read a page the same way.

export interface ArticlePage {
  body: Uint8Array;
  contentType: string | null;
  /** The page's URL after redirects. */
  finalUrl: string;
}

export interface PageReading {
  extract: ExtractResult & { encoding: string };
  /** The body's language; null when the page gave no text (the stored text is then the summary). */
  language: LangResult | null;
}

/** Language groups whose members are one answer for "differs from the headline" (sr, hr, bs read alike). */
const LANG_GROUP: Record<string, string> = { hr: "sr", bs: "sr" };

/** A sample of the body for language ID: its first real paragraphs (langid reads about 300 characters). */
export function languageSample(text: string): string {
  const lines = text.split("\n").filter((l) => l.length >= 40);
  return (lines.length > 0 ? lines : [text]).join(" ").slice(0, 1000);
}

export function readArticlePage(
  page: ArticlePage,
  options: ExtractOptions & { feedLanguage?: string | null; country?: string | null } = {},
): PageReading {
  const extract = extractArticleFromBytes(page.body, page.contentType, { ...options, url: page.finalUrl });
  const language =
    extract.status === "ok"
      ? detectLanguage({
          title: languageSample(extract.text),
          feedLanguage: options.feedLanguage ?? null,
          country: options.country ?? null,
        })
      : null;
  return { extract, language };
}

/** True when the body's language is known, the headline's too, and they differ (sr/hr/bs count as one). */
export function languageDiffers(headlineLang: string, bodyLang: string | null | undefined): boolean {
  if (!bodyLang || bodyLang === "und" || headlineLang === "und") return false;
  return (LANG_GROUP[bodyLang] ?? bodyLang) !== (LANG_GROUP[headlineLang] ?? headlineLang);
}

/** Themes of the whole article: title, summary and body read together (evidence in the body is `body`). */
export function tagWholeArticle(
  taxonomy: Taxonomy,
  article: { title: string; summary: string; lang: string },
  body: string,
): ThemeTag[] {
  return tagItem(taxonomy, { title: article.title, summary: article.summary, body, lang: article.lang });
}
