import type { EvidenceSpan } from "@vesti/db";

// HTML building blocks. Everything that is not a literal of this package goes through `h` (text and
// attribute values alike); links from feeds through `safeHref`. Pages are strings built from these, so a
// hostile title can only ever be text.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML text and (double- or single-quoted) attribute values. */
export function h(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

// Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) in a feed's text could reorder what
// follows them on the page (an "RTL override" that makes "exe.gnp" look like "png.exe"). They are shown as
// visible markers instead; the rest of the text is untouched.
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

/** Feed-supplied text: bidi controls made visible, then escaped. */
export function feedText(value: string, max = 600): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return h(cut.replace(BIDI, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`));
}

/** Only absolute http(s) URLs are linked; anything else (javascript:, data:, relative) is not. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

/**
 * A field's text with the tagger's evidence marked. Offsets are UTF-16 positions (packages/themes); a span
 * whose offsets do not match its text (the article was edited since) is searched for instead.
 */
export function highlight(text: string, field: string, evidence: readonly EvidenceSpan[], max = 600): string {
  const spans: [number, number][] = [];
  for (const e of evidence) {
    if (e.field !== field || !e.text) continue;
    let start = e.start;
    let end = e.end;
    if (text.slice(start, end) !== e.text) {
      start = text.toLowerCase().indexOf(e.text.toLowerCase());
      end = start + e.text.length;
    }
    if (start >= 0 && end <= text.length && start < end) spans.push([start, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [s, e] of spans) {
    if (s < at || s >= max) continue;
    out += feedText(text.slice(at, s), max);
    out += `<mark>${feedText(text.slice(s, Math.min(e, max)), max)}</mark>`;
    at = Math.min(e, max);
  }
  const rest = text.slice(at, Math.max(at, max));
  out += feedText(rest, max);
  if (text.length > max) out += "…";
  return out;
}

export interface Layout {
  title: string;
  /** The current page, for the navigation. */
  nav: "landing" | "explore" | "compare" | "outlets" | "articles";
  body: string;
  /** Path prefix of the app (empty at the root). */
  base?: string;
}

const NAV: [Layout["nav"], string, string][] = [
  ["landing", "/", "Thesis"],
  ["explore", "/explore", "Explore"],
  ["compare", "/compare", "Compare"],
  ["outlets", "/outlets", "Outlets"],
];

/** The page shell: no inline script or style anywhere (the CSP forbids them), one stylesheet, one module. */
export function page(layout: Layout): string {
  const nav = NAV.map(
    ([id, href, label]) =>
      `<a href="${h(href)}"${id === layout.nav ? ' aria-current="page"' : ""}>${h(label)}</a>`,
  ).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(layout.title)} · Vesti</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<header><a class="brand" href="/">Vesti</a><nav>${nav}</nav></header>
<main>
${layout.body}
</main>
<footer>Vesti · numbers from the <code>analytics</code> views (docs/sql.md), current taxonomy, UTC days and ISO weeks · read-only</footer>
</body>
</html>
`;
}

/** A number with thousands separators. */
export const n = (v: number) => v.toLocaleString("en");
