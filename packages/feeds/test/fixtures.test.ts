// Real feed files kept outside the repo (/work/shared/fixtures/feeds, or $VESTI_SHARED_DIR/fixtures/feeds).
// They are read by path and never copied into the repository.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readFeed } from "../src/index";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env["VESTI_SHARED_DIR"]
  ? resolve(process.env["VESTI_SHARED_DIR"], "fixtures/feeds")
  : resolve(here, "../../../../shared/fixtures/feeds");
const present = existsSync(resolve(dir, "PROVENANCE.md"));

// Expected values from PROVENANCE.md: encoding, item count (after in-feed dedupe), Cyrillic expected.
const EXPECTED: [file: string, encoding: string, items: number, cyrillic: boolean][] = [
  ["lenta-2016.xml", "utf-8", 7, true],
  ["lenta-2022.xml", "utf-8", 198, true], // 200 items, 2 byte-identical duplicates
  ["meduza.xml", "utf-8", 3, true],
  ["vedomosti.xml", "utf-8", 3, true],
  ["empty-rss-stub.xml", "utf-8", 0, false],
  ["ibash-windows-1251.xml", "windows-1251", 50, true],
  ["miniflux-koi8r.xml", "koi8-r", 2, true],
  ["feedparser-koi8r-undeclared.xml", "koi8-r", 1, true],
  ["jn-iso-8859-1.xml", "iso-8859-1", 40, false],
];

describe.runIf(present)(`real feed fixtures in ${dir}`, () => {
  const opts = {
    feedUrl: "https://fixtures.invalid/feed",
    timeZone: "Europe/Moscow",
    fetchedAt: new Date("2027-01-01T00:00:00Z"),
  };
  for (const [file, encoding, count, cyrillic] of EXPECTED) {
    it(`${file}: ${encoding}, ${count} items, clean text`, async () => {
      const r = await readFeed(readFileSync(resolve(dir, file)), opts);
      expect(r.encoding).toBe(encoding);
      expect(r.items).toHaveLength(count);
      const text = JSON.stringify({ meta: r.meta, items: r.items });
      expect(text).not.toContain("\ufffd");
      expect(text).not.toMatch(/[\u0080-\u009f]/);
      if (cyrillic) {
        expect(r.items.every((i) => /[а-яё]/i.test(`${i.title}`))).toBe(true);
        // Right code page: mostly lower-case Cyrillic (the wrong KOI8-R/cp1251 mapping swaps cases).
        const letters = text.match(/[а-яёА-ЯЁ]/g) ?? [];
        const lower = letters.filter((c) => c === c.toLowerCase()).length;
        expect(lower / letters.length).toBeGreaterThan(0.85);
      }
    });
  }

  it("lenta-2022: duplicate GUIDs reported; ibash: double-escaped HTML unescaped", async () => {
    const lenta = await readFeed(readFileSync(resolve(dir, "lenta-2022.xml")), opts);
    expect(lenta.warnings.join(" ")).toMatch(/2 duplicate/);
    const ibash = await readFeed(readFileSync(resolve(dir, "ibash-windows-1251.xml")), opts);
    const all = ibash.items.map((i) => i.summary ?? "").join(" ");
    expect(all).not.toMatch(/&quot;|&gt;|&lt;|<br/);
    expect(all).toContain('"');
  });

  it("jn: Portuguese accents survive, GMT dates with trailing whitespace parse, FeedBurner origLink used", async () => {
    const jn = await readFeed(readFileSync(resolve(dir, "jn-iso-8859-1.xml")), opts);
    expect(jn.meta.title).toBe("Jornal de Notícias - Últimas Notícias");
    expect(jn.items.every((i) => !i.publishedEstimated)).toBe(true);
    expect(jn.items.every((i) => i.guid === null && i.link?.startsWith("https://www.jn.pt/"))).toBe(true);
  });

  it("statistics alone pick the right code page when the declarations are removed (incl. the Latin-1 trap)", async () => {
    const cases: [string, string][] = [
      ["jn-iso-8859-1.xml", "iso-8859-1"],
      ["ibash-windows-1251.xml", "windows-1251"],
      ["miniflux-koi8r.xml", "koi8-r"],
    ];
    for (const [file, encoding] of cases) {
      const latin1 = readFileSync(resolve(dir, file))
        .toString("latin1")
        .replace(/encoding="[^"]*"/, "");
      const r = await readFeed(Buffer.from(latin1, "latin1"), opts);
      expect([file, r.encoding, r.encodingSource]).toEqual([file, encoding, "detected"]);
    }
  });

  it("meduza: NBSP becomes a plain space", async () => {
    const m = await readFeed(readFileSync(resolve(dir, "meduza.xml")), opts);
    expect(JSON.stringify(m.items)).not.toContain("\u00a0");
  });

  it("feedparser KOI8-R undeclared: guessed, no link, estimated date", async () => {
    const f = await readFeed(readFileSync(resolve(dir, "feedparser-koi8r-undeclared.xml")), opts);
    expect(f.encodingSource).toBe("detected");
    expect(f.items[0]).toMatchObject({
      title: "Как пережить новогоднюю ночь",
      link: null,
      publishedEstimated: true,
    });
  });
});

if (!present) {
  describe("real feed fixtures", () => {
    it.skip(`skipped: ${dir} not present (set VESTI_SHARED_DIR to run)`, () => {});
  });
}
