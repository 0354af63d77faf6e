import chardet from "chardet";
import iconv from "iconv-lite";
import { FeedParseError } from "./errors";

export type EncodingSource = "bom" | "header" | "xml-declaration" | "meta" | "detected" | "default";

export interface DecodedFeed {
  text: string;
  /** Canonical lower-case name, e.g. "utf-8", "windows-1251", "koi8-r", "utf-16le". */
  encoding: string;
  source: EncodingSource;
  warnings: string[];
}

const ALIASES: Record<string, string> = {
  utf8: "utf-8",
  "utf-8": "utf-8",
  "us-ascii": "utf-8", // ASCII is a subset; decoding as UTF-8 is lossless and forgiving
  ascii: "utf-8",
  cp1251: "windows-1251",
  "windows-1251": "windows-1251",
  "win-1251": "windows-1251",
  "x-cp1251": "windows-1251",
  cp1250: "windows-1250",
  "windows-1250": "windows-1250",
  "x-cp1250": "windows-1250",
  "koi8-r": "koi8-r",
  koi8r: "koi8-r",
  "koi8-u": "koi8-u",
  "iso-8859-1": "iso-8859-1",
  latin1: "iso-8859-1",
  "iso-8859-2": "iso-8859-2",
  latin2: "iso-8859-2",
  "iso-8859-5": "iso-8859-5",
  "windows-1252": "windows-1252",
  cp1252: "windows-1252",
  "utf-16": "utf-16",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
};

/** Normalises a charset label; null when iconv-lite cannot decode it. */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  if (!l) return null;
  const known = ALIASES[l];
  if (known) return known;
  return iconv.encodingExists(l) ? l : null;
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m?.[2] ?? null;
}

function bomEncoding(b: Uint8Array): { enc: string; len: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { enc: "utf-8", len: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { enc: "utf-16le", len: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { enc: "utf-16be", len: 2 };
  return null;
}

/** UTF-16 without BOM shows up as "<" next to a NUL byte at the very start. */
function sniffUtf16(b: Uint8Array): string | null {
  if (b.length < 4) return null;
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] !== 0x00 && b[3] === 0x00) return "utf-16le";
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] !== 0x00) return "utf-16be";
  return null;
}

function xmlDeclEncoding(b: Uint8Array): string | null {
  // The declaration is ASCII-compatible in every single-byte encoding we accept.
  const head = Buffer.from(b.subarray(0, 512)).toString("latin1");
  const m = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1] ?? null;
}

const utf8Fatal = new TextDecoder("utf-8", { fatal: true });
/** Strict UTF-8 decode: the text, or null when the bytes are not valid UTF-8. */
function strictUtf8(b: Uint8Array): string | null {
  try {
    return utf8Fatal.decode(b);
  } catch {
    return null;
  }
}

function hasHighBytes(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return true;
  return false;
}

function decodeAs(b: Uint8Array, enc: string): string {
  if (enc === "utf-8") return new TextDecoder("utf-8").decode(b);
  if (enc === "utf-16") return iconv.decode(Buffer.from(b), "utf-16le");
  return iconv.decode(Buffer.from(b), enc);
}

const CANDIDATES = ["windows-1251", "koi8-r", "windows-1250", "iso-8859-2", "iso-8859-1"] as const;
const LATIN2_LETTERS = new Set("čćšžđČĆŠŽĐ");
const LATIN1_LETTERS = new Set("áàâãäçéèêëíìîïñóòôõöúùûüýÁÀÂÃÄÇÉÈÊËÍÌÎÏÑÓÒÔÕÖÚÙÛÜßæøåÆØÅ");
const CYR = /[\u0400-\u045f]/;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Scores a decoding by how plausible its words are. Only words that contain decoded high bytes count.
 * Cyrillic: words must be all-Cyrillic (no Latin mixed in) and cased like real words — real Russian
 * is mostly lowercase while the wrong KOI8-R/cp1251 mapping swaps cases. Latin: accented letters must
 * sit inside otherwise-ASCII words (Latin-1 Portuguese read as cp1251 gives mixed-script words, which
 * is how the "99% lowercase Cyrillic" trap is avoided). Control characters are heavily penalised.
 */
export function scoreDecoding(text: string, encoding: string): number {
  let score = 0;
  const controls = text.match(/[\u0080-\u009f]/g);
  if (controls) score -= 5 * controls.length;
  const cyrillicCandidate = encoding === "windows-1251" || encoding === "koi8-r";
  const words = text.match(/[\p{L}\u00a1-\u00bf\u00d7\u00f7]+/gu) ?? [];
  for (const w of words) {
    if (!NON_ASCII.test(w)) continue;
    const hasCyr = CYR.test(w);
    const hasAsciiLetter = /[A-Za-z]/.test(w);
    const hasSymbol = /[^\p{L}]/u.test(w);
    if (hasSymbol) {
      score -= 1;
      continue;
    }
    if (cyrillicCandidate) {
      if (!hasCyr || hasAsciiLetter) {
        score -= 1;
        continue;
      }
      const lower = w.toLowerCase();
      const upper = w.toUpperCase();
      if (w === lower) score += 1;
      else if (w.length > 1 && w[0] === upper[0] && w.slice(1) === lower.slice(1)) score += 1;
      else if (w === upper) score += w.length <= 1 ? 0.2 : 0.1;
      else score -= 1;
    } else {
      if (hasCyr) {
        score -= 1;
        continue;
      }
      let special = 0;
      let nonAscii = 0;
      for (const ch of w) {
        if (ch.charCodeAt(0) < 0x80) continue;
        nonAscii++;
        if (encoding === "iso-8859-1" ? LATIN1_LETTERS.has(ch) : LATIN2_LETTERS.has(ch)) special++;
      }
      const lower = w.toLowerCase();
      const casedOk = w === lower || w === w.toUpperCase() || w.slice(1) === lower.slice(1);
      if (!casedOk) score -= 1;
      else if (!hasAsciiLetter && w.length > 2) score -= 0.5;
      else if (nonAscii > 0 && special === nonAscii) score += 1;
      else score += 0.2 * (special / nonAscii) - 0.3;
    }
  }
  return score;
}

/**
 * Only text nodes that contain high bytes carry evidence; gather those (up to `limit` bytes) so that
 * scoring five candidate decodings stays cheap even on multi-megabyte feeds.
 */
function detectionSample(b: Uint8Array, limit: number): Uint8Array {
  if (b.length <= limit) return b;
  const parts: Uint8Array[] = [];
  let size = 0;
  let i = 0;
  while (i < b.length && size < limit) {
    if (b[i]! < 0x80) {
      i++;
      continue;
    }
    let start = i;
    while (start > 0 && b[start - 1] !== 0x3c && b[start - 1] !== 0x3e && i - start < 512) start--;
    let end = i;
    while (end < b.length && b[end] !== 0x3c && b[end] !== 0x3e && end - i < 512) end++;
    parts.push(b.subarray(start, end), SPACE);
    size += end - start + 1;
    i = end + 1;
  }
  return Buffer.concat(parts);
}
const SPACE = Buffer.from(" ");

/** Guesses a single-byte encoding for bytes that are not valid UTF-8. */
export function detectLegacyEncoding(b: Uint8Array): { encoding: string; scores: Record<string, number> } {
  const sample = detectionSample(b, 16_384);
  const scores: Record<string, number> = {};
  let best: string = CANDIDATES[0];
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const enc of CANDIDATES) {
    const s = scoreDecoding(decodeAs(sample, enc), enc);
    scores[enc] = s;
    if (s > bestScore) {
      bestScore = s;
      best = enc;
    }
  }
  return { encoding: best, scores };
}

function finish(
  b: Uint8Array,
  enc: string,
  source: EncodingSource,
  warnings: string[],
  skip = 0,
  decoded?: string,
): DecodedFeed {
  let text = decoded ?? decodeAs(skip ? b.subarray(skip) : b, enc);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes("\ufffd")) {
    warnings.push(`decoded as ${enc} (${source}) but the text contains U+FFFD replacement characters`);
  }
  return { text, encoding: enc === "utf-16" ? "utf-16le" : enc, source, warnings };
}

/**
 * Bytes → text. Order: BOM, HTTP header charset, XML declaration, detection (valid UTF-8 first,
 * then statistics over the legacy code pages), default UTF-8. A declared UTF-8 that is not valid
 * UTF-8 yields to another declaration or to detection (servers often send a blanket charset=utf-8).
 */
export function decodeFeedBytes(bytes: Uint8Array, contentTypeHeader?: string | null): DecodedFeed {
  return decodeDeclared(
    bytes,
    contentTypeHeader,
    xmlDeclEncoding(bytes),
    "xml-declaration",
    "XML declaration",
  );
}

/**
 * An HTML page's bytes → text, as decodeFeedBytes but with the page's own declaration read from
 * `<meta charset>` or `<meta http-equiv="Content-Type">` in its first 4 KiB (an XHTML page's XML
 * declaration counts too).
 */
export function decodeHtmlBytes(bytes: Uint8Array, contentTypeHeader?: string | null): DecodedFeed {
  const meta = metaCharset(bytes);
  return meta !== null
    ? decodeDeclared(bytes, contentTypeHeader, meta, "meta", "<meta> charset")
    : decodeFeedBytes(bytes, contentTypeHeader);
}

/** The charset a page declares in a <meta> tag near its start (null when none). */
function metaCharset(b: Uint8Array): string | null {
  const head = Buffer.from(b.subarray(0, 4096))
    .toString("latin1")
    .replace(/<!--[\s\S]*?-->/g, "");
  const direct = /<meta\s[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  if (direct) return direct[1]!;
  return null;
}

function decodeDeclared(
  bytes: Uint8Array,
  contentTypeHeader: string | null | undefined,
  declLabel: string | null,
  declSource: EncodingSource,
  declName: string,
): DecodedFeed {
  const warnings: string[] = [];
  const bom = bomEncoding(bytes);
  if (bom) return finish(bytes, bom.enc, "bom", warnings, bom.len);

  const utf16 = sniffUtf16(bytes);
  if (utf16) return finish(bytes, utf16, "detected", warnings);

  const headerLabel = charsetFromContentType(contentTypeHeader);
  const header = normaliseCharset(headerLabel);
  const decl = normaliseCharset(declLabel);
  if (headerLabel && !header) warnings.push(`unknown charset "${headerLabel}" in Content-Type ignored`);
  if (declLabel && !decl) warnings.push(`unknown encoding "${declLabel}" in ${declName} ignored`);

  // Decode UTF-8 strictly at most once; the result doubles as the validity check.
  let utf8: string | null | undefined;
  const asUtf8 = () => {
    if (utf8 === undefined) utf8 = strictUtf8(bytes);
    return utf8;
  };
  const pre = (enc: string) => (enc === "utf-8" ? (asUtf8() ?? undefined) : undefined);
  const usable = (enc: string | null, what: string): boolean => {
    if (!enc) return false;
    if (enc.startsWith("utf-16")) {
      // No BOM and no NUL pattern: the bytes are not UTF-16 whatever the label says.
      warnings.push(`${what} says ${enc} but the bytes are not UTF-16; ignored`);
      return false;
    }
    if (enc === "utf-8" && asUtf8() === null) {
      warnings.push(`${what} says utf-8 but the bytes are not valid UTF-8`);
      return false;
    }
    return true;
  };
  if (header && header !== "utf-8" && !header.startsWith("utf-16") && (decl === null || decl === "utf-8")) {
    // A legacy charset in the header over bytes that are valid multi-byte UTF-8 is a server
    // misconfiguration: real cp1251/KOI8-R text is never valid UTF-8 by accident.
    const text = hasHighBytes(bytes) ? asUtf8() : null;
    if (text !== null) {
      warnings.push(`Content-Type says ${header} but the bytes are valid UTF-8; decoded as utf-8`);
      return finish(bytes, "utf-8", decl ? declSource : "detected", warnings, 0, text);
    }
  }
  if (header && usable(header, "Content-Type")) {
    if (decl && decl !== header) warnings.push(`Content-Type says ${header}, ${declName} says ${decl}`);
    return finish(bytes, header, "header", warnings, 0, pre(header));
  }
  if (decl && decl !== "utf-8" && !decl.startsWith("utf-16") && hasHighBytes(bytes)) {
    // The same misconfiguration in the document: a template's legacy declaration over UTF-8 content.
    const text = asUtf8();
    if (text !== null) {
      warnings.push(`${declName} says ${decl} but the bytes are valid UTF-8; decoded as utf-8`);
      return finish(bytes, "utf-8", "detected", warnings, 0, text);
    }
  }
  if (decl && usable(decl, declName)) {
    return finish(bytes, decl, declSource, warnings, 0, pre(decl));
  }

  if (!hasHighBytes(bytes)) return finish(bytes, "utf-8", "default", warnings);
  const text = asUtf8();
  if (text !== null) return finish(bytes, "utf-8", "detected", warnings, 0, text);
  const guess = guessEncoding(bytes);
  warnings.push(guess.note);
  return finish(bytes, guess.encoding, "detected", warnings);
}

// Encodings our own word statistics cover (Cyrillic and Latin single-byte code pages), and the Latin
// cousins chardet reports for them: a detector verdict outside this family is a script we do not score.
const SCORED_FAMILY = new Set([
  "windows-1250",
  "windows-1251",
  "windows-1252",
  "windows-1254",
  "windows-1257",
  "windows-1258",
  "iso-8859-1",
  "iso-8859-2",
  "iso-8859-3",
  "iso-8859-4",
  "iso-8859-5",
  "iso-8859-9",
  "iso-8859-10",
  "iso-8859-13",
  "iso-8859-14",
  "iso-8859-15",
  "iso-8859-16",
  "koi8-r",
  "koi8-u",
  "ibm866",
]);
/** chardet name → the encoding to decode with (a superset where one exists). */
const DETECTOR_DECODE_AS: Record<string, string> = {
  "iso-8859-8": "windows-1255",
  "iso-8859-8-i": "windows-1255",
};
/** A detector verdict outside the scored family is trusted from this confidence (0–100) on. */
const FOREIGN_MIN_CONFIDENCE = 30;

/**
 * Undeclared, not UTF-8: which legacy encoding? chardet (a port of Mozilla's detector) recognises
 * multi-byte CJK encodings, Hebrew, Arabic, Greek and the rest; our word statistics are better on short
 * Serbian and Russian text (chardet confuses cp1250 with cp1252 and is unsure on one Cyrillic headline).
 * So: a confident chardet verdict outside the Cyrillic/Latin family wins; otherwise our own guess, unless
 * it is implausible (no candidate gives plausible words) or a Cyrillic guess that chardet does not
 * consider at all (Hebrew and CJK bytes read as cp1251/KOI8-R give lowercase "Cyrillic" words). Those
 * throw a FeedParseError: text decoded with an unlikely guess is never stored.
 */
export function guessEncoding(b: Uint8Array): { encoding: string; note: string } {
  const sample = detectionSample(b, 16_384);
  const verdicts = chardet
    .analyse(sample)
    .map((v) => ({ name: v.name.toLowerCase(), confidence: v.confidence }));
  const top = verdicts[0];
  if (
    top &&
    !SCORED_FAMILY.has(top.name) &&
    !top.name.startsWith("utf") &&
    top.confidence >= FOREIGN_MIN_CONFIDENCE
  ) {
    const enc = normaliseCharset(DETECTOR_DECODE_AS[top.name] ?? top.name);
    if (!enc)
      throw new FeedParseError(
        `no usable encoding declared; the detector says ${top.name} (confidence ${top.confidence}), which cannot be decoded`,
      );
    return {
      encoding: enc,
      note: `no usable encoding declared; detected ${enc} (chardet confidence ${top.confidence})`,
    };
  }
  const own = detectLegacyEncoding(b);
  const best = own.scores[own.encoding] ?? 0;
  const detector = top ? `${top.name}, confidence ${top.confidence}` : "none";
  if (best <= 0)
    throw new FeedParseError(
      `no usable encoding declared and none decodes to plausible text (detector: ${detector}); refusing to guess`,
    );
  if (
    (own.encoding === "windows-1251" || own.encoding === "koi8-r") &&
    !verdicts.some((v) => v.name === own.encoding)
  )
    throw new FeedParseError(
      `no usable encoding declared; the text reads as ${own.encoding} words but the detector rules that out (detector: ${detector}); refusing to guess`,
    );
  return {
    encoding: own.encoding,
    note: `no usable encoding declared; guessed ${own.encoding} from the text`,
  };
}
