import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  compileTaxonomy,
  DEFAULT_TAXONOMY_PATH,
  defaultTaxonomy,
  describeTaxonomy,
  formatTagsForCli,
  loadTaxonomy,
  TaxonomyError,
  THEME_IDS,
  tagItem,
} from "../src/index";

const yaml = readFileSync(DEFAULT_TAXONOMY_PATH, "utf8");

describe("evidence", () => {
  const tax = defaultTaxonomy();

  it("points into the original Serbian Cyrillic text despite 1:2 transliteration (Ђ → Dj)", () => {
    const title = "Љубљана, Њујорк, Ђурђевдан: Вучић честитао Си Ђинпингу";
    const tags = tagItem(tax, { title, lang: "sr" });
    const xi = tags.find((t) => t.id === "xi");
    expect(xi?.evidence).toEqual([
      { field: "title", start: title.indexOf("Ђинпингу"), end: title.length, text: "Ђинпингу" },
    ]);
    const vucic = tags.find((t) => t.id === "vucic");
    expect(vucic?.evidence[0]?.text).toBe("Вучић");
    expect(vucic?.evidence[0]?.start).toBe(title.indexOf("Вучић"));
  });

  it("covers phrases and summaries, end exclusive", () => {
    const summary = "Ministarstvo je saopštilo da je Kina donirala Srbiji respiratore.";
    const tags = tagItem(tax, { title: "Nova pošiljka", summary });
    const aid = tags.find((t) => t.id === "chinese_aid");
    expect(aid).toBeDefined();
    for (const e of aid?.evidence ?? []) {
      expect(e.field).toBe("summary");
      expect(summary.slice(e.start, e.end)).toBe(e.text);
    }
    expect(aid?.evidence.map((e) => e.text)).toEqual(["Kina", "donirala"]);
  });

  it("keeps offsets right after astral characters and in diacritic-less text", () => {
    const title = "🇷🇸 Vucic i Putin o Kosovu";
    const tags = tagItem(tax, { title });
    for (const t of tags) for (const e of t.evidence) expect(title.slice(e.start, e.end)).toBe(e.text);
    expect(tags.map((t) => t.id)).toEqual(["kosovo", "vucic", "putin"]);
  });

  it("lists every mention for plain-mention themes", () => {
    const tags = tagItem(tax, { title: "Putin", summary: "Putina je pozvao Putinov savetnik." });
    expect(tags.find((t) => t.id === "putin")?.evidence.map((e) => e.text)).toEqual([
      "Putin",
      "Putina",
      "Putinov",
    ]);
  });

  it("survives odd input: emoji, lone surrogates, punctuation runs, mixed scripts", () => {
    const odd = [
      "\ud83d",
      "!!!…",
      "Путин\u0301 🇷🇺 Vučić‐Kosovo",
      "a".repeat(5000),
      "Ђ".repeat(300),
      "  \n\t ",
    ];
    // title and summary are the same string here, so either field slices the same text.
    for (const title of odd) {
      for (const t of tagItem(tax, { title, summary: title })) {
        for (const e of t.evidence) expect(title.slice(e.start, e.end)).toBe(e.text);
      }
    }
  });

  it("returns no tags for empty or null fields", () => {
    expect(tagItem(tax, { title: "" })).toEqual([]);
    expect(tagItem(tax, { title: "Vreme", summary: null, lang: null })).toEqual([]);
  });
});

describe("taxonomy", () => {
  it("versions hash the YAML's content: they change with a term, not with a comment", () => {
    const a = compileTaxonomy(yaml);
    const commented = compileTaxonomy(`${yaml}\n# an analyst's note\n`);
    const edited = compileTaxonomy(yaml.replace('"^kurti{,ja,ju,jem}"', '"^kurti{,ja,ju}"'));
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(commented.version).toBe(a.version);
    expect(edited.version).not.toBe(a.version);
    expect(compileTaxonomy(yaml).version).toBe(a.version);
    expect(loadTaxonomy().version).toBe(a.version);
  });

  it("an edit to the YAML changes matching without code changes", () => {
    const edited = yaml.replace('"^kurti{,ja,ju,jem}"', '"^kurti{,ja,ju,jem}"\n      - "^osmanij{fem}"');
    expect(edited).not.toBe(yaml);
    const title = "Osmanija ukinula dinar";
    expect(tagItem(defaultTaxonomy(), { title }).map((t) => t.id)).not.toContain("kosovo");
    expect(tagItem(compileTaxonomy(edited), { title }).map((t) => t.id)).toContain("kosovo");
  });

  it("defaultTaxonomy is compiled once", () => {
    expect(defaultTaxonomy()).toBe(defaultTaxonomy());
  });

  it("rejects unknown groups and malformed terms", () => {
    expect(() => compileTaxonomy(yaml.replace("[[kosovo_terms]]", "[[kosovo_termz]]"))).toThrow(
      TaxonomyError,
    );
    expect(() => compileTaxonomy(yaml.replace('"kosovsk{adj}"', '"kosovsk{adj"'))).toThrow(TaxonomyError);
  });

  it("describeTaxonomy lists version, every theme and terms per language", () => {
    const tax = defaultTaxonomy();
    const text = describeTaxonomy(tax);
    expect(text).toContain(tax.version);
    for (const id of THEME_IDS) expect(text).toContain(id);
    expect(text).toContain("sr: ^kosov{neut}");
    expect(text).toContain("ru: ^косов");
    expect(text).toContain("en: kosovo");
  });

  it("formatTagsForCli prints tags with evidence", () => {
    const tags = tagItem(defaultTaxonomy(), { title: "Putin u Beogradu" });
    expect(formatTagsForCli(tags)).toBe('putin: title[0-5] "Putin"');
    expect(formatTagsForCli([])).toBe("(no themes)");
  });
});

describe("the body field", () => {
  const tax = defaultTaxonomy();
  it("tags the body with evidence marked field body, offsets into the body", () => {
    const title = "Nova pošiljka stigla u Beograd";
    const body =
      "Avion je sleteo u utorak.\nKina je donirala Srbiji 120 respiratora i milion maski.\nVučić je dočekao pošiljku.";
    expect(tagItem(tax, { title, lang: "sr" }).map((t) => t.id)).toEqual([]);
    const tags = tagItem(tax, { title, body, lang: "sr" });
    const ids = tags.map((t) => t.id);
    expect(ids).toContain("chinese_aid");
    expect(ids).toContain("vucic");
    for (const t of tags)
      for (const e of t.evidence) {
        expect(e.field).toBe("body");
        expect(body.slice(e.start, e.end)).toBe(e.text);
      }
  });
  it("reads the title with each body sentence (title+sentence rules), in the body's own script", () => {
    const title = "Русија шаље помоћ";
    const body =
      "Avion sa lekarima sleteo je u Niš.\nМинистарство одбране Русије упутило је у Србију 87 војних лекара.";
    const tags = tagItem(tax, { title: "Kiša u Beogradu", body, lang: "sr" });
    expect(tags.map((t) => t.id)).toContain("russian_aid");
    expect(tagItem(tax, { title, lang: "sr" }).map((t) => t.id)).toEqual(
      tagItem(tax, { title, body: "", lang: "sr" }).map((t) => t.id),
    );
  });
  it("does not join a phrase across a paragraph break", () => {
    const tags = tagItem(tax, {
      title: "Vesti",
      body: "Sastanak je održan u Pekingu, a tema je bila Kina\npomoć stiže kasnije.",
      lang: "sr",
    });
    expect(tags.find((t) => t.id === "chinese_aid")?.evidence.map((e) => e.text) ?? []).not.toContain(
      "Kina\npomoć",
    );
  });
});
