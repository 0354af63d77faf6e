import { type DomNode, isElement, TEXT_NODE } from "./dom";

// Elements that start and end a line of text, as a browser lays them out. Text is taken block-aware:
// "<p>Prva</p><p>Druga</p>" is "Prva\nDruga", not "PrvaDruga" as textContent gives, which would glue the
// last word of one paragraph to the first of the next (and break every word-level use of the text).
const BLOCK = new Set([
  "ADDRESS",
  "ARTICLE",
  "ASIDE",
  "BLOCKQUOTE",
  "BR",
  "CAPTION",
  "CENTER",
  "DD",
  "DETAILS",
  "DIALOG",
  "DIV",
  "DL",
  "DT",
  "FIELDSET",
  "FIGCAPTION",
  "FIGURE",
  "FOOTER",
  "FORM",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "HEADER",
  "HGROUP",
  "HR",
  "LI",
  "MAIN",
  "NAV",
  "OL",
  "P",
  "PRE",
  "SECTION",
  "SUMMARY",
  "TABLE",
  "TBODY",
  "TD",
  "TFOOT",
  "TH",
  "THEAD",
  "TR",
  "UL",
]);

// Never text: code, styling, embedded objects and form controls.
const SKIP = new Set([
  "SCRIPT",
  "STYLE",
  "NOSCRIPT",
  "TEMPLATE",
  "SVG",
  "MATH",
  "IFRAME",
  "OBJECT",
  "EMBED",
  "CANVAS",
  "VIDEO",
  "AUDIO",
  "BUTTON",
  "SELECT",
  "TEXTAREA",
  "INPUT",
  "HEAD",
  "TITLE",
]);

const SPACES = /[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g;
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/**
 * The text of a subtree, one line per block element: runs of white space inside a line become one space
 * (as in HTML, except inside <pre>), lines are trimmed, empty lines dropped.
 */
export function blockText(root: DomNode): string {
  const parts: string[] = [];
  // Iterative walk (deeply nested pages must not overflow the stack); a negative entry marks the end
  // of a block element, where a line break goes.
  const stack: (DomNode | number)[] = [root];
  let pre = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "number") {
      parts.push("\n");
      if (item === 2) pre--;
      continue;
    }
    if (item.nodeType === TEXT_NODE) {
      const t = item.textContent ?? "";
      if (t) parts.push(pre > 0 ? t.replace(/\r\n?/g, "\n") : t.replace(SPACES, " "));
      continue;
    }
    if (!isElement(item) && item !== root) continue;
    const name = item.nodeName.toUpperCase();
    if (SKIP.has(name) || (isElement(item) && item.hasAttribute("hidden"))) continue;
    const block = BLOCK.has(name);
    if (block) {
      parts.push("\n");
      if (name === "PRE") pre++;
      stack.push(name === "PRE" ? 2 : 1);
    }
    const kids = item.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return normaliseLines(parts.join(""));
}

/** Trims each line, collapses spaces, removes invisible characters and empty lines. */
export function normaliseLines(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(INVISIBLE, "").split("\n")) {
    const l = line.replace(SPACES, " ").trim();
    if (l) out.push(l);
  }
  return out.join("\n");
}

/** Cuts text to at most `max` characters, at a line end (else a word end) when one is near. */
export function cutText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const line = text.lastIndexOf("\n", max);
  if (line > max * 0.8) return { text: text.slice(0, line), truncated: true };
  const word = text.lastIndexOf(" ", max);
  return { text: text.slice(0, word > max * 0.8 ? word : max), truncated: true };
}
