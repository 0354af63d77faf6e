// Size limits of the full-text path, in one place (documented in packages/fulltext/README.md).

/** Largest page body fetched, after decompression (the fetcher aborts beyond it). */
export const MAX_PAGE_BYTES = 5 * 1024 * 1024;
/**
 * Decoded HTML parsed at most: a longer page is cut before parsing. News pages are 50-500 KB; what lies
 * past 2 M characters is scripts, inlined data and comment threads, and parsing it costs memory and time.
 */
export const MAX_HTML_CHARS = 2_000_000;
/** Longest body text stored (cut at a line end): about 15,000 words, longer than any news article. */
export const MAX_TEXT_CHARS = 100_000;
/** Default minimum length of an extracted body; anything shorter falls back to the feed summary. */
export const DEFAULT_MIN_LENGTH = 200;
/** A paywall marker only counts when the extracted text is at most this long (a teaser, not the article). */
export const PAYWALL_TEASER_MAX_CHARS = 1500;
/**
 * Readability's cost grows with the nesting depth (600 nested divs take seconds): pages nested deeper, or
 * with more elements than this, skip it and keep their paragraphs. Real news pages nest 20-60 deep and
 * have 1,000-10,000 elements.
 */
export const MAX_DOM_DEPTH = 160;
export const MAX_DOM_ELEMENTS = 60_000;
