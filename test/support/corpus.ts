import { mulberry32 } from "@vesti/db";

// A deterministic corpus of feeds with known items, and the trend counts it must produce, computed
// independently of the pipeline (from the templates' labels, not by running the tagger).

export interface Template {
  lang: "sr" | "ru" | "en";
  script: "Latn" | "Cyrl";
  title: string;
  summary: string;
  themes: string[];
}

// Each template is unambiguous under THEMES.md; the tags are what the guide says, written by hand.
export const TEMPLATES: Template[] = [
  {
    lang: "sr",
    script: "Latn",
    title: "Vučić razgovarao sa ambasadorom Nemačke o novim investicijama",
    summary:
      "Predsednik Srbije je posle sastanka rekao da očekuje nova radna mesta u fabrikama na jugu zemlje.",
    themes: ["vucic"],
  },
  {
    lang: "sr",
    script: "Latn",
    title: "Napetost na severu Kosova, Priština šalje nove jedinice policije",
    summary: "Srbi na severu Kosova protestuju zbog odluke kosovske vlade o tablicama.",
    themes: ["kosovo"],
  },
  {
    lang: "sr",
    script: "Latn",
    title: "Kina donirala Srbiji respiratore i pola miliona maski",
    summary:
      "Avion sa medicinskom opremom iz Pekinga sleteo je na beogradski aerodrom, a pomoć je dar kineske vlade.",
    themes: ["chinese_aid", "mask_diplomacy"],
  },
  {
    lang: "sr",
    script: "Latn",
    title: "Sutra sunčano i toplije vreme u celoj zemlji",
    summary: "Meteorolozi najavljuju temperature do dvadeset pet stepeni i slab vetar tokom popodneva.",
    themes: [],
  },
  {
    lang: "sr",
    script: "Cyrl",
    title: "Путин честитао Вучићу Дан државности Србије",
    summary:
      "Председник Русије је у писму навео да су односи двеју земаља пријатељски и да ће сарадња бити настављена.",
    themes: ["putin", "vucic"],
  },
  {
    lang: "sr",
    script: "Cyrl",
    title: "Европска унија донирала Србији петнаест милиона евра за болнице",
    summary: "Бесповратна средства ЕУ биће уложена у опрему за здравствене центре у унутрашњости Србије.",
    themes: ["eu_aid"],
  },
  {
    lang: "sr",
    script: "Cyrl",
    title: "Нови распоред градског превоза почиње од понедељка",
    summary:
      "Градски саобраћај ће радити по измењеном реду вожње због радова на мостовима и улицама у центру.",
    themes: [],
  },
  {
    lang: "ru",
    script: "Cyrl",
    title: "Путин провёл переговоры с Си Цзиньпином в Кремле",
    summary: "Стороны обсудили торговлю, энергетику и ситуацию в мире, сообщили в пресс-службе.",
    themes: ["putin", "xi"],
  },
  {
    lang: "ru",
    script: "Cyrl",
    title: "Россия направила в Сербию военных медиков для борьбы с коронавирусом",
    summary: "Российские военные специалисты привезли в Белград аппараты ИВЛ, тесты и средства защиты.",
    themes: ["russian_aid", "mask_diplomacy"],
  },
  {
    lang: "ru",
    script: "Cyrl",
    title: "Курс рубля укрепился на торгах Московской биржи",
    summary: "Аналитики объясняют рост национальной валюты высокими ценами на нефть и налоговым периодом.",
    themes: [],
  },
  {
    lang: "en",
    script: "Latn",
    title: "Kosovo and Serbia resume the EU-facilitated dialogue in Brussels",
    summary:
      "Negotiators from Belgrade and Pristina met for the first time in months to discuss licence plates.",
    themes: ["kosovo"],
  },
  {
    lang: "en",
    script: "Latn",
    title: "Stock markets rise as inflation slows in the eurozone",
    summary:
      "Investors welcomed the figures, which suggest that interest rates may soon start to fall again.",
    themes: [],
  },
];

export interface CorpusItem {
  feed: number;
  url: string;
  guid: string;
  title: string;
  summary: string;
  published: Date;
  template: Template;
}

export interface CorpusOutlet {
  id: string;
  country: string;
  language: string;
  feeds: number[];
}

export interface Corpus {
  outlets: CorpusOutlet[];
  feedCount: number;
  items: CorpusItem[];
}

/**
 * `feedCount` feeds over outlets of two feeds each (Serbian and Russian outlets alternate), each feed with
 * `itemsPerFeed` items spread over `days` days. Every fourth item of an outlet's first feed is also
 * published, as a wire copy (same title, other URL), in the outlet's second feed: stored once.
 */
export function buildCorpus(options: {
  feedCount: number;
  itemsPerFeed: number;
  days: number;
  seed?: number;
}): Corpus {
  // a seeded PRNG: the corpus is the same on every run
  const rand = mulberry32(options.seed ?? 42);
  const outlets: CorpusOutlet[] = [];
  const items: CorpusItem[] = [];
  const start = Date.UTC(2026, 2, 2, 6, 0, 0);
  for (let f = 0; f < options.feedCount; f += 2) {
    const serbian = (f / 2) % 2 === 0;
    outlets.push({
      id: `outlet-${f / 2}`,
      country: serbian ? "RS" : "RU",
      language: serbian ? "sr" : "ru",
      feeds: [f, f + 1].filter((x) => x < options.feedCount),
    });
  }
  for (const outlet of outlets) {
    const pool = TEMPLATES.filter((t) => (outlet.country === "RS" ? t.lang !== "ru" : t.lang !== "sr"));
    for (const feed of outlet.feeds) {
      for (let i = 0; i < options.itemsPerFeed; i++) {
        const copy = feed === outlet.feeds[1] && i % 4 === 0;
        if (copy) {
          const original = items.find((it) => it.feed === outlet.feeds[0] && it.guid.endsWith(`-${i}`));
          if (original) {
            items.push({ ...original, feed, url: `${original.url}?via=wire`, guid: `${original.guid}-wire` });
            continue;
          }
        }
        const template = pool[Math.floor(rand() * pool.length)]!;
        const published = new Date(start + Math.floor(rand() * options.days * 24) * 3600_000 + i * 1000);
        items.push({
          feed,
          url: `https://${outlet.id}.example/${feed}/${i}`,
          guid: `${outlet.id}-${feed}-${i}`,
          title: `${template.title} ${feed}-${i}`,
          summary: template.summary,
          published,
          template,
        });
      }
    }
  }
  return { outlets, feedCount: options.feedCount, items };
}

export function rssFor(corpus: Corpus, feed: number): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const entries = corpus.items
    .filter((it) => it.feed === feed)
    .map(
      (it) =>
        `<item><title>${esc(it.title)}</title><link>${esc(it.url)}</link><guid>${esc(it.guid)}</guid>` +
        `<pubDate>${it.published.toUTCString()}</pubDate><description>${esc(it.summary)}</description></item>`,
    )
    .join("\n");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Feed ${feed}</title>` +
    `<link>https://example.org/</link><description>test</description>\n${entries}\n</channel></rss>\n`
  );
}

export interface ExpectedCounts {
  /** "day|lang|script|country|outlet" → articles */
  articles: Map<string, number>;
  /** "day|theme|lang|script|country|outlet" → mentions */
  mentions: Map<string, number>;
  total: number;
}

/** The counts a correct pipeline stores: one article per distinct item (URL, then title within outlet). */
export function expectedCounts(corpus: Corpus): ExpectedCounts {
  const outletOf = new Map(corpus.outlets.flatMap((o) => o.feeds.map((f) => [f, o] as const)));
  const seen = new Set<string>();
  const articles = new Map<string, number>();
  const mentions = new Map<string, number>();
  let total = 0;
  for (const it of corpus.items) {
    const outlet = outletOf.get(it.feed)!;
    const key = `${outlet.id}|${it.title}`;
    if (seen.has(key)) continue;
    seen.add(key);
    total++;
    const day = it.published.toISOString().slice(0, 10);
    const dims = `${it.template.lang}|${it.template.script}|${outlet.country}|${outlet.id}`;
    articles.set(`${day}|${dims}`, (articles.get(`${day}|${dims}`) ?? 0) + 1);
    for (const theme of it.template.themes) {
      const k = `${day}|${theme}|${dims}`;
      mentions.set(k, (mentions.get(k) ?? 0) + 1);
    }
  }
  return { articles, mentions, total };
}
