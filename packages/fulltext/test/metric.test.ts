import { describe, expect, it } from "vitest";
import { aggregateScores, shingleMatch, tokenize } from "../src/metric";

// Expected values worked out by hand from the benchmark's evaluate.py definitions.
describe("the article-extraction-benchmark metric", () => {
  it("tokenizes on word characters in any script, keeping case", () => {
    expect(tokenize("Вучић: „Kosovo je Srbija“ — 2026_x!")).toEqual([
      "Вучић",
      "Kosovo",
      "je",
      "Srbija",
      "2026_x",
    ]);
  });
  it("counts 4-token shingles, normalised to sum 1", () => {
    // truth: a b c d e → shingles abcd, bcde; prediction: a b c d x → abcd, bcdx
    expect(shingleMatch("a b c d e", "a b c d x")).toEqual({ tp: 1 / 3, fp: 1 / 3, fn: 1 / 3 });
    expect(shingleMatch("a b c d", "a b c d")).toEqual({ tp: 1, fp: 0, fn: 0 });
    expect(shingleMatch("", "")).toEqual({ tp: 0, fp: 0, fn: 0 });
  });
  it("treats a text of fewer than 4 tokens as one shingle", () => {
    expect(shingleMatch("a b", "a b")).toEqual({ tp: 1, fp: 0, fn: 0 });
    expect(shingleMatch("a b", "a c")).toEqual({ tp: 0, fp: 0.5, fn: 0.5 });
  });
  it("averages precision and recall over pages, then takes F1 of the averages", () => {
    const s = aggregateScores([
      shingleMatch("a b c d", "a b c d"), // P 1, R 1
      shingleMatch("a b c d e", "a b c d"), // P 1, R 0.5
      shingleMatch("", "x y z w"), // P 0; no truth: not in recall
      shingleMatch("", ""), // in neither mean
    ]);
    expect(s.precision).toBeCloseTo(2 / 3);
    expect(s.recall).toBeCloseTo(0.75);
    expect(s.f1).toBeCloseTo((2 * (2 / 3) * 0.75) / (2 / 3 + 0.75));
    expect([s.precisionPages, s.recallPages]).toEqual([3, 2]);
  });
});
