import { describe, expect, it } from "vitest";
import { renderRows } from "../src/output";
import { sparkline } from "../src/report";

describe("renderRows", () => {
  const rows = [
    { outlet: "rts", articles: 1200, share: null },
    { outlet: "novosti", articles: 7, share: 0.25 },
  ];

  it("aligns a table: text left, numbers right, a rule under the header", () => {
    expect(renderRows(rows, "table")).toBe(
      [
        "outlet   articles  share",
        "-------  --------  -----",
        "rts          1200",
        "novosti         7   0.25",
        "",
      ].join("\n"),
    );
  });

  it("writes CSV with quoting where a field needs it", () => {
    const csv = renderRows(
      [
        { title: 'Vučić: "Kosovo", danas', n: 1 },
        { title: " lead", n: 2 },
      ],
      "csv",
    );
    expect(csv).toBe('title,n\n"Vučić: ""Kosovo"", danas",1\n" lead",2\n');
  });

  it("writes JSON with every column, null for missing values", () => {
    expect(JSON.parse(renderRows(rows, "json", { columns: ["outlet", "share"] }))).toEqual([
      { outlet: "rts", share: null },
      { outlet: "novosti", share: 0.25 },
    ]);
  });

  it("keeps Cyrillic columns aligned and flattens line breaks inside cells", () => {
    const out = renderRows(
      [
        { a: "Вучич", b: "x" },
        { a: "Si\nĐinping", b: "y" },
      ],
      "table",
    );
    expect(out).toBe(["a           b", "----------  -", "Вучич       x", "Si Đinping  y", ""].join("\n"));
    expect(out).toContain("Si Đinping");
  });

  it("prints the empty message for no rows in a table only", () => {
    expect(renderRows([], "table", { empty: "(none)" })).toBe("(none)\n");
    expect(renderRows([], "csv", { columns: ["a"] })).toBe("a\n");
  });
});

describe("sparkline", () => {
  it("scales bars to the largest share, shows zero as a space and missing data as a dot", () => {
    expect(sparkline([0.1, 0.2, null, 0, 0.05])).toBe("▅█· ▃");
    expect(sparkline([null, null])).toBe("··");
  });
});
