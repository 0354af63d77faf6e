// Test fixtures written for Vesti (our own sentences), encoded on the fly with iconv-lite.
import iconv from "iconv-lite";

export const RU_TITLE = "Москва готовится к зиме: городские службы проверили отопление в школах";
export const RU_SUMMARY =
  "Во вторник инженеры осмотрели котельные и трубы, а жители пожаловались на холодные батареи в старых домах.";
export const SR_LAT_TITLE = "Beograđani će sutra duže čekati autobuse, saopštilo je gradsko preduzeće";
export const SR_LAT_SUMMARY =
  "Zbog radova na Žutom mostu šest linija menja trasu, a đaci će kasniti na časove.";
export const SR_CYR_TITLE = "Београђани ће сутра дуже чекати аутобусе, саопштило је градско предузеће";
export const PT_TITLE = "A câmara anunciou ontem que as obras na praça começarão em março";
export const PT_SUMMARY = "Os moradores só poderão estacionar na rua São João até às nove horas da manhã.";

export interface TestItem {
  title?: string;
  link?: string;
  guid?: string;
  description?: string;
  pubDate?: string;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function rss(
  items: TestItem[],
  opts: { encoding?: string; channelTitle?: string; extra?: string } = {},
) {
  const decl = opts.encoding ? `<?xml version="1.0" encoding="${opts.encoding}"?>\n` : "";
  const body = items
    .map(
      (i) =>
        `<item>${i.title !== undefined ? `<title>${esc(i.title)}</title>` : ""}${
          i.link !== undefined ? `<link>${esc(i.link)}</link>` : ""
        }${i.guid !== undefined ? `<guid>${esc(i.guid)}</guid>` : ""}${
          i.description !== undefined ? `<description>${esc(i.description)}</description>` : ""
        }${i.pubDate !== undefined ? `<pubDate>${i.pubDate}</pubDate>` : ""}</item>`,
    )
    .join("\n");
  return `${decl}<rss version="2.0"><channel><title>${esc(opts.channelTitle ?? "Test")}</title><link>https://example.org/</link>${opts.extra ?? ""}\n${body}\n</channel></rss>`;
}

export function encode(text: string, encoding: string): Buffer {
  return iconv.encode(text, encoding);
}
