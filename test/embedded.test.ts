import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Database, seedDemo } from "@vesti/db";
import { openEmbeddedPostgres } from "@vesti/embedded";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../packages/db/test-support/test-database";
import { buildCorpus, expectedCounts, rssFor } from "./support/corpus";
import { embeddedHome } from "./support/embedded";
import { type FeedServer, startFeedServer } from "./support/feed-server";
import { sorted, storedCounts, waitFor } from "./support/pipeline";
import { freePort } from "./support/processes";

// The README's default as a new user meets it: no DATABASE_URL, no REDIS_URL. `vesti` runs as a real
// process (CI runs as root, so the embedded server runs as the postgres account), against loopback feeds.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const corpus = buildCorpus({ feedCount: 8, itemsPerFeed: 15, days: 4, seed: 11 });
const expected = expectedCounts(corpus);
const isRoot = process.getuid?.() === 0;

let server: FeedServer;
let slow: FeedServer;
let home: Awaited<ReturnType<typeof embeddedHome>>;
let sources: string;
let slowSources: string;

/** The user's environment without any Vesti setting, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    "DATABASE_URL",
    "REDIS_URL",
    "VESTI_HOME",
    "EMBEDDED_PG_PORT",
    "SOURCES_FILE",
    "QUEUE_PREFIX",
  ])
    delete env[k];
  return {
    ...env,
    FETCH_ALLOW_PRIVATE_NETWORKS: "true",
    HOST_MIN_SPACING_MS: "0",
    HTTP_PORT: "0",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** `vesti …` as one Node process (node --import tsx, so a signal reaches Vesti itself). */
function vesti(args: string[], extra: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { cwd: ROOT, env: cleanEnv(extra), maxBuffer: 32 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function spawnVesti(args: string[], extra: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(extra),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function writeSources(file: string, baseUrl: string) {
  const lines = ["version: 1", "outlets:"];
  for (const o of corpus.outlets)
    lines.push(
      `  - id: ${o.id}`,
      `    name: ${o.id}`,
      `    country: ${o.country}`,
      `    language: ${o.language}`,
      `    script: ${o.country === "RS" ? "mixed" : "cyrillic"}`,
      `    timeZone: ${o.country === "RS" ? "Europe/Belgrade" : "Europe/Moscow"}`,
      `    homeUrl: https://${o.id}.example/`,
      "    feeds:",
      ...o.feeds.map((f) => `      - url: ${baseUrl}/f${f}.xml`),
    );
  writeFileSync(file, `${lines.join("\n")}\n`);
}

/** The embedded database, opened directly (the password is in VESTI_HOME, as the mode line says). */
function embeddedDb(): Kysely<Database> {
  const password = readFileSync(join(home.home, "postgres.password"), "utf8").trim();
  return createDb(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${home.port}/vesti`, {
    poolSize: 2,
  });
}

/** Joins (or starts) the embedded server from this process and compares every count with the fixtures. */
async function expectExactCounts() {
  const server = await openEmbeddedPostgres({ home: home.home, port: home.port });
  const db = createDb(server.url("vesti"), { poolSize: 2 });
  try {
    const stored = await storedCounts(db);
    expect(stored.total).toBe(expected.total);
    expect(sorted(stored.articles)).toEqual(sorted(expected.articles));
    expect(sorted(stored.mentions)).toEqual(sorted(expected.mentions));
  } finally {
    await db.destroy();
    await server.release();
  }
  expect(serverPid()).toBeUndefined();
}

function serverPid(): number | undefined {
  const file = join(home.home, "postgres", "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  const feeds = new Map(
    corpus.outlets.flatMap((o) => o.feeds.map((f) => [`/f${f}.xml`, rssFor(corpus, f)] as const)),
  );
  server = await startFeedServer(feeds);
  slow = await startFeedServer(feeds, { delayMs: 1_500 });
  home = await embeddedHome();
  sources = join(home.home, "sources.yaml");
  slowSources = join(home.home, "slow-sources.yaml");
  writeSources(sources, server.baseUrl);
  writeSources(slowSources, slow.baseUrl);
});
afterAll(async () => {
  await server?.close();
  await slow?.close();
  await home?.remove();
});

describe("the embedded default (no DATABASE_URL, no REDIS_URL)", () => {
  it("runs the main job once: says which mode and where the data is, stores and counts exactly, stops its server", async () => {
    const r = await vesti(["run", "--once", "--timeout", "120"], { ...home.env, SOURCES_FILE: sources });
    expect(r.stderr + r.stdout).not.toMatch(/worker error/);
    expect(r.code).toBe(0);
    const logs = r.stdout + r.stderr;
    expect(logs).toMatch(/embedded mode \(neither DATABASE_URL nor REDIS_URL is set\)/);
    expect(logs).toContain(home.home);
    expect(logs).toContain(`127.0.0.1:${home.port}`);
    expect(logs).toMatch(/poll cycle: \d+ feeds polled/);
    // the per-outlet table and the themes' trend lines
    expect(r.stdout).toMatch(/What this run fetched, per outlet:/);
    for (const o of corpus.outlets) expect(r.stdout).toMatch(new RegExp(`^${o.id}\\s+\\d+\\s+\\d+`, "m"));
    expect(r.stdout).toMatch(/^ {2}kosovo\s+\S+/m);
    // the server is gone with the process, and it ran as an unprivileged account
    expect(serverPid()).toBeUndefined();
    if (isRoot) expect(statSync(join(home.home, "postgres")).uid).not.toBe(0);

    const sql = await vesti(
      ["sql", "--format", "json", "SELECT count(*)::int AS n FROM analytics.articles"],
      home.env,
    );
    expect(sql.code).toBe(0);
    expect(JSON.parse(sql.stdout)).toEqual([{ n: expected.total }]);
    await expectExactCounts();
  });

  it("vesti sql prints aligned tables, CSV and JSON, read-only unless --admin", async () => {
    const q = "SELECT outlet, articles FROM analytics.outlets ORDER BY outlet";
    const table = await vesti(["sql", q], home.env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^outlet\s+articles$/);
    expect(lines[1]).toMatch(/^-+ {2}-+$/);
    expect(lines.at(-1)).toBe(`(${corpus.outlets.length} rows)`);
    // numbers right-aligned under their header
    const width = lines[1]!.length;
    for (const line of lines.slice(2, -1)) expect(line.length).toBe(width);

    const csv = await vesti(["sql", "--format", "csv", q], home.env);
    expect(csv.stdout.split("\n")[0]).toBe("outlet,articles");
    expect(csv.stdout.trim().split("\n")).toHaveLength(corpus.outlets.length + 1);

    const write = await vesti(["sql", "DELETE FROM articles"], home.env);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/^vesti: ERROR: permission denied for table articles/m);
    const admin = await vesti(["sql", "--admin", "SELECT current_user AS who"], home.env);
    expect(admin.stdout).toMatch(/postgres/);
    const bad = await vesti(["sql", "SELECT * FROM no_such_view"], home.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^vesti: ERROR: relation "no_such_view" does not exist/m);
  });

  it("recovers after SIGKILL: joins the server left running, loses nothing and counts nothing twice", async () => {
    // A clean slate, then a run on slow feeds that is killed half-way.
    let db: Kysely<Database> | undefined;
    const child = spawnVesti(["run"], { ...home.env, SOURCES_FILE: slowSources, INGEST_CONCURRENCY: "2" });
    let output = "";
    child.stdout?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    child.stderr?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    // a failing wait must not leave the run behind
    const killChild = () => child.exitCode === null && child.kill("SIGKILL");
    try {
      await waitFor(
        "the first feeds stored",
        async () => {
          if (!serverPid()) return false;
          try {
            db ??= embeddedDb();
            const stored = await db
              .selectFrom("feed_fetches")
              .select("id")
              .where("outcome", "=", "ok")
              .execute();
            return stored.length >= 2;
          } catch {
            return false;
          }
        },
        120_000,
      ).catch((error: unknown) => {
        killChild();
        throw new Error(`${(error as Error).message}; the run's output:\n${output}`);
      });
    } finally {
      await db?.destroy();
    }
    // one in-process runner per database: a second `vesti run` is refused while this one runs
    const second = await vesti(["run", "--once"], { ...home.env, SOURCES_FILE: slowSources });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split("\n").at(-1)).toMatch(
      /^vesti: another `vesti run` is already running on this database with in-process jobs/,
    );
    const orphan = serverPid();
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(orphan).toBeDefined();
    expect(serverPid()).toBe(orphan); // the server outlived the killed process

    const again = await vesti(["run", "--once", "--timeout", "120"], {
      ...home.env,
      SOURCES_FILE: slowSources,
    });
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).toMatch(
      /left running by a Vesti process that did not stop; using it/,
    );
    expect(serverPid()).toBeUndefined(); // no orphan left

    const status = await vesti(["db", "status"], home.env);
    expect(status.stdout).toMatch(/PostgreSQL is stopped/);
    await expectExactCounts();
  });
});

describe("vesti demo", () => {
  it("ingests the bundled sample from loopback on the embedded default and shows the thesis and the trends", async () => {
    const other = await embeddedHome();
    try {
      const r = await vesti(["demo"], other.env);
      expect(r.code).toBe(0);
      // six outlets, each fetched once without error (UTF-8 and windows-1251 RSS, Atom)
      for (const id of [
        "demo-glasnik",
        "demo-jutarnje",
        "demo-brzi",
        "demo-glas-moskve",
        "demo-vestnik",
        "demo-novosti-dnya",
      ])
        expect(r.stdout).toMatch(new RegExp(`^${id}\\s+1\\s+1\\s+\\d+\\s+[1-9]\\d*\\s+\\d+\\s+0\\b`, "m"));
      // nine ISO weeks of the thesis view, and a trend line per theme
      const weeks = r.stdout.match(/^\d{4}-W\d{2}\s+\d+/gm) ?? [];
      expect(weeks).toHaveLength(9);
      for (const theme of ["kosovo", "russian_aid", "chinese_aid", "eu_aid"])
        expect(r.stdout).toMatch(new RegExp(`^ {2}${theme}\\s`, "m"));
      expect(r.stdout).toMatch(/Try next:/);
      // the sample's story is in the numbers: the Chinese-aid wave comes before the Russian one
      const sql = await vesti(
        [
          "--db",
          "vesti_demo",
          "sql",
          "--format",
          "json",
          "SELECT (array_agg(iso_week ORDER BY chinese_aid_share DESC))[1] AS chinese, (array_agg(iso_week ORDER BY russian_aid_share DESC))[1] AS russian FROM analytics.aid_attention_weekly",
        ],
        other.env,
      );
      const [peak] = JSON.parse(sql.stdout) as { chinese: string; russian: string }[];
      expect(peak!.chinese < peak!.russian).toBe(true);
      // the Cyrillic windows-1251 feed decoded to Cyrillic, not mojibake
      const cyr = await vesti(
        [
          "--db",
          "vesti_demo",
          "sql",
          "--format",
          "json",
          "SELECT count(*)::int AS n FROM analytics.articles WHERE outlet = 'demo-vestnik' AND lang = 'ru' AND script = 'Cyrl'",
        ],
        other.env,
      );
      expect(JSON.parse(cyr.stdout)[0].n).toBeGreaterThan(100);
    } finally {
      await other.remove();
    }
  });

  it("vesti serve shows the trends page on the embedded database, and stops its server with it", async () => {
    const port = await freePort();
    const child = spawnVesti(["serve", "--port", String(port)], home.env);
    let err = "";
    child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout?.resume();
    try {
      await waitFor("the trends page", async () => err.includes("trends page on"), 60_000, 100);
      const landing = await fetch(`http://127.0.0.1:${port}/`);
      expect(landing.status).toBe(200);
      const html = await landing.text();
      expect(html).toMatch(/<svg[^>]*>/);
      expect(html).toContain("Russian aid");
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(serverPid()).toBeDefined();
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    expect(serverPid()).toBeUndefined();
  });

  it("vesti sql reads the query from stdin when it is not a terminal", async () => {
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", MAIN, "sql", "--format", "csv"], {
        cwd: ROOT,
        env: cleanEnv(home.env),
      });
      let stdout = "";
      child.stdout.on("data", (c) => (stdout += c));
      child.stderr.resume();
      child.on("exit", (code) => resolve({ code, stdout }));
      child.stdin.end("SELECT 1 AS one;\nSELECT 'два' AS two;\n");
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("one\n1\ntwo\nдва\n");
  });
});

describe("start-up errors: one sentence that names what to fix", () => {
  const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

  it("an unreachable DATABASE_URL is retried for STARTUP_RETRY_SECONDS, then named with its host and port", async () => {
    const port = await freePort();
    const r = await vesti(["run", "--once"], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/vesti`,
      STARTUP_RETRY_SECONDS: "2",
    });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      new RegExp(
        `^vesti: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\) after 2 s: .*ECONNREFUSED.*unset DATABASE_URL and REDIS_URL to run on the embedded default$`,
      ),
    );
    const attempts = (r.stdout + r.stderr).match(/not reachable yet; retrying/g) ?? [];
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBeLessThan(10);
  });

  it("REDIS_URL without DATABASE_URL is refused", async () => {
    const r = await vesti(["run", "--once"], { REDIS_URL: "redis://127.0.0.1:6379" });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      /^vesti: REDIS_URL is set but DATABASE_URL is not: the distributed mode needs both/,
    );
  });

  it("an unreachable REDIS_URL ends with its name, not with endless worker errors", async () => {
    const t = await createTestDatabase();
    try {
      const port = await freePort();
      const r = await vesti(["run", "--once"], {
        DATABASE_URL: t.url,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        STARTUP_RETRY_SECONDS: "1",
      });
      expect(r.code).toBe(1);
      expect(lastLine(r.stderr)).toMatch(
        new RegExp(`^vesti: cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(REDIS_URL\\)`),
      );
      expect(r.stdout + r.stderr).not.toMatch(/worker error/);
    } finally {
      await t.destroy();
    }
  });

  it("a taken embedded port names EMBEDDED_PG_PORT", async () => {
    const other = await embeddedHome();
    const squatter: Server = createServer(() => {});
    await new Promise<void>((r) => squatter.listen(other.port, "127.0.0.1", r));
    try {
      const r = await vesti(["sql", "SELECT 1"], other.env);
      expect(r.code).toBe(1);
      expect(lastLine(r.stderr)).toBe(
        `vesti: port ${other.port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`,
      );
    } finally {
      await new Promise((r) => squatter.close(r));
      await other.remove();
    }
  });

  it.runIf(isRoot)(
    "as root, a data folder the server's account cannot reach is named, with the way out",
    async () => {
      const other = await embeddedHome();
      chmodSync(other.home, 0o755); // mkdtemp's 0700 would be the first folder in the way
      const locked = join(other.home, "locked");
      mkdirSync(join(locked, "inner"), { recursive: true, mode: 0o700 });
      chmodSync(locked, 0o700);
      try {
        const r = await vesti(["sql", "SELECT 1"], {
          ...other.env,
          VESTI_HOME: join(locked, "inner", "vesti"),
        });
        expect(r.code).toBe(1);
        expect(lastLine(r.stderr)).toMatch(
          new RegExp(
            `^vesti: embedded PostgreSQL runs as the account "postgres" .* cannot enter ${locked} \\(mode 700\\).*Set VESTI_HOME to a folder it can reach`,
          ),
        );
      } finally {
        await other.remove();
      }
    },
  );

  it("a distributed-mode service refuses to start without DATABASE_URL and REDIS_URL", async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", join(ROOT, "services/ingest/src/main.ts")],
        { cwd: ROOT, env: cleanEnv({}), timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /the ingest service is a process of the distributed mode and needs DATABASE_URL and REDIS_URL/,
    );
  });
});

describe("the local mode (DATABASE_URL only): in-process jobs on a PostgreSQL server", () => {
  it("--once leaves an unfinished retag for later at a batch boundary, exits 0, and the next run finishes it", async () => {
    const t = await createTestDatabase();
    try {
      // Demo articles carry the taxonomy version "demo", so the first run must retag all of them.
      await seedDemo(t.db, { from: "2026-01-01", to: "2026-02-15", perDay: 40 });
      const total = await t.db
        .selectFrom("articles")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const env = { DATABASE_URL: t.url, SOURCES_FILE: sources, LOG_LEVEL: "info" };
      const first = await vesti(["run", "--once", "--timeout", "0"], env);
      expect(first.code).toBe(0);
      const out = first.stdout + first.stderr;
      expect(out).toMatch(/local mode \(DATABASE_URL is set and REDIS_URL is not/);
      expect(out).toMatch(/the retag is left for later: it resumes where it stopped on the next start/);
      expect(out).not.toMatch(/shutdown timed out/);
      const stopped = await t.db.selectFrom("retag_runs").selectAll().executeTakeFirstOrThrow();
      expect(stopped.status).toBe("interrupted");
      expect(stopped.articles_total).toBe(total.n);
      expect(stopped.articles_done).toBeLessThan(total.n);

      const second = await vesti(["run", "--once", "--timeout", "200"], env);
      expect(second.code).toBe(0);
      const done = await t.db.selectFrom("retag_runs").selectAll().execute();
      expect(done).toHaveLength(1);
      expect(done[0]).toMatchObject({ status: "done", articles_done: total.n, interruptions: 1 });
      const stale = await t.db
        .selectFrom("articles")
        .select("id")
        .where("taxonomy_version", "=", "demo")
        .execute();
      expect(stale).toEqual([]);
    } finally {
      await t.destroy();
    }
  });
});
