import { describe, expect, it } from "vitest";
import { collapseWhitespace, htmlToText, titleKey } from "../src/text";

describe("htmlToText", () => {
  it("strips tags and decodes entities", () => {
    expect(htmlToText("<p>Prva&nbsp;rečenica.</p><p>Druga &laquo;rečenica&raquo;</p>")).toBe(
      "Prva rečenica. Druga «rečenica»",
    );
  });
  it("handles HTML escaped twice (as inside CDATA)", () => {
    expect(htmlToText("&lt;p&gt;&amp;quot;Цитата&amp;quot;&lt;br /&gt;ответ&lt;/p&gt;")).toBe(
      '"Цитата" ответ',
    );
    expect(htmlToText("xxx: &quot;тест&quot; &gt; всё")).toBe('xxx: "тест" > всё');
  });
  it("removes scripts, styles, comments and tracking pixels", () => {
    expect(
      htmlToText('<script>var a=1</script><style>p{}</style><!-- c -->Tekst<img src="x.gif" width="1"/>'),
    ).toBe("Tekst");
  });
  it("keeps a lone < that is not a tag", () => {
    expect(htmlToText("a &lt; b and c > d")).toBe("a < b and c > d");
  });
  it("turns NBSP into a space and collapses whitespace", () => {
    expect(collapseWhitespace("  к\u00a0первому\n\t этапу\u200b ")).toBe("к первому этапу");
    expect(htmlToText(null)).toBe("");
  });
});

describe("titleKey", () => {
  it("matches the same wire copy in Serbian Cyrillic and Latin", () => {
    const cyr = titleKey("Вучић: Србија ће наставити дијалог о Косову – ЏЕЈ, Љубљана, Њујорк, Ђорђе");
    const lat = titleKey("Vučić: Srbija će nastaviti dijalog o Kosovu - DŽEJ, Ljubljana, Njujork, Đorđe");
    expect(cyr).toBe(lat);
    expect(lat).toBe("vucic srbija ce nastaviti dijalog o kosovu dzej ljubljana njujork djordje");
    expect(titleKey("Vucic: Srbija ce nastaviti dijalog o Kosovu, DZEJ, Ljubljana, Njujork, Djordje")).toBe(
      "vucic srbija ce nastaviti dijalog o kosovu dzej ljubljana njujork djordje",
    );
  });
  it("leaves Russian in Cyrillic (folding й/ё)", () => {
    expect(titleKey("Ёжик в тумане: «Новый» фильм!")).toBe("ежик в тумане новыи фильм");
  });
  it("is empty for no title", () => {
    expect(titleKey(null)).toBe("");
    expect(titleKey(" — ")).toBe("");
  });
});
