import { addSubscriber } from "@vesti/db";
import { createLogger } from "@vesti/runtime";
import { startWebServer, type WebServer } from "@vesti/web";
import { sql } from "kysely";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db/test-support/test-database";
import { HOSTILE, NOW, seedWebFixture } from "../packages/web/test-support/fixtures";
import { launchBrowser } from "./support/browser";

// The trends page in a real browser (Debian's chromium through playwright-core), on a database filled with
// demo data that has a two-week hole and hostile titles. Set VESTI_SCREENSHOTS=dir to keep screenshots.

let t: TestDatabase;
let web: WebServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
const problems: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const res = await page.goto(`${web.url}${path}`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
  await page.waitForSelector("html[data-ready]");
  return page;
}

async function screenshot(page: Page, name: string) {
  if (process.env.VESTI_SCREENSHOTS)
    await page.screenshot({ path: `${process.env.VESTI_SCREENSHOTS}/${name}.png`, fullPage: true });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedWebFixture(t.db);
  web = await startWebServer({
    databaseUrl: t.url,
    port: 0,
    logger: createLogger("web-e2e", "silent"),
    now: () => NOW,
  });
  browser = await launchBrowser();
  context = browser.context;
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await t?.destroy();
});
afterEach(() => {
  // No console errors (CSP violations are console errors), no uncaught exceptions, no dialogs.
  expect(problems).toEqual([]);
});

describe("the trends page in a browser", () => {
  it("draws the thesis: one point per week of aid_attention_weekly, the hole as a gap, a reading", async () => {
    const weeks = await sql<{ week_start: string }>`
      SELECT week_start FROM analytics.aid_attention_weekly ORDER BY week_start`.execute(t.db);
    const page = await open("/");
    for (const id of ["russian_aid", "chinese_aid", "eu_aid"]) {
      const n = await page.locator(`#thesis g[data-series="${id}"][data-role="points"] circle`).count();
      expect(n, id).toBe(weeks.rows.length);
    }
    expect(weeks.rows.length).toBe(9);
    // 2026-10-05 and 2026-10-12: nothing fetched, shaded, not zero
    expect(await page.locator('#thesis g[data-role="gaps"] rect').count()).toBe(2);
    expect(await page.locator("#thesis .gaps").textContent()).toMatch(/2026-10-05, 2026-10-12/);
    const path = await page
      .locator('#thesis g[data-series="chinese_aid"][data-role="line"] path')
      .getAttribute("d");
    expect(path!.match(/M/g)).toHaveLength(2);
    expect(await page.locator("#thesis [data-role=reading]").textContent()).toMatch(/^In 2026-W47 /);
    expect(await page.locator("#tie [data-role=reading]").textContent()).toMatch(
      /Kosovo articles also mentioned Putin/,
    );
    // counts on hover
    const point = page.locator('#thesis g[data-series="chinese_aid"] a[href*="period=2026-11-16"] circle');
    await point.hover({ force: true });
    await expect
      .poll(() => page.locator("#thesis .tip").textContent())
      .toMatch(/^Chinese aid · 2026-W47: \d+ of \d+ articles/);
    await screenshot(page, "landing");
  });

  it("lists the articles of a clicked point", async () => {
    const want = await sql<{ chinese_aid: number }>`
      SELECT chinese_aid FROM analytics.aid_attention_weekly WHERE week_start = '2026-11-16'`.execute(t.db);
    const page = await open("/");
    await page
      .locator('#thesis g[data-series="chinese_aid"] a[href*="period=2026-11-16"] circle')
      .click({ force: true });
    const heading = page.locator("#articles h2[data-total]");
    await heading.waitFor();
    expect(Number(await heading.getAttribute("data-total"))).toBe(want.rows[0]!.chinese_aid);
    expect(await heading.textContent()).toMatch(/Chinese aid · country RS · 2026-W47/);
    const items = page.locator("#articles li.article");
    expect(await items.count()).toBe(Math.min(10, want.rows[0]!.chinese_aid));
    for (const meta of await page.locator("#articles li.article .meta").allTextContents())
      expect(meta).toMatch(/\(RS\) · 2026-11-(1[6-9]|2[0-2]) /);
    expect(await page.locator("#articles li.article mark").count()).toBeGreaterThanOrEqual(
      await items.count(),
    );
    expect(page.url()).toBe(`${web.url}/`);
    await screenshot(page, "drill-down");
  });

  it("offers the chart's CSV, equal to the view, and its SVG and PNG", async () => {
    const page = await open("/");
    const href = await page.locator('#thesis .downloads a[href^="/thesis.csv"]').getAttribute("href");
    const csv = await (await page.request.get(`${web.url}${href}`)).text();
    const view = await sql<{
      week_start: string;
      chinese_aid: number;
      articles: number;
      eu_aid_share: number;
    }>`
      SELECT week_start, chinese_aid, articles, eu_aid_share FROM analytics.aid_attention_weekly ORDER BY week_start`.execute(
      t.db,
    );
    const lines = csv.trimEnd().split("\r\n");
    const cols = lines[0]!.split(",");
    expect(cols.slice(0, 6)).toEqual([
      "week_start",
      "iso_week",
      "russian_aid",
      "chinese_aid",
      "eu_aid",
      "articles",
    ]);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
    expect(
      rows.map((r) => [r.week_start, Number(r.chinese_aid), Number(r.articles), Number(r.eu_aid_share)]),
    ).toEqual(view.rows.map((r) => [r.week_start, r.chinese_aid, r.articles, r.eu_aid_share]));
    const png = await page.request.get(
      `${web.url}${await page.locator('#tie .downloads a[href^="/tie.png"]').getAttribute("href")}`,
    );
    expect(png.headers()["content-type"]).toBe("image/png");
    const svg = await page.request.get(
      `${web.url}${await page.locator('#tie .downloads a[href^="/tie.svg"]').getAttribute("href")}`,
    );
    expect(await svg.text()).toContain('data-series="kosovo+putin"');
  });

  it("restores a shared view: series, hidden series, smoothing and a zoomed range", async () => {
    const page = await open(
      "/compare?q=kosovo;country=RS&q=kosovo;country=RU&q=putin;collection=russia-state&by=week&smooth=2",
    );
    await page.locator('#compare button[data-toggle="q2"]').click();
    expect(
      await page.locator('#compare g[data-series="q2"][data-role="line"]').getAttribute("data-hidden"),
    ).toBe("true");
    expect(new URL(page.url()).searchParams.get("hide")).toBe("q2");
    // drag across the middle of the plot: the page reloads on that range
    const box = (await page.locator("#compare .plot > svg").boundingBox())!;
    await Promise.all([
      page.waitForURL(/from=/),
      (async () => {
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
        await page.mouse.up();
      })(),
    ]);
    await page.waitForSelector("html[data-ready]");
    const shared = page.url();
    const params = new URL(shared).searchParams;
    expect(params.get("hide")).toBe("q2");
    expect(params.get("smooth")).toBe("2");
    const state = async (p: Page) => ({
      t0: await p.locator("#compare .plot > svg").getAttribute("data-t0"),
      t1: await p.locator("#compare .plot > svg").getAttribute("data-t1"),
      hidden: await p
        .locator('#compare g[data-series][data-role="line"][data-hidden]')
        .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-series"))),
      pressed: await p
        .locator("#compare button[data-toggle]")
        .evaluateAll((bs) =>
          bs.map((b) => `${b.getAttribute("data-toggle")}=${b.getAttribute("aria-pressed")}`),
        ),
      from: await p.locator('input[name="from"]').inputValue(),
      notes: await p.locator("#compare [data-role=note]").allTextContents(),
      legend: await p.locator("#compare button[data-toggle]").allTextContents(),
    });
    const before = await state(page);
    expect(before.t0! >= "2026-09-07" && before.t1! <= "2026-11-16" && before.t0! < before.t1!).toBe(true);
    expect(before.hidden).toEqual(["q2"]);
    expect(before.notes.join(" ")).toMatch(/Rolling average over 2 weeks/);
    expect(before.legend).toEqual([
      "Kosovo · country RS",
      "Kosovo · country RU",
      "Putin · collection russia-state",
    ]);
    const again = await open(new URL(shared).pathname + new URL(shared).search);
    expect(await state(again)).toEqual(before);
    await screenshot(again, "compare");
  });

  it("splits a theme by script from the explore form: one line per script, as theme_weekly has them", async () => {
    const weeks = await sql<{ script: string; n: number }>`
      SELECT script, count(DISTINCT week_start)::int AS n FROM analytics.theme_weekly
      WHERE theme = 'russian_aid' AND country = 'RS' AND lang = 'sr' GROUP BY 1 ORDER BY 1`.execute(t.db);
    expect(weeks.rows.map((r) => r.script)).toEqual(["Cyrl", "Latn"]);
    const page = await open("/explore?theme=russian_aid&country=RS&lang=sr&by=week");
    expect(await page.locator('select[name="script"] option').allTextContents()).toEqual([
      "Cyrillic (Cyrl)",
      "Latin (Latn)",
    ]);
    await page.locator('select[name="split"]').selectOption("script");
    await Promise.all([
      page.waitForURL(/split=script/),
      page.locator('form.controls button[type="submit"]').click(),
    ]);
    await page.waitForSelector("html[data-ready]");
    expect(await page.locator("#explore button[data-toggle]").allTextContents()).toEqual([
      "Russian aid · Cyrl",
      "Russian aid · Latn",
    ]);
    for (const { script, n } of weeks.rows) {
      const points = page.locator(
        `#explore g[data-series="russian_aid.${script.toLowerCase()}"][data-role="points"] circle`,
      );
      expect(await points.count(), script).toBe(n);
    }
    // a Cyrillic point lists Cyrillic articles (the Latin line hidden, so that its points are not on top)
    await page.locator('#explore button[data-toggle="russian_aid.latn"]').click();
    const peak = await sql<{ week_start: string; mentions: number }>`
      SELECT week_start, sum(mentions)::int AS mentions FROM analytics.theme_weekly
      WHERE theme = 'russian_aid' AND country = 'RS' AND lang = 'sr' AND script = 'Cyrl'
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`.execute(t.db);
    const { week_start, mentions } = peak.rows[0]!;
    expect(mentions).toBeGreaterThan(0);
    await page
      .locator(`#explore g[data-series="russian_aid.cyrl"] a[href*="period=${week_start}"] circle`)
      .click({ force: true });
    const heading = page.locator("#articles h2[data-total]");
    await heading.waitFor();
    expect(await heading.textContent()).toMatch(/script Cyrl/);
    expect(Number(await heading.getAttribute("data-total"))).toBe(mentions);
    const metas = await page.locator("#articles li.article .meta").allTextContents();
    expect(metas).toHaveLength(Math.min(10, mentions));
    for (const meta of metas) expect(meta).toMatch(/ · sr-Cyrl$/);
    await screenshot(page, "explore-split-by-script");
  });

  it("shows hostile titles as text, never as markup or links", async () => {
    const page = await open("/explore?theme=kosovo&country=RS&by=week");
    await page
      .locator('#explore g[data-series="kosovo"] a[href*="period=2026-11-16"] circle')
      .click({ force: true });
    await page.locator("#articles h2[data-total]").waitFor();
    await page.locator('#articles .tabs a:text("All, newest first")').click();
    await page.locator('#articles .tabs a[aria-current="true"]:text("All, newest first")').waitFor();
    const panel = page.locator("#articles");
    const text = (await panel.textContent())!;
    expect(text).toContain('<script>window.__pwned = 1</script>Kosovo: "quoted" & more');
    expect(text).toContain("<img src=x onerror=alert(1)> Kosovo i Metohija");
    expect(text).toContain("[U+202E]gnp.exe");
    expect(text).toContain('"><svg onload=alert(1)></svg> Priština <b>bold</b>');
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(await panel.locator("script, img, svg, b").count()).toBe(0);
    const hrefs = await panel.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    expect(hrefs.some((h) => /^(javascript|data):/i.test(h))).toBe(false);
    // the 10 KB title is cut, and the page stays as wide as the window
    const long = await panel.locator("li.article .title").filter({ hasText: "ЖЖЖЖ" }).textContent();
    expect(long!.length).toBeLessThan(400);
    expect(HOSTILE.long.length).toBeGreaterThan(10_000);
    const width = (await page.evaluate("document.documentElement.scrollWidth")) as number;
    expect(width).toBeLessThanOrEqual(1200);
    await screenshot(page, "hostile");
  });

  it("lists outlets with their weekly volume and feed health", async () => {
    const page = await open("/outlets");
    expect(await page.locator("table.outlets tr[data-outlet]").count()).toBe(9);
    expect(await page.locator('tr[data-outlet="n1"] code').allTextContents()).toContain("serbia-independent");
    expect(await page.locator('tr[data-outlet="tass"] .feed .state').first().textContent()).toBe("inactive");
    await screenshot(page, "outlets");
  });

  it("unsubscribes a digest reader who opens the link and presses the button", async () => {
    const s = await addSubscriber(t.db, { email: "browser-reader@example.org" });
    const page = await open(`/unsubscribe?token=${s.unsubscribe_token}`);
    const active = async () =>
      (await t.db.selectFrom("subscribers").select("active").where("id", "=", s.id).executeTakeFirstOrThrow())
        .active;
    expect(await active()).toBe(true);
    await page.locator('button:text("Unsubscribe")').click();
    await page.locator("h1:text('Unsubscribed')").waitFor();
    expect(await active()).toBe(false);
    await screenshot(page, "unsubscribed");
  });
});
