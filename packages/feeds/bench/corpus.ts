// Synthetic corpus for the benchmark: our own Serbian and Russian sentences, RSS 2.0 and Atom,
// UTF-8 and windows-1251 (declared and undeclared), with HTML descriptions like real outlets send.
import iconv from "iconv-lite";

const RU = [
  "Правительство обсудило новые меры поддержки малого бизнеса в регионах",
  "В Москве открылась выставка современной архитектуры и городского дизайна",
  "Синоптики пообещали тёплую погоду и небольшие дожди до конца недели",
  "Учёные рассказали о результатах исследования льда в Арктике",
];
const SR_LAT = [
  "Vlada je usvojila novi zakon o zaštiti životne sredine i čistom vazduhu",
  "U Beogradu počinje festival džeza, a karte su rasprodate za šest sati",
  "Đaci će od ponedeljka imati časove u izmenjenoj smeni zbog radova",
];
const SR_CYR = [
  "Влада је усвојила нови закон о заштити животне средине и чистом ваздуху",
  "У Београду почиње фестивал џеза, а карте су распродате за шест сати",
];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function sentences(pool: string[], n: number, seed: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pool[(seed + i * 7) % pool.length]!);
  return out.join(". ");
}

export function makeRss(
  items: number,
  seed: number,
  pool: string[],
  opts: { encoding?: string } = {},
): string {
  const parts: string[] = [];
  const decl = opts.encoding ? `<?xml version="1.0" encoding="${opts.encoding}"?>\n` : "";
  parts.push(
    `${decl}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench ${seed}</title><link>https://bench${seed}.example.rs/</link><language>sr</language><ttl>15</ttl>\n`,
  );
  for (let i = 0; i < items; i++) {
    const id = seed * 100_000 + i;
    const date = new Date(Date.UTC(2026, 10, 1) + id * 60_000).toUTCString();
    parts.push(
      `<item><title>${esc(sentences(pool, 1, id))} (${i})</title><link>https://bench${seed}.example.rs/vesti/${id}?utm_source=rss&amp;utm_medium=feed</link><guid isPermaLink="false">bench-${id}</guid><pubDate>${date}</pubDate><category>Politika</category><description><![CDATA[<p>${sentences(pool, 4, id + 1)}.</p><p><img src="https://bench.example.rs/i/${id}.jpg"/> ${sentences(pool, 3, id + 2)}&nbsp;&mdash; kraj.</p>]]></description></item>\n`,
    );
  }
  parts.push("</channel></rss>\n");
  return parts.join("");
}

export function makeAtom(items: number, seed: number, pool: string[]): string {
  const parts = [
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom ${seed}</title><link href="https://atom${seed}.example.ru/"/><updated>2026-11-01T00:00:00Z</updated>\n`,
  ];
  for (let i = 0; i < items; i++) {
    const id = seed * 100_000 + i;
    parts.push(
      `<entry><title>${esc(sentences(pool, 1, id))}</title><link href="/news/${id}"/><id>tag:atom${seed},2026:${id}</id><published>${new Date(Date.UTC(2026, 10, 1) + id * 60_000).toISOString()}</published><summary type="html">${esc(`<p>${sentences(pool, 5, id)}</p>`)}</summary></entry>\n`,
    );
  }
  parts.push("</feed>\n");
  return parts.join("");
}

export interface CorpusFeed {
  name: string;
  bytes: Buffer;
  contentType: string | null;
  items: number;
}

/** ~`feeds` documents of `itemsPerFeed` items, mixed formats, scripts and encodings. */
export function makeCorpus(feeds: number, itemsPerFeed: number): CorpusFeed[] {
  const out: CorpusFeed[] = [];
  for (let f = 0; f < feeds; f++) {
    const kind = f % 5;
    if (kind === 0)
      out.push({
        name: `ru-utf8-${f}`,
        bytes: Buffer.from(makeRss(itemsPerFeed, f, RU)),
        contentType: "application/rss+xml; charset=utf-8",
        items: itemsPerFeed,
      });
    else if (kind === 1)
      out.push({
        name: `sr-lat-${f}`,
        bytes: Buffer.from(makeRss(itemsPerFeed, f, SR_LAT)),
        contentType: "text/xml",
        items: itemsPerFeed,
      });
    else if (kind === 2)
      out.push({
        name: `ru-1251-decl-${f}`,
        bytes: iconv.encode(makeRss(itemsPerFeed, f, RU, { encoding: "windows-1251" }), "windows-1251"),
        contentType: "text/xml",
        items: itemsPerFeed,
      });
    else if (kind === 3)
      out.push({
        name: `sr-cyr-1251-undeclared-${f}`,
        bytes: iconv.encode(makeRss(itemsPerFeed, f, SR_CYR), "windows-1251"),
        contentType: null,
        items: itemsPerFeed,
      });
    else
      out.push({
        name: `ru-atom-${f}`,
        bytes: Buffer.from(makeAtom(itemsPerFeed, f, RU)),
        contentType: "application/atom+xml",
        items: itemsPerFeed,
      });
  }
  return out;
}

/** One big UTF-8 RSS document of at least `targetBytes`. */
export function makeBigFeed(targetBytes: number): Buffer {
  const probe = Buffer.byteLength(makeRss(100, 1, [...RU, ...SR_LAT]));
  const items = Math.ceil((targetBytes / probe) * 100);
  return Buffer.from(makeRss(items, 1, [...RU, ...SR_LAT]));
}
