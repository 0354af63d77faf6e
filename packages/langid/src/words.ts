// Short, hand-written lists of function words: frequent, short and specific to one side. They rescue
// headlines that have too few trigrams for franc. Words shared by both sides or by many neighbours
// ("i", "a", "to", "in", "na") are left out on purpose.

export const EN_WORDS: ReadonlySet<string> = new Set(
  (
    "the of and to is for on with at by from that this was are be it as has have had will not after over " +
    "says said new you we he she they his her its an or but if my your our their what who how why when " +
    "can do does did just me there been were would could should about up out into than more first " +
    "against amid world year years people government president police minister"
  ).split(" "),
);

export const BCS_WORDS: ReadonlySet<string> = new Set(
  (
    "je su za od iz sa koji koja koje što sto kao nije će ce bi bio bila bilo biti ali ili jer kada " +
    "još jos nakon prema zbog posle poslije tokom ih ga mu smo ste sam već vec treba kako ovo ova ove taj " +
    "te li ni niti dok gde gdje kod pred među između protiv preko zato jesu nisu neće nece " +
    "srbije srbija vlada predsednik predsjednik godine dana danas"
  ).split(" "),
);

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

// Serbo-Croatian endings English words rarely have: adjective, case and infinitive endings, -ija nouns.
export const BCS_ENDINGS =
  /(?:ski|ska|sko|skih|ija|ije|iji|ima|ama|ovi|ovima|om|em|ati|iti|eti|ala|ila|ali|ili|nje|lje|nja|lja|ću|će|ći)$/;
