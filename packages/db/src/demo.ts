import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { type PreparedArticle, storeArticles } from "./repositories/articles";
import { makeTaxonomyCurrent, withTaxonomyLock } from "./repositories/taxonomy";
import type { Database } from "./schema";

// Synthetic demo data for trying the analytics views (docs/sql.md) without running ingest for months.
// Deterministic: each (seed, outlet, day) has its own PRNG stream, so any date range yields the same
// articles for the days it covers, and re-running a seed stores nothing new (URL hashes dedupe). Titles
// start with "Demo:" and URLs live under https://demo.invalid/, so nobody mistakes them for news.
// Everything goes through storeArticles, so the count tables are exactly what ingest would produce.

type Variant = "sr-Latn" | "sr-Cyrl" | "ru" | "en";

export interface DemoOutlet {
  id: string;
  name: string;
  country: string;
  language: string;
  script: string;
  timeZone: string;
  homeUrl: string;
  /** Relative article volume (1 = --per-day articles on an average weekday). */
  volume: number;
  /** Language/script mix of the outlet's articles; weights add up to 1. */
  mix: { variant: Variant; weight: number }[];
  /** The same labels as in infra/sources.yaml (evidence in docs/sources.md), so the collection views show them. */
  ownership: string;
  alignment: string;
  alignmentSource: string | null;
  collections: string[];
}

// The labels come from infra/sources.yaml; only the articles are synthetic.
const SMM = "State Media Monitor (MJRC)";
const LABELS: Record<
  string,
  Pick<DemoOutlet, "ownership" | "alignment" | "alignmentSource" | "collections">
> = {
  rts: {
    ownership: "public-service",
    alignment: "pro-government",
    alignmentSource: `${SMM}, Radio Television of Serbia, September 2025: Captured Public/State-Managed`,
    collections: ["serbia-national", "pro-government-rs"],
  },
  n1: {
    ownership: "private",
    alignment: "independent",
    alignmentSource: "Slavko Ćuruvija Foundation, monitoring of pro-government tabloids, 7 September 2022",
    collections: ["serbia-national", "independent-rs"],
  },
  politika: {
    ownership: "private",
    alignment: "pro-government",
    alignmentSource: `${SMM}, Politika, August 2024`,
    collections: ["serbia-national", "pro-government-rs"],
  },
  novosti: {
    ownership: "private",
    alignment: "pro-government",
    alignmentSource: `${SMM}, Vecernje Novosti, October 2023: Captured Private`,
    collections: ["serbia-national", "pro-government-rs"],
  },
  informer: {
    ownership: "private",
    alignment: "pro-government",
    alignmentSource: `${SMM}, Informer, October 2023: Captured Private`,
    collections: ["serbia-national", "pro-government-rs"],
  },
  danas: {
    ownership: "private",
    alignment: "independent",
    alignmentSource: "Slavko Ćuruvija Foundation, monitoring of pro-government tabloids, 7 September 2022",
    collections: ["serbia-national", "independent-rs"],
  },
  tass: {
    ownership: "state-ru",
    alignment: "state-media",
    alignmentSource: "TASS: federal state unitary enterprise owned by the Government of Russia",
    collections: ["russia-national", "russian-state"],
  },
  ria: {
    ownership: "state-ru",
    alignment: "state-media",
    alignmentSource: `${SMM}, Rossiya Segodnya: State-Controlled`,
    collections: ["russia-national", "russian-state"],
  },
  rg: {
    ownership: "state-ru",
    alignment: "state-media",
    alignmentSource: "Government of Russia (100%); the official gazette under Federal Law 5-FZ (1994)",
    collections: ["russia-national", "russian-state"],
  },
};

export const DEMO_OUTLETS: readonly DemoOutlet[] = [
  o("rts", "RTS", "RS", "sr", "Cyrl", 1.0, [
    ["sr-Cyrl", 0.8],
    ["sr-Latn", 0.15],
    ["en", 0.05],
  ]),
  o("n1", "N1 Srbija", "RS", "sr", "Latn", 0.9, [
    ["sr-Latn", 0.88],
    ["en", 0.12],
  ]),
  o("politika", "Politika", "RS", "sr", "Cyrl", 0.8, [
    ["sr-Cyrl", 0.95],
    ["sr-Latn", 0.05],
  ]),
  o("novosti", "Večernje novosti", "RS", "sr", "Cyrl", 1.0, [
    ["sr-Cyrl", 0.7],
    ["sr-Latn", 0.3],
  ]),
  o("informer", "Informer", "RS", "sr", "Latn", 1.2, [
    ["sr-Latn", 0.9],
    ["sr-Cyrl", 0.1],
  ]),
  o("danas", "Danas", "RS", "sr", "Latn", 0.7, [["sr-Latn", 1]]),
  o("tass", "TASS", "RU", "ru", "Cyrl", 1.3, [
    ["ru", 0.85],
    ["en", 0.15],
  ]),
  o("ria", "RIA Novosti", "RU", "ru", "Cyrl", 1.3, [
    ["ru", 0.97],
    ["en", 0.03],
  ]),
  o("rg", "Rossiyskaya Gazeta", "RU", "ru", "Cyrl", 0.8, [["ru", 1]]),
];

function o(
  id: string,
  name: string,
  country: string,
  language: string,
  script: string,
  volume: number,
  mix: [Variant, number][],
): DemoOutlet {
  return {
    id,
    name,
    country,
    language,
    script,
    timeZone: country === "RU" ? "Europe/Moscow" : "Europe/Belgrade",
    homeUrl: `https://demo.invalid/${id}/`,
    volume,
    mix: mix.map(([variant, weight]) => ({ variant, weight })),
    ...(LABELS[id] ?? { ownership: "unknown", alignment: "unknown", alignmentSource: null, collections: [] }),
  };
}

// Phrases that carry each theme (the tagger's "evidence"), per language variant. sr-Cyrl is transliterated.
const PHRASES: Record<Exclude<Variant, "sr-Cyrl">, Record<string, string[]>> = {
  "sr-Latn": {
    kosovo: ["Kosovo", "Priština", "dijalog Beograda i Prištine", "Kosovo i Metohija"],
    russian_aid: ["ruska pomoć", "ruski vojni lekari", "pomoć iz Rusije"],
    chinese_aid: ["kineska pomoć", "respiratori iz Kine", "kineski lekari"],
    mask_diplomacy: ["diplomatija maski", "maske iz Kine", "donacija maski"],
    eu_aid: ["pomoć EU", "evropska pomoć", "donacija Evropske unije"],
    vucic: ["Vučić", "predsednik Vučić"],
    putin: ["Putin", "Vladimir Putin"],
    xi: ["Si Đinping", "predsednik Si"],
  },
  ru: {
    kosovo: ["Косово", "Приштина", "косовский вопрос"],
    russian_aid: ["российская помощь", "российские военные медики", "помощь России"],
    chinese_aid: ["китайская помощь", "помощь Китая"],
    mask_diplomacy: ["дипломатия масок", "маски из Китая"],
    eu_aid: ["помощь ЕС", "помощь Евросоюза"],
    vucic: ["Вучич", "президент Сербии Вучич"],
    putin: ["Путин", "Владимир Путин"],
    xi: ["Си Цзиньпин"],
  },
  en: {
    kosovo: ["Kosovo", "Pristina"],
    russian_aid: ["Russian aid", "Russian military medics"],
    chinese_aid: ["Chinese aid", "Chinese ventilators"],
    mask_diplomacy: ["mask diplomacy", "masks from China"],
    eu_aid: ["EU aid", "EU support package"],
    vucic: ["Vucic", "President Vucic"],
    putin: ["Putin"],
    xi: ["Xi Jinping"],
  },
};

const FILLERS: Record<Exclude<Variant, "sr-Cyrl">, string[]> = {
  "sr-Latn": [
    "vremenska prognoza za vikend",
    "nova linija gradskog prevoza",
    "cene goriva od petka",
    "početak školske godine",
    "otvoren sajam knjiga",
    "rezultati utakmice",
    "radovi na autoputu",
  ],
  ru: ["прогноз погоды на выходные", "новые тарифы ЖКХ", "итоги матча", "курс рубля", "открыт книжный салон"],
  en: ["weather forecast for the weekend", "fuel prices from Friday", "football results", "book fair opens"],
};

const THEMES = ["kosovo", "russian_aid", "chinese_aid", "mask_diplomacy", "eu_aid", "vucic", "putin", "xi"];

const DAY_MS = 86_400_000;
/** A bell-shaped bump of `height` around `center` (YYYY-MM-DD), `width` days wide (one sigma). */
const bump = (t: number, center: string, width: number, height: number) =>
  height * Math.exp(-0.5 * ((t - Date.parse(`${center}T00:00:00Z`)) / (width * DAY_MS)) ** 2);

/**
 * Probability that an article of a country's outlet on day `t` carries a theme. Loosely follows the
 * story: China's masks and doctors in March-April 2020 and Sinopharm in January 2021 loom large in
 * Serbian outlets; Russia's April 2020 medical mission gets a smaller bump there (and a bigger one at
 * home); Kosovo is a steady topic with peaks (Washington, September 2020; licence plates, 2021).
 */
function themeRate(theme: string, country: string, t: number): number {
  const rs = country === "RS";
  switch (theme) {
    case "kosovo":
      return rs
        ? 0.07 + bump(t, "2020-09-04", 10, 0.06) + bump(t, "2021-09-25", 8, 0.1)
        : 0.015 + bump(t, "2021-09-25", 8, 0.02);
    case "russian_aid":
      return rs
        ? 0.004 + bump(t, "2020-04-06", 12, 0.03) + bump(t, "2021-01-20", 15, 0.015)
        : 0.006 + bump(t, "2020-04-05", 15, 0.05) + bump(t, "2021-01-15", 20, 0.03);
    case "chinese_aid":
      return rs
        ? 0.006 + bump(t, "2020-03-28", 18, 0.11) + bump(t, "2021-01-20", 20, 0.05)
        : 0.006 + bump(t, "2020-03-20", 20, 0.02);
    case "mask_diplomacy":
      return rs ? 0.002 + bump(t, "2020-03-30", 15, 0.06) : 0.001 + bump(t, "2020-03-30", 15, 0.005);
    case "eu_aid":
      return rs ? 0.005 + bump(t, "2020-04-20", 20, 0.025) : 0.003;
    case "vucic":
      return rs ? 0.16 : 0.01;
    case "putin":
      return rs ? 0.035 : 0.14;
    case "xi":
      return rs ? 0.012 + bump(t, "2020-03-25", 15, 0.03) : 0.02;
    default:
      return 0;
  }
}

/** mulberry32: a small, fast, seedable PRNG (quality is ample for synthetic data). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedOf = (s: string) => createHash("sha256").update(s).digest().readUInt32LE(0);

const LAT2CYR: [string, string][] = [
  ["Lj", "Љ"],
  ["lj", "љ"],
  ["Nj", "Њ"],
  ["nj", "њ"],
  ["Dž", "Џ"],
  ["dž", "џ"],
  ...[..."ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ"].map(
    (c, i) => [c, "АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ"[i]!] as [string, string],
  ),
  ...[..."abvgdđežzijklmnoprstćufhcčš"].map(
    (c, i) => [c, "абвгдђежзијклмнопрстћуфхцчш"[i]!] as [string, string],
  ),
];
function toCyrillic(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; ) {
    const pair = LAT2CYR.find(([lat]) => s.startsWith(lat, i));
    if (pair) {
      out += pair[1];
      i += pair[0].length;
    } else out += s[i++];
  }
  return out;
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The demo articles of one outlet on one UTC day. */
export function demoArticles(
  outlet: DemoOutlet,
  day: string,
  perDay: number,
  seed: number,
): PreparedArticle[] {
  const t0 = Date.parse(`${day}T00:00:00Z`);
  const rnd = mulberry32(seedOf(`${seed}|${outlet.id}|${day}`));
  const weekday = new Date(t0).getUTCDay();
  const expected = perDay * outlet.volume * (weekday === 0 || weekday === 6 ? 0.7 : 1);
  const n = Math.max(0, Math.round(expected * (0.8 + 0.4 * rnd())));
  const out: PreparedArticle[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    let acc = 0;
    const variant =
      outlet.mix.find((m) => {
        acc += m.weight;
        return r < acc;
      })?.variant ?? outlet.mix[0]!.variant;
    const base = variant === "sr-Cyrl" ? "sr-Latn" : variant;
    const mid = t0 + Math.floor(rnd() * DAY_MS);
    const themes = THEMES.filter((th) => rnd() < themeRate(th, outlet.country, mid));
    // Kosovo stories often quote Putin (more so in Russian outlets): gives the co-occurrence view a signal.
    if (
      themes.includes("kosovo") &&
      !themes.includes("putin") &&
      rnd() < (outlet.country === "RU" ? 0.35 : 0.12)
    )
      themes.push("putin");
    const tr = (s: string) => (variant === "sr-Cyrl" ? toCyrillic(s) : s);
    const phrases = themes.map((th) => tr(pick(rnd, PHRASES[base][th]!)));
    const ref = `${outlet.id}-${day.replaceAll("-", "")}-${i + 1}`;
    const title = `Demo: ${[...phrases, tr(pick(rnd, FILLERS[base]))].join(" — ")} [${ref}]`;
    let from = 0;
    const evidence = phrases.map((text) => {
      const start = title.indexOf(text, from);
      from = start + text.length;
      return { field: "title", start, end: start + text.length, text };
    });
    const url = `https://demo.invalid/${outlet.id}/${day}/${i + 1}`;
    out.push({
      url_hash: createHash("sha256").update(url).digest("hex"),
      canonical_url: url,
      link: url,
      guid: `demo:${ref}`,
      title,
      summary: "Synthetic article generated by `vesti demo seed`; not real news.",
      title_key: title
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, " ")
        .trim(),
      published_at: new Date(mid),
      published_estimated: false,
      fetched_at: new Date(mid + 5 * 60_000),
      lang: variant === "en" ? "en" : base === "ru" ? "ru" : "sr",
      script: variant === "sr-Cyrl" || variant === "ru" ? "Cyrl" : "Latn",
      lang_confidence: Math.round((0.85 + 0.14 * rnd()) * 100) / 100,
      themes: themes.map((id, k) => ({ id, evidence: [evidence[k]!] })),
    });
  }
  return out;
}

export interface DemoSeedOptions {
  /** First UTC day, YYYY-MM-DD (inclusive). */
  from: string;
  /** Last UTC day, YYYY-MM-DD (inclusive). */
  to: string;
  /** Average articles per outlet and weekday (weekends get 70 %). */
  perDay: number;
  seed?: number;
  /** Seed even if the database holds articles that are not demo articles. */
  force?: boolean;
  onProgress?: (done: { day: string; inserted: number }) => void;
}

export interface DemoSeedResult {
  outlets: number;
  days: number;
  generated: number;
  inserted: number;
  duplicates: number;
  taxonomyVersion: string;
}

const BATCH = 500;

/** Writes the demo outlets (with inactive demo feeds) and their synthetic articles over a date range. */
export async function seedDemo(db: Kysely<Database>, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const start = Date.parse(`${options.from}T00:00:00Z`);
  const end = Date.parse(`${options.to}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.from) || Number.isNaN(start))
    throw new Error("from must be YYYY-MM-DD");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.to) || Number.isNaN(end)) throw new Error("to must be YYYY-MM-DD");
  if (end < start) throw new Error("to is before from");
  if (!Number.isFinite(options.perDay) || options.perDay <= 0 || options.perDay > 10_000)
    throw new Error("perDay must be a number between 1 and 10000");
  const seed = options.seed ?? 1;

  if (!options.force) {
    const real = await sql<{ id: number }>`
      SELECT id FROM articles WHERE canonical_url IS NULL OR canonical_url NOT LIKE 'https://demo.invalid/%' LIMIT 1
    `.execute(db);
    if (real.rows.length > 0)
      throw new Error(
        "the database holds real (non-demo) articles; refusing to mix in demo data (use --force)",
      );
  }

  const taxonomyVersion = await ensureTaxonomyVersion(db);
  const targets: { outlet: DemoOutlet; feedId: number; country: string }[] = [];
  for (const outlet of DEMO_OUTLETS) {
    // Not syncSources: that would deactivate every outlet missing from the demo list.
    await db
      .insertInto("outlets")
      .values({
        id: outlet.id,
        name: outlet.name,
        country: outlet.country,
        language: outlet.language,
        script: outlet.script,
        time_zone: outlet.timeZone,
        home_url: outlet.homeUrl,
        ownership: outlet.ownership,
        alignment: outlet.alignment,
        alignment_source: outlet.alignmentSource,
        collections: outlet.collections,
      })
      // Labels follow the sources file's; everything else of an existing outlet is left alone.
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({
          collections: sql<
            string[]
          >`CASE WHEN ${eb.ref("outlets.collections")} = '{}' THEN ${eb.ref("excluded.collections")} ELSE ${eb.ref("outlets.collections")} END`,
          ownership: sql<string>`CASE WHEN ${eb.ref("outlets.ownership")} = 'unknown' THEN ${eb.ref("excluded.ownership")} ELSE ${eb.ref("outlets.ownership")} END`,
          alignment: sql<string>`CASE WHEN ${eb.ref("outlets.alignment")} = 'unknown' THEN ${eb.ref("excluded.alignment")} ELSE ${eb.ref("outlets.alignment")} END`,
          alignment_source: sql<
            string | null
          >`coalesce(${eb.ref("outlets.alignment_source")}, ${eb.ref("excluded.alignment_source")})`,
        })),
      )
      .execute();
    const url = `https://demo.invalid/${outlet.id}/rss`;
    // Inactive, so the scheduler never polls it.
    await db
      .insertInto("feeds")
      .values({ outlet_id: outlet.id, url, note: "vesti demo seed (synthetic)", active: false })
      .onConflict((oc) => oc.column("url").doNothing())
      .execute();
    const feed = await db.selectFrom("feeds").select("id").where("url", "=", url).executeTakeFirstOrThrow();
    const row = await db
      .selectFrom("outlets")
      .select("country")
      .where("id", "=", outlet.id)
      .executeTakeFirstOrThrow();
    targets.push({ outlet, feedId: feed.id, country: row.country });
  }

  const result: DemoSeedResult = {
    outlets: targets.length,
    days: Math.round((end - start) / DAY_MS) + 1,
    generated: 0,
    inserted: 0,
    duplicates: 0,
    taxonomyVersion,
  };
  const pending = new Map<string, PreparedArticle[]>(targets.map((t) => [t.outlet.id, []]));
  const flush = async (t: (typeof targets)[number]) => {
    const batch = pending.get(t.outlet.id)!;
    if (batch.length === 0) return;
    pending.set(t.outlet.id, []);
    const stored = await storeArticles(
      db,
      { feed_id: t.feedId, outlet_id: t.outlet.id, country: t.country, taxonomy_version: taxonomyVersion },
      batch,
    );
    result.inserted += stored.inserted;
    result.duplicates += stored.duplicates;
  };
  for (let t = start; t <= end; t += DAY_MS) {
    const day = utcDay(t);
    for (const target of targets) {
      const articles = demoArticles(target.outlet, day, options.perDay, seed);
      result.generated += articles.length;
      pending.get(target.outlet.id)!.push(...articles);
      if (pending.get(target.outlet.id)!.length >= BATCH) await flush(target);
    }
    options.onProgress?.({ day, inserted: result.inserted });
  }
  for (const target of targets) await flush(target);
  return result;
}

/** The current taxonomy version; marks "demo" current when no version is (as the brief of the views asks). */
async function ensureTaxonomyVersion(db: Kysely<Database>): Promise<string> {
  return withTaxonomyLock(db, async (trx, current) => {
    if (current) return current;
    await makeTaxonomyCurrent(trx, "demo");
    return "demo";
  });
}
