import { francAll } from "franc";
import { beforeAll, describe, expect, it } from "vitest";
import { francDistances } from "../src/franc-core";
import {
  detectLanguage,
  type Lang,
  type LangInput,
  MAX_CHARS,
  normalizeLangTag,
  preloadLexicons,
  prepareText,
} from "../src/index";

// Loading the dictionaries takes a second or two, more on a busy machine: not inside a test's 5 s.
beforeAll(() => preloadLexicons(), 60_000);

// All cases are written for these tests: headline-length, the length where detectors fail.
const cases: Record<string, [string, Lang][]> = {
  "Serbian Cyrillic": [
    ["Вучић: Србија неће увести санкције Русији", "sr"],
    ["Влада усвојила нови закон о платама у јавном сектору", "sr"],
    ["Министар финансија најавио повећање пензија од јануара", "sr"],
    ["Београд домаћин великог међународног сајма књига", "sr"],
    ["Председник примио делегацију из Брисела", "sr"],
    ["Полиција ухапсила двојицу осумњичених за пљачку банке", "sr"],
  ],
  "Serbian Latin": [
    ["Vučić: Srbija neće uvesti sankcije Rusiji", "sr"],
    ["Vlada usvojila novi zakon o platama u javnom sektoru", "sr"],
    ["Ministar finansija najavio povećanje penzija od januara", "sr"],
    ["Beograd domaćin velikog međunarodnog sajma knjiga", "sr"],
    ["Predsednik primio delegaciju iz Brisela", "sr"],
    ["Cene goriva ponovo rastu od ponedeljka", "sr"],
  ],
  Russian: [
    ["Путин провёл телефонный разговор с президентом Сербии", "ru"],
    ["В Москве открылась выставка современного искусства", "ru"],
    ["Центробанк сохранил ключевую ставку", "ru"],
    ["Президент посетил Белград", "ru"],
    ["Стало известно о планах правительства на следующий год", "ru"],
    ["МИД России прокомментировал заявление Приштины", "ru"],
  ],
  English: [
    ["Serbia will not impose sanctions on Russia, president says", "en"],
    ["Protests continue in Belgrade for a third week", "en"],
    ["Kosovo police detain two men near the border", "en"],
    ["Four months later, they were married", "en"],
    ["Markets rally after the central bank holds rates", "en"],
    ["Thanks for the update", "en"],
  ],
  Ukrainian: [
    ["Уряд ухвалив нові правила для імпорту зерна", "uk"],
    ["У Києві відкрили нову станцію метро", "uk"],
    ["Президент підписав закон про мобілізацію", "uk"],
  ],
  Belarusian: [
    ["Урад зацвердзіў новыя правілы для перавозчыкаў", "be"],
    ["У Мінску адкрылася выстава сучаснага мастацтва", "be"],
    ["Беларусь і Расія падпісалі новае пагадненне", "be"],
  ],
  Bulgarian: [
    ["Правителството одобри новия бюджет за следващата година", "bg"],
    ["Президентът на България се срещна с премиера на Сърбия", "bg"],
    ["Цените на горивата отново се покачват", "bg"],
  ],
  Macedonian: [
    ["Владата го усвои новиот закон за плати", "mk"],
    ["Премиерот ќе се сретне со претседателот на Србија", "mk"],
    ["Во Скопје се одржа голем протест против поскапувањата", "mk"],
  ],
};

describe("detectLanguage: headlines in every script", () => {
  for (const [name, list] of Object.entries(cases)) {
    it(name, () => {
      const wrong = list
        .map(([title, want]) => ({ title, want, got: detectLanguage({ title }).lang }))
        .filter((r) => r.got !== r.want);
      expect(wrong).toEqual([]);
    });
  }

  it("reports the script of the letters", () => {
    expect(detectLanguage({ title: "Вучић: Србија неће увести санкције Русији" }).script).toBe("Cyrl");
    expect(detectLanguage({ title: "Vučić: Srbija neće uvesti sankcije Rusiji" }).script).toBe("Latn");
  });

  it("neighbours are not taken for Serbian or Russian", () => {
    for (const list of [cases.Ukrainian, cases.Belarusian, cases.Bulgarian, cases.Macedonian]) {
      for (const [title] of list ?? []) expect(["sr", "ru"]).not.toContain(detectLanguage({ title }).lang);
    }
  });
});

describe("decisive letters", () => {
  it("ђ ћ make Serbian, ы э make Russian, ї є make Ukrainian, ў Belarusian, ќ ѓ Macedonian", () => {
    expect(detectLanguage({ title: "Ћирилица и ђаци" }).lang).toBe("sr");
    expect(detectLanguage({ title: "Это был ответ" }).lang).toBe("ru");
    expect(detectLanguage({ title: "Євро та її курс" }).lang).toBe("uk");
    expect(detectLanguage({ title: "Ён прыйшоў дамоў" }).lang).toBe("be");
    expect(detectLanguage({ title: "Ќе дојде во Скопје" }).lang).toBe("mk");
  });

  it("a Latin look-alike inside a Cyrillic word counts as Cyrillic", () => {
    // "i" and "o" below are Latin letters typed into Ukrainian and Russian words.
    const uk = detectLanguage({ title: "Уряд ухвалив новi правила для iмпорту зерна" });
    expect(uk.lang).toBe("uk");
    expect(uk.script).toBe("Cyrl");
  });
});

describe("Serbian, Croatian and Bosnian as one group", () => {
  const hr = "Vlada je usvojila novi zakon o plaćama u javnom sektoru";
  it("answers sr without a hint", () => {
    expect(detectLanguage({ title: hr }).lang).toBe("sr");
  });
  it("answers hr when the feed or the country says so", () => {
    expect(detectLanguage({ title: hr, feedLanguage: "hr" }).lang).toBe("hr");
    expect(detectLanguage({ title: hr, feedLanguage: "hr-HR" }).lang).toBe("hr");
    expect(detectLanguage({ title: hr, country: "HR" }).lang).toBe("hr");
  });
  it("answers bs when the feed says Bosnian", () => {
    expect(detectLanguage({ title: hr, feedLanguage: "bs" }).lang).toBe("bs");
  });
  it("never answers bs for Serbian Cyrillic without the feed saying Bosnian", () => {
    const title = "Додик: Република Српска неће прихватити одлуку";
    expect(detectLanguage({ title }).lang).toBe("sr");
    expect(detectLanguage({ title, country: "BA" }).lang).toBe("sr");
    expect(detectLanguage({ title, feedLanguage: "sr", country: "BA" }).lang).toBe("sr");
  });
  it("never answers hr for Cyrillic", () => {
    expect(detectLanguage({ title: "Влада усвојила нови закон о платама", country: "HR" }).lang).toBe("sr");
  });
});

describe("feed language is a prior, not the answer", () => {
  it("a Serbian feed's English and Russian items keep their language", () => {
    expect(
      detectLanguage({ title: "Protests continue in Belgrade for a third week", feedLanguage: "sr" }).lang,
    ).toBe("en");
    expect(
      detectLanguage({ title: "В Москве открылась выставка современного искусства", feedLanguage: "sr-RS" })
        .lang,
    ).toBe("ru");
  });
  it("a Russian feed's Serbian item is Serbian", () => {
    expect(detectLanguage({ title: "Влада усвојила нови закон о платама", feedLanguage: "ru" }).lang).toBe(
      "sr",
    );
  });
  it("tips a close call", () => {
    // Two words Serbian, Macedonian and Bulgarian all write.
    const title = "Нови избори";
    expect(detectLanguage({ title, feedLanguage: "sr" }).lang).toBe("sr");
    expect(detectLanguage({ title, feedLanguage: "mk" }).lang).toBe("mk");
    expect(detectLanguage({ title, feedLanguage: "bg" }).lang).toBe("bg");
  });
  it("a function word decides where the hint is silent", () => {
    // во is Macedonian: Serbian writes у.
    expect(detectLanguage({ title: "Протест во Скопје" }).lang).toBe("mk");
    expect(detectLanguage({ title: "Протест у Скопљу" }).lang).toBe("sr");
  });
});

describe("mixed scripts and brand names", () => {
  it("Latin brands in a Cyrillic title: the language and script of the running text", () => {
    const ru = detectLanguage({ title: "Apple представила новый iPhone и MacBook Pro" });
    expect(ru).toMatchObject({ lang: "ru", script: "Cyrl" });
    const sr = detectLanguage({ title: "Microsoft и Google отварају центре у Београду" });
    expect(sr).toMatchObject({ lang: "sr", script: "Cyrl" });
  });
  it("Cyrillic brand in a Latin title", () => {
    expect(detectLanguage({ title: "Kompanija „Газпром нефт“ preuzima veći udeo u NIS-u" })).toMatchObject({
      lang: "sr",
      script: "Latn",
    });
  });
  it("brand names transliterated into Cyrillic", () => {
    expect(detectLanguage({ title: "Фејсбук уводи нова правила за политичке огласе" }).lang).toBe("sr");
    expect(detectLanguage({ title: "Макдоналдс окончательно уходит из России" }).lang).toBe("ru");
    expect(detectLanguage({ title: "Тесла отвара фабрику у Србији" }).lang).toBe("sr");
  });
  it("genuinely bilingual text is mixed", () => {
    const r = detectLanguage({
      title: "Vlada usvojila novi zakon o platama / Влада усвојила нови закон о платама",
    });
    expect(r.script).toBe("mixed");
    expect(["sr", "und"]).toContain(r.lang);
  });
});

describe("und", () => {
  it("when there is too little text", () => {
    for (const title of ["", "OK", "—", "12:05 PM", "2024.", "🙂🙂", "https://example.com/a/b"]) {
      expect(detectLanguage({ title })).toMatchObject({ lang: "und", confidence: 0 });
    }
  });
  it("for Latin languages out of scope rather than sr", () => {
    const pt = detectLanguage({ title: "O governo anunciou novas medidas para a economia do país" }).lang;
    expect(["sr", "hr", "bs"]).not.toContain(pt);
    const de = detectLanguage({
      title: "Die Regierung hat neue Maßnahmen für die Wirtschaft angekündigt",
    }).lang;
    expect(["sr", "hr", "bs", "en"]).not.toContain(de);
  });
  it("for Cyrillic languages out of scope", () => {
    expect(detectLanguage({ title: "Қазақстан үкіметі жаңа заң қабылдады" }).lang).toBe("und");
  });
});

describe("text preparation", () => {
  it("handles all-caps and title-case headlines", () => {
    expect(detectLanguage({ title: "ВУЧИЋ: СРБИЈА НЕЋЕ УВЕСТИ САНКЦИЈЕ" }).lang).toBe("sr");
    expect(detectLanguage({ title: "ПУТИН ПРОВЁЛ ПЕРЕГОВОРЫ В КРЕМЛЕ" }).lang).toBe("ru");
    expect(detectLanguage({ title: "Serbia Will Not Impose Sanctions On Russia" }).lang).toBe("en");
  });
  it("drops URLs and markup before deciding", () => {
    expect(
      prepareText({ title: "Pogledajte <b>snimak</b> https://example.rs/video?id=1 ovde" }),
    ).not.toContain("example");
    const r = detectLanguage({
      title: "Влада усвојила нови закон https://www.example.com/news/2024/budget-plan",
    });
    expect(r).toMatchObject({ lang: "sr", script: "Cyrl" });
  });
  it("reads at most MAX_CHARS characters", () => {
    const long = `${"Влада усвојила нови закон о платама. ".repeat(20)}The rest of this item is English text.`;
    expect(prepareText({ title: long }).length).toBeLessThanOrEqual(MAX_CHARS);
    expect(detectLanguage({ title: long }).lang).toBe("sr");
  });
  it("combining accents (Russian stress marks) do not hide the letters", () => {
    expect(detectLanguage({ title: "Прави́тельство утверди́ло но́вый бюдже́т" }).lang).toBe("ru");
  });
});

describe("result shape", () => {
  it("confidence is in [0, 1] and grows with evidence", () => {
    const short = detectLanguage({ title: "Председник" });
    const long = detectLanguage({
      title: "Председник Србије примио је делегацију из Брисела",
      summary: "Након састанка најављено је да ће се разговори наставити крајем месеца.",
    });
    for (const r of [short, long]) {
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    expect(long.confidence).toBeGreaterThan(short.confidence);
  });
  it("the summary is used with the title", () => {
    const input: LangInput = {
      title: "Kosovo",
      summary: "Vlada je usvojila novi zakon o platama u javnom sektoru.",
    };
    expect(detectLanguage(input).lang).toBe("sr");
  });
  it("reports franc's scores when franc was asked", () => {
    const r = detectLanguage({ title: "Protests continue in Belgrade for a third week" });
    expect(r.scores["eng"]).toBe(1);
  });
});

describe("franc core", () => {
  it("matches francAll with `only`", () => {
    const texts: [string, "Latin" | "Cyrillic", string[]][] = [
      ["protests continue in belgrade for a third week", "Latin", ["eng", "srp", "hrv", "fra", "sco"]],
      ["влада усвојила нови закон о платама", "Cyrillic", ["rus", "srp", "bos", "bul", "mkd"]],
    ];
    for (const [text, script, only] of texts) {
      const ours = francDistances(text, script, only).scores;
      const theirs = Object.fromEntries(francAll(text, { only, minLength: 1 }));
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      for (const k of Object.keys(theirs)) expect(ours[k]).toBeCloseTo(theirs[k]!, 10);
    }
  });
});

describe("Cyrillic decision: prior, letters and text statistics", () => {
  // Words spelled the same in Russian, Serbian, Bulgarian, Ukrainian, Belarusian and Macedonian.
  const ambiguous = ["Браво!", "Протест", "Супер!"];

  it("short text without decisive letters and without hints is only a low-confidence guess", () => {
    for (const title of ambiguous) {
      const r = detectLanguage({ title });
      expect(["ru", "sr", "bg", "uk", "be", "mk"]).toContain(r.lang);
      expect(r.confidence).toBeLessThan(0.6);
    }
  });
  it("the country or the feed's language replaces the base rates", () => {
    for (const title of ambiguous) {
      expect(detectLanguage({ title, country: "RS" }).lang).toBe("sr");
      expect(detectLanguage({ title, feedLanguage: "sr" }).lang).toBe("sr");
      expect(detectLanguage({ title, feedLanguage: "sr-Cyrl", country: "RS" }).lang).toBe("sr");
      expect(detectLanguage({ title, feedLanguage: "bg" }).lang).toBe("bg");
    }
  });
  it("a hint stays a prior: decisive letters overrule it", () => {
    expect(detectLanguage({ title: "Это был ответ", country: "RS" }).lang).toBe("ru");
    expect(detectLanguage({ title: "Ћирилица и ђаци", feedLanguage: "ru" }).lang).toBe("sr");
  });
  it("a guess on a word or two says so in its confidence", () => {
    for (const title of ambiguous) expect(detectLanguage({ title }).confidence).toBeLessThan(0.6);
    const long = detectLanguage({
      title: "Министр иностранных дел России заявил, что Москва готова к переговорам",
    });
    expect(long.confidence).toBeGreaterThan(0.95);
  });
  it("Bulgarian headlines without ъ are Bulgarian, not Macedonian", () => {
    for (const title of [
      "Депутатите приеха бюджета за следващата година",
      "Нови правила за шофьорите от днес",
      "Синоптиците обещават топло време",
      "Пожар изпепели склад край Пловдив",
    ]) {
      expect(detectLanguage({ title }).lang).toBe("bg");
    }
  });
  it("Macedonian with ѓ ќ ѕ ј is Macedonian", () => {
    for (const title of [
      "Владата ќе воведе нови мерки за граѓаните",
      "Ѕидот во центарот на Скопје ќе биде срушен",
      "Граѓаните ќе плаќаат помалку за струја",
    ]) {
      expect(detectLanguage({ title }).lang).toBe("mk");
    }
  });
  it("Ukrainian with і and Belarusian with ў", () => {
    for (const title of ["Уряд підвищив мінімальну зарплату", "У Києві відкрили новий міст"]) {
      expect(detectLanguage({ title }).lang).toBe("uk");
    }
    for (const title of ["Урад зацвердзіў новы бюджэт", "Сёння ў горадзе будзе дождж"]) {
      expect(detectLanguage({ title }).lang).toBe("be");
    }
  });
});

describe("dictionaries decide short text the letters leave open", () => {
  // No distinctive letters in these (or only letters two of the languages share); trigrams are too few.
  const short: [string, Lang][] = [
    ["Здравствуйте!", "ru"],
    ["По почерку вижу", "ru"],
    ["Садись, Маша.", "ru"],
    ["Нормально работает", "ru"],
    ["Хлапета счупиха прозореца", "bg"],
    ["Никой не дойде", "bg"],
    ["Намалиха цените на тока", "bg"],
    ["Дякую!", "uk"],
    ["Гарно зроблено!", "uk"],
    ["Дзякуй!", "be"],
    ["Добры вечар", "be"],
    ["Віншуем!", "be"],
    ["Протест у центру града", "sr"],
    ["Снег пада у Београду", "sr"],
    ["Претседателот разговараше со министерот", "mk"],
    ["Голем пожар во Скопје", "mk"],
    ["Премиерот одговори на прашањата", "mk"],
  ];
  it.each(short)("%s → %s", (title, want) => {
    expect(detectLanguage({ title }).lang).toBe(want);
  });
});

describe("normalizeLangTag", () => {
  it("reads BCP 47 tags and ISO codes", () => {
    expect(normalizeLangTag("sr-Latn-RS")).toBe("sr");
    expect(normalizeLangTag("ru_RU")).toBe("ru");
    expect(normalizeLangTag("EN")).toBe("en");
    expect(normalizeLangTag("cnr")).toBe("sr");
    expect(normalizeLangTag("hrv")).toBe("hr");
    expect(normalizeLangTag("xx")).toBeNull();
    expect(normalizeLangTag(null)).toBeNull();
  });
});
