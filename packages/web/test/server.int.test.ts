import { addSubscriber, asAnalyst, createDb } from "@vesti/db";
import { createLogger } from "@vesti/runtime";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/test-support/test-database";
import { CONTENT_SECURITY_POLICY, startWebServer, type WebServer } from "../src/index";
import { HOSTILE, HOSTILE_DAY, NOW, seedWebFixture } from "../test-support/fixtures";

// The trends page's server against a real Postgres with demo data and hostile titles: numbers equal the
// views', everything read as vesti_analyst, feed strings escaped, parameters validated.

let t: TestDatabase;
let web: WebServer;
let guarded: WebServer;
const get = (path: string, init?: RequestInit) => fetch(`${web.url}${path}`, init);
const text = async (path: string) => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
};

function parseCsv(body: string): Record<string, string>[] {
  const [head, ...lines] = body.trimEnd().split("\r\n");
  const cols = head!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedWebFixture(t.db);
  const logger = createLogger("web-test", "silent");
  web = await startWebServer({ databaseUrl: t.url, port: 0, logger, now: () => NOW });
  guarded = await startWebServer({
    databaseUrl: t.url,
    port: 0,
    logger,
    auth: "analyst:pa:ss",
    now: () => NOW,
  });
});
afterAll(async () => {
  await web?.close();
  await guarded?.close();
  await t?.destroy();
});

describe("the trends page's server", () => {
  it("serves every page with a strict CSP and no inline script or style", async () => {
    for (const path of [
      "/",
      "/explore",
      "/compare",
      "/outlets",
      `/articles?theme=kosovo&by=week&period=${HOSTILE_DAY}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
      expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const body = await res.text();
      expect(body).not.toMatch(/<script(?![^>]*\bsrc="\/assets\/app\.js")[^>]*>/);
      // inside tags (feed text may say "onload=", escaped, as text)
      expect(body).not.toMatch(/<style|<[^>]*\sstyle=|<[^>]*\son[a-z]+=/i);
    }
  });

  it("serves the thesis CSV equal to analytics.aid_attention_weekly", async () => {
    const view = await sql<Record<string, unknown>>`
      SELECT * FROM analytics.aid_attention_weekly ORDER BY week_start`.execute(t.db);
    const csv = parseCsv(await text("/thesis.csv"));
    expect(csv.length).toBe(view.rows.length);
    expect(csv.length).toBeGreaterThan(8);
    for (const [i, row] of view.rows.entries())
      for (const [k, v] of Object.entries(row)) {
        const got = csv[i]![k];
        if (typeof v === "number") expect(Number(got), `${k} of ${row.week_start}`).toBe(v);
        else expect(got, k).toBe(v === null ? "" : String(v));
      }
  });

  it("serves explore CSVs equal to theme_weekly and theme_daily summed per period (week, month)", async () => {
    const weekly = await sql<{ period: string; mentions: number; articles: number }>`
      SELECT week_start AS period, sum(mentions)::int8 AS mentions, sum(articles)::int8 AS articles
      FROM analytics.theme_weekly WHERE theme = 'kosovo' AND country = 'RS' AND lang = ANY('{sr,en}')
      GROUP BY 1 ORDER BY 1`.execute(t.db);
    const csv = parseCsv(await text("/explore.csv?theme=kosovo&country=RS&lang=sr,en&by=week"));
    expect(csv.map((r) => [r.period, Number(r.mentions), Number(r.articles)])).toEqual(
      weekly.rows.map((r) => [r.period, r.mentions, r.articles]),
    );
    const monthly = await sql<{ period: string; mentions: number; articles: number }>`
      SELECT date_trunc('month', day)::date AS period, sum(mentions)::int8 AS mentions, sum(articles)::int8 AS articles
      FROM analytics.theme_daily WHERE theme = 'putin' AND outlet IN ('tass', 'ria', 'rg')
      GROUP BY 1 ORDER BY 1`.execute(t.db);
    const byCollection = parseCsv(await text("/explore.csv?theme=putin&collection=russia-state&by=month"));
    expect(byCollection.map((r) => [r.period, Number(r.mentions), Number(r.articles)])).toEqual(
      monthly.rows.map((r) => [r.period, r.mentions, r.articles]),
    );
    // week share = sum(mentions) / sum(articles)
    for (const r of byCollection)
      expect(Number(r.share)).toBeCloseTo(Number(r.mentions) / Number(r.articles), 12);
  });

  it("splits by a dimension into one series per value", async () => {
    const csv = parseCsv(await text("/explore.csv?theme=kosovo&split=country&by=week"));
    expect([...new Set(csv.map((r) => r.series))].sort()).toEqual(["kosovo.rs", "kosovo.ru"]);
    const svg = await text("/explore.svg?theme=kosovo&split=country");
    expect(svg).toContain('data-series="kosovo.rs"');
    expect(svg.startsWith("<?xml")).toBe(true);
  });

  it("filters and splits by script: one series per script, equal to theme_weekly per script", async () => {
    const view = await sql<{ script: string; period: string; mentions: number; articles: number }>`
      SELECT script, week_start AS period, sum(mentions)::int8 AS mentions, sum(articles)::int8 AS articles
      FROM analytics.theme_weekly WHERE theme = 'russian_aid' AND country = 'RS' AND lang = 'sr'
      GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.db);
    expect(new Set(view.rows.map((r) => r.script))).toEqual(new Set(["Cyrl", "Latn"]));
    const split = parseCsv(
      await text("/explore.csv?theme=russian_aid&country=RS&lang=sr&split=script&by=week"),
    );
    expect([...new Set(split.map((r) => r.series))].sort()).toEqual(["russian_aid.cyrl", "russian_aid.latn"]);
    expect(split.map((r) => [r.script, r.period, Number(r.mentions), Number(r.articles)])).toEqual(
      view.rows.map((r) => [r.script, r.period, r.mentions, r.articles]),
    );
    // a filter on one script (any spelling the schema takes) is that script's series
    const latin = parseCsv(
      await text("/explore.csv?theme=russian_aid&country=RS&lang=sr&script=latin&by=week"),
    );
    expect(latin.map((r) => [r.script, r.period, Number(r.mentions), Number(r.articles)])).toEqual(
      view.rows.filter((r) => r.script === "Latn").map((r) => [r.script, r.period, r.mentions, r.articles]),
    );
    // the scripts add up to the series without the split
    const whole = parseCsv(await text("/explore.csv?theme=russian_aid&country=RS&lang=sr&by=week"));
    const sum = (rows: Record<string, string>[], period: string) =>
      rows.filter((r) => r.period === period).reduce((n, r) => n + Number(r.articles), 0);
    for (const r of whole) expect(Number(r.articles), r.period).toBe(sum(split, r.period!));
    // the form offers the script as a filter (with the scripts' names) and as a split
    const page = await text("/explore?theme=russian_aid&split=script");
    expect(page).toMatch(
      /<select name="script" multiple[^>]*>.*<option value="Cyrl">Cyrillic \(Cyrl\)<\/option>/,
    );
    expect(page).toContain('<option value="script" selected>by script</option>');
    expect(page).toContain('data-series="russian_aid.latn"');
    // a point of a script's series lists that script's articles only
    const point = view.rows.find((r) => r.script === "Cyrl" && r.mentions > 0)!;
    const articles = await text(
      `/articles?theme=russian_aid&country=RS&lang=sr&script=Cyrl&by=week&period=${point.period}&order=time`,
    );
    expect(articles).toContain(`data-total="${point.mentions}"`);
    expect((await get("/explore?theme=kosovo&script=Glagolitic")).status).toBe(400);
  });

  it("lists a point's articles: as many as the point's mentions, evidence marked, hostile strings as text", async () => {
    const mentions = await sql<{ mentions: number }>`
      SELECT sum(mentions)::int8 AS mentions FROM analytics.theme_weekly
      WHERE theme = 'kosovo' AND country = 'RS' AND week_start = '2026-11-16'`.execute(t.db);
    const body = await text("/articles?theme=kosovo&country=RS&by=week&period=2026-11-16&order=time");
    expect(body).toContain(`data-total="${mentions.rows[0]!.mentions}"`);
    expect(body).not.toContain("<script>window.__pwned");
    expect(body).toContain(
      "&lt;script&gt;window.__pwned = 1&lt;/script&gt;<mark>Kosovo</mark>: &quot;quoted&quot; &amp; more",
    );
    expect(body).not.toContain("<img src=x");
    expect(body).not.toContain('href="javascript:');
    expect(body).not.toContain('href="data:');
    expect(body).toContain('href="https://example.org/a?x=1&amp;y=%3C2%3E"');
    expect(body).not.toContain("\u202E");
    expect(body).toContain("[U+202E]gnp.exe");
    expect(body).not.toContain("Ж".repeat(400));
    expect(body).toContain("&quot;&gt;&lt;svg onload=alert(1)&gt;");
  });

  it("pages the full list and keeps a fixed sample", async () => {
    const first = await text("/articles?theme=vucic&country=RS&by=month&period=2026-10-01&order=time");
    const total = Number(/data-total="(\d+)"/.exec(first)![1]);
    expect(total).toBeGreaterThan(50);
    const ids = (html: string) => [...html.matchAll(/data-article-id="(\d+)"/g)].map((m) => m[1]);
    const second = await text(
      "/articles?theme=vucic&country=RS&by=month&period=2026-10-01&order=time&page=2",
    );
    expect(ids(first)).toHaveLength(50);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    const sample = await text("/articles?theme=vucic&country=RS&by=month&period=2026-10-01");
    expect(ids(sample)).toHaveLength(10);
    expect(ids(await text("/articles?theme=vucic&country=RS&by=month&period=2026-10-01"))).toEqual(
      ids(sample),
    );
  });

  it("refuses bad parameters with a 400 naming them, and anything but GET", async () => {
    const bad = await get("/explore?theme=nato");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("unknown theme &quot;nato&quot;");
    expect((await get("/explore?theme=kosovo&sql=select+1")).status).toBe(400);
    expect((await get("/explore?theme=kosovo&country=Serbia")).status).toBe(400);
    expect((await get("/explore?theme=kosovo&smooth=31")).status).toBe(400);
    expect((await get("/compare?q=kosovo;outlet=x'--")).status).toBe(400);
    expect((await get("/articles?theme=kosovo&period=yesterday")).status).toBe(400);
    expect((await get("/", { method: "POST" })).status).toBe(405);
    expect((await get("/nothing-here")).status).toBe(404);
  });

  it("marks the alerts raised on a chart's themes, with their message on hover", async () => {
    const q = await sql<{ id: number }>`
      INSERT INTO alert_queries (name, themes, countries, granularity, recipients)
      VALUES ('Chinese aid <b>spike</b>', '{chinese_aid}', '{RS}', 'week', '{analyst@example.org}')
      RETURNING id`.execute(t.db);
    await sql`
      INSERT INTO alerts (query_id, granularity, direction, period, last_period, mentions, articles, share,
        expected_share, baseline_share, baseline_spread, baseline_periods, z, p_value, method, message)
      VALUES (${q.rows[0]!.id}, 'week', 'up', ${HOSTILE_DAY}::date - extract(isodow FROM ${HOSTILE_DAY}::date)::int + 1,
        ${HOSTILE_DAY}::date - extract(isodow FROM ${HOSTILE_DAY}::date)::int + 1, 9, 100, 0.09, 0.01, 0.01, 0.005,
        12, 4.2, 0.00001, 'nb', 'Chinese aid <b>spike</b>: 9.0% of articles against 1.0% ± 0.5%')`.execute(
      t.db,
    );
    try {
      const landing = await text("/");
      const marks = landing.match(/<g[^>]*data-kind="alert"[^>]*>[\s\S]*?<\/g>/g) ?? [];
      expect(marks.length).toBeGreaterThanOrEqual(1);
      expect(landing).toContain("▲ Chinese aid &lt;b&gt;spike&lt;/b&gt;");
      expect(landing).toContain("Chinese aid &lt;b&gt;spike&lt;/b&gt;: 9.0% of articles against 1.0% ± 0.5%");
      expect(landing).not.toContain("<b>spike</b>");
      // explore marks the alerts of the themes it shows, and only those
      expect(await text("/explore?theme=chinese_aid")).toMatch(/data-kind="alert"/);
      expect(await text("/explore?theme=kosovo")).not.toMatch(/data-kind="alert"/);
    } finally {
      await sql`DELETE FROM alert_queries`.execute(t.db);
    }
  });

  it("serves PNG and SVG downloads", async () => {
    const png = Buffer.from(await (await get("/thesis.png")).arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1760);
    const svg = await get("/compare.svg");
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get("content-disposition")).toMatch(/attachment/);
    expect(await svg.text()).toContain("Chinese aid · country RS");
  });

  it("asks for the password when WEB_AUTH is set, and leaves /healthz open", async () => {
    const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString("base64")}` });
    expect((await fetch(`${guarded.url}/`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/thesis.csv`, { headers: basic("analyst:wrong") })).status).toBe(401);
    expect((await fetch(`${guarded.url}/thesis.csv`, { headers: basic("analyst:pa:ss") })).status).toBe(200);
    expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
  });
});

describe("the digest's unsubscribe link", () => {
  const active = async (email: string) =>
    (
      await t.db
        .selectFrom("subscribers")
        .select(["active", "unsubscribed_at"])
        .where("email", "=", email)
        .executeTakeFirstOrThrow()
    ).active;

  it("asks first (GET changes nothing), unsubscribes on the POST, and says so again on a second one", async () => {
    const s = await addSubscriber(t.db, { email: "reader@example.org" });
    const confirm = await get(`/unsubscribe?token=${s.unsubscribe_token}`);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain('<form method="post" action="/unsubscribe">');
    expect(page).toContain(`name="token" value="${s.unsubscribe_token}"`);
    expect(await active("reader@example.org")).toBe(true);

    const form = { "content-type": "application/x-www-form-urlencoded" };
    const done = await get("/unsubscribe", {
      method: "POST",
      headers: form,
      body: `token=${s.unsubscribe_token}`,
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("<h1>Unsubscribed</h1>");
    expect(await active("reader@example.org")).toBe(false);
    const row = await t.db
      .selectFrom("subscribers")
      .select("unsubscribed_at")
      .where("id", "=", s.id)
      .executeTakeFirstOrThrow();
    expect(row.unsubscribed_at).toBeInstanceOf(Date);
    const again = await get("/unsubscribe", {
      method: "POST",
      headers: form,
      body: `token=${s.unsubscribe_token}`,
    });
    expect(again.status).toBe(200);
    // subscribing again clears it
    await addSubscriber(t.db, { email: "reader@example.org" });
    expect(await active("reader@example.org")).toBe(true);
  });

  it("takes a mail client's one-click POST (RFC 8058), also behind WEB_AUTH, and nothing else there", async () => {
    const s = await addSubscriber(t.db, { email: "oneclick@example.org" });
    const res = await fetch(`${guarded.url}/unsubscribe?token=${s.unsubscribe_token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await active("oneclick@example.org")).toBe(false);
    expect((await fetch(`${guarded.url}/unsubscribe?token=${s.unsubscribe_token}`)).status).toBe(200);
    expect((await fetch(`${guarded.url}/`, { method: "POST" })).status).toBe(401);
  });

  it("refuses unknown, malformed and hostile tokens without touching anyone", async () => {
    const s = await addSubscriber(t.db, { email: "stays@example.org" });
    const post = (body: string) =>
      get("/unsubscribe", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    expect((await post(`token=${"A".repeat(24)}`)).status).toBe(404);
    expect((await post("token=")).status).toBe(400);
    const hostile = await get(`/unsubscribe?token=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(hostile.status).toBe(400);
    expect(await hostile.text()).not.toContain("<script>alert");
    // the address is no token, and a token's prefix is not one either
    expect((await post("token=stays%40example.org")).status).toBe(400);
    expect((await post(`token=${s.unsubscribe_token.slice(0, 20)}`)).status).toBe(404);
    expect((await post(`token=${"x".repeat(5000)}`)).status).toBe(400);
    expect((await get(`/unsubscribe?token=${s.unsubscribe_token}`, { method: "PUT" })).status).toBe(405);
    expect(await active("stays@example.org")).toBe(true);
  });

  it("takes an alert recipient off the saved query, and drops its e-mails still pending for them", async () => {
    const q = await sql<{ id: number }>`
      INSERT INTO alert_queries (name, themes, granularity, recipients)
      VALUES ('Kosovo <b>watch</b>', '{kosovo}', 'day', '{a@example.org,b@example.org}') RETURNING id`.execute(
      t.db,
    );
    const queryId = q.rows[0]!.id;
    const alert = async (period: string) =>
      (
        await sql<{ id: number }>`
        INSERT INTO alerts (query_id, granularity, direction, period, last_period, mentions, articles, share,
          expected_share, baseline_share, baseline_spread, baseline_periods, z, p_value, method, message)
        VALUES (${queryId}, 'day', 'up', ${period}, ${period}, 9, 100, 0.09, 0.01, 0.01, 0.005, 12, 4.2, 0.00001,
          'nb', 'spike') RETURNING id`.execute(t.db)
      ).rows[0]!.id;
    const sent = await alert("2026-10-01");
    const pending = await alert("2026-10-08");
    await sql`
      INSERT INTO alert_deliveries (alert_id, email, message_id, sent_at) VALUES
        (${sent}, 'a@example.org', 'm1', now()), (${sent}, 'b@example.org', 'm2', now()),
        (${pending}, 'a@example.org', 'm3', NULL), (${pending}, 'b@example.org', 'm4', NULL)`.execute(t.db);
    try {
      const { unsubscribe_token: token } = await t.db
        .selectFrom("alert_deliveries")
        .select("unsubscribe_token")
        .where("alert_id", "=", sent)
        .where("email", "=", "a@example.org")
        .executeTakeFirstOrThrow();
      const res = await get(`/unsubscribe?token=${token}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("the alerts of the saved query “Kosovo &lt;b&gt;watch&lt;/b&gt;”");
      const after = await t.db
        .selectFrom("alert_queries")
        .select("recipients")
        .where("id", "=", queryId)
        .executeTakeFirstOrThrow();
      expect(after.recipients).toEqual(["b@example.org"]);
      const left = await t.db
        .selectFrom("alert_deliveries")
        .select(["alert_id", "email"])
        .where("alert_id", "in", [sent, pending])
        .orderBy("alert_id")
        .orderBy("email")
        .execute();
      expect(left).toEqual([
        { alert_id: sent, email: "a@example.org" },
        { alert_id: sent, email: "b@example.org" },
        { alert_id: pending, email: "b@example.org" },
      ]);
      // the same link again: still "unsubscribed", nothing else changes
      expect((await get(`/unsubscribe?token=${token}`, { method: "POST" })).status).toBe(200);
    } finally {
      await sql`DELETE FROM alert_queries WHERE id = ${queryId}`.execute(t.db);
    }
  });

  it("leaves the page's role no other reach into subscribers", async () => {
    const pool = createDb(t.url, { poolSize: 1, startupOptions: "-c role=vesti_analyst" });
    try {
      await expect(sql`UPDATE subscribers SET active = false`.execute(pool)).rejects.toThrow(
        /permission denied/,
      );
      const r = await sql<{ ok: boolean }>`SELECT public.digest_unsubscribe('not-a-token') AS ok`.execute(
        pool,
      );
      expect(r.rows[0]!.ok).toBe(false);
      await expect(sql`SELECT count(*) FROM alert_deliveries`.execute(pool)).rejects.toThrow(
        /permission denied/,
      );
      await expect(sql`UPDATE alert_queries SET recipients = '{}'`.execute(pool)).rejects.toThrow(
        /permission denied/,
      );
      const a = await sql<{
        name: string | null;
      }>`SELECT public.alert_unsubscribe('not-a-token') AS name`.execute(pool);
      expect(a.rows[0]!.name).toBeNull();
    } finally {
      await pool.destroy();
    }
  });
});

describe("read-only access", () => {
  it("runs the page's queries as vesti_analyst, which cannot write", async () => {
    // The server's own pool: logged in as the test's user, running as vesti_analyst from the start.
    const pool = createDb(t.url, {
      poolSize: 1,
      startupOptions: "-c role=vesti_analyst -c default_transaction_read_only=on",
    });
    try {
      const who = await sql<{ u: string }>`SELECT current_user AS u`.execute(pool);
      expect(who.rows[0]!.u).toBe("vesti_analyst");
      await sql`SET default_transaction_read_only = off`.execute(pool);
      await expect(sql`UPDATE article_daily_counts SET articles = 0`.execute(pool)).rejects.toThrow(
        /permission denied/,
      );
      await expect(sql`SELECT count(*) FROM subscribers`.execute(pool)).rejects.toThrow(/permission denied/);
    } finally {
      await pool.destroy();
    }
    // asAnalyst, for a pool the caller owns (the embedded mode): read-only transaction, analyst role.
    await expect(asAnalyst(t.db, (trx) => sql`DELETE FROM articles`.execute(trx))).rejects.toThrow(
      /read-only transaction/,
    );
    const inside = await asAnalyst(t.db, (trx) => sql<{ u: string }>`SELECT current_user AS u`.execute(trx));
    expect(inside.rows[0]!.u).toBe("vesti_analyst");
    const after = await sql<{ u: string }>`SELECT current_user AS u`.execute(t.db);
    expect(after.rows[0]!.u).not.toBe("vesti_analyst");
  });

  it("serves a caller's pool through asAnalyst", async () => {
    const own = await startWebServer({
      db: t.db,
      port: 0,
      logger: createLogger("web-test", "silent"),
      now: () => NOW,
    });
    try {
      const res = await fetch(`${own.url}/thesis.csv`);
      expect(res.status).toBe(200);
      expect(HOSTILE.script).toContain("<script>");
    } finally {
      await own.close();
    }
  });
});
