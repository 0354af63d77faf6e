import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../packages/db/test-support/test-database";
import { buildCorpus, expectedCounts, rssFor } from "./support/corpus";
import { type FeedServer, startFeedServer } from "./support/feed-server";
import { deleteRedisKeys, uniquePrefix } from "./support/pipeline";

// The README's main job as a user runs it: `vesti run --once` with a sources file, then the CLI's views
// of the result. Real processes, a real HTTP server, Postgres and Redis.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);
const corpus = buildCorpus({ feedCount: 4, itemsPerFeed: 12, days: 3, seed: 3 });
const expected = expectedCounts(corpus);

let t: TestDatabase;
let server: FeedServer;
let dir: string;
let env: Record<string, string>;
const prefix = uniquePrefix();
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const vesti = (...args: string[]) =>
  run(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "packages/cli/src/main.ts"), ...args], {
    env: { ...process.env, ...env },
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });

beforeAll(async () => {
  t = await createTestDatabase();
  server = await startFeedServer(
    new Map(corpus.outlets.flatMap((o) => o.feeds.map((f) => [`/f${f}.xml`, rssFor(corpus, f)]))),
  );
  dir = mkdtempSync(join(tmpdir(), "vesti-cli-"));
  const yaml = [
    "version: 1",
    "outlets:",
    ...corpus.outlets.flatMap((o) => [
      `  - id: ${o.id}`,
      `    name: ${o.id}`,
      `    country: ${o.country}`,
      `    language: ${o.language}`,
      `    script: ${o.country === "RS" ? "mixed" : "cyrillic"}`,
      `    timeZone: ${o.country === "RS" ? "Europe/Belgrade" : "Europe/Moscow"}`,
      `    homeUrl: https://${o.id}.example/`,
      ...(o === corpus.outlets[0] ? ["    collections: [first-outlets, serbia-national]"] : []),
      "    feeds:",
      ...o.feeds.map((f) => `      - url: ${server.baseUrl}/f${f}.xml`),
    ]),
  ].join("\n");
  writeFileSync(join(dir, "sources.yaml"), yaml);
  env = {
    DATABASE_URL: t.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    SOURCES_FILE: join(dir, "sources.yaml"),
    FETCH_ALLOW_PRIVATE_NETWORKS: "true",
    HOST_MIN_SPACING_MS: "0",
    HTTP_PORT: "0",
    LOG_LEVEL: "warn",
  };
});
afterAll(async () => {
  await server?.close();
  await deleteRedisKeys(REDIS_URL, prefix);
  rmSync(dir, { recursive: true, force: true });
  await t?.destroy();
});

describe("the vesti CLI", () => {
  it("runs the main job once: migrate, sync the sources file, fetch every feed, store", async () => {
    await vesti("run", "--once", "--timeout", "120");
    const n = await t.db
      .selectFrom("articles")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(expected.total);
  });

  it("shows every feed's health", async () => {
    const { stdout } = await vesti("sources", "health", "--json");
    const rows = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { state: string; items_new: number });
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.state === "ok")).toBe(true);
    expect(rows.reduce((s, r) => s + r.items_new, 0)).toBe(expected.total);
  });

  it("reports the sources file's changes on a second sync", async () => {
    const { stdout } = await vesti("sources", "sync");
    expect(stdout).toMatch(/feeds: 0 added, 0 changed, 0 removed, 4 unchanged/);
  });

  it("prints the trend series of a theme", async () => {
    const { stdout } = await vesti("trends", "--theme", "vucic", "--by", "day", "--format", "json");
    const rows = JSON.parse(stdout) as { mentions: number }[];
    const want = [...expected.mentions]
      .filter(([k]) => k.split("|")[1] === "vucic")
      .reduce((s, [, n]) => s + n, 0);
    expect(rows.reduce((s, r) => s + r.mentions, 0)).toBe(want);
  });

  it("slices the trend series by script, each script's counts as the fixtures hold them", async () => {
    const json = async (...flags: string[]) =>
      JSON.parse(
        (
          await vesti(
            "trends",
            "--theme",
            "vucic",
            "--by",
            "day",
            "--format",
            "json",
            "--country",
            "RS",
            ...flags,
          )
        ).stdout,
      ) as { period: string; mentions: number; articles: number }[];
    // expected keys: day|theme|lang|script|country|outlet and day|lang|script|country|outlet
    const want = (script: string) => {
      const byDay = new Map<string, { mentions: number; articles: number }>();
      for (const [k, n] of expected.articles) {
        const [day, , s, country] = k.split("|");
        if (s !== script || country !== "RS") continue;
        const row = byDay.get(day!) ?? { mentions: 0, articles: 0 };
        row.articles += n;
        byDay.set(day!, row);
      }
      for (const [k, n] of expected.mentions) {
        const [day, theme, , s, country] = k.split("|");
        if (theme === "vucic" && s === script && country === "RS") byDay.get(day!)!.mentions += n;
      }
      return [...byDay].sort().map(([period, r]) => ({ period, ...r }));
    };
    const cyrl = await json("--script", "Cyrl");
    const latn = await json("--script", "latin");
    expect(cyrl.map(({ period, mentions, articles }) => ({ period, mentions, articles }))).toEqual(
      want("Cyrl"),
    );
    expect(latn.map(({ period, mentions, articles }) => ({ period, mentions, articles }))).toEqual(
      want("Latn"),
    );
    expect(cyrl.reduce((n, r) => n + r.mentions, 0)).toBeGreaterThan(0);
    await expect(vesti("trends", "--theme", "vucic", "--script", "cyr")).rejects.toMatchObject({
      stderr: expect.stringMatching(/script: a script: Cyrl \(Cyrillic\), Latn \(Latin\) or mixed/),
    });
  });

  it("slices the trend series by collection", async () => {
    const first = corpus.outlets[0]!.id;
    const byOutlet = await vesti(
      "trends",
      "--theme",
      "vucic",
      "--by",
      "day",
      "--format",
      "json",
      "--outlet",
      first,
    );
    const { stdout } = await vesti(
      "trends",
      "--theme",
      "vucic",
      "--by",
      "day",
      "--format",
      "json",
      "--collection",
      "first-outlets",
    );
    expect(JSON.parse(stdout)).toEqual(JSON.parse(byOutlet.stdout));
    expect((JSON.parse(stdout) as unknown[]).length).toBeGreaterThan(0);
    const none = await vesti("trends", "--theme", "vucic", "--collection", "no-such-collection");
    expect(none.stderr).toMatch(/no articles match/);
  });

  it("reads a news sitemap with feed inspect, as JSON lines like a feed", async () => {
    const file = join(ROOT, "packages/feeds/test/fixtures/sitemaps/rt-balkan-news-latn.xml");
    const { stdout, stderr } = await vesti(
      "feed",
      "inspect",
      file,
      "--all-dates",
      "--feed-url",
      "https://lat.rt.rs/sitemap/news.xml",
    );
    const items = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { title: string; link: string });
    expect(items.map((i) => i.title)).toContain("Vučić i Putin razgovarali telefonom o Kosovu");
    expect(stderr).toMatch(/^format: sitemap;/m);
  });

  it("manages digest subscribers and previews the week's digest from the stored articles", async () => {
    await vesti("subscribers", "add", "Analyst@Example.org", "--themes", "vucic,kosovo");
    expect((await vesti("subscribers", "list")).stdout).toMatch(/analyst@example\.org\s+yes\s+vucic,kosovo/);
    const day = [...expected.mentions.keys()][0]!.split("|")[0]!;
    const { stdout } = await vesti("digest", "preview", "--week", day, "--themes", "vucic");
    expect(stdout).toMatch(/^Subject: Vesti weekly digest \d{4}-W\d{2} /);
    expect(stdout).toMatch(/^ {2}Vucic\s+\d+ /m);
    expect(stdout).not.toMatch(/^ {2}Kosovo\s+\d+ /m);
    await vesti("subscribers", "remove", "analyst@example.org");
    expect((await vesti("subscribers", "list")).stdout).toMatch(/analyst@example\.org\s+no\s/);
    await expect(vesti("subscribers", "remove", "nobody@example.org")).rejects.toMatchObject({ code: 1 });
  });

  it("exports the sources as OPML and imports an OPML file into the sources file, then syncs", async () => {
    const exported = (await vesti("sources", "export", "--format", "opml")).stdout;
    expect(exported).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0"/);
    expect(exported).toContain(`xmlUrl="${server.baseUrl}/f${corpus.outlets[0]!.feeds[0]}.xml"`);
    expect(exported).toContain('vesti:collections="first-outlets serbia-national"');
    const opml = join(ROOT, "packages/feeds/test/fixtures/opml/miniflux.opml");
    const { stdout } = await vesti("sources", "import", opml);
    expect(stdout).toMatch(/import: 2 outlets and 2 feeds added, 0 already listed, 1 not mapped/);
    expect(stdout).toMatch(/not mapped: KoSSev <https:\/\/kossev.info\/feed\/>: no country/);
    expect(stdout).toMatch(/^outlets: \d+ added, 0 changed, 0 removed$/m);
    const beta = await t.db.selectFrom("feeds").select("url").where("outlet_id", "=", "beta").execute();
    expect(beta.map((f) => f.url)).toEqual(["https://beta.rs/rss"]);
    const again = await vesti("sources", "import", opml);
    expect(again.stdout).toMatch(/0 outlets and 0 feeds added, 2 already listed/);
  });

  it("saves, lists, checks, changes and removes alert queries", async () => {
    const add = await vesti(
      "alerts",
      "add",
      "Vučić in Serbia",
      "--themes",
      "vucic,putin",
      "--country",
      "rs",
      "--by",
      "week",
      "--notify",
      "Analyst@Example.org",
      "--min-mentions",
      "3",
    );
    expect(add.stdout).toBe(
      'saved "Vučić in Serbia": vucic or putin; outlet country RS, by week, notifies analyst@example.org\n',
    );
    // three days of articles: a week of them is under the weekly minimum, and add says so
    expect(add.stderr).toMatch(/warning: the query's weeks had a median of \d+ articles/);
    await expect(vesti("alerts", "add", "Bad", "--themes", "nato")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown theme "nato"/),
    });
    await expect(vesti("alerts", "add", "Bad", "--themes", "kosovo", "--z", "-1")).rejects.toMatchObject({
      stderr: expect.stringMatching(/z must be positive/),
    });
    expect((await vesti("alerts", "list")).stdout).toMatch(
      /Vučić in Serbia\s+vucic or putin; outlet country RS\s+week\s+up\s+1\s+yes\s+-/,
    );

    const day = [...expected.mentions.keys()]
      .map((k) => k.split("|")[0]!)
      .sort()
      .at(-1)!;
    const { stdout } = await vesti("alerts", "check", "--dry-run", "--as-of", day);
    expect(stdout).toMatch(
      /^"Vučić in Serbia" \(vucic or putin; outlet country RS, by week\), \d{4}-W\d{2} /,
    );
    expect(stdout).toMatch(/no episode since/);

    await vesti(
      "alerts",
      "notify",
      "vučić in serbia",
      "--add",
      "editor@example.org",
      "--remove",
      "analyst@example.org",
    );
    await vesti("alerts", "pause", "Vučić in Serbia");
    const listed = JSON.parse((await vesti("alerts", "list", "--json")).stdout.trim()) as Record<
      string,
      unknown
    >;
    expect(listed).toMatchObject({
      recipients: ["editor@example.org"],
      active: false,
      params: { minMentions: 3 },
    });
    expect((await vesti("alerts", "history")).stdout.trim()).toBe("(none)");
    await vesti("alerts", "remove", "Vučić in Serbia");
    expect((await vesti("alerts", "list")).stdout.trim()).toBe("(none)");
    await expect(vesti("alerts", "remove", "Vučić in Serbia")).rejects.toMatchObject({ code: 1 });
  });

  it("fails with a message naming a bad setting", async () => {
    await expect(
      run(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "packages/cli/src/main.ts"), "db", "migrate"], {
        env: { ...process.env, DATABASE_URL: "mysql://nope" },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/DATABASE_URL/) });
  });
});
