import { Readability } from "@mozilla/readability";
import { decodeHtmlBytes } from "@vesti/feeds";
import { cleanArticleElement, cleanLines, removeBoilerplate } from "./boilerplate";
import { type DomDocument, type DomElement, type DomNode, domShape, parseDocument } from "./dom";
import {
  DEFAULT_MIN_LENGTH,
  MAX_DOM_DEPTH,
  MAX_DOM_ELEMENTS,
  MAX_HTML_CHARS,
  MAX_TEXT_CHARS,
  PAYWALL_TEASER_MAX_CHARS,
} from "./limits";
import { type PageSignals, pageSignals, textMarkers } from "./signals";
import { blockText, cutText, normaliseLines } from "./text";

/**
 * Where the stored text came from: the outlet's selectors, readability, the page's paragraphs (when
 * readability finds no article: a gallery, a one-paragraph page), the feed summary, or nothing.
 */
export type ExtractMethod = "selector" | "readability" | "paragraphs" | "fallback-summary" | "none";

/**
 * What the page gave: `ok` an article text; `paywalled` a teaser behind a paywall; `empty` no article
 * text at all (an app shell, a consent wall, a "not found" page); `fallback_summary` a text shorter than
 * the outlet's minimum (a photo gallery, a video page). All but `ok` store the feed summary instead.
 */
export type ExtractStatus = "ok" | "fallback_summary" | "paywalled" | "empty";

export interface ExtractOptions {
  /** The page's final URL (base of relative links in the page; not fetched). */
  url?: string | null;
  /** The outlet's CSS selectors for the article body, tried in order before readability. */
  selectors?: readonly string[] | null;
  /** The outlet's CSS selectors of elements to drop before extracting (a related-articles box...). */
  exclude?: readonly string[] | null;
  /** Shortest text accepted as the article (characters); default DEFAULT_MIN_LENGTH. */
  minLength?: number | null;
  /** The feed item's summary, stored instead when the page gives no usable text. */
  summary?: string | null;
  /** Longest text returned (cut at a line end); default MAX_TEXT_CHARS. */
  maxTextChars?: number;
  /** Longest HTML parsed (the rest is dropped before parsing); default MAX_HTML_CHARS. */
  maxHtmlChars?: number;
}

export interface ExtractResult {
  status: ExtractStatus;
  method: ExtractMethod;
  /** The article's headline as the page gives it (null when it has none). */
  title: string | null;
  /** The body: one paragraph (block) per line. */
  text: string;
  /** Characters in `text`. */
  length: number;
  /** The article text the page itself gave, before any fallback (equal to `text` when `ok`). */
  pageText: string;
  /** Why the status is not `ok`, or what was unusual (an invalid selector, a cut text). */
  reason: string | null;
  /** True when `text` was cut to maxTextChars or the HTML to maxHtmlChars. */
  truncated: boolean;
  /** The page's declared language (`<html lang>`), when any. */
  declaredLang: string | null;
}

interface Candidate {
  method: "selector" | "readability" | "paragraphs";
  text: string;
  title: string | null;
}

/** Block-aware text of the elements the outlet's selectors pick (first selector that matches). */
function bySelectors(
  doc: DomDocument,
  selectors: readonly string[],
  notes: string[],
): { text: string; selector: string } | null {
  for (const selector of selectors) {
    let found: ArrayLike<DomElement>;
    try {
      found = doc.querySelectorAll(selector);
    } catch {
      notes.push(`invalid selector ${JSON.stringify(selector)} ignored`);
      continue;
    }
    if (found.length === 0) continue;
    // Nested matches (a selector that matches a container and its children) are taken once.
    const roots = Array.from(found).filter(
      (el) => !Array.from(found).some((o) => o !== el && contains(o, el)),
    );
    const text = normaliseLines(roots.map((el) => cleanLines(blockText(el))).join("\n"));
    if (text) return { text, selector };
  }
  return null;
}

function contains(a: DomNode, b: DomNode): boolean {
  for (let p = b.parentNode; p; p = p.parentNode) if (p === a) return true;
  return false;
}

function byReadability(doc: DomDocument): Candidate | null {
  // The serializer hands back the article element itself, so its text is taken block-aware without
  // serialising and re-parsing HTML.
  // keepClasses: the cleanup after readability tells captions, dates and bylines by their class names.
  const reader = new Readability<DomNode>(doc as never, {
    serializer: (el) => el as unknown as DomNode,
    keepClasses: true,
  });
  const article = reader.parse();
  if (!article?.content) return null;
  cleanArticleElement(article.content as DomElement);
  return {
    method: "readability",
    text: cleanLines(blockText(article.content)),
    title: article.title?.trim() || null,
  };
}

/** Extracts an article from a decoded HTML page. Pure: no I/O, deterministic for the same input. */
export function extractArticle(html: string, options: ExtractOptions = {}): ExtractResult {
  const maxHtml = options.maxHtmlChars ?? MAX_HTML_CHARS;
  const maxText = options.maxTextChars ?? MAX_TEXT_CHARS;
  const minLength = options.minLength ?? DEFAULT_MIN_LENGTH;
  const notes: string[] = [];
  let truncated = false;
  if (html.length > maxHtml) {
    html = html.slice(0, maxHtml);
    truncated = true;
    notes.push(`page cut to ${maxHtml} characters before parsing`);
  }

  const doc = parseDocument(html);
  const signals = pageSignals(doc);
  removeBoilerplate(doc, options.exclude ?? [], notes);

  let candidate: Candidate | null = null;
  if (options.selectors && options.selectors.length > 0) {
    const picked = bySelectors(doc, options.selectors, notes);
    if (picked && picked.text.length >= minLength)
      candidate = { method: "selector", text: picked.text, title: signals.title };
    else notes.push(picked ? `selector text shorter than ${minLength} characters` : "no selector matched");
  }
  // Readability mutates the page, so the paragraphs fallback reads them first (cheap: a list of nodes).
  const paragraphs = Array.from(doc.querySelectorAll("p"));
  const shape = domShape(doc);
  if (shape.depth > MAX_DOM_DEPTH || shape.elements > MAX_DOM_ELEMENTS)
    notes.push(`readability skipped: ${shape.elements} elements, nested ${shape.depth} deep`);
  else
    try {
      candidate ??= byReadability(doc);
    } catch (error) {
      // Readability on a page it cannot handle: keep the page's paragraphs instead.
      notes.push(
        `readability failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200),
      );
    }
  if (!candidate?.text) {
    const text = cleanLines(normaliseLines(paragraphs.map((p) => blockText(p)).join("\n")));
    if (text) candidate = { method: "paragraphs", text, title: signals.title };
  }
  const title = candidate?.title ?? signals.title;
  // An empty-page shape (a consent wall, a "not found" page) has no article whatever text it has.
  const extracted = signals.emptyShape
    ? ""
    : dropTitleLine(candidate?.text ?? "", [title, signals.title, signals.headline]);

  const verdict = judge(extracted, signals, minLength);
  if (verdict.status === "ok") {
    const cut = cutText(extracted, maxText);
    if (cut.truncated) notes.push(`text cut to ${maxText} characters`);
    return {
      status: "ok",
      method: candidate!.method,
      title,
      text: cut.text,
      length: cut.text.length,
      pageText: cut.text,
      reason: [verdict.reason, ...notes].filter(Boolean).join("; ") || null,
      truncated: truncated || cut.truncated,
      declaredLang: signals.lang,
    };
  }
  const summary = normaliseLines(options.summary ?? "");
  const fallback = cutText(summary, maxText);
  return {
    status: verdict.status,
    method: summary ? "fallback-summary" : "none",
    title,
    text: fallback.text,
    length: fallback.text.length,
    pageText: cutText(extracted, maxText).text,
    reason: [verdict.reason, ...notes].filter(Boolean).join("; ") || null,
    truncated: truncated || fallback.truncated,
    declaredLang: signals.lang,
  };
}

/** Decodes (BOM, Content-Type, <meta charset>, detection) and extracts. */
export function extractArticleFromBytes(
  bytes: Uint8Array,
  contentType: string | null | undefined,
  options: ExtractOptions = {},
): ExtractResult & { encoding: string } {
  const decoded = decodeHtmlBytes(bytes, contentType);
  return { ...extractArticle(decoded.text, options), encoding: decoded.encoding };
}

const titleKey = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** The headline repeated as the first lines of the text (readability keeps it when it differs slightly). */
function dropTitleLine(text: string, titles: (string | null)[]): string {
  const keys = new Set(titles.filter((t): t is string => !!t).map(titleKey));
  const lines = text.split("\n");
  let i = 0;
  while (i < Math.min(lines.length, 3) && keys.has(titleKey(lines[i]!))) i++;
  return i === 0 ? text : lines.slice(i).join("\n");
}

function judge(
  text: string,
  signals: PageSignals,
  minLength: number,
): { status: ExtractStatus; reason: string | null } {
  const markers = [...signals.paywall, ...textMarkers(text)];
  if (markers.length > 0 && text.length <= Math.max(PAYWALL_TEASER_MAX_CHARS, minLength))
    return { status: "paywalled", reason: `paywall: ${markers.join(", ")}` };
  if (signals.emptyShape) return { status: "empty", reason: signals.emptyShape };
  if (text.length === 0 && !signals.hasText)
    return { status: "empty", reason: "no article text on the page" };
  if (text.length < minLength)
    return {
      status: "fallback_summary",
      reason: `text shorter than ${minLength} characters (${text.length})`,
    };
  return {
    status: "ok",
    reason: markers.length > 0 ? `paywall marker but full text served: ${markers.join(", ")}` : null,
  };
}

/** The selectors that are not valid CSS (as this package's DOM reads them); [] when all are. */
export function invalidSelectors(selectors: readonly string[]): string[] {
  const doc = parseDocument("<p></p>");
  return selectors.filter((s) => {
    try {
      doc.querySelectorAll(s);
      return false;
    } catch {
      return true;
    }
  });
}
