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

/** How many of `words` (lowercase) are in `list`. */
export function countHits(words: readonly string[], list: ReadonlySet<string>): number {
  let n = 0;
  for (const w of words) if (list.has(w)) n++;
  return n;
}

// Cyrillic: frequent function words per language, hand-picked. A word in several lists counts for each,
// so only the distinctive ones move the balance. Ukrainian and Belarusian are told by their letters
// (і ї є ґ ў) already; their lists are short.
export const CYR_WORDS: Readonly<Record<"ru" | "uk" | "be" | "bg" | "mk" | "sr", ReadonlySet<string>>> = {
  ru: words(
    "что это как он она они его её ее был была были было будет уже ещё еще только также после более для " +
      "может который которые которая которого которых чтобы этом этого этой этих того этот эта мы вы ты же " +
      "бы году года время сегодня очень нет где когда сейчас через всех весь свои своих кто нам вам них том " +
      "тем о об со ко во при в с к " +
      // everyday words: comments and short replies, where trigrams are fewest
      "спасибо здравствуйте привет тоже вот ну меня тебя себя мне тебе очень хорошо сейчас здесь нужно надо " +
      "можно конечно ничего всегда сегодня вчера завтра",
  ),
  uk: words(
    "що це як від його який яка які було буде також але або ще вже для після між через коли тому щоб в",
  ),
  // Belarusian writes a word-initial ў as у after a pause or a consonant ("Ужо 5", "ён ужо"): both forms.
  be: withInitialU(
    words(
      "што гэта як ад яго які якая якія было будзе таксама але або ўжо для пасля паміж праз калі таму каб",
    ),
  ),
  bg: words(
    "е са да се че в с във със към които която който което беше бяха ще няма още тази този това тези след според " +
      "вече днес ги нещо трябва обаче защото където когато година отново много всички утре " +
      "благодаря здравей здравейте също добре сега тук мен винаги вчера",
  ),
  mk: words(
    "е се да со во ќе што кој која кои ги го тоа овој оваа ова тие беше биле бил може како кога каде сега уште " +
      "меѓу преку според но многу денес повторно сите исто " +
      "благодарам здраво добро сега тука мене секогаш вчера утре",
  ),
  sr: words(
    "је су да се као што који која које није ће био била било али или јер када још након према због после " +
      "током их смо сам већ треба како ово ова ове о у из " +
      "хвала здраво веома добро сада овде овдје такође мени увек увијек данас јуче сутра",
  ),
};

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(" "));
}

function withInitialU(list: ReadonlySet<string>): ReadonlySet<string> {
  const out = new Set(list);
  for (const w of list) if (w.startsWith("ў")) out.add(`у${w.slice(1)}`);
  return out;
}
