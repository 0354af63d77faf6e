import { describe, expect, it } from "vitest";
import { formatTable, pageTable } from "../src/commands/sources";

describe("sources health: the article pages section", () => {
  it("shows each full-text outlet's page outcomes, median length and latest failure", () => {
    const table = formatTable(
      pageTable([
        {
          outlet_id: "danas",
          fulltext: true,
          fetched: 40,
          extracted: 36,
          fell_back: 4,
          failed: 2,
          blocked_robots: 1,
          waiting: 3,
          retrying: 1,
          median_length: 2480,
          last_fetched_at: new Date(Date.now() - 90_000),
          last_failure: "failed: timeout: timed out after 30000 ms",
        },
        {
          outlet_id: "old",
          fulltext: false,
          fetched: 0,
          extracted: 0,
          fell_back: 0,
          failed: 0,
          blocked_robots: 3,
          waiting: 0,
          retrying: 0,
          median_length: null,
          last_fetched_at: null,
          last_failure: null,
        },
      ]),
    );
    const [header, , danas, old] = table.split("\n");
    expect(header).toMatch(
      /^outlet +full text +fetched +extracted +summary kept +failed +robots\.txt +waiting +retrying +median chars +last page +last failure$/,
    );
    expect(danas).toMatch(
      /^danas +on +40 +36 +4 +2 +1 +3 +1 +2480 +90s ago +failed: timeout: timed out after 30000 ms$/,
    );
    expect(old).toMatch(/^old +off +0 +0 +0 +0 +3 +0 +0 +never$/);
  });
});
