import { PassThrough, Readable } from "node:stream";
import { defaultTaxonomy } from "@vesti/themes";
import { describe, expect, it } from "vitest";
import { classifyStream } from "../src/commands/classify";

async function run(lines: string[]) {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString()));
  const errors = await classifyStream(Readable.from(lines.map((l) => `${l}\n`)), out, defaultTaxonomy());
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
});
