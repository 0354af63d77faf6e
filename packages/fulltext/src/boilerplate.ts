import type { DomDocument, DomElement } from "./dom";
import { tokenize } from "./metric";
import { PAYWALL_CLASS } from "./signals";

// Page furniture removed before extraction, in the shapes Serbian and Russian news sites use: cookie
// banners, share bars, comment threads, related-article lists, newsletter boxes, ad slots, tag lists.
// Readability drops much of it by itself (its "unlikely candidates"), but only by English class names
// and only outside elements it already likes; these lists add the local words and also apply inside the
// article container, where inline "Pročitajte još" boxes and ad slots live.

const NOISE_CLASS = new RegExp(
  [
    // consent and cookie banners
    "cookie",
    "consent",
    "gdpr",
    "onetrust",
    "didomi",
    "kolacic",
    // share bars
    "share",
    "sharing",
    "social",
    "podeli",
    // comments
    "comment",
    "komentar",
    "disqus",
    // related / recommended / most read
    "related",
    "povezan",
    "srodn",
    "similar",
    "recommend",
    "preporu",
    "procitajte",
    "read-?more",
    "also-read",
    "more-news",
    "most-read",
    "najcitanij",
    "najnovij",
    "popular",
    "trending",
    // newsletter, promos and ads
    "newsletter",
    "subscribe-box",
    "promo",
    "advert",
    "reklam",
    "banner",
    "ad-?slot",
    "ad-?unit",
    "ads?-(?:wrap|container|box|block|place)",
    "adsbygoogle",
    "adfox",
    "yandex[-_]?rtb",
    "outbrain",
    "taboola",
    "midas",
    "smi2",
    "sponsor",
    // donation and membership appeals
    "donat",
    "support-us",
    "podrzite",
    "membership",
    // navigation and tags
    "breadcrumb",
    "pagination",
    "tags?-(?:list|box|wrap)",
    "article-tags",
    "tagovi",
    "oznake",
    // author boxes below the article
    "author-(?:bio|box|info)",
    "about-author",
  ].join("|"),
  "i",
);
// The same in Cyrillic, as some sites name classes in it or transliterate (rare, but cheap).
const NOISE_CLASS_CYR = /коммент|комент|поделит|подели|похож|реклам|по-теме|поддерж/i;
const NOISE_TAGS = "nav, aside, footer, form, dialog";
// Tokens that mark the article itself: an element that has them is never dropped by the lists above
// (e.g. `article-body-share-wrapper` is rare, `comment-count` inside the byline is not the article).
const KEEP_CLASS =
  /(?:^|[\s_-])(?:article-?(?:body|text|content)|entry-content|post-content|story-body)(?:$|[\s_-])/i;

// Metadata and captions (dates, bylines, photo credits, author bios): small elements, not article text.
const META_CLASS =
  /(?:^|[\s_-])(?:date|dates|datum|time|timestamp|published|updated|posted|dateline|byline|author|authors|autor|meta|info|caption|credit|credits|copyright|foto|fotografija|bio)(?:$|[\s_-])/i;
// Galleries and sliders inside the article: thumbnails, captions, "1 / 12" counters.
const GALLERY_CLASS = /gallery|galerij|галери|slider|carousel|swiper|slideshow/i;

function classAndId(el: DomElement): string {
  return `${el.getAttribute("class") ?? ""} ${el.getAttribute("id") ?? ""}`;
}

/** Characters of paragraph text under an element (what the article is made of). */
function paragraphChars(root: DomElement | DomDocument): number {
  let n = 0;
  for (const p of Array.from(root.querySelectorAll("p"))) n += (p.textContent ?? "").trim().length;
  return n;
}

/**
 * Drops the outlet's `exclude` selectors and the furniture above from the page. An element holding
 * most of the page's paragraph text is kept whatever its name says: it is a wrapper of the article.
 */
export function removeBoilerplate(doc: DomDocument, exclude: readonly string[], notes: string[]): void {
  for (const selector of exclude) {
    try {
      for (const el of Array.from(doc.querySelectorAll(selector))) el.remove();
    } catch {
      notes.push(`invalid exclude selector ${JSON.stringify(selector)} ignored`);
    }
  }
  const total = paragraphChars(doc);
  const candidates: DomElement[] = [];
  for (const el of Array.from(doc.querySelectorAll("[class], [id]"))) {
    const name = el.tagName.toUpperCase();
    if (name === "BODY" || name === "HTML" || name === "MAIN" || name === "ARTICLE") continue;
    const tokens = classAndId(el);
    if (KEEP_CLASS.test(tokens)) continue;
    // Paywall boxes and the parts a page marks as paid are not the article's free text either.
    if (NOISE_CLASS.test(tokens) || NOISE_CLASS_CYR.test(tokens) || PAYWALL_CLASS.test(tokens))
      candidates.push(el);
  }
  for (const el of Array.from(doc.querySelectorAll(NOISE_TAGS))) candidates.push(el);
  for (const el of candidates) {
    if (!el.parentNode) continue; // inside something already removed
    if (total > 0 && paragraphChars(el) > total * 0.5) continue;
    el.remove();
  }
  for (const el of Array.from(doc.querySelectorAll("[class], [id]"))) {
    if (!el.parentNode) continue;
    const tokens = classAndId(el);
    const meta = META_CLASS.test(tokens);
    const gallery = GALLERY_CLASS.test(tokens);
    if ((!meta && !gallery) || el.tagName.toUpperCase() === "P") continue;
    if (KEEP_CLASS.test(tokens) || el.querySelector("p") !== null) continue;
    // A gallery is pictures and captions: one that holds paragraphs is a wrapper of the text (readability
    // turns caption divs into paragraphs, so this runs before it).
    const size = (el.textContent ?? "").trim().length;
    if ((meta && size < 200) || (gallery && size < 2000)) el.remove();
  }
}

function linkChars(el: DomElement): number {
  let n = 0;
  for (const a of Array.from(el.querySelectorAll("a"))) n += (a.textContent ?? "").replace(/\s+/g, "").length;
  return n;
}

/**
 * Cleans the element an extractor picked: captions, date/byline blocks, and blocks that are mostly
 * links (related-article lists, "Pročitajte još: <a>…</a>" lines), then headings left with nothing
 * after them (the title of a removed list).
 */
export function cleanArticleElement(root: DomElement): void {
  for (const el of Array.from(root.querySelectorAll("figcaption, time"))) el.remove();
  for (const el of Array.from(root.querySelectorAll("[class], [id]"))) {
    if (!el.parentNode) continue;
    if (META_CLASS.test(classAndId(el)) && (el.textContent ?? "").trim().length < 300) el.remove();
  }
  for (const el of Array.from(root.querySelectorAll("ul, ol, p, div, section, table"))) {
    if (!el.parentNode) continue;
    const text = (el.textContent ?? "").replace(/\s+/g, "").length;
    if (text === 0) continue;
    const links = el.querySelectorAll("a").length;
    const name = el.tagName.toUpperCase();
    const needed = name === "P" ? 1 : 2;
    if (links >= needed && linkChars(el) / text > 0.8) el.remove();
  }
  // Headings with no text after them end the article: drop them from the end.
  for (;;) {
    const blocks = Array.from(root.querySelectorAll("h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, td"));
    const last = blocks.filter((b) => (b.textContent ?? "").trim() !== "").pop();
    if (!last || !/^H[1-6]$/i.test(last.tagName)) break;
    last.remove();
  }
}

// Whole lines that are page furniture even inside the article container.
const NOISE_LINE =
  /^(?:podeli(?:te)?(?:\s+(?:na|vest|članak|tekst))?|поде(?:ли|лите)(?:\s+(?:на|вест|чланак|текст))?|поделиться|share(?:\s+this(?:\s+article)?)?|tweet|pošalji|print|štampaj|штампај|печать|advertisement|reklama|реклама|oglas|оглас|tagovi|oznake|теги|тагови|ključne\s+reči|кључне\s+речи|komentari(?:\s*\(\d+\))?|коментари(?:\s*\(\d+\))?|комментарии(?:\s*\(\d+\))?|ostavite\s+komentar|оставите\s+коментар|pročitajte\s+(?:još|i\s+ovo|takođe)|прочитајте\s+(?:још|и\s+ово)|читайте\s+также|смотрите\s+также|povezane\s+vesti|повезане\s+вести|похожие\s+новости)\s*:?$/i;

// "Pročitajte još: …", "Читайте также: …", "READ MORE: …" with the linked title on the same line.
const READ_MORE_LINE =
  /^(?:pročitajte(?:\s+(?:još|i|takođe))?|прочитајте(?:\s+(?:још|и))?|читайте(?:\s+также)?|смотрите\s+также|read\s+more|see\s+also|related|povezano|повезано|по\s+теме)\s*:/i;
// Credits and copyright notes: "Foto: Tanjug", "Фото: РИА Новости", "© 2026 Politika".
const CREDIT_LINE =
  /^(?:foto(?:grafija)?|фото(?:графија|графия)?|photo|izvor\s+fotografije|video|видео)\s*:|^(?:©|\(c\)|copyright\b)/i;
const SOCIAL =
  /^(?:facebook|twitter|x|whatsapp|viber|telegram|vk|vkontakte|вконтакте|ok|одноклассники|pinterest|pint|linkedin|reddit|messenger|e-?mail|email|print|share|copy|link|kopiraj|копирај|копировать|baixar|tumblr|flipboard|skype)$/i;

// A date or time line: "четвртак, 14. мај 2021, 10:05", "18:45 01.12.2022 (обновлено: 19:02)".
const MONTHS = new Set(
  (
    "januar januara februar februara mart marta april aprila maj maja jun juna jul jula avgust avgusta septembar septembra oktobar oktobra novembar novembra decembar decembra " +
    "јануар јануара фебруар фебруара март марта април априла мај маја јун јуна јул јула август августа септембар септембра октобар октобра новембар новембра децембар децембра " +
    "январь января февраль февраля март марта апрель апреля май мая июнь июня июль июля август августа сентябрь сентября октябрь октября ноябрь ноября декабрь декабря " +
    "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec"
  ).split(" "),
);
const DATE_WORDS = new Set(
  (
    "u у в at on am pm h č ч г gmt utc cet cest msk мск " +
    "objavljeno objavljen ažurirano izmenjeno објављено ажурирано измењено обновлено опубликовано updated published posted " +
    "ponedeljak utorak sreda četvrtak petak subota nedelja понедељак уторак среда четвртак петак субота недеља " +
    "понедельник вторник среда четверг пятница суббота воскресенье monday tuesday wednesday thursday friday saturday sunday " +
    "danas juče данас јуче сегодня вчера today yesterday"
  ).split(" "),
);
const DATE_OR_TIME =
  /\d{1,2}:\d{2}|\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{1,2}\/\d{1,2}\/\d{2,4}|\d{4}-\d{2}-\d{2}/;

/** A line that is only a date and/or a time (what is left of a dateline block), not a table row of numbers. */
function dateOnly(line: string): boolean {
  if (line.length > 80 || !/\d/.test(line)) return false;
  const tokens = tokenize(line.toLowerCase());
  if (!DATE_OR_TIME.test(line) && !tokens.some((t) => MONTHS.has(t))) return false;
  return tokens.every((t) => /^\d+$/.test(t) || DATE_WORDS.has(t) || MONTHS.has(t));
}

function socialOnly(line: string): boolean {
  const words = line.split(/[\s|/•·,]+/).filter(Boolean);
  return words.length >= 2 && words.every((w) => SOCIAL.test(w));
}

/**
 * Drops lines that are furniture from extracted text: share prompts and share bars, "Tagovi:", "Pročitajte
 * još: …", photo credits and copyright notes, and repeats of a line already kept (gallery captions).
 */
export function cleanLines(text: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const l = raw.trim();
    if (!l || NOISE_LINE.test(l) || socialOnly(l) || dateOnly(l)) continue;
    if (l.length < 200 && (READ_MORE_LINE.test(l) || CREDIT_LINE.test(l))) continue;
    if (l.length >= 20) {
      if (seen.has(l)) continue;
      seen.add(l);
    }
    out.push(l);
  }
  return out.join("\n");
}
