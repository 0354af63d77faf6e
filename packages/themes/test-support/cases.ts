// Table-driven theme cases: each case is checked with and without the language hint, and every
// Serbian case also in Cyrillic (transliterated), so one sentence covers both scripts.
import { describe, expect, it } from "vitest";
import { defaultTaxonomy, type ThemeId, tagItem } from "../src/index";
import { toCyrillic } from "./sr-cyrl";

export type Lang = "sr" | "ru" | "en";
export interface Case {
  lang: Lang;
  title: string;
  summary?: string;
  has?: ThemeId[];
  not?: ThemeId[];
}

function check(c: Case, title: string, summary: string | undefined, lang: string | null): void {
  const tags = tagItem(defaultTaxonomy(), { title, summary, lang });
  const ids = tags.map((t) => t.id);
  for (const id of c.has ?? []) expect(ids, `${id} expected in: ${title} | ${summary ?? ""}`).toContain(id);
  for (const id of c.not ?? [])
    expect(ids, `${id} not expected in: ${title} | ${summary ?? ""}`).not.toContain(id);
  for (const t of tags) {
    for (const e of t.evidence) {
      const src = e.field === "title" ? title : (summary ?? "");
      expect(src.slice(e.start, e.end)).toBe(e.text);
    }
  }
}

export function runCases(name: string, cases: Case[]): void {
  describe(name, () => {
    for (const c of cases) {
      it(`[${c.lang}] ${c.title}${c.summary ? ` | ${c.summary}` : ""}`, () => {
        check(c, c.title, c.summary, c.lang);
        check(c, c.title, c.summary, null); // the tagger must work without the language hint
        if (c.lang === "sr") {
          const summary = c.summary === undefined ? undefined : toCyrillic(c.summary);
          check(c, toCyrillic(c.title), summary, "sr");
          check(c, toCyrillic(c.title), summary, null);
        }
      });
    }
  });
}
