import { beforeAll, describe, expect, it } from "vitest";
import { detectLanguage, explainLanguage, type Lang, type LangInput, preloadLexicons } from "../src/index";
import { LEX_BIT, lexiconMask } from "../src/lexicon";
import { ekavianCandidates, serbianCyrillicCandidates } from "../src/serbian-latin";

// Loading the dictionaries takes a second or two, more on a busy machine: not inside a test's 5 s.
beforeAll(() => preloadLexicons(), 60_000);

// Headline-length items, the pipeline's commonest case: feed titles, mostly Serbian Latin, often typed
// without diacritics. All written for these tests.
const SERBIAN_LATIN = [
  "Putin stigao u Beograd",
  "Vučić sutra u Moskvi",
  "Dačić u Pekingu",
  "Vlada usvojila budžet za sledeću godinu",
  "Počinje sezona grejanja",
  "Ko će biti novi ministar",
  "Struja poskupljuje od januara",
  "Protest ispred Skupštine",
  "Kina šalje pomoć Srbiji",
  "Šta je rekao Si Đinping",
];
// The same kind of titles as much Serbian web text types them: č ć → c, š → s, ž → z, đ → dj.
const SERBIAN_ASCII = [
  "Dacic u Pekingu",
  "Vucic sutra u Moskvi",
  "Pocinje sezona grejanja",
  "Ko ce biti novi ministar",
  "Kina salje pomoc Srbiji",
  "Sta je rekao Si Djinping",
  "Djokovic osvojio turnir",
  "Zasto rastu cene",
  "Skupstina o zakonu",
];
const SERBIAN_CYRILLIC = [
  "Путин стигао у Београд",
  "Вучић сутра у Москви",
  "Дачић у Пекингу",
  "Почиње сезона грејања",
  "Ко ће бити нови министар",
  "Струја поскупљује од јануара",
  "Кина шаље помоћ Србији",
  "Шта је рекао Си Ђинпинг",
];
const ENGLISH = [
  "Putin arrives in Belgrade",
  "Serbia and China sign deal",
  "Vucic meets Xi in Beijing",
  "Kosovo talks stall again",
  "EU warns Serbia over sanctions",
  "Russia sends aid to Serbia",
  "Thousands march in Novi Sad",
  "Belgrade court jails former minister",
  "What Vucic told Putin",
];
const RUSSIAN = [
  "Путин прибыл в Белград",
  "Вучич встретился с Си",
  "Сербия получила помощь",
  "Что сказал Вучич",
  "Цены на газ снизятся",
];

const SERBIAN_OUTLET = { feedLanguage: "sr", country: "RS" };

function wrong(titles: readonly string[], want: Lang, hints: Omit<LangInput, "title"> = {}) {
  return titles
    .map((title) => ({ title, got: detectLanguage({ title, ...hints }).lang }))
    .filter((r) => r.got !== want);
}

describe("headline-length Serbian", () => {
  it("Latin with diacritics, without hints and from a Serbian outlet", () => {
    expect(wrong(SERBIAN_LATIN, "sr")).toEqual([]);
    expect(wrong(SERBIAN_LATIN, "sr", SERBIAN_OUTLET)).toEqual([]);
  });
  it("Latin typed without diacritics, without hints and from a Serbian outlet", () => {
    expect(wrong(SERBIAN_ASCII, "sr")).toEqual([]);
    expect(wrong(SERBIAN_ASCII, "sr", SERBIAN_OUTLET)).toEqual([]);
  });
  it("Cyrillic, without hints and from a Serbian outlet", () => {
    expect(wrong(SERBIAN_CYRILLIC, "sr")).toEqual([]);
    expect(wrong(SERBIAN_CYRILLIC, "sr", SERBIAN_OUTLET)).toEqual([]);
  });
  it("the issue's examples", () => {
    expect(
      detectLanguage({ title: "Putin stigao u Beograd", feedLanguage: "sr", country: "RS" }),
    ).toMatchObject({
      lang: "sr",
      script: "Latn",
    });
    expect(detectLanguage({ title: "Putin stigao u Beograd" }).lang).toBe("sr");
    expect(detectLanguage({ title: "Dacic u Pekingu" }).lang).toBe("sr");
    expect(detectLanguage({ title: "Dacic u Pekingu", feedLanguage: "sr", country: "RS" }).lang).toBe("sr");
  });
  it("stays Serbian when the feed wrongly says English (a CMS default)", () => {
    const mislabelled = { feedLanguage: "en", country: "RS" };
    expect(wrong(SERBIAN_LATIN, "sr", mislabelled)).toEqual([]);
    expect(wrong(SERBIAN_ASCII, "sr", mislabelled)).toEqual([]);
  });
  it("ijekavian and Croatian headlines are in the Serbian group", () => {
    for (const title of [
      "Vrijeme će biti sunčano",
      "Poslije sastanka u Sarajevu",
      "Svjetsko prvenstvo počinje",
    ]) {
      expect(detectLanguage({ title }).lang).toBe("sr");
      expect(detectLanguage({ title, feedLanguage: "hr" }).lang).toBe("hr");
    }
  });
});

describe("headline-length English", () => {
  it("is English without hints", () => {
    expect(wrong(ENGLISH, "en")).toEqual([]);
  });
  it("stays English in a Serbian outlet's feed: the hint does not overrule the words", () => {
    expect(wrong(ENGLISH, "en", SERBIAN_OUTLET)).toEqual([]);
  });
});

describe("headline-length Russian", () => {
  it("is Russian without hints, from a Russian outlet and in a Serbian feed", () => {
    expect(wrong(RUSSIAN, "ru")).toEqual([]);
    expect(wrong(RUSSIAN, "ru", { feedLanguage: "ru", country: "RU" })).toEqual([]);
    expect(wrong(RUSSIAN, "ru", SERBIAN_OUTLET)).toEqual([]);
  });
  it("Latin names in a Russian sentence do not make it English", () => {
    expect(detectLanguage({ title: "вышел альбом The Wall Street Journal" }).lang).toBe("ru");
    expect(detectLanguage({ title: "на Spotify" }).lang).not.toBe("en");
  });
  it("names only, in both scripts, are Cyrillic text quoting a Latin name", () => {
    const ru = { feedLanguage: "ru", country: "RU" };
    expect(detectLanguage({ title: "Pink Floyd Москва", ...ru })).toMatchObject({ lang: "ru" });
    expect(detectLanguage({ title: "Роджер Уотерс (Roger Waters) Лондон", ...ru }).lang).toBe("ru");
    // Latin text with no Cyrillic word is still Latin text.
    expect(detectLanguage({ title: "Pink Floyd", ...ru }).lang).toBe("en");
  });
  it("a name the dictionaries do not list does not outweigh the outlet", () => {
    // Foreign names in Cyrillic are in few dictionaries; a Russian outlet's run of them is Russian.
    const ru = { feedLanguage: "ru", country: "RU" };
    expect(
      wrong(["Джона Малковича", "Сандра Буллок", "Роберта Дауни", "Фильм Брайана Сингера"], "ru", ru),
    ).toEqual([]);
  });
});

describe("text with no words", () => {
  it("acronyms, file names and spelled-out letters are English as a guess, whatever the feed", () => {
    for (const title of ["API.pdf", "P D A", "(BBC)", "NTKB-5765"]) {
      const r = detectLanguage({ title, ...SERBIAN_OUTLET });
      expect(r.lang, title).toBe("en");
      expect(r.confidence, title).toBeLessThanOrEqual(0.5);
      expect(explainLanguage({ title }).evidence.shortcut).toMatch(/no words/);
    }
  });
  it("but a Serbian word among the acronyms is read", () => {
    expect(detectLanguage({ title: "SNS i DS", ...SERBIAN_OUTLET }).lang).toBe("sr");
  });
  it("reads a camel-case file name by its words, not its acronyms", () => {
    // PADDI and HU are acronyms; "stocks" is the word, also where the boundary is ambiguous (IIstocks).
    for (const title of ["PADDIstocksHU.pdf", "PADDIIstocksCL.pdf"]) {
      expect(detectLanguage({ title, ...SERBIAN_OUTLET }).lang, title).toBe("en");
      const looked = explainLanguage({ title }).evidence.dictionary.map((d) => d.word);
      expect(looked.join(" "), title).toMatch(/stocks/);
      expect(looked, title).not.toContain("hu");
    }
  });
});

describe("hints move close calls", () => {
  it("a two-word Latin call goes the feed's way", () => {
    // Names only: nothing in the text says which language.
    const title = "Anna Petrova";
    expect(detectLanguage({ title, feedLanguage: "sr", country: "RS" }).lang).toBe("sr");
    expect(detectLanguage({ title, feedLanguage: "en", country: "GB" }).lang).toBe("en");
  });
  it("but not past decisive letters or function words", () => {
    expect(
      detectLanguage({ title: "Vučić: Srbija neće uvesti sankcije", feedLanguage: "en", country: "GB" }).lang,
    ).toBe("sr");
    expect(
      detectLanguage({ title: "The government will resign", feedLanguage: "sr", country: "RS" }).lang,
    ).toBe("en");
  });
});

describe("Serbian Latin spellings", () => {
  it("maps digraphs both ways", () => {
    expect(serbianCyrillicCandidates("ljubav")).toEqual(expect.arrayContaining(["љубав", "лјубав"]));
    expect(serbianCyrillicCandidates("injekcija")).toContain("ињекција");
    expect(serbianCyrillicCandidates("džep")).toEqual(expect.arrayContaining(["џеп"]));
  });
  it("expands ASCII c s z dj, but not in a word typed with diacritics", () => {
    expect(serbianCyrillicCandidates("dacic")).toContain("дачић");
    expect(serbianCyrillicCandidates("djak")).toContain("ђак");
    expect(serbianCyrillicCandidates("kuća")).toEqual(["кућа"]);
    expect(serbianCyrillicCandidates("češće")).toEqual(["чешће"]);
  });
  it("has no spelling for letters Serbian Latin lacks", () => {
    expect(serbianCyrillicCandidates("weekend")).toEqual([]);
    expect(serbianCyrillicCandidates("café")).toEqual([]);
  });
  it("gives the ekavian spelling of ijekavian words", () => {
    expect(ekavianCandidates("vrijeme")).toEqual(["vreme"]);
    expect(ekavianCandidates("svjetlo")).toEqual(["svetlo"]);
    expect(ekavianCandidates("grad")).toEqual([]);
  });
  it("lets the Cyrillic dictionary judge Latin words", () => {
    const sr = (w: string) => (lexiconMask(w, LEX_BIT.sr) & LEX_BIT.sr) !== 0;
    const en = (w: string) => (lexiconMask(w, LEX_BIT.en) & LEX_BIT.en) !== 0;
    expect(sr("kuća")).toBe(true);
    expect(sr("kuca")).toBe(true);
    expect(sr("vrijeme")).toBe(true);
    expect(sr("announcement")).toBe(false);
    expect(en("government")).toBe(true);
    expect(en("skupština")).toBe(false);
  });
});

describe("explainLanguage", () => {
  const inputs: LangInput[] = [
    { title: "Dacic u Pekingu", feedLanguage: "sr", country: "RS" },
    { title: "Protests continue in Belgrade" },
    { title: "Протест у центру града" },
    { title: "Это был ответ", country: "RS" },
    { title: "OK" },
    { title: "Vlada usvojila novi zakon o platama / Влада усвојила нови закон о платама" },
  ];
  it("answers exactly what detectLanguage answers", () => {
    for (const input of inputs) {
      const { evidence: _evidence, ...result } = explainLanguage(input);
      expect(result).toEqual(detectLanguage(input));
    }
  });
  it("lists the evidence per candidate, best first, adding up to its total", () => {
    const e = explainLanguage(inputs[0]!).evidence;
    expect(e.candidates[0]!.lang).toBe("sr");
    for (const c of e.candidates) {
      expect(c.prior + c.letters + c.words + c.dictionary + c.franc + c.orthography).toBeCloseTo(c.total, 1);
    }
    const totals = e.candidates.map((c) => c.total);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(e.hints).toEqual({ feedLanguage: "sr", country: "RS", countryLanguage: "sr" });
    expect(e.functionWords).toEqual(["u"]);
    expect(e.dictionaryHits.sr).toBe(2);
  });
  it("shows the letters that rule languages out", () => {
    const e = explainLanguage({ title: "Это был ответ" }).evidence;
    expect(e.foreignLetters?.sr).toBeGreaterThan(0);
    expect(e.foreignLetters?.ru).toBe(0);
  });
  it("says when no weighing happened", () => {
    expect(explainLanguage({ title: "OK" }).evidence.shortcut).toMatch(/letters/);
    expect(explainLanguage(inputs[0]!).evidence.shortcut).toBeNull();
  });
});
