import { mulberry32 } from "@vesti/db";
import iconv from "iconv-lite";

// The sample that `vesti demo` serves from a loopback server: six invented outlets (their names say
// "demo"), nine weeks of headlines written for the project in Serbian Latin (with and without
// diacritics), Serbian Cyrillic and Russian, as RSS 2.0 in UTF-8 and windows-1251 and as Atom. The mix of
// themes moves over the weeks the way the report's story goes (a wave of Chinese "mask diplomacy", a
// Russian medical mission, EU aid, tension over Kosovo), so the trends have something to show.

export type Variant = "sr-Latn" | "sr-Latn-ascii" | "sr-Cyrl" | "ru";
export type FeedFormat = "rss-utf8" | "rss-windows-1251" | "atom";

export interface DemoOutletSpec {
  id: string;
  name: string;
  country: "RS" | "RU";
  variant: Variant;
  format: FeedFormat;
  ownership: string;
  alignment: string;
  collections: string[];
  /** Articles per day, on average. */
  perDay: number;
  /** How much more than average this outlet covers each aid theme. */
  lean: Partial<Record<Topic, number>>;
}

export const DEMO_FEED_OUTLETS: readonly DemoOutletSpec[] = [
  {
    id: "demo-glasnik",
    name: "Večernji glasnik (demo)",
    country: "RS",
    variant: "sr-Cyrl",
    format: "rss-utf8",
    ownership: "private",
    alignment: "pro-government",
    collections: ["serbia-national", "pro-government-rs"],
    perDay: 7,
    lean: { chinese_aid: 1.6, russian_aid: 1.5, eu_aid: 0.5 },
  },
  {
    id: "demo-jutarnje",
    name: "Jutarnje novine (demo)",
    country: "RS",
    variant: "sr-Latn",
    format: "atom",
    ownership: "private",
    alignment: "independent",
    collections: ["serbia-national", "independent-rs"],
    perDay: 6,
    lean: { chinese_aid: 0.7, russian_aid: 0.6, eu_aid: 1.6 },
  },
  {
    id: "demo-brzi",
    name: "Brzi portal (demo)",
    country: "RS",
    variant: "sr-Latn-ascii",
    format: "rss-utf8",
    ownership: "private",
    alignment: "pro-government",
    collections: ["serbia-national", "pro-government-rs"],
    perDay: 8,
    lean: { chinese_aid: 1.4, russian_aid: 1.4, eu_aid: 0.4 },
  },
  {
    id: "demo-glas-moskve",
    name: "Glas Moskve Srbija (demo)",
    country: "RS",
    variant: "sr-Latn",
    format: "rss-utf8",
    ownership: "state-ru",
    alignment: "state-media",
    collections: ["russian-state-in-serbian"],
    perDay: 4,
    lean: { chinese_aid: 0.8, russian_aid: 2.5, eu_aid: 0.2 },
  },
  {
    id: "demo-vestnik",
    name: "Московский вестник (demo)",
    country: "RU",
    variant: "ru",
    format: "rss-windows-1251",
    ownership: "private",
    alignment: "unknown",
    collections: ["russia-national"],
    perDay: 6,
    lean: {},
  },
  {
    id: "demo-novosti-dnya",
    name: "Новости дня (demo)",
    country: "RU",
    variant: "ru",
    format: "rss-utf8",
    ownership: "state-ru",
    alignment: "unknown",
    collections: ["russia-national"],
    perDay: 6,
    lean: { russian_aid: 1.5 },
  },
];

type Topic = "chinese_aid" | "russian_aid" | "eu_aid" | "kosovo" | "putin" | "xi" | "vucic" | "other";

// Headlines per topic, with slots that keep an outlet from repeating a title within a week (Vesti drops
// a repeated title as a duplicate): {city} is a city, {n} a number. Serbian is written in Latin with
// diacritics; the Cyrillic and ASCII variants are derived.
const SERBIAN: Record<Topic, string[]> = {
  chinese_aid: [
    "Kineski avion sa {n} tona maski i respiratora sleteo u Beograd",
    "{city}: stigla nova pošiljka kineske pomoći, {n} hiljada maski",
    "Kineski lekari stigli u {city}, pomažu u borbi protiv virusa",
    "Kina donirala Srbiji {n} respiratora za bolnice",
  ],
  russian_aid: [
    "Ruski vojni lekari stigli u {city} da pomognu u borbi protiv korone",
    "Rusija poslala Srbiji {n} tona medicinske opreme",
    "{city}: ruski stručnjaci dezinfikovali bolnicu i dom zdravlja",
  ],
  eu_aid: [
    "Evropska unija donirala Srbiji {n} miliona evra za nabavku respiratora",
    "{city}: EU isporučila {n} respiratora i zaštitnu opremu",
  ],
  kosovo: [
    "Nastavak dijaloga Beograda i Prištine u Briselu, {n}. runda",
    "Napetosti na severu Kosova posle hapšenja {n} Srba",
    "Kancelarija za Kosovo: {n} porodica dobilo pomoć za obnovu kuća",
  ],
  putin: [
    "Putin čestitao Srbiji, poručio da je prijateljstvo staro {n} godina",
    "Putin: odnosi Rusije i Srbije su prijateljski",
  ],
  xi: [
    "Si Đinping uputio pismo predsedniku Srbije",
    "Si Đinping o saradnji Kine i Srbije: {n} zajedničkih projekata",
  ],
  vucic: ["Vučić obišao novu fabriku u mestu {city}", "Vučić: plate rastu {n} odsto od januara"],
  other: [
    "{city}: radovi na novom mostu počinju za {n} dana",
    "{city}: sunčano i toplo, do {n} stepeni",
    "Crvena zvezda pobedila sa {n} razlike",
    "Cene goriva ostaju nepromenjene i ove nedelje, dizel {n} dinara",
    "{city}: otvoren sajam knjiga, {n} izlagača",
    "{city}: novi red vožnje gradskog prevoza, {n} linija",
    "Počinje upis u srednje škole, {n} mesta više",
    "{city}: zbog radova izmenjen saobraćaj u centru grada",
  ],
};

const RUSSIAN: Record<Topic, string[]> = {
  chinese_aid: [
    "Китайские врачи прибыли в Сербию для помощи в борьбе с коронавирусом",
    "Китай передал Сербии {n} аппаратов ИВЛ и партию масок",
  ],
  russian_aid: [
    "Российские военные медики прибыли в Сербию для борьбы с коронавирусом",
    "Россия направила в Сербию {n} специалистов по дезинфекции",
  ],
  eu_aid: ["Евросоюз выделил Сербии помощь на закупку {n} аппаратов ИВЛ"],
  kosovo: [
    "В Белграде обсудили ситуацию вокруг Косово",
    "Напряженность на севере Косово сохраняется {n} дней",
  ],
  putin: ["Путин провел совещание с членами правительства", "Путин посетил новый завод: {city}"],
  xi: ["Си Цзиньпин провел переговоры с премьером Индии", "Си Цзиньпин выступил на форуме в Пекине"],
  vucic: ["Вучич заявил о росте экономики Сербии на {n} процента"],
  other: [
    "{city}: открылась выставка современного искусства",
    "Курс рубля укрепился на {n} копеек",
    "{city}: синоптики обещают снег в выходные",
    "Правительство утвердило план развития транспорта на {n} лет",
    "Сборная России сыграла вничью в {n}-м матче сезона",
    "{city}: начался отопительный сезон",
    "{city}: открыт новый мост длиной {n} метров",
    "{city}: в школах начались каникулы, {n} лагерей открыты",
    "Цены на бензин выросли на {n} копеек",
    "{city}: фестиваль кино собрал {n} тысяч зрителей",
  ],
};

const CITIES_SR = [
  "Beograd",
  "Niš",
  "Novi Sad",
  "Kragujevac",
  "Subotica",
  "Čačak",
  "Kraljevo",
  "Zrenjanin",
  "Pančevo",
  "Šabac",
  "Valjevo",
  "Užice",
  "Leskovac",
  "Vranje",
  "Sombor",
];
const CITIES_RU = [
  "Москва",
  "Санкт-Петербург",
  "Казань",
  "Новосибирск",
  "Екатеринбург",
  "Самара",
  "Тула",
  "Омск",
  "Пермь",
  "Воронеж",
];

/** Weekly weight of each topic, oldest week first (9 weeks): the story the demo's trends tell. */
const STORY: Record<Exclude<Topic, "other">, number[]> = {
  chinese_aid: [0.5, 2.5, 3.5, 2.5, 1, 0.6, 0.5, 0.5, 0.5],
  russian_aid: [0.3, 0.3, 0.5, 0.6, 0.8, 3.5, 1.2, 0.5, 0.4],
  eu_aid: [0.4, 0.4, 0.5, 0.5, 0.6, 0.8, 2, 0.8, 0.6],
  kosovo: [1.5, 1.5, 1.2, 1.2, 1.5, 1.5, 1.8, 4, 2],
  putin: [0.8, 0.8, 0.8, 0.8, 1, 1.5, 0.8, 1, 0.8],
  xi: [0.4, 1, 1.2, 0.8, 0.4, 0.4, 0.4, 0.4, 0.4],
  vucic: [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5],
};
const OTHER_WEIGHT = 14;
export const DEMO_WEEKS = 9;

export interface DemoItem {
  title: string;
  link: string;
  guid: string;
  published: Date;
}

/** Every outlet's items over the nine ISO weeks up to `now` (deterministic for a given seed and week). */
export function demoItems(now: Date, seed = 1): Map<string, DemoItem[]> {
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7) - 7 * (DEMO_WEEKS - 1));
  const out = new Map<string, DemoItem[]>();
  for (const outlet of DEMO_FEED_OUTLETS) {
    const rnd = mulberry32(seed * 7919 + outlet.id.length * 104729 + outlet.id.charCodeAt(5));
    const items: DemoItem[] = [];
    for (let day = 0; day < DEMO_WEEKS * 7; day++) {
      const week = Math.floor(day / 7);
      const date = new Date(monday.getTime() + day * 86_400_000);
      const weights = (Object.keys(STORY) as Exclude<Topic, "other">[]).map(
        (t) => [t, STORY[t][week]! * (outlet.lean[t] ?? 1)] as const,
      );
      const n = Math.round(outlet.perDay * (0.6 + rnd() * 0.8));
      for (let i = 0; i < n; i++) {
        const published = new Date(date.getTime() + Math.floor(rnd() * 86_400_000));
        if (published.getTime() > now.getTime()) continue;
        const topic = pick([...weights, ["other", OTHER_WEIGHT] as const], rnd);
        const bank = outlet.variant === "ru" ? RUSSIAN[topic] : SERBIAN[topic];
        const cities = outlet.variant === "ru" ? CITIES_RU : CITIES_SR;
        const base = bank[Math.floor(rnd() * bank.length)]!.replace(
          "{city}",
          cities[Math.floor(rnd() * cities.length)]!,
        ).replace("{n}", String(2 + Math.floor(rnd() * 298)));
        const slug = `${date.toISOString().slice(0, 10)}-${i}`;
        items.push({
          title: render(base, outlet.variant),
          link: `https://demo.invalid/${outlet.id}/${slug}`,
          guid: `${outlet.id}:${slug}`,
          published,
        });
      }
    }
    items.sort((a, b) => b.published.getTime() - a.published.getTime());
    out.set(outlet.id, items);
  }
  return out;
}

function pick<T extends string>(weights: readonly (readonly [T, number])[], rnd: () => number): T {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let r = rnd() * total;
  for (const [t, w] of weights) {
    r -= w;
    if (r <= 0) return t;
  }
  return weights[weights.length - 1]![0];
}

function render(latin: string, variant: Variant): string {
  if (variant === "sr-Cyrl") return toCyrillic(latin);
  if (variant === "sr-Latn-ascii")
    return latin.replace(/đ/g, "dj").replace(/Đ/g, "Dj").normalize("NFD").replace(/\p{M}/gu, "");
  return latin;
}

const DIGRAPHS: [RegExp, string][] = [
  [/Lj/g, "Љ"],
  [/lj/g, "љ"],
  [/Nj/g, "Њ"],
  [/nj/g, "њ"],
  [/Dž/g, "Џ"],
  [/dž/g, "џ"],
];
const LETTERS: Record<string, string> = Object.fromEntries(
  [..."abcčćdđefghijklmnoprsštuvzž"].map((l, i) => [l, [..."абцчћдђефгхијклмнопрсштувзж"][i]!]),
);

/** Serbian Latin to Cyrillic, letter by letter (lj, nj, dž are one letter each). */
export function toCyrillic(latin: string): string {
  let s = latin;
  for (const [re, c] of DIGRAPHS) s = s.replace(re, c);
  return [...s]
    .map((ch) => {
      const lower = ch.toLowerCase();
      const c = LETTERS[lower];
      if (!c) return ch;
      return ch === lower ? c : c.toUpperCase();
    })
    .join("");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One outlet's feed as the bytes a server would send, and its content type. */
export function demoFeed(outlet: DemoOutletSpec, items: readonly DemoItem[], selfUrl: string) {
  if (outlet.format === "atom") {
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      `<title>${esc(outlet.name)}</title>`,
      `<id>${esc(selfUrl)}</id>`,
      `<link rel="self" href="${esc(selfUrl)}"/>`,
      `<updated>${(items[0]?.published ?? new Date()).toISOString()}</updated>`,
      ...items.map(
        (it) =>
          `<entry><title>${esc(it.title)}</title><link href="${esc(it.link)}"/><id>${esc(it.guid)}</id>` +
          `<updated>${it.published.toISOString()}</updated></entry>`,
      ),
      "</feed>",
    ].join("\n");
    return { body: Buffer.from(xml, "utf8"), contentType: "application/atom+xml; charset=utf-8" };
  }
  const encoding = outlet.format === "rss-windows-1251" ? "windows-1251" : "utf-8";
  const xml = [
    `<?xml version="1.0" encoding="${encoding}"?>`,
    '<rss version="2.0"><channel>',
    `<title>${esc(outlet.name)}</title><link>https://demo.invalid/${outlet.id}/</link>`,
    `<description>${esc(outlet.name)}</description>`,
    ...items.map(
      (it) =>
        `<item><title>${esc(it.title)}</title><link>${esc(it.link)}</link>` +
        `<guid isPermaLink="false">${esc(it.guid)}</guid><pubDate>${it.published.toUTCString()}</pubDate></item>`,
    ),
    "</channel></rss>",
  ].join("\n");
  // The windows-1251 feed declares its encoding in the XML only, as many Russian outlets' feeds do.
  return encoding === "utf-8"
    ? { body: Buffer.from(xml, "utf8"), contentType: "application/rss+xml; charset=utf-8" }
    : { body: iconv.encode(xml, "windows-1251"), contentType: "application/rss+xml" };
}
