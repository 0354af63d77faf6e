import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SourceOutlet, syncSources } from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const base: SourceOutlet[] = [
  {
    id: "tass",
    name: "TASS",
    country: "RU",
    language: "ru",
    script: "Cyrl",
    timeZone: "Europe/Moscow",
    feeds: [{ url: "https://tass.ru/rss/v2.xml" }],
  },
  {
    id: "n1",
    name: "N1",
    country: "RS",
    language: "sr",
    script: "Latn",
    timeZone: "Europe/Belgrade",
    feeds: [{ url: "https://n1info.rs/feed/" }, { url: "https://n1info.rs/english/feed/", language: "en" }],
  },
];

describe("syncSources", () => {
  it("adds, then leaves unchanged, then changes and removes", async () => {
    const first = await syncSources(t.db, base);
    expect(first.outlets.added.sort()).toEqual(["n1", "tass"]);
    expect(first.feeds.added).toHaveLength(3);

    const again = await syncSources(t.db, base);
    expect(again.feeds).toEqual({ added: [], changed: [], removed: [], unchanged: 3 });

    const edited: SourceOutlet[] = [
      { ...base[0]!, name: "ТАСС" },
      { ...base[1]!, feeds: [{ url: "https://n1info.rs/feed/", note: "main" }] },
    ];
    const third = await syncSources(t.db, edited);
    expect(third.outlets.changed).toEqual(["tass"]);
    expect(third.feeds.changed).toEqual(["https://n1info.rs/feed/"]);
    expect(third.feeds.removed).toEqual(["https://n1info.rs/english/feed/"]);
    const removed = await t.db
      .selectFrom("feeds")
      .select("active")
      .where("url", "=", "https://n1info.rs/english/feed/")
      .executeTakeFirstOrThrow();
    expect(removed.active).toBe(false);

    const back = await syncSources(t.db, base);
    expect(back.feeds.changed.sort()).toEqual(["https://n1info.rs/english/feed/", "https://n1info.rs/feed/"]);
  });

  it("keeps ownership, alignment and collections, and reports a change to them", async () => {
    const labelled: SourceOutlet[] = [
      {
        ...base[0]!,
        ownership: "state-ru",
        alignment: "state-media",
        alignmentSource: "State Media Monitor",
        collections: ["russia-national", "russian-state"],
      },
      base[1]!,
    ];
    const first = await syncSources(t.db, labelled);
    expect(first.outlets.changed).toEqual(["tass"]);
    const row = await t.db
      .selectFrom("outlets")
      .select(["ownership", "alignment", "alignment_source", "collections"])
      .where("id", "=", "tass")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      ownership: "state-ru",
      alignment: "state-media",
      alignment_source: "State Media Monitor",
      collections: ["russia-national", "russian-state"],
    });
    const n1 = await t.db
      .selectFrom("outlets")
      .select(["ownership", "collections"])
      .where("id", "=", "n1")
      .executeTakeFirstOrThrow();
    expect(n1).toEqual({ ownership: "unknown", collections: [] });
    // the same collections in another order are no change
    const reordered = [{ ...labelled[0]!, collections: ["russian-state", "russia-national"] }, base[1]!];
    expect((await syncSources(t.db, reordered)).outlets.changed).toEqual([]);
    expect((await syncSources(t.db, base)).outlets.changed).toEqual(["tass"]);
  });

  it("refuses a feed listed under two outlets", async () => {
    const dup = [base[0]!, { ...base[1]!, feeds: [{ url: "https://tass.ru/rss/v2.xml" }] }];
    await expect(syncSources(t.db, dup)).rejects.toThrow(/listed twice/);
  });
});
