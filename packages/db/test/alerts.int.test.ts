import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alertArticles,
  findAlertQuery,
  listAlertQueries,
  listAlerts,
  loadAlertSeries,
  loadDigestData,
  markAlertDelivered,
  type NewAlert,
  pendingAlertDeliveries,
  recordEpisode,
  removeAlertQuery,
  saveAlertQuery,
  setAlertQueryActive,
} from "../src/index";
import { createTestOutlets, storeTestArticles } from "../test-support/articles";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database";

// Saved queries, the series the detector reads (one theme from the count views, several from the
// articles), alerts and their deliveries, against a real Postgres.

let t: TestDatabase;
const days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-09"];

beforeAll(async () => {
  t = await createTestDatabase();
  await createTestOutlets(t.db, [
    { id: "rs-a", country: "RS", collections: ["serbia-national"] },
    { id: "rs-b", country: "RS" },
    { id: "ru-a", country: "RU", collections: ["russian-state-in-serbian"] },
  ]);
  // rs-a: 20 articles a day; i % 4 == 0 kosovo, i % 5 == 0 putin (i = 0, 20: both), i % 10 == 1 vucic.
  const mix = (i: number) => [
    ...(i % 4 === 0 ? ["kosovo"] : []),
    ...(i % 5 === 0 ? ["putin"] : []),
    ...(i % 10 === 1 ? ["vucic"] : []),
  ];
  for (const day of days) {
    await storeTestArticles(t.db, { outlet: "rs-a", day, count: 20, themesOf: mix });
    await storeTestArticles(t.db, {
      outlet: "rs-a",
      day,
      count: 5,
      lang: "en",
      tag: "en",
      themesOf: () => ["kosovo"],
    });
    await storeTestArticles(t.db, {
      outlet: "rs-b",
      day,
      count: 10,
      themesOf: (i) => (i < 2 ? ["putin"] : []),
    });
    await storeTestArticles(t.db, {
      outlet: "ru-a",
      day,
      count: 8,
      lang: "ru",
      script: "Cyrl",
      themesOf: () => ["putin"],
    });
  }
});
afterAll(() => t.destroy());

const q = (over: Partial<Parameters<typeof saveAlertQuery>[1]> = {}) => ({
  name: "Kosovo or Putin in RS",
  themes: ["kosovo", "putin"],
  granularity: "day" as const,
  ...over,
});
const filters: {
  langs: string[];
  countries: string[];
  outlets: string[];
  collections: string[];
  scripts: string[];
} = {
  langs: [],
  countries: [],
  outlets: [],
  collections: [],
  scripts: [],
};

describe("saved queries", () => {
  it("adds, replaces (by name, any case), lists, pauses and removes them", async () => {
    const a = await saveAlertQuery(t.db, q({ recipients: ["Analyst@Example.org", "analyst@example.org "] }));
    expect(a.created).toBe(true);
    expect(a.query).toMatchObject({
      themes: ["kosovo", "putin"],
      recipients: ["analyst@example.org"],
      active: true,
    });
    const b = await saveAlertQuery(
      t.db,
      q({ name: "kosovo OR putin in rs", countries: ["rs"], langs: ["SR"] }),
    );
    expect(b).toMatchObject({ created: false, query: { id: a.query.id, countries: ["RS"], langs: ["sr"] } });
    expect((await listAlertQueries(t.db)).map((x) => x.name)).toEqual(["kosovo OR putin in rs"]);
    expect(await setAlertQueryActive(t.db, "KOSOVO or putin in RS", false)).toBe(true);
    expect(await listAlertQueries(t.db, { activeOnly: true })).toEqual([]);
    expect(await removeAlertQuery(t.db, "kosovo or putin in rs")).toBe(true);
    expect(await removeAlertQuery(t.db, "kosovo or putin in rs")).toBe(false);
    expect(await findAlertQuery(t.db, "kosovo or putin in rs")).toBeUndefined();
  });

  it("refuses what is not a query", async () => {
    await expect(saveAlertQuery(t.db, q({ themes: [] }))).rejects.toThrow(/at least one theme/);
    await expect(saveAlertQuery(t.db, q({ name: "  " }))).rejects.toThrow(/name/);
    await expect(saveAlertQuery(t.db, q({ recipients: ["not-an-address"] }))).rejects.toThrow(
      /not an e-mail/,
    );
    await expect(saveAlertQuery(t.db, q({ directions: ["sideways" as "up"] }))).rejects.toThrow(/directions/);
    await expect(saveAlertQuery(t.db, q({ scripts: ["greek"] }))).rejects.toThrow(/not a script: "greek"/);
  });

  it("stores scripts as the count tables write them", async () => {
    const { query } = await saveAlertQuery(
      t.db,
      q({ name: "by script", scripts: ["cyrillic", "LATN", "Cyrl"] }),
    );
    expect(query.scripts).toEqual(["Cyrl", "Latn"]);
    await removeAlertQuery(t.db, "by script");
  });
});

describe("loadAlertSeries", () => {
  const range = { from: "2026-03-01", to: "2026-03-10" };

  it("reads one theme from the count views, per day, outlet and language", async () => {
    const rows = await loadAlertSeries(t.db, { ...filters, themes: ["kosovo"], granularity: "day" }, range);
    expect(rows.filter((r) => r.period === "2026-03-02")).toEqual([
      { period: "2026-03-02", outlet: "rs-a", lang: "en", mentions: 5, articles: 5 },
      { period: "2026-03-02", outlet: "rs-a", lang: "sr", mentions: 5, articles: 20 },
      { period: "2026-03-02", outlet: "rs-b", lang: "sr", mentions: 0, articles: 10 },
      { period: "2026-03-02", outlet: "ru-a", lang: "ru", mentions: 0, articles: 8 },
    ]);
    // no articles on 2026-03-05: no row (the detector reads that as no data, not as zero)
    expect(rows.some((r) => r.period === "2026-03-05")).toBe(false);
  });

  it("counts an article tagged with several themes of a set once", async () => {
    const rows = await loadAlertSeries(
      t.db,
      { ...filters, themes: ["kosovo", "putin"], granularity: "day" },
      range,
    );
    // rs-a sr: i % 4 == 0 (5) or i % 5 == 0 (4), minus both (i = 0: 1 of 20) = 8
    expect(
      rows.find((r) => r.period === "2026-03-02" && r.outlet === "rs-a" && r.lang === "sr"),
    ).toMatchObject({
      mentions: 8,
      articles: 20,
    });
    const kosovo = await sql<{ n: number }>`
      SELECT sum(mentions)::int AS n FROM analytics.theme_daily WHERE theme IN ('kosovo', 'putin') AND day = '2026-03-02'`.execute(
      t.db,
    );
    const union = rows.filter((r) => r.period === "2026-03-02").reduce((s, r) => s + r.mentions, 0);
    expect(union).toBe(kosovo.rows[0]!.n - 1);
  });

  it("gives a one-theme set the same series as the count views, by day and by week", async () => {
    for (const granularity of ["day", "week"] as const) {
      const views = await loadAlertSeries(t.db, { ...filters, themes: ["putin"], granularity }, range);
      // The set path, forced: the same theme twice is still one theme's articles.
      const articles = await loadAlertSeries(
        t.db,
        { ...filters, themes: ["putin", "putin"], granularity },
        range,
      );
      expect(articles).toEqual(views);
      expect(views.length).toBeGreaterThan(0);
    }
    const weekly = await loadAlertSeries(t.db, { ...filters, themes: ["putin"], granularity: "week" }, range);
    expect(new Set(weekly.map((r) => r.period))).toEqual(new Set(["2026-03-02", "2026-03-09"]));
    expect(weekly.find((r) => r.period === "2026-03-02" && r.outlet === "ru-a")).toMatchObject({
      mentions: 24,
      articles: 24,
    });
  });

  it("filters by language, script, outlet country, outlet and collection", async () => {
    const load = (f: Partial<typeof filters>, themes = ["kosovo", "putin"]) =>
      loadAlertSeries(
        t.db,
        { ...filters, ...f, themes, granularity: "day" },
        { from: "2026-03-02", to: "2026-03-02" },
      );
    const outlets = async (f: Partial<typeof filters>, themes?: string[]) =>
      [...new Set((await load(f, themes)).map((r) => `${r.outlet}|${r.lang}`))].sort();
    for (const themes of [["putin"], ["kosovo", "putin"]]) {
      expect(await outlets({ countries: ["RS"] }, themes)).toEqual(["rs-a|en", "rs-a|sr", "rs-b|sr"]);
      expect(await outlets({ langs: ["ru", "en"] }, themes)).toEqual(["rs-a|en", "ru-a|ru"]);
      expect(await outlets({ outlets: ["rs-b"] }, themes)).toEqual(["rs-b|sr"]);
      expect(await outlets({ collections: ["serbia-national", "russian-state-in-serbian"] }, themes)).toEqual(
        ["rs-a|en", "rs-a|sr", "ru-a|ru"],
      );
      expect(
        await outlets({ countries: ["RS"], langs: ["sr"], collections: ["serbia-national"] }, themes),
      ).toEqual(["rs-a|sr"]);
      expect(await outlets({ scripts: ["Cyrl"] }, themes)).toEqual(["ru-a|ru"]);
      expect(await outlets({ scripts: ["Latn"], langs: ["sr", "ru"] }, themes)).toEqual([
        "rs-a|sr",
        "rs-b|sr",
      ]);
      expect(await outlets({ scripts: ["mixed"] }, themes)).toEqual([]);
    }
  });

  it("finds the articles behind an alert", async () => {
    const rows = await alertArticles(
      t.db,
      { ...filters, themes: ["putin"], countries: ["RS"] },
      { from: "2026-03-09", to: "2026-03-09" },
      3,
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.published_at.toISOString().startsWith("2026-03-09"))).toBe(true);
    expect(rows[0]!.published_at >= rows[2]!.published_at).toBe(true);
    const cyrillic = await alertArticles(
      t.db,
      { ...filters, themes: ["putin"], scripts: ["Cyrl"] },
      { from: "2026-03-09", to: "2026-03-09" },
      50,
    );
    expect(cyrillic).toHaveLength(8);
    expect(cyrillic.every((r) => r.outlet_name === "ru-a" || r.title.includes("ru-a"))).toBe(true);
  });
});

describe("alerts", () => {
  let queryId: number;
  const alert = (over: Partial<NewAlert> = {}): NewAlert => ({
    queryId,
    granularity: "day",
    direction: "up",
    period: "2026-03-03",
    lastPeriod: "2026-03-04",
    shift: false,
    mentions: 12,
    articles: 43,
    share: 12 / 43,
    expectedShare: 0.1,
    baselineShare: 0.1,
    baselineSpread: 0.02,
    baselinePeriods: 28,
    z: 5.1,
    pValue: 1.7e-7,
    method: "nb",
    message: "Putin: 27.9% of articles",
    ...over,
  });
  const options = (raise = true) => ({
    raise,
    sameEpisodeFrom: "2026-02-28",
    recipients: ["a@example.org", "b@example.org"],
    messageId: (id: number, email: string) => `<alert-${id}-${email.length}@test>`,
  });

  beforeAll(async () => {
    queryId = (await saveAlertQuery(t.db, { name: "Putin", themes: ["putin"], granularity: "day" })).query.id;
  });

  it("stores an episode once, with a delivery per recipient, and extends it on later runs", async () => {
    const first = await recordEpisode(t.db, alert(), options());
    expect(first.outcome).toBe("raised");
    expect(await recordEpisode(t.db, alert(), options())).toMatchObject({
      outcome: "extended",
      alertId: first.alertId,
    });
    // Late data moved the episode's start by a day: still the same episode.
    const moved = await recordEpisode(
      t.db,
      alert({ period: "2026-03-04", lastPeriod: "2026-03-06" }),
      options(),
    );
    expect(moved).toMatchObject({ outcome: "extended", alertId: first.alertId });
    const rows = await listAlerts(t.db, { queryId });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      period: "2026-03-03",
      last_period: "2026-03-06",
      query: "Putin",
      themes: ["putin"],
    });
    expect(await pendingAlertDeliveries(t.db)).toHaveLength(2);
    // An episode that is not to be raised (it started before the run's horizon) is not stored.
    expect(
      await recordEpisode(t.db, alert({ period: "2026-01-05", lastPeriod: "2026-01-06" }), {
        ...options(false),
        sameEpisodeFrom: "2026-01-02",
      }),
    ).toEqual({ outcome: "ignored" });
    // A later, separate episode is a new alert.
    const later = await recordEpisode(t.db, alert({ period: "2026-03-20", lastPeriod: "2026-03-20" }), {
      ...options(),
      sameEpisodeFrom: "2026-03-17",
    });
    expect(later.outcome).toBe("raised");
  });

  it("lists alerts for a chart: by query or theme, overlapping a range", async () => {
    expect(
      (await listAlerts(t.db, { theme: "putin", from: "2026-03-05", to: "2026-03-10" })).map((a) => a.period),
    ).toEqual(["2026-03-03"]);
    expect((await listAlerts(t.db, { query: "PUTIN" })).map((a) => a.period)).toEqual([
      "2026-03-03",
      "2026-03-20",
    ]);
    expect(await listAlerts(t.db, { theme: "kosovo" })).toEqual([]);
    expect(
      (await listAlerts(t.db, { startingFrom: "2026-03-16", startingTo: "2026-03-22" })).map((a) => a.period),
    ).toEqual(["2026-03-20"]);
  });

  it("marks deliveries sent once", async () => {
    const before = await pendingAlertDeliveries(t.db);
    const [p] = before;
    expect(await markAlertDelivered(t.db, { alertId: p!.alert.id, email: p!.email })).toBe(true);
    expect(await markAlertDelivered(t.db, { alertId: p!.alert.id, email: p!.email })).toBe(false);
    const after = await pendingAlertDeliveries(t.db);
    expect(after).toHaveLength(before.length - 1);
    expect(after.some((x) => x.alert.id === p!.alert.id && x.email === p!.email)).toBe(false);
  });

  it("lists the week's alerts in the digest", async () => {
    const data = await loadDigestData(t.db, "2026-03-16");
    expect(data.alerts).toEqual([
      {
        query: "Putin",
        themes: ["putin"],
        granularity: "day",
        direction: "up",
        period: "2026-03-20",
        message: "Putin: 27.9% of articles",
      },
    ]);
  });

  it("shows analysts the alerts but not who is notified", async () => {
    const asAnalyst = (statement: string) =>
      t.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL ROLE vesti_analyst`.execute(trx);
        return (await sql.raw(statement).execute(trx)).rows;
      });
    const rows = (await asAnalyst("SELECT * FROM analytics.alerts ORDER BY period")) as Record<
      string,
      unknown
    >[];
    expect(rows.map((r) => r.period)).toEqual(["2026-03-03", "2026-03-20"]);
    expect(rows[0]).toMatchObject({ query: "Putin", emails_sent: 1, share: 12 / 43, z: 5.1 });
    expect(JSON.stringify(rows)).not.toContain("example.org");
    for (const table of ["alert_queries", "alert_deliveries", "alerts"])
      await expect(asAnalyst(`SELECT * FROM ${table}`)).rejects.toMatchObject({ code: "42501" });
  });

  it("deletes a query's alerts and deliveries with it", async () => {
    expect(await removeAlertQuery(t.db, "Putin")).toBe(true);
    expect(await listAlerts(t.db, {})).toEqual([]);
    expect(await pendingAlertDeliveries(t.db)).toEqual([]);
  });
});
