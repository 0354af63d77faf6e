import { type DomDocument, type DomElement, isElement } from "./dom";
import { blockText } from "./text";

// What a page says about itself before extraction changes it: its title and language, paywall markers,
// and the shapes of pages that carry no article at all.

export interface PageSignals {
  title: string | null;
  /** The first <h1>'s text (the headline as shown, without the site's name). */
  headline: string | null;
  /** `<html lang>` as declared, e.g. "sr-Latn", "ru". */
  lang: string | null;
  /** Paywall markers found (structured data, paywall elements, subscriber-only phrases). */
  paywall: string[];
  /** Why the page has no article (app shell, consent wall, not-found page), or null. */
  emptyShape: string | null;
  /** Whether the page has any sizeable text at all (a gallery has some; an app shell has none). */
  hasText: boolean;
}

// Phrases that tell a reader the rest is for subscribers (Serbian Latin and Cyrillic, Russian, English).
const PAYWALL_PHRASES: [RegExp, string][] = [
  [
    /samo\s+za\s+pretplatnik|dostupan\s+(?:je\s+)?samo\s+pretplatnic|za\s+nastavak\s+čitanja|da\s+biste\s+(?:pročitali|nastavili\s+(?:sa\s+)?čitanje|čitali\s+dalje)|ostatak\s+(?:teksta|članka)\s+(?:je\s+)?dostupan/i,
    "subscriber phrase (sr-Latn)",
  ],
  [
    /само\s+за\s+претплатник|доступан\s+(?:је\s+)?само\s+претплатниц|за\s+наставак\s+читања|да\s+бисте\s+(?:прочитали|наставили\s+(?:са\s+)?читање|читали\s+даље)|остатак\s+(?:текста|чланка)\s+(?:је\s+)?доступан/i,
    "subscriber phrase (sr-Cyrl)",
  ],
  [
    /только\s+(?:для\s+)?подписчик|доступ(?:ен|но)\s+(?:только\s+)?по\s+подписке|чтобы\s+(?:продолжить\s+чтение|читать\s+дальше|прочитать\s+(?:статью|материал|текст))|материал\s+доступен\s+(?:только\s+)?подписчикам/i,
    "subscriber phrase (ru)",
  ],
  [
    /subscribe\s+to\s+(?:continue|keep)\s+reading|for\s+subscribers\s+only|this\s+(?:article|content|story)\s+is\s+(?:only\s+)?(?:available\s+)?(?:to|for)\s+subscribers/i,
    "subscriber phrase (en)",
  ],
];

export const PAYWALL_CLASS =
  /(?:^|[\s_-])(?:pay-?wall(?:ed)?|paid-content|premium-(?:content|article|lock|wall)|subscriber-only|subscription-(?:wall|offer)|subscribe-offer|regwall|article-locked|locked-content|content-locked|piano-(?:offer|paywall))(?:$|[\s_-])/i;

/** Subscriber-only phrases in a text. */
export function textMarkers(text: string): string[] {
  const found: string[] = [];
  for (const [re, label] of PAYWALL_PHRASES) if (re.test(text)) found.push(label);
  return found;
}

function notFree(value: unknown, depth = 0): boolean {
  if (depth > 6 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => notFree(v, depth + 1));
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === "isAccessibleForFree" && (v === false || (typeof v === "string" && /^false$/i.test(v.trim()))))
      return true;
    if (typeof v === "object" && notFree(v, depth + 1)) return true;
  }
  return false;
}

function meta(doc: DomDocument, key: string): string | null {
  const el = doc.querySelector(`meta[property="${key}"], meta[name="${key}"]`);
  const v = el?.getAttribute("content")?.trim();
  return v || null;
}

const NOT_FOUND =
  /^\s*404\b|\b(?:error|greška|грешка|ошибка)\s*404\b|page\s+not\s+found|stranica\s+(?:nije\s+pronađena|ne\s+postoji)|страница\s+(?:није\s+пронађена|не\s+постоји|не\s+найдена)|такой\s+страницы\s+нет/i;
const CONSENT =
  /cookie|kolačić|kolacic|колачић|куки|файлы?\s+cookie|privatnost|приватност|конфиденциальн|privacy|consent|saglasnost|сагласност|согласие/i;

export function pageSignals(doc: DomDocument): PageSignals {
  const paywall: string[] = [];
  for (const s of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      if (notFree(JSON.parse(s.textContent ?? ""))) {
        paywall.push("isAccessibleForFree=false");
        break;
      }
    } catch {
      // broken JSON-LD is common and says nothing
    }
  }
  const tier = meta(doc, "article:content_tier");
  if (tier && /^(?:locked|metered|premium)$/i.test(tier)) paywall.push(`content_tier=${tier.toLowerCase()}`);
  const walls: DomElement[] = [];
  for (const el of Array.from(doc.querySelectorAll("[class], [id]"))) {
    if (PAYWALL_CLASS.test(`${el.getAttribute("class") ?? ""} ${el.getAttribute("id") ?? ""}`))
      walls.push(el);
  }
  if (walls.length > 0) paywall.push("paywall element");
  // The subscriber notice usually sits outside the article body, where readability will not look.
  for (const w of walls.slice(0, 5)) paywall.push(...textMarkers(w.textContent ?? ""));

  const title =
    meta(doc, "og:title") ??
    firstText(doc.querySelector("h1")) ??
    (doc.title ? doc.title.replace(/\s+/g, " ").trim() || null : null);
  const lang = doc.documentElement?.getAttribute("lang")?.trim() || null;

  // textContent is cheaper than block-aware text; line structure is only needed on short pages.
  const flat = doc.body?.textContent ?? "";
  if (paywall.length === 0) paywall.push(...textMarkers(flat));
  const bodyText = flat.length < 20_000 && doc.body ? blockText(doc.body) : flat;
  return {
    title,
    headline: firstText(doc.querySelector("h1")),
    lang,
    paywall: [...new Set(paywall)],
    emptyShape: emptyShape(doc, bodyText),
    hasText: letterCount(flat, 40) >= 40,
  };
}

/** Letters in a text, counting stops at `enough`. */
function letterCount(text: string, enough: number): number {
  let n = 0;
  for (const m of text.matchAll(/\p{L}+/gu)) {
    n += m[0].length;
    if (n >= enough) break;
  }
  return n;
}

function firstText(el: DomElement | null): string | null {
  const t = el?.textContent?.replace(/\s+/g, " ").trim();
  return t || null;
}

function emptyShape(doc: DomDocument, bodyText: string): string | null {
  // A "not found" title over a short page: a deleted article answered with 200 instead of 404.
  const headings = [doc.title ?? "", firstText(doc.querySelector("h1")) ?? ""];
  if (bodyText.length < 1500 && headings.some((h) => NOT_FOUND.test(h))) return "not-found page";
  const letters = letterCount(bodyText, 40);
  if (letters < 40) {
    const shell = doc.querySelector("#root, #app, #__next, #__nuxt, [data-reactroot], app-root");
    if (shell && isElement(shell)) return "script-rendered page (no text in the HTML)";
    return "page has no text";
  }
  // A page whose only sizeable text is a cookie or privacy notice is a consent wall, not an article.
  if (bodyText.length < 1200 && CONSENT.test(bodyText)) {
    const lines = bodyText.split("\n").filter((l) => l.length > 40);
    if (lines.length > 0 && lines.every((l) => CONSENT.test(l))) return "consent wall";
  }
  return null;
}
