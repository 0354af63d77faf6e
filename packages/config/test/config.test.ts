import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, settings } from "../src/index";

describe("parseConfig", () => {
  it("applies defaults when the environment is empty", () => {
    const cfg = parseConfig({});
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(cfg.REDIS_URL).toBeUndefined();
    expect(cfg.EMBEDDED_PG_PORT).toBe(54329);
    expect(cfg.FETCH_MAX_REDIRECTS).toBe(5);
    expect(cfg.FETCH_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(cfg.SOURCES_FILE).toBeUndefined();
  });

  it("coerces numbers and booleans", () => {
    const cfg = parseConfig({ INGEST_CONCURRENCY: "3", FETCH_ALLOW_PRIVATE_NETWORKS: "true" });
    expect(cfg.INGEST_CONCURRENCY).toBe(3);
    expect(cfg.FETCH_ALLOW_PRIVATE_NETWORKS).toBe(true);
  });

  it("fails fast naming every bad variable", () => {
    let error: unknown;
    try {
      parseConfig({ DATABASE_URL: "mysql://x", INGEST_CONCURRENCY: "lots" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/DATABASE_URL/);
    expect(String(error)).toMatch(/INGEST_CONCURRENCY/);
  });

  it("rejects inverted polling bounds", () => {
    expect(() => parseConfig({ POLL_MIN_INTERVAL_SECONDS: "900", POLL_MAX_INTERVAL_SECONDS: "600" })).toThrow(
      /POLL_MIN_INTERVAL_SECONDS/,
    );
  });
});

describe("README configuration table", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const rows = new Map(
    [...readme.matchAll(/^\| `([A-Z0-9_]+)` *\| ([^|]*?) *\|/gm)].map((m) => [m[1], m[2]?.trim()]),
  );
  it.each(Object.entries(settings))("documents %s with its default", (name, s) => {
    expect(rows.has(name)).toBe(true);
    const documented = rows.get(name);
    if (s.default === undefined) expect(documented).toMatch(/^\(/);
    else expect(documented).toBe(`\`${s.default}\``);
  });
  it("documents no setting that does not exist", () => {
    for (const name of rows.keys()) expect(Object.keys(settings)).toContain(name);
  });
});

describe("docker-compose.yml", () => {
  const compose = readFileSync(new URL("../../../docker-compose.yml", import.meta.url), "utf8");
  const distributed = Object.entries(settings)
    .filter(([, s]) => !("embeddedOnly" in s && s.embeddedOnly))
    .map(([name]) => name);
  it.each(distributed)("passes %s to the containers", (name) => {
    expect(compose).toMatch(new RegExp(`^\\s+${name}:`, "m"));
  });
});
