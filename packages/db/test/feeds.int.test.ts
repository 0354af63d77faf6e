import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedHealth, findDueFeeds, pruneFetchLog, recordFetch, syncSources } from "../src/index";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

let t: TestDatabase;
let ids: number[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
  await syncSources(t.db, [
    {
      id: "rts",
      name: "RTS",
      country: "RS",
      language: "sr",
      timeZone: "Europe/Belgrade",
      feeds: [{ url: "http://a.example/1" }, { url: "http://a.example/2" }, { url: "http://a.example/3" }],
    },
  ]);
  ids = (await t.db.selectFrom("feeds").select("id").orderBy("id").execute()).map((r) => r.id);
});
afterAll(() => t.destroy());

const outcome = (startedAt: Date, over: Partial<Parameters<typeof recordFetch>[2]> = {}) => ({
  startedAt,
  durationMs: 12,
  status: 200,
  outcome: "ok",
  itemsFound: 3,
  itemsNew: 2,
  encoding: "utf-8",
  error: null,
  nextFetchAt: new Date(Date.now() + 3600_000),
  intervalSeconds: 3600,
  failureCount: 0,
  failing: false,
  ...over,
});

describe("feed polling state", () => {
  it("finds due feeds, records outcomes and reports each feed's health", async () => {
    expect((await findDueFeeds(t.db, new Date())).map((f) => f.id).sort((a, b) => a - b)).toEqual(ids);
    await recordFetch(t.db, ids[0]!, outcome(new Date()));
    await recordFetch(
      t.db,
      ids[1]!,
      outcome(new Date(), {
        outcome: "error",
        status: 410,
        itemsFound: 0,
        itemsNew: 0,
        error: "gone: HTTP 410",
        failureCount: 1,
        failing: true,
      }),
    );
    expect((await findDueFeeds(t.db, new Date())).map((f) => f.id)).toEqual([ids[2]]);
    const health = await feedHealth(t.db);
    expect(health.map((h) => h.state)).toEqual(["ok", "failing", "never fetched"]);
    expect(health[0]!.items_new).toBe(2);
    expect(health[0]!.last_new_item_at).not.toBeNull();
    expect(health[1]!.last_error).toBe("gone: HTTP 410");
  });

  it("prunes fetch history older than the retention, and only that", async () => {
    const old = new Date(Date.now() - 40 * 86400_000);
    await recordFetch(t.db, ids[2]!, outcome(old));
    await recordFetch(t.db, ids[2]!, outcome(new Date()));
    expect(await pruneFetchLog(t.db, 30)).toBe(1);
    expect(await pruneFetchLog(t.db, 30)).toBe(0);
    const left = await t.db
      .selectFrom("feed_fetches")
      .select("started_at")
      .where("feed_id", "=", ids[2]!)
      .execute();
    expect(left).toHaveLength(1);
  });

  it("records where a moved feed went, keeps the first sighting, and forgets it when the move is gone", async () => {
    const feed = ids[0]!;
    const moved = () =>
      t.db
        .selectFrom("feeds")
        .select(["moved_to", "moved_at"])
        .where("id", "=", feed)
        .executeTakeFirstOrThrow();
    const t1 = new Date("2026-11-01T10:00:00Z");
    await recordFetch(t.db, feed, outcome(t1, { movedTo: "https://b.example/rss" }));
    expect(await moved()).toEqual({ moved_to: "https://b.example/rss", moved_at: t1 });
    await recordFetch(
      t.db,
      feed,
      outcome(new Date("2026-11-02T10:00:00Z"), { movedTo: "https://b.example/rss" }),
    );
    expect((await moved()).moved_at).toEqual(t1);
    // an error says nothing about redirects: the record stays
    await recordFetch(
      t.db,
      feed,
      outcome(new Date(), { outcome: "error", error: "timeout", failureCount: 1 }),
    );
    expect((await moved()).moved_to).toBe("https://b.example/rss");
    expect((await feedHealth(t.db))[0]!.moved_to).toBe("https://b.example/rss");
    await recordFetch(t.db, feed, outcome(new Date(), { movedTo: null }));
    expect(await moved()).toEqual({ moved_to: null, moved_at: null });
  });
});
