import { beforeAll, describe, expect, it } from "vitest";
import { CYR_LANGS, type CyrLang } from "../src/alphabets";
import { explainLanguage, preloadLexicons } from "../src/index";
import { sampleForms } from "../src/lexicon";
import { orthographyLogProb } from "../src/orthography";

// The dictionaries and the letter models built from them: a second or two, more on a busy machine.
beforeAll(() => preloadLexicons(), 60_000);

/** The language whose letter model likes the word best. */
function best(word: string): CyrLang {
  let top: CyrLang = CYR_LANGS[0]!;
  for (const l of CYR_LANGS) if (orthographyLogProb(word, l) > orthographyLogProb(word, top)) top = l;
  return top;
}

describe("sampleForms", () => {
  it("spells out forms with the suffix rules, spread over the dictionary", () => {
    const forms = sampleForms("ru", 2000, 6);
    expect(forms.length).toBeGreaterThan(5000);
    // Inflected forms, not just headwords: Russian case endings turn up.
    expect(forms.some((f) => f.endsWith("ого") || f.endsWith("ому"))).toBe(true);
    // From across the alphabet, not just its start.
    expect(new Set(forms.map((f) => f[0])).size).toBeGreaterThan(20);
  });
  it("samples a list of full forms (Serbian's) form by form", () => {
    expect(sampleForms("sr", 2000, 6).length).toBeGreaterThan(10_000);
  });
});

describe("orthographyLogProb", () => {
  it("tells the languages apart by how their words are spelled, for words no dictionary lists", () => {
    expect(best("председничких")).toBe("sr"); // -ичких: Serbian adjective, genitive plural
    expect(best("рынаў")).toBe("be"); // ы and ў
    expect(best("държавничеството")).toBe("bg"); // ъ inside a word, -ството
    expect(best("незалежність")).toBe("uk"); // і, -ість
  });
  it("gives every word a finite log probability in every language", () => {
    for (const l of CYR_LANGS) {
      const lp = orthographyLogProb("тройборг", l);
      expect(Number.isFinite(lp)).toBe(true);
      expect(lp).toBeLessThan(0);
    }
  });
});

describe("orthography in the decision", () => {
  it("is weighed for the words no candidate's dictionary knows, and shown by explainLanguage", () => {
    const e = explainLanguage({ title: "вишестраначки систем" }).evidence;
    expect(e.dictionary.find((d) => d.word === "вишестраначки")?.known).toEqual([]);
    const terms = e.candidates.map((c) => c.orthography);
    expect(new Set(terms).size).toBeGreaterThan(1);
  });
  it("is zero when every word is known", () => {
    const e = explainLanguage({ title: "и суверенитет" }).evidence;
    for (const c of e.candidates) expect(c.orthography).toBe(0);
  });
});
