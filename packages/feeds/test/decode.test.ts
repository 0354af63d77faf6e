import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";

import {
  charsetFromContentType,
  decodeFeedBytes,
  decodeHtmlBytes,
  detectLegacyEncoding,
} from "../src/decode";
import { FeedParseError } from "../src/errors";

import {
  PT_SUMMARY,
  PT_TITLE,
  RU_SUMMARY,
  RU_TITLE,
  SR_CYR_TITLE,
  SR_LAT_SUMMARY,
  SR_LAT_TITLE,
} from "./helpers";

const xml = (body: string, enc?: string) =>
  `${enc ? `<?xml version="1.0" encoding="${enc}"?>` : ""}<rss><channel><title>${body}</title></channel></rss>`;

describe("decodeFeedBytes", () => {
  it("prefers BOM, then header, then declaration", () => {
    const bytes = iconv.encode(xml(RU_TITLE, "koi8-r"), "windows-1251");
    expect(decodeFeedBytes(bytes, "text/xml; charset=windows-1251")).toMatchObject({
      encoding: "windows-1251",
      source: "header",
    });
    expect(decodeFeedBytes(bytes).source).toBe("xml-declaration"); // declared KOI8-R wins even though wrong
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml(RU_TITLE, "windows-1251"))]);
    const d = decodeFeedBytes(bom, "text/xml; charset=koi8-r");
    expect(d).toMatchObject({ encoding: "utf-8", source: "bom" });
    expect(d.text.startsWith("<?xml")).toBe(true);
  });

  it("defaults to UTF-8 for ASCII and detects valid UTF-8", () => {
    expect(decodeFeedBytes(Buffer.from(xml("plain")))).toMatchObject({
      encoding: "utf-8",
      source: "default",
    });
    expect(decodeFeedBytes(Buffer.from(xml(RU_TITLE)))).toMatchObject({
      encoding: "utf-8",
      source: "detected",
    });
  });

  it.each([
    ["windows-1251", `${RU_TITLE}. ${RU_SUMMARY}`],
    ["koi8-r", `${RU_TITLE}. ${RU_SUMMARY}`],
    ["windows-1251", SR_CYR_TITLE],
    ["windows-1250", `${SR_LAT_TITLE}. ${SR_LAT_SUMMARY}`],
    ["iso-8859-2", `${SR_LAT_TITLE}. ${SR_LAT_SUMMARY}`],
    ["iso-8859-1", `${PT_TITLE}. ${PT_SUMMARY}`],
  ])("detects undeclared %s", (enc, text) => {
    const d = decodeFeedBytes(iconv.encode(xml(text), enc));
    expect(d.text).toContain(text);
    expect(d.source).toBe("detected");
    expect(d.encoding).toBe(enc);
  });

  it("does not fall for Latin-1 Portuguese that looks like lowercase Cyrillic", () => {
    const bytes = iconv.encode(
      `${PT_TITLE} ${PT_SUMMARY} ${"Notícias Últimas Informação ".repeat(5)}`,
      "latin1",
    );
    expect(detectLegacyEncoding(bytes).encoding).toBe("iso-8859-1");
  });

  it("ignores a UTF-8 header over bytes that are not UTF-8", () => {
    const bytes = iconv.encode(xml(RU_TITLE), "windows-1251");
    const d = decodeFeedBytes(bytes, "application/rss+xml; charset=UTF-8");
    expect(d.text).toContain(RU_TITLE);
    expect(d.warnings.join(" ")).toMatch(/not valid UTF-8/);
  });

  it("prefers valid UTF-8 over a legacy charset in the header", () => {
    const d = decodeFeedBytes(Buffer.from(xml(RU_TITLE, "utf-8")), "text/xml; charset=windows-1251");
    expect(d).toMatchObject({ encoding: "utf-8", source: "xml-declaration" });
    expect(d.text).toContain(RU_TITLE);
    expect(d.warnings.join(" ")).toMatch(/valid UTF-8/);
  });

  it("ignores unknown charsets with a warning", () => {
    const d = decodeFeedBytes(Buffer.from(xml("x", "x-klingon")), 'text/xml; charset="bogus"');
    expect(d.encoding).toBe("utf-8");
    expect(d.warnings).toHaveLength(2);
  });

  it("decodes UTF-16 with and without BOM", () => {
    const s = xml(RU_TITLE, "utf-16");
    expect(
      decodeFeedBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(s, "utf-16be")])).text,
    ).toBe(s);
    expect(decodeFeedBytes(iconv.encode(s, "utf-16le"))).toMatchObject({ text: s, encoding: "utf-16le" });
    expect(decodeFeedBytes(iconv.encode(s, "utf-16be"))).toMatchObject({ text: s, encoding: "utf-16be" });
  });

  it("reads charset from Content-Type variants", () => {
    expect(charsetFromContentType('text/xml; charset="Windows-1251"')).toBe("Windows-1251");
    expect(charsetFromContentType("text/xml;charset=koi8-r;foo=bar")).toBe("koi8-r");
    expect(charsetFromContentType("text/xml")).toBeNull();
  });
});

describe("undeclared encodings beyond Cyrillic and Latin (chardet)", () => {
  const feed = (text: string) =>
    `<rss version="2.0"><channel><title>T</title><item><title>${text}</title><description>${text}</description></item></channel></rss>`;
  it.each([
    [
      "big5",
      "台北市政府今天宣布，明年起將擴大公共運輸補助，市民搭乘捷運與公車可享更多優惠。記者會上市長表示，這項政策預計惠及數十萬通勤族。",
    ],
    [
      "euc-jp",
      "東京都は今日、来年度から公共交通機関の補助を拡大すると発表しました。記者会見で知事は、この政策が数十万人の通勤者に恩恵をもたらすと述べました。",
    ],
    [
      "shift_jis",
      "大阪市は本日、新しい図書館の建設計画を発表しました。市長によると、完成は三年後の予定で、地域の子どもたちが利用できる学習スペースも設けられます。",
    ],
    [
      "windows-1255",
      "עיריית תל אביב הודיעה היום כי בשנה הבאה תורחב התחבורה הציבורית בעיר, וראש העירייה אמר כי התוכנית תסייע לעשרות אלפי תושבים.",
    ],
    [
      "windows-1256",
      "أعلنت الحكومة اليوم عن إجراءات جديدة للنقل العام في المدينة، وقال الوزير إن الخطة ستفيد آلاف السكان.",
    ],
    ["iso-8859-7", "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για τις δημόσιες συγκοινωνίες."],
  ])("decodes undeclared %s correctly instead of as KOI8-R mojibake", (enc, text) => {
    const d = decodeFeedBytes(iconv.encode(feed(text), enc));
    expect(d.text).toContain(text);
    expect(d.source).toBe("detected");
    expect(d.warnings.join()).toMatch(/chardet confidence/);
  });
  it.each([
    ["big5", "台北市政府"],
    ["windows-1255", "עיריית תל אביב"],
    ["euc-kr", "서울시는"],
  ])(
    "refuses a short undeclared %s headline rather than store a guess the detector rules out",
    (enc, text) => {
      const titleOnly = `<rss version="2.0"><channel><title>T</title><item><title>${text}</title></item></channel></rss>`;
      expect(() => decodeFeedBytes(iconv.encode(titleOnly, enc))).toThrow(FeedParseError);
    },
  );
  it("still reads a short undeclared Russian or Serbian headline with its own statistics", () => {
    expect(decodeFeedBytes(iconv.encode(feed("Путин в Москве"), "windows-1251")).text).toContain(
      "Путин в Москве",
    );
    expect(decodeFeedBytes(iconv.encode(feed("Vučić u Moskvi"), "windows-1250")).text).toContain(
      "Vučić u Moskvi",
    );
  });
});

describe("decodeHtmlBytes", () => {
  const page = (meta: string, text: string) =>
    `<!DOCTYPE html><html><head>${meta}<title>t</title></head><body><p>${text}</p></body></html>`;
  const ru = "Москва готовится к зиме: городские службы проверили отопление";
  it("reads <meta charset> and <meta http-equiv>", () => {
    const a = decodeHtmlBytes(iconv.encode(page('<meta charset="windows-1251">', ru), "windows-1251"));
    expect([a.encoding, a.source]).toEqual(["windows-1251", "meta"]);
    expect(a.text).toContain(ru);
    const b = decodeHtmlBytes(
      iconv.encode(
        page('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', ru),
        "koi8-r",
      ),
    );
    expect([b.encoding, b.source]).toEqual(["koi8-r", "meta"]);
    expect(b.text).toContain(ru);
  });
  it("prefers the Content-Type header, and valid UTF-8 over a wrong legacy label", () => {
    const bytes = iconv.encode(page('<meta charset="utf-8">', ru), "windows-1251");
    const r = decodeHtmlBytes(bytes, "text/html; charset=windows-1251");
    expect([r.encoding, r.source]).toEqual(["windows-1251", "header"]);
    expect(r.text).toContain(ru);
    const utf8 = decodeHtmlBytes(Buffer.from(page('<meta charset="windows-1251">', ru)));
    expect(utf8.encoding).toBe("utf-8");
    expect(utf8.text).toContain(ru);
  });
  it("detects an undeclared legacy page", () => {
    const r = decodeHtmlBytes(iconv.encode(page("", ru), "windows-1251"));
    expect([r.encoding, r.source]).toEqual(["windows-1251", "detected"]);
  });
});
