// Throughput of tagItem on a generated corpus of ~250-character items (sr Latin, sr Cyrillic,
// Russian, English; roughly a third of them carry a theme). Run: pnpm --filter @vesti/themes bench

import { defaultTaxonomy, tagItem } from "../src/index";
import { toCyrillic } from "../test-support/sr-cyrl";

const N = Number(process.env["BENCH_THEMES_ITEMS"] ?? 100_000);
const TARGET_CHARS = 250;

const WORDS: Record<"sr" | "ru" | "en", string[]> = {
  sr: (
    "vlada saopštila da je u ponedeljak održan sastanak o budžetu za narednu godinu a ministar finansija " +
    "rekao je da će plate u javnom sektoru biti povećane od januara dok opozicija traži veća izdvajanja za " +
    "zdravstvo i školstvo u opštinama na jugu zemlje gde nedostaje lekara i nastavnika uz kišu i sneg"
  ).split(" "),
  ru: (
    "правительство сообщило что в понедельник прошло совещание по бюджету на следующий год а министр " +
    "финансов заявил что зарплаты в госсекторе вырастут с января тогда как оппозиция требует больше " +
    "средств на здравоохранение и образование в регионах где не хватает врачей и учителей"
  ).split(" "),
  en: (
    "the government said a meeting on next year's budget was held on monday and the finance minister said " +
    "public sector wages would rise from january while the opposition wants more money for health and " +
    "schools in southern towns that lack doctors and teachers amid rain and snow"
  ).split(" "),
};

const THEMED: Record<"sr" | "ru" | "en", string[]> = {
  sr: [
    "Vučić razgovarao sa Putinom o Kosovu",
    "Kina donirala Srbiji respiratore i maske",
    "EU finansirala opremu iz IPA fondova za bolnice u Nišu",
    "Ruski vojni lekari stigli u Beograd",
    "Si Đinping čestitao predsedniku",
  ],
  ru: [
    "Вучич обсудил с Путиным ситуацию в Косово",
    "Китай передал Сербии аппараты ИВЛ",
    "Евросоюз выделил Сербии грант",
    "Российские военные медики прибыли в Белград",
  ],
  en: [
    "Vucic and Putin discuss Kosovo",
    "China donates ventilators to Serbia",
    "EU grant funds schools in Serbia",
    "Xi Jinping visits Belgrade",
  ],
};

// Small deterministic PRNG so every run tags the same corpus.
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

function makeItem(i: number): { title: string; summary: string; lang: string | null } {
  const kind = i % 4;
  const lang = kind === 2 ? "ru" : kind === 3 ? "en" : "sr";
  const parts: string[] = [];
  if (rnd() < 0.35) parts.push(pick(THEMED[lang]));
  while (parts.join(" ").length < TARGET_CHARS) parts.push(pick(WORDS[lang]));
  let text = parts.join(" ").slice(0, TARGET_CHARS);
  if (kind === 1) text = toCyrillic(text);
  const cut = text.indexOf(" ", 70);
  const title = text.slice(0, cut);
  const summary = `${text.slice(cut + 1, cut + 2).toUpperCase()}${text.slice(cut + 2)}.`;
  return { title, summary, lang: i % 8 === 0 ? null : lang };
}

const corpus = Array.from({ length: N }, (_, i) => makeItem(i));
const tax = defaultTaxonomy();

for (let i = 0; i < Math.min(N, 20_000); i++) tagItem(tax, corpus[i]!); // warm-up (JIT)

// CPU time as well as wall time: on a shared machine the wall clock also counts other processes.
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let tagged = 0;
for (const item of corpus) if (tagItem(tax, item).length > 0) tagged++;
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
const avgChars = corpus.reduce((n, c) => n + c.title.length + c.summary.length, 0) / corpus.length;

console.log(`themes bench: ${N} items, avg ${avgChars.toFixed(0)} chars, ${tagged} tagged`);
const rate = (t: number) => Math.round(N / t).toLocaleString("en-US");
console.log(
  `themes bench: ${rate(secs)} items/s wall (${secs.toFixed(2)} s), ${rate(cpuSecs)} items/s per CPU-second`,
);
