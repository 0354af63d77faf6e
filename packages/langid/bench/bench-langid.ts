// Throughput of detectLanguage on ~250-character items and on headlines, one core. Items are built from
// our own sentences (not from any evaluation data): a headline plus summary text in each script we handle.
//   pnpm --filter @vesti/langid bench   (BENCH_SECONDS=3 to run longer)
// The goal (10,000 items/s) is for 250-character items; "cache cleared" is the worst case, every word a
// first sighting, where real feeds repeat most of their words. Dictionary load time and heap are printed
// per dictionary (the ingest workers preload them all when they start).
import { performance } from "node:perf_hooks";
import { clearLexiconCache, detectLanguage, type LangInput, LEX_LANGS, preloadLexicons } from "../src/index";

const SOURCES: string[] = [
  // Serbian Cyrillic
  "Влада Србије усвојила је предлог закона о буџету за следећу годину. Министар финансија рекао је да ће плате у јавном сектору бити повећане, а пензије усклађене са инфлацијом. Опозиција тврди да је буџет нереалан и да ће довести до новог задуживања.",
  "Председник је данас у Београду примио делегацију из Брисела. Разговарано је о наставку дијалога са Приштином, енергетској безбедности и изградњи нових путева. Након састанка најављено је да ће се разговори наставити крајем месеца.",
  // Serbian Latin
  "Vlada Srbije usvojila je predlog zakona o budžetu za sledeću godinu. Ministar finansija rekao je da će plate u javnom sektoru biti povećane, a penzije usklađene sa inflacijom. Opozicija tvrdi da je budžet nerealan i da će dovesti do novog zaduživanja.",
  // Russian
  "Министр иностранных дел России заявил, что Москва готова продолжить переговоры с европейскими партнёрами. По его словам, санкции не помогут решить существующие проблемы, а только ухудшат положение обычных граждан в обеих странах.",
  "В Москве прошла встреча представителей крупнейших компаний, на которой обсуждались новые правила работы с данными. Участники отметили, что закон вступит в силу уже в следующем году, и попросили правительство отложить его принятие.",
  // English
  "The government of Serbia adopted a draft budget for next year on Thursday. The finance minister said public sector wages would rise and pensions would be adjusted for inflation, while the opposition called the plan unrealistic and warned of new borrowing.",
  // Ukrainian, Bulgarian, Macedonian, Belarusian
  "Уряд України ухвалив рішення про підвищення мінімальної заробітної плати з наступного року. Міністр фінансів заявив, що це дозволить підтримати людей, які постраждали від війни, і водночас не створить нових ризиків для бюджету.",
  "Правителството на България одобри проекта на бюджета за следващата година. Финансовият министър заяви, че заплатите в държавния сектор ще бъдат увеличени, а пенсиите ще бъдат актуализирани според инфлацията през годината.",
  "Владата на Македонија го усвои предлогот за буџетот за следната година. Министерот за финансии изјави дека платите во јавниот сектор ќе бидат зголемени, а пензиите ќе се усогласат со инфлацијата во текот на годината.",
  "Урад Беларусі зацвердзіў праект бюджэту на наступны год. Міністр фінансаў заявіў, што заробкі ў дзяржаўным сектары будуць павялічаны, а пенсіі будуць пераглядацца з улікам інфляцыі на працягу ўсяго года.",
];

/** Cut to 250 characters on a word boundary, rotating the start so items differ. */
function makeItems(n: number): LangInput[] {
  const items: LangInput[] = [];
  for (let i = 0; i < n; i++) {
    const src = SOURCES[i % SOURCES.length]!;
    const words = src.split(" ");
    const shift = Math.floor(i / SOURCES.length) % words.length;
    let text = [...words.slice(shift), ...words.slice(0, shift)].join(" ");
    while (text.length < 250) text += ` ${src}`;
    items.push({ title: text.slice(0, 250) });
  }
  return items;
}

// Cyrillic headlines without distinctive letters (no ј љ њ, ы э, ъ, і ў, ќ ѓ): the dictionaries decide
// these, so they are the slow case.
const CYRILLIC_HEADLINES = [
  "Протест у центру града",
  "Снег пада у Београду",
  "Президент посетил Белград",
  "Министр рассказал о планах",
  "Намалиха цените на тока",
  "Хлапета счупиха прозореца",
  "Владата го усвои законот",
  "Премиерот одговори на новинарите",
];

// Latin headlines: Serbian with and without diacritics (the ASCII ones expand to several Cyrillic
// spellings each), and English.
const LATIN_HEADLINES = [
  "Putin stigao u Beograd",
  "Dacic u Pekingu",
  "Vlada usvojila budžet za sledeću godinu",
  "Kina salje pomoc Srbiji",
  "Zasto rastu cene struje",
  "Protests continue in Belgrade",
  "Serbia and China sign energy deal",
  "Russia sends aid to Serbia",
];

function timeIt(label: string, list: readonly LangInput[], cold: boolean): void {
  let count = 0;
  let sink = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const it of list) {
      if (cold) clearLexiconCache();
      sink += detectLanguage(it).confidence;
    }
    count += list.length;
  }
  const elapsed = (performance.now() - t0) / 1000;
  console.log(
    `langid ${label}: ${Math.round(count / elapsed)} items/s (${count} items in ${elapsed.toFixed(2)} s)`,
  );
  if (sink < 0) console.log(sink); // keep the work observable
}

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heap0 = process.memoryUsage().heapUsed;
let loadMs = 0;
// Load time per dictionary (for the Cyrillic ones, with the letter model built from it: orthography.ts);
// heap only for all of them together (one after another, the heap difference
// per dictionary is muddied by the previous one's garbage).
const perDictionary: string[] = [];
for (const lang of LEX_LANGS) {
  const t = performance.now();
  preloadLexicons([lang]);
  const ms = performance.now() - t;
  loadMs += ms;
  perDictionary.push(`${lang} ${Math.round(ms)} ms`);
}
console.log(`langid dictionary (and letter model) load times: ${perDictionary.join(", ")}`);
gc?.();
console.log(
  `langid dictionaries: loaded in ${Math.round(loadMs)} ms, ` +
    `${Math.round((process.memoryUsage().heapUsed - heap0) / 1e6)} MB of heap`,
);
const items = makeItems(2000);
for (const it of items) detectLanguage(it); // warm-up: JIT
timeIt("250-char items, words cached", items, false);
timeIt("250-char items, cache cleared before each", items, true);
const cyrillic = CYRILLIC_HEADLINES.map((title) => ({ title }));
const latin = LATIN_HEADLINES.map((title) => ({ title }));
const hinted = LATIN_HEADLINES.map((title) => ({ title, feedLanguage: "sr", country: "RS" }));
timeIt("Latin headlines, words cached", latin, false);
timeIt("Latin headlines with hints, words cached", hinted, false);
timeIt("Latin headlines, cache cleared before each", latin, true);
timeIt("Cyrillic headlines, words cached", cyrillic, false);
timeIt("Cyrillic headlines, cache cleared before each", cyrillic, true);
