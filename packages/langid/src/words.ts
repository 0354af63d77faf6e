import type { CyrLang } from "./alphabets";

// Hand-written function words: frequent, short, and what decides a headline that has too few trigrams
// for franc and too few letters for their frequencies to tell.

// Latin: English against Serbian (with Croatian and Bosnian), as rough frequencies per thousand running
// words of news text in each language (general knowledge, rounded; not fitted to any data set). A word
// counts by how much likelier it is in one language than in the other, so words both write (a, to, on, do,
// me) count little, and the short words Serbian headlines turn on (u, i, je, da, se, na, za, od, sa, iz)
// count a lot: English does not write them. A word missing from one side gets LATIN_WORD_FLOOR there
// (a quoted phrase, a name). The ASCII spellings of Serbian words (sto, ce, vec, jos) are Serbian too, as
// much Serbian text is typed without diacritics. The single letter i is Serbian only when written
// lowercase (the English pronoun is I): detect.ts reads it with its case.
const EN_FREQ = {
  the: 55,
  of: 28,
  and: 25,
  to: 25,
  a: 21,
  in: 19,
  is: 10,
  for: 9,
  that: 9,
  on: 7,
  with: 6,
  was: 6,
  it: 6,
  as: 5,
  by: 5,
  at: 5,
  he: 5,
  from: 4,
  his: 4,
  be: 4,
  are: 4,
  this: 4,
  have: 4,
  has: 4,
  not: 3.5,
  but: 3.5,
  i: 3,
  they: 3,
  we: 3,
  you: 3,
  or: 3,
  an: 3,
  had: 3,
  will: 3,
  said: 3,
  says: 1,
  all: 2.5,
  one: 2.5,
  which: 2.5,
  she: 2,
  her: 2,
  its: 2,
  their: 2,
  who: 2,
  were: 2,
  would: 2,
  there: 2,
  if: 2,
  been: 1.5,
  after: 1.5,
  over: 1.5,
  new: 1.5,
  what: 1.5,
  when: 1.5,
  can: 1.5,
  more: 1.5,
  about: 1.5,
  up: 1.5,
  out: 1.5,
  do: 1.5,
  so: 1.5,
  into: 1,
  than: 1,
  could: 1,
  my: 1,
  your: 1,
  our: 1,
  how: 1,
  just: 1,
  me: 1,
  no: 1,
  two: 1,
  first: 1,
  should: 0.7,
  did: 0.8,
  while: 0.7,
  where: 0.7,
  does: 0.5,
  why: 0.5,
  against: 0.5,
  us: 0.5,
  him: 1,
  them: 1.5,
  these: 1,
  those: 0.7,
  some: 1,
  other: 1,
  only: 1,
  also: 1.5,
  amid: 0.1,
  yes: 0.2,
} as const;

const SR_FREQ = {
  i: 30,
  je: 25,
  u: 25,
  da: 22,
  se: 20,
  na: 18,
  za: 11,
  su: 10,
  a: 9,
  to: 9,
  od: 8,
  ne: 5,
  sa: 5,
  iz: 5,
  o: 4,
  kao: 4,
  koji: 4,
  do: 4,
  će: 4,
  ce: 4,
  koje: 3,
  što: 3,
  sto: 3,
  koja: 2.5,
  ali: 2.5,
  nije: 2,
  bi: 2,
  ili: 2,
  on: 2,
  li: 1.5,
  bio: 1.5,
  biti: 1.5,
  još: 1.5,
  jos: 1.5,
  ih: 1.5,
  ga: 1.5,
  kako: 1.5,
  te: 1.5,
  samo: 1.5,
  sve: 1.5,
  me: 1.5,
  bila: 1,
  bilo: 1,
  bili: 1,
  jer: 1,
  mu: 1,
  smo: 1,
  sam: 1,
  već: 1,
  vec: 1,
  ako: 1,
  ima: 1,
  kada: 1,
  kad: 0.8,
  nakon: 0.8,
  prema: 0.8,
  zbog: 0.8,
  im: 0.8,
  dok: 0.8,
  ovo: 0.8,
  ova: 0.8,
  ove: 0.8,
  pa: 0.8,
  pre: 0.8,
  kojem: 0.5,
  kojoj: 0.4,
  kojih: 0.6,
  kojeg: 0.4,
  posle: 0.5,
  poslije: 0.3,
  tokom: 0.4,
  joj: 0.4,
  ste: 0.3,
  si: 0.3,
  treba: 0.5,
  ovaj: 0.6,
  taj: 0.5,
  ni: 0.5,
  niti: 0.2,
  gde: 0.4,
  gdje: 0.3,
  kod: 0.6,
  pred: 0.4,
  među: 0.5,
  medju: 0.5,
  između: 0.4,
  izmedju: 0.4,
  protiv: 0.4,
  preko: 0.4,
  zato: 0.3,
  jesu: 0.1,
  nisu: 0.5,
  neće: 0.3,
  nece: 0.3,
  svi: 0.5,
  sada: 0.6,
  nego: 0.6,
  nema: 0.7,
  no: 0.2,
} as const;

/** Frequency (per thousand words) given to a word the other language does not write. */
export const LATIN_WORD_FLOOR = 0.02;
/** Frequency of a function word of one language in text of some third language: the baseline. */
export const LATIN_WORD_BASE = 1;

/** Per Latin function word, its frequency per thousand words in English and in Serbian (floor if not). */
export const LATIN_WORDS: ReadonlyMap<string, { readonly en: number; readonly sr: number }> = (() => {
  const m = new Map<string, { en: number; sr: number }>();
  for (const [w, f] of Object.entries(EN_FREQ)) m.set(w, { en: f, sr: LATIN_WORD_FLOOR });
  for (const [w, f] of Object.entries(SR_FREQ)) {
    const e = m.get(w);
    m.set(w, { en: e ? e.en : LATIN_WORD_FLOOR, sr: f });
  }
  return m;
})();

// Cyrillic: the frequent words of each language, as rough frequencies per thousand running words (general
// knowledge of each language and of the frequency dictionaries' rankings, rounded; not fitted to any data
// set), like the Latin table above: the closed classes (prepositions, conjunctions, particles, pronouns,
// auxiliaries), and the commonest other words of news and comments (год/година, хора/људи/люди, време,
// сейчас/сега/сада …). A word another language also writes counts by the ratio of its frequencies: и is
// everybody's, у is Serbian (and Ukrainian, Belarusian, less Russian) but never Bulgarian or Macedonian,
// од is Serbian and Macedonian where Russian and Bulgarian write от, е and ще are Bulgarian, је су ће
// Serbian, в Russian and Bulgarian, хора Bulgarian ("people"; Russian "of the choir"). A word missing from
// a language's table counts as one of its rarer words when its dictionary knows the word (CYR_WORD_KNOWN:
// "око" is a Russian noun, not a preposition), and as next to impossible otherwise (CYR_WORD_FLOOR); so a
// word listed for one language is listed for every language that uses it often (страна, себе, човек …).
// The everyday words (спасибо, благодаря, хвала …) are for comments and replies, where trigrams are fewest.
const CYR_FREQ_TEXT: Record<CyrLang, string> = {
  ru:
    // Function words (prepositions, conjunctions, particles, pronouns, auxiliaries) …
    "и:35 в:30 не:15 на:17 я:6 с:11 что:10 по:8 а:7 это:5 он:4 как:5 к:4.5 из:4 у:4 за:4 о:3 от:3.5 " +
    "для:3 же:2.5 то:3 все:3 всё:0.5 так:2.5 его:4 но:5 да:1.5 ты:1.5 бы:2.5 мы:2 вы:1.5 они:2.5 она:2.5 " +
    "был:1.8 была:1.1 были:1.2 было:1.5 будет:1.3 быть:1 уже:1.8 или:1.5 только:2 также:1.2 после:1 " +
    "который:1.2 которые:1.5 которая:0.7 которого:0.5 которых:0.5 которой:0.4 котором:0.3 чтобы:1.6 " +
    "при:1.4 во:1.5 со:1 об:0.6 ко:0.2 до:2 им:1 их:2 ее:1.6 её:0.5 еще:1.5 ещё:0.5 где:1 когда:1.7 " +
    "если:1.3 этом:1 этого:1 этой:0.7 этих:0.5 этим:0.3 того:1.2 тот:0.4 этот:1 эта:0.6 эти:0.7 нет:1.3 " +
    "там:0.7 тут:0.4 вот:1 ну:0.6 меня:1 мне:1 тебя:0.4 тебе:0.4 себя:0.6 себе:0.5 может:1 очень:0.8 " +
    "через:0.8 более:0.8 всех:0.6 весь:0.4 свои:0.4 своих:0.3 свой:0.3 своей:0.3 кто:0.8 нам:0.4 вам:0.4 " +
    "них:0.7 том:0.8 тем:0.6 под:0.8 над:0.4 без:0.8 между:0.5 перед:0.4 около:0.3 ли:1.1 ни:1 чем:0.5 " +
    "даже:0.7 уж:0.2 че:0.1 чё:0.1 вас:0.3 нас:0.4 него:0.4 неё:0.3 нее:0.2 потом:0.4 теперь:0.4 " +
    "просто:0.5 ведь:0.3 тоже:0.5 здесь:0.4 сам:0.3 почему:0.3 тогда:0.4 один:0.5 одна:0.2 одно:0.2 " +
    "два:0.5 три:0.3 " +
    // … and the commonest other words of news and comments.
    "сейчас:0.4 сегодня:0.4 вчера:0.1 завтра:0.1 время:0.7 году:1 года:1.2 год:0.8 лет:1 раз:0.6 " +
    "человек:0.8 люди:0.4 людей:0.4 жизни:0.3 жизнь:0.3 день:0.3 дня:0.3 дело:0.3 страны:0.3 россии:0.5 " +
    "сказал:0.4 говорит:0.3 стал:0.3 много:0.3 нужно:0.4 надо:0.4 можно:0.5 конечно:0.3 ничего:0.3 " +
    "всегда:0.3 хорошо:0.3 спасибо:0.1 здравствуйте:0.02 привет:0.05 " +
    "страна:0.4 тому:0.3 про:0.5 час:0.4 против:0.3 могу:0.4 благодаря:0.2 те:0.3",
  uk:
    "і:20 в:15 у:10 й:5 я:3 на:15 що:10 не:10 з:10 до:5 за:4 як:4 від:4 по:3 це:4 а:3 але:3 та:8 про:3 " +
    "його:2 є:2 який:1.5 яка:1 які:1.5 було:1.5 був:1 була:0.8 були:0.8 буде:1 бути:0.5 також:1.5 " +
    "або:1 ще:1.5 вже:1.5 для:2.5 після:1 між:0.5 через:1 коли:1 тому:1 щоб:1.5 із:1 зі:0.5 ми:1 ви:0.5 " +
    "він:1.5 вона:1 вони:1.5 так:1 то:1 би:0.5 б:0.3 же:0.5 ж:0.5 їх:0.8 її:0.8 їй:0.2 йому:0.3 при:0.5 " +
    "без:0.5 під:0.7 над:0.3 лише:0.5 тільки:0.5 дуже:0.5 ні:0.5 хто:0.5 де:0.5 чи:1 ось:0.2 тут:0.3 " +
    "там:0.3 цей:0.5 ця:0.3 ці:0.4 цього:0.4 цьому:0.2 свої:0.2 своє:0.1 може:0.8 треба:0.3 " +
    "зараз:0.3 сьогодні:0.3 рік:0.3 року:0.8 років:0.4 люди:0.4 людей:0.4 час:0.6 україни:0.8 " +
    "україні:0.4 сказав:0.3 каже:0.3 дякую:0.05 " +
    "година:0.2 раз:0.3 просто:0.2 себе:0.3 тебе:0.3 того:0.3 нас:0.4 вас:0.2 нам:0.2 вам:0.2 сам:0.3 " +
    "все:0.5 весь:0.2 два:0.3 три:0.3 день:0.3 один:0.5 одна:0.2 перед:0.3 о:0.3 те:0.3",
  be:
    "і:20 у:12 ў:8 я:3 на:15 не:10 з:10 што:7 да:4 ад:4 па:4 за:4 як:4 гэта:3 а:4 але:2 яго:2 які:1 " +
    "якая:0.7 якія:1 было:1 быў:0.8 была:0.6 былі:0.6 будзе:1 таксама:1 або:0.7 ужо:1 ўжо:1 для:2 " +
    "пасля:1 паміж:0.3 праз:1 калі:1 таму:1 каб:1.5 ён:1 яна:0.7 яны:1 мы:1 вы:0.5 пра:2 ці:1 " +
    "толькі:1 так:0.8 ні:0.5 дзе:0.5 хто:0.5 пры:0.5 без:0.5 пад:0.5 ёсць:0.8 гэты:0.4 гэтага:0.3 " +
    "іх:0.6 яе:0.5 яму:0.3 ж:0.5 вельмі:0.3 можа:0.6 трэба:0.3 цяпер:0.3 сёння:0.2 год:0.3 гадоў:0.3 " +
    "людзі:0.3 людзей:0.3 час:0.5 беларусі:0.5 сказаў:0.3 дзякуй:0.05 " +
    "нас:0.3 вас:0.2 нам:0.2 вам:0.2 там:0.3 тут:0.3 сам:0.2",
  bg:
    "на:40 и:28 да:24 в:22 се:18 е:15 за:15 от:13 с:9 не:8 че:7.5 са:6.5 по:5 ще:4.5 това:4 а:4 като:4 " +
    "до:3 си:3 но:3 му:2.5 го:2 ли:2.5 ми:1.5 ни:1 ги:1.5 те:2 той:2 тя:1.5 я:0.8 й:0.5 ѝ:0.5 към:2 " +
    "при:1.5 след:1.5 във:1 със:0.8 през:1.2 или:1.5 има:1.5 може:1 бъде:1 бъдат:0.4 беше:1.5 бяха:0.8 " +
    "бил:0.5 била:0.4 били:0.4 било:0.4 вече:1.2 още:1.2 много:1.5 само:1.2 така:0.8 които:2 която:1.5 " +
    "който:1.5 което:1 според:1 няма:1 тази:1.5 този:1.5 тези:1 нещо:0.4 трябва:0.8 обаче:0.3 " +
    "защото:0.5 където:0.5 когато:1 всички:1 всичко:0.6 аз:1 ние:0.5 вие:0.3 им:0.5 без:0.5 под:0.5 " +
    "над:0.4 между:0.6 около:0.4 то:0.8 ако:0.7 дали:0.3 кой:0.3 как:0.6 отново:0.3 също:0.5 тук:0.3 " +
    "там:0.4 мен:0.3 един:0.8 една:0.8 едно:0.5 ме:1 би:1 какво:0.6 ама:0.2 нас:0.5 вас:0.3 тях:0.5 " +
    "нея:0.3 него:0.5 тогава:0.3 защо:0.3 както:0.5 съм:1.5 сме:0.8 сте:0.3 два:0.5 три:0.3 " +
    "сега:0.5 днес:0.5 вчера:0.2 утре:0.1 винаги:0.2 година:0.6 години:0.6 хора:0.8 време:0.6 каза:0.5 " +
    "пъти:0.3 човек:0.4 живот:0.3 част:0.4 страна:0.3 ден:0.3 добре:0.3 благодаря:0.05 здравей:0.02 " +
    "здравейте:0.02 " +
    "дело:0.2 просто:0.2 себе:0.5 тебе:0.1 после:0.3 сам:0.2 все:0.3 час:0.2 даже:0.3 добро:0.2 " +
    "мене:0.2 повторно:0.2 пред:0.5 против:0.2 свои:0.2 рече:0.3 ви:1 та:0.3",
  mk:
    "на:40 и:26 да:24 се:20 во:14 за:12 е:13 од:11 со:8 не:7 што:6 ќе:5 го:3 ги:3 ја:2.5 му:2 ѝ:0.5 " +
    "а:3 но:2 до:3 по:3 кој:1.5 која:1.5 кои:1.5 тоа:3 овој:1 оваа:1 ова:1 тие:1 беше:1.5 биле:0.5 " +
    "бил:0.5 била:0.4 може:1 како:2 кога:1 каде:0.5 уште:0.5 меѓу:0.5 преку:0.5 според:1 многу:1 " +
    "сите:1 исто:0.3 си:2 ли:1 или:1.5 само:1 им:0.5 ми:1.5 без:0.5 под:0.3 пред:0.5 при:0.5 " +
    "повторно:0.2 тука:0.2 мене:0.2 еден:0.8 една:0.8 ние:0.5 тој:1 таа:0.7 ме:1 би:1 ни:1 нас:0.5 " +
    "нив:0.5 неа:0.3 него:0.5 таму:0.3 зошто:0.3 така:0.7 сум:1.5 сме:0.8 сте:0.3 има:1.5 нема:1 " +
    "два:0.5 три:0.3 веќе:0.8 сега:0.5 денес:0.3 вчера:0.1 утре:0.1 секогаш:0.1 година:0.6 години:0.5 " +
    "луѓе:0.4 време:0.4 рече:0.3 изјави:0.3 добро:0.2 благодарам:0.05 здраво:0.05 " +
    "страна:0.2 живот:0.2 човек:0.3 ден:0.3 дело:0.1 себе:0.3 после:0.3 над:0.3 вас:0.2 сам:0.2 " +
    "било:0.4 дали:0.5 треба:0.6 каже:0.2 ако:0.7 едно:0.5 нешто:0.4 против:0.2 ви:0.8 па:1 те:0.5",
  sr:
    "и:30 је:25 у:25 да:22 се:20 на:18 за:11 су:9 а:7 то:7 од:8 не:6 са:5 из:5 о:3 као:4 који:3.5 до:3 " +
    "ће:4 које:3 што:3 која:2.5 али:2.5 није:2 би:2 или:2 он:1 ли:1 био:1.5 бити:1.5 још:1.5 их:1.5 " +
    "га:1.5 како:1.5 те:1.5 само:1.5 све:1.5 ме:0.8 ми:1 била:1 било:1 били:1 јер:1 му:1 смо:1 сам:1 " +
    "већ:1 ако:1 има:1 када:1 кад:0.8 након:0.8 према:0.8 због:0.8 им:0.8 док:0.8 ово:0.8 ова:0.8 " +
    "ове:0.8 па:0.8 пре:0.8 после:0.5 током:0.4 ко:0.6 нешто:0.4 код:0.6 пред:0.4 међу:0.5 између:0.4 " +
    "против:0.4 преко:0.4 око:1 без:0.6 под:0.5 над:0.3 уз:0.6 при:0.3 кроз:0.4 ни:0.5 где:0.4 ту:0.3 " +
    "него:0.6 нема:0.7 нису:0.5 неће:0.3 овај:0.6 тај:0.5 сте:0.3 си:0.4 веома:0.3 овде:0.2 овдје:0.1 " +
    "такође:0.5 мени:0.2 увек:0.2 увијек:0.1 један:0.8 једна:0.6 једно:0.3 они:0.5 она:0.5 ви:0.3 " +
    "нас:0.4 вас:0.2 њих:0.4 њега:0.4 њу:0.2 тамо:0.3 зашто:0.3 тако:0.7 свако:0.2 два:0.5 три:0.3 " +
    "бих:0.3 бисмо:0.1 буде:0.5 будемо:0.1 може:0.8 треба:0.5 могу:0.4 " +
    "сада:0.6 данас:0.4 јуче:0.1 сутра:0.1 године:1.5 година:0.8 рекао:0.5 каже:0.3 људи:0.5 време:0.4 " +
    "дана:0.4 србије:0.6 србија:0.3 добро:0.2 хвала:0.05 здраво:0.02 " +
    "страна:0.3 живот:0.2 човек:0.5 години:0.3 дело:0.2 себе:0.4 тебе:0.1 том:0.3 нам:0.2 дали:0.3 " +
    "мене:0.3 потом:0.2 час:0.2 рече:0.2 много:0.5 исто:0.3 по:0.8 ја:1",
};

/** Frequency (per thousand words) of a word a language's dictionary knows but its table does not list. */
export const CYR_WORD_KNOWN = 0.1;
/** Frequency of a word the language neither lists nor knows. */
export const CYR_WORD_FLOOR = 0.01;
/** Baseline: the frequency a short word has in some language or other. */
export const CYR_WORD_BASE = 1;

/** Per Cyrillic language, its frequent short words and their frequencies per thousand words. */
export const CYR_WORDS: Readonly<Record<CyrLang, ReadonlyMap<string, number>>> = Object.fromEntries(
  (Object.keys(CYR_FREQ_TEXT) as CyrLang[]).map((lang) => {
    const m = new Map<string, number>();
    for (const pair of CYR_FREQ_TEXT[lang].split(" ")) {
      const [w, f] = pair.split(":") as [string, string];
      m.set(w, Number(f));
      // Belarusian writes a word-initial ў as у after a pause or a consonant ("Ужо 5", "ён ужо").
      if (lang === "be" && w.startsWith("ў") && !m.has(`у${w.slice(1)}`)) m.set(`у${w.slice(1)}`, Number(f));
    }
    return [lang, m];
  }),
) as unknown as Record<CyrLang, ReadonlyMap<string, number>>;

/** Whether any language lists the word. */
export const CYR_ANY_WORD: ReadonlySet<string> = new Set(
  Object.values(CYR_WORDS).flatMap((m) => [...m.keys()]),
);
