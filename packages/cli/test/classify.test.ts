import { PassThrough, Readable } from "node:stream";
import { preloadLexicons } from "@vesti/langid";
import { defaultTaxonomy } from "@vesti/themes";
import { beforeAll, describe, expect, it } from "vitest";
import { classifyStream } from "../src/commands/classify";

// Loading the language dictionaries takes a second or two, more on a busy machine.
beforeAll(() => preloadLexicons(), 60_000);

async function run(lines: string[], explain = false) {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString()));
  const errors = await classifyStream(Readable.from(lines.map((l) => `${l}\n`)), out, defaultTaxonomy(), {
    explain,
  });
  out.end();
  return {
    errors,
    rows: chunks
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("vesti classify", () => {
  it("writes one line per input with language, script and themes", async () => {
    const { errors, rows } = await run([
      JSON.stringify({ id: "a", title: "Вучић разговарао са Путином о Косову" }),
      JSON.stringify({
        id: 2,
        title: "Путин провёл переговоры в Кремле",
        summary: "Стороны обсудили энергетику.",
      }),
      JSON.stringify({ title: "Stock markets rise as inflation slows in the eurozone" }),
    ]);
    expect(errors).toBe(0);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ id: "a", lang: "sr", script: "Cyrl" });
    expect((rows[0]!.themes as { id: string }[]).map((t) => t.id).sort()).toEqual([
      "kosovo",
      "putin",
      "vucic",
    ]);
    expect(rows[1]).toMatchObject({ id: 2, lang: "ru", script: "Cyrl" });
    expect(rows[2]).toMatchObject({ lang: "en", script: "Latn", themes: [] });
    const evidence = (
      rows[0]!.themes as { evidence: { field: string; start: number; end: number; text: string }[] }[]
    )[0]!.evidence[0]!;
    expect("Вучић разговарао са Путином о Косову".slice(evidence.start, evidence.end)).toBe(evidence.text);
  });

  it("reports malformed lines with their line number and goes on", async () => {
    const { errors, rows } = await run([
      "{not json",
      JSON.stringify({ id: "no-title", summary: "x" }),
      JSON.stringify({ id: "ok", title: "Kosovo i Metohija" }),
    ]);
    expect(errors).toBe(2);
    expect(rows[0]).toMatchObject({ line: 1 });
    expect(String(rows[0]!.error)).toMatch(/JSON/);
    expect(rows[1]).toMatchObject({ line: 2 });
    expect(String(rows[1]!.error)).toMatch(/title/);
    expect(rows[2]).toMatchObject({ id: "ok", lang: "sr" });
  });

  it("--explain adds the evidence that decided the language", async () => {
    const { errors, rows } = await run(
      [
        JSON.stringify({ id: "lat", title: "Dacic u Pekingu", feedLanguage: "sr", country: "RS" }),
        JSON.stringify({ id: "cyr", title: "Протест у центру града" }),
      ],
      true,
    );
    expect(errors).toBe(0);
    const lat = rows[0]!;
    expect(lat).toMatchObject({ id: "lat", lang: "sr", script: "Latn" });
    const ev = lat.langEvidence as {
      hints: { feedLanguage: string; country: string };
      candidates: { lang: string; total: number; words: number }[];
      functionWords: string[];
      dictionary: { word: string; known: string[] }[];
      dictionaryHits: Record<string, number>;
      franc: { weight: number; scores: Record<string, number> };
    };
    expect(ev.hints).toMatchObject({ feedLanguage: "sr", country: "RS" });
    expect(ev.candidates[0]!.lang).toBe("sr");
    expect(ev.functionWords).toContain("u");
    expect(ev.dictionary.find((d) => d.word === "pekingu")?.known).toContain("sr");
    expect(ev.dictionaryHits.sr).toBeGreaterThan(ev.dictionaryHits.en ?? 0);
    expect(ev.franc.weight).toBeGreaterThan(0);
    const cyr = rows[1]!;
    expect(cyr).toMatchObject({ id: "cyr", lang: "sr", script: "Cyrl" });
    expect((cyr.langEvidence as { foreignLetters: Record<string, number> }).foreignLetters).toHaveProperty(
      "ru",
    );
  });

  it("without --explain there is no evidence", async () => {
    const { rows } = await run([JSON.stringify({ title: "Dacic u Pekingu" })]);
    expect(rows[0]).not.toHaveProperty("langEvidence");
  });
});
