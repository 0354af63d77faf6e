import { beforeAll, describe, expect, it } from "vitest";
import {
  isKnown,
  langMask,
  lexiconMask,
  normalizeWord,
  parseDictionary,
  preloadLexicons,
} from "../src/lexicon";

// A miniature Hunspell dictionary in the format the LibreOffice dictionaries use.
const AFF = `SET UTF-8
SFX A Y 2
SFX A 0 а [^аеиоу]
SFX A ий ая ий
PFX u Y 1
PFX u ў у .
`;
const DIC = `4
стол/A
море/A
ўжо/u
дом
`;

describe("parseDictionary / isKnown", () => {
  const dict = parseDictionary(AFF, DIC);
  it("knows stems, with or without flags", () => {
    expect(isKnown(dict, "стол")).toBe(true);
    expect(isKnown(dict, "дом")).toBe(true);
  });
  it("applies a suffix rule only to stems carrying its flag and meeting its condition", () => {
    expect(isKnown(dict, "стола")).toBe(true); // стол + а
    expect(isKnown(dict, "дома")).toBe(false); // дом has no flag A
    expect(isKnown(dict, "мореа")).toBe(false); // море carries A, but ends in a vowel: [^аеиоу] fails
  });
  it("strips and adds: -ий → -ая", () => {
    const d = parseDictionary(AFF, "1\nсиний/A\n");
    expect(isKnown(d, "синяя")).toBe(false);
    expect(isKnown(d, "синая")).toBe(true);
  });
  it("applies prefix rules (Belarusian ў written у)", () => {
    expect(isKnown(dict, "ужо")).toBe(true);
    expect(isKnown(dict, "ужа")).toBe(false);
  });
  it("reads numeric flags", () => {
    const d = parseDictionary("FLAG num\nSFX 12 Y 1\nSFX 12 0 от .\n", "2\nзакон/3,12\nград/1\n");
    expect(isKnown(d, "законот")).toBe(true);
    expect(isKnown(d, "градот")).toBe(false);
  });
  it("normalises case, ё and apostrophes", () => {
    expect(normalizeWord("Всё")).toBe("все");
    expect(normalizeWord("м’ясо")).toBe("м'ясо");
  });
});

describe("lexiconMask with the real dictionaries", () => {
  // Loading the seven dictionaries takes a second or two, more on a busy machine.
  beforeAll(() => preloadLexicons(), 60_000);
  const [RU, UK, BE, BG, MK, SR] = (["ru", "uk", "be", "bg", "mk", "sr"] as const).map((l) =>
    langMask([l]),
  ) as [number, number, number, number, number, number];
  it("tells the languages' words apart", () => {
    expect(lexiconMask("здравствуйте") & (RU | BG)).toBe(RU);
    expect(lexiconMask("хлапета") & (RU | BG)).toBe(BG);
    expect(lexiconMask("дякую") & (RU | UK | BE)).toBe(UK);
    expect(lexiconMask("дзякуй") & (RU | UK | BE)).toBe(BE);
    expect(lexiconMask("претседателот") & (BG | MK | SR)).toBe(MK);
    expect(lexiconMask("београду") & (RU | BG | SR)).toBe(SR);
  });
  it("knows inflected forms and capitalised words", () => {
    expect(lexiconMask("Правительства") & RU).toBe(RU);
    expect(lexiconMask("новостей") & RU).toBe(RU);
  });
  it("knows Serbian words made with не- and нај-, which the Serbian list (no affix rules) lacks", () => {
    expect(lexiconMask("непризнавање") & SR).toBe(SR);
    expect(lexiconMask("nepriznavanje") & SR).toBe(SR);
    // the rest must be a word: не + "ка" is not one
    expect(lexiconMask("нека") & SR).toBe(SR); // listed itself
    expect(lexiconMask("неквка") & SR).toBe(0);
  });
  it("consults only the wanted dictionaries", () => {
    expect(lexiconMask("на", RU | BG)).toBe(RU | BG);
    expect(lexiconMask("на", UK)).toBe(UK);
  });
});
