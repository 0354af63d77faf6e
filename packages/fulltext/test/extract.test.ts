import { describe, expect, it } from "vitest";
import { parseDocument } from "../src/dom";
import {
  aggregateScores,
  blockText,
  cutText,
  extractArticle,
  extractArticleFromBytes,
  loadFixturePages,
  precisionOf,
  recallOf,
  shingleMatch,
} from "../src/index";

const pages = loadFixturePages();
const byName = new Map(pages.map((p) => [p.name, p]));
const page = (name: string) => {
  const p = byName.get(name);
  if (!p) throw new Error(`no fixture ${name}`);
  return p;
};

describe("labelled pages", () => {
  it("has at least 20 pages in Serbian (both scripts) and Russian, each with its ground truth", () => {
    expect(pages.length).toBeGreaterThanOrEqual(20);
    const all = pages.map((p) => p.truth).join("\n");
    expect(all).toMatch(/[čćšžđ]/); // Serbian Latin
    expect(all).toMatch(/[ђћџљњј]/); // Serbian Cyrillic
    expect(all).toMatch(/[ыэъ]/); // Russian
    for (const p of pages) expect(p.expectedStatus, p.name).toBeDefined();
  });

  for (const p of pages) {
    it(`${p.name}: status ${p.expectedStatus}, the page's text close to the ground truth`, () => {
      const r = extractArticleFromBytes(p.html, null, p.options);
      expect(r.status, r.reason ?? "").toBe(p.expectedStatus);
      const s = shingleMatch(p.truth, r.pageText);
      if (p.truth.trim() === "") expect(r.pageText).toBe("");
      else {
        expect(recallOf(s), "recall").toBeGreaterThanOrEqual(0.9);
        expect(precisionOf(s), "precision").toBeGreaterThanOrEqual(0.85);
      }
      if (r.status === "ok") expect(r.text).toBe(r.pageText);
    });
  }

  it("scores F1 of at least 0.95 over the set (the eval:extract goal)", () => {
    const scores = pages.map((p) =>
      shingleMatch(p.truth, extractArticleFromBytes(p.html, null, p.options).pageText),
    );
    expect(aggregateScores(scores).f1).toBeGreaterThanOrEqual(0.95);
  });
});

describe("extractArticle", () => {
  it("takes text block-aware: one line per paragraph, no words glued across blocks", () => {
    const r = extractArticleFromBytes(page("sr-latn-wordpress-comments").html, null);
    const lines = r.text.split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines[0]).toMatch(/^Teretni avion sa 120 respiratora/);
    expect(r.text).not.toMatch(/Vučić\.Prema|najteže“\.Kineski/);
    expect(r.text).not.toMatch(/Komentari|Povezane vesti|kolačiće|Tagovi|Reklama/);
    expect(r.title).toMatch(/Avion sa respiratorima iz Kine/);
  });

  it("decodes a windows-1251 page from its <meta charset>", () => {
    const r = extractArticleFromBytes(page("ru-cp1251-meta-charset").html, null);
    expect(r.text).toContain("Сербия стала первой страной Европы");
    expect(r.text).not.toContain("\ufffd");
  });

  it("uses the outlet's selectors first and drops its exclude selectors", () => {
    const p = page("sr-cyrl-outlet-selectors");
    const r = extractArticleFromBytes(p.html, null, p.options);
    expect(r.method).toBe("selector");
    expect(r.text).not.toMatch(/Извор: РТВ|Изложба у Галерији/);
    const plain = extractArticleFromBytes(p.html, null, { ...p.options, selectors: null, exclude: null });
    expect(plain.method).toBe("readability");
  });

  it("ignores an invalid selector with a reason and falls back to readability", () => {
    const p = page("sr-cyrl-outlet-selectors");
    const r = extractArticleFromBytes(p.html, null, { selectors: ["div[[["], exclude: ["p:::x"] });
    expect(r.status).toBe("ok");
    expect(r.method).toBe("readability");
    expect(r.reason).toMatch(/invalid selector "div\[\[\["/);
    expect(r.reason).toMatch(/invalid exclude selector/);
  });

  it("falls back to the feed summary behind a paywall, recording why", () => {
    const p = page("sr-latn-paywalled-teaser");
    const r = extractArticleFromBytes(p.html, null, { summary: "Analiza uslova ugovora." });
    expect(r).toMatchObject({
      status: "paywalled",
      method: "fallback-summary",
      text: "Analiza uslova ugovora.",
    });
    expect(r.reason).toMatch(/paywall element/);
    expect(r.pageText).toMatch(/^Ugovor o kreditu/);
    const ru = extractArticleFromBytes(page("ru-paywalled-jsonld").html, null);
    expect(ru).toMatchObject({ status: "paywalled", method: "none", text: "" });
    expect(ru.reason).toMatch(/isAccessibleForFree=false/);
  });

  it("keeps a long article whose page carries a paywall marker, noting it", () => {
    const paras = Array.from(
      { length: 25 },
      (_, i) =>
        `<p>Pasus broj ${i} o tome kako je Vlada Srbije potpisala ugovor o izgradnji nove bolnice u Nišu i ko će je graditi.</p>`,
    ).join("");
    const html = `<html><body><article>${paras}</article><div class="paywall-box">Samo za pretplatnike</div></body></html>`;
    const r = extractArticle(html);
    expect(r.status).toBe("ok");
    expect(r.reason).toMatch(/paywall marker but full text served/);
  });

  it("tells empty pages apart: app shell, consent wall, not-found page", () => {
    for (const [name, reason] of [
      ["empty-app-shell", /script-rendered/],
      ["empty-consent-wall", /consent wall/],
      ["empty-not-found", /not-found page/],
    ] as const) {
      const r = extractArticleFromBytes(page(name).html, null, { summary: "Sažetak." });
      expect(r.status, name).toBe("empty");
      expect(r.reason ?? "", name).toMatch(reason);
      expect(r).toMatchObject({ method: "fallback-summary", text: "Sažetak.", pageText: "" });
    }
    expect(extractArticle("")).toMatchObject({ status: "empty", method: "none", text: "" });
  });

  it("falls back to the summary when the page's text is shorter than the outlet's minimum", () => {
    const p = page("sr-latn-short-brief");
    expect(extractArticleFromBytes(p.html, null).status).toBe("ok");
    const r = extractArticleFromBytes(p.html, null, {
      minLength: 1000,
      summary: "Saobraćaj obilaznim pravcima.",
    });
    expect(r.status).toBe("fallback_summary");
    expect(r.reason).toMatch(/shorter than 1000/);
    expect(r.text).toBe("Saobraćaj obilaznim pravcima.");
  });

  it("keeps pages and text within the size limits", () => {
    const paras = Array.from(
      { length: 5000 },
      (_, i) =>
        `<p>Ово је реченица број ${i} која се понавља да би страница била веома дугачка, али и даље читљива.</p>`,
    ).join("");
    const html = `<html><body><article>${paras}</article></body></html>`;
    const r = extractArticle(html, { maxTextChars: 5000, maxHtmlChars: 200_000 });
    expect(r.status).toBe("ok");
    expect(r.length).toBeLessThanOrEqual(5000);
    expect(r.text.endsWith("читљива.")).toBe(true); // cut at a line end
    expect(r.truncated).toBe(true);
    expect(r.reason).toMatch(/page cut to 200000 characters/);
  });

  it("keeps the paragraphs of a page nested too deep for readability", () => {
    const text = "Duboko ugnežđen tekst o Kosovu, dovoljno dugačak da bude članak. ".repeat(5);
    const html = `<html><body>${"<div>".repeat(5000)}<p>${text}</p>${"</div>".repeat(5000)}</body></html>`;
    const r = extractArticle(html);
    expect(r).toMatchObject({ status: "ok", method: "paragraphs" });
    expect(r.reason).toMatch(/readability skipped: \d+ elements, nested \d+ deep/);
  });
});

describe("blockText and cutText", () => {
  it("breaks lines at blocks and <br>, collapses spaces, keeps <pre> lines, skips scripts", () => {
    const doc = parseDocument(
      "<html><body><div><h2>Naslov</h2><p>Prvi   red<br>drugi&nbsp;red</p><ul><li>a</li><li>b</li></ul><script>x()</script><pre>l1\nl2</pre><span>in</span><b>line</b></div></body></html>",
    );
    expect(blockText(doc.body!)).toBe("Naslov\nPrvi red\ndrugi red\na\nb\nl1\nl2\ninline");
  });
  it("cuts at a line end", () => {
    expect(cutText("aaaa\nbbbb\ncccc", 11)).toEqual({ text: "aaaa\nbbbb", truncated: true });
    expect(cutText("kratko", 12)).toEqual({ text: "kratko", truncated: false });
  });
});
