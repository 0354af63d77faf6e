import { decodeHTML } from "entities";

const BLOCK_TAGS =
  /<\/?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|section|article|table|tr|td|th|figure|figcaption|hr)\b[^>]*>/gi;
const LOOKS_LIKE_TAG = /<\/?[a-z][a-z0-9]*\b[^<>]*>|<!--/i;

function stripTagsOnce(s: string): string {
  return s
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(script|style|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(BLOCK_TAGS, " ")
    .replace(/<\/?[a-z][a-z0-9:-]*\b[^<>]*>/gi, "");
}

/** ASCII whitespace collapsed; NBSP and other Unicode spaces become a plain space; zero-width removed. */
export function collapseWhitespace(s: string): string {
  return s
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
    .replace(/[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, " ")
    .trim();
}

/**
 * HTML → plain text. Entities are decoded after stripping; if that reveals markup again
 * (HTML escaped twice, e.g. inside CDATA) one more strip/decode round runs.
 */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return "";
  let s = decodeHTML(stripTagsOnce(html));
  for (let i = 0; i < 2 && (LOOKS_LIKE_TAG.test(s) || /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i.test(s)); i++) {
    s = decodeHTML(stripTagsOnce(s));
  }
  return collapseWhitespace(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ""));
}

const SR_CYR_TO_LAT: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  ђ: "đ",
  е: "e",
  ж: "ž",
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
  ћ: "ć",
  у: "u",
  ф: "f",
  х: "h",
  ц: "c",
  ч: "č",
  џ: "dž",
  ш: "š",
};
// Letters that exist in Russian but not in Serbian Cyrillic: their presence means "not Serbian".
const RUSSIAN_ONLY = /[ыэщъьйёяю]/;

/** Serbian Cyrillic → Gaj's Latin (lower-case input expected). */
export function serbianCyrillicToLatin(lower: string): string {
  let out = "";
  for (const ch of lower) out += SR_CYR_TO_LAT[ch] ?? ch;
  return out;
}

/**
 * Dedupe key for titles: lower-case, Serbian Cyrillic transliterated to Latin (only when the text
 * has no Russian-only letters), diacritics folded (đ → dj), punctuation removed, whitespace collapsed.
 * The same wire copy in Cyrillic and Latin script yields the same key.
 */
export function titleKey(title: string | null | undefined): string {
  if (!title) return "";
  let s = title.toLowerCase();
  // ASCII-only titles (Serbian Latin typed without diacritics, English) skip the Unicode work.
  if (/[^\x00-\x7f]/.test(s)) {
    if (/[\u0400-\u04ff]/.test(s) && !RUSSIAN_ONLY.test(s)) s = serbianCyrillicToLatin(s);
    s = s
      .replace(/đ/g, "dj")
      .normalize("NFD")
      .replace(/\p{M}+/gu, "");
  }
  return s
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}
