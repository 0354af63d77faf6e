import { describe, expect, it } from "vitest";
import {
  detectBotProtection,
  evaluateRobots,
  FeedFetchError,
  type RobotsRecord,
  robotsOrigin,
  robotsProductToken,
  robotsRecordFromFetch,
} from "../src/index";

const NOW = new Date("2026-03-02T12:00:00Z");
const UA = "Vesti/0.1 (+https://github.com/vesti-news/vesti; media monitoring)";
const ok = (body: string): RobotsRecord => ({
  origin: "https://vreme.com",
  outcome: "ok",
  status: 200,
  body,
  error: null,
  fetchedAt: NOW,
  expiresAt: new Date(NOW.getTime() + 86_400_000),
  unreachableSince: null,
});

describe("robots.txt policy", () => {
  it("matches our product token and honours Disallow, Allow and Crawl-delay", () => {
    expect(robotsProductToken(UA)).toBe("Vesti");
    const r = ok("User-agent: *\nDisallow: /feed/\nAllow: /feed/public\nCrawl-delay: 600\n");
    expect(evaluateRobots(r, "https://vreme.com/feed/", UA, "feed")).toMatchObject({ allowed: false });
    expect(evaluateRobots(r, "https://vreme.com/feed/public", UA, "feed").allowed).toBe(true);
    expect(evaluateRobots(r, "https://vreme.com/vesti/1", UA, "page")).toMatchObject({
      allowed: true,
      crawlDelaySeconds: 60,
    });
  });
  it("allows a sitemap robots.txt lists, even under a Disallow", () => {
    const r = ok("User-agent: *\nDisallow: /\nSitemap: https://vreme.com/sitemap.xml\n");
    expect(evaluateRobots(r, "https://vreme.com/sitemap.xml", UA, "sitemap").allowed).toBe(true);
    expect(evaluateRobots(r, "https://vreme.com/other.xml", UA, "sitemap").allowed).toBe(false);
  });
  it("maps answers as RFC 9309 says: 4xx allow, 5xx disallow for a while, then allow after 30 days", () => {
    const e = (status: number) => ({
      error: new FeedFetchError("http_4xx", `HTTP ${status}`, { url: "x", status }),
    });
    const gone = robotsRecordFromFetch("https://a.rs", e(404), NOW, null);
    expect(gone).toMatchObject({ outcome: "unavailable" });
    expect(evaluateRobots(gone, "https://a.rs/x", UA, "page").allowed).toBe(true);
    const down = robotsRecordFromFetch(
      "https://a.rs",
      { error: new FeedFetchError("http_5xx", "HTTP 503", { url: "x", status: 503 }) },
      NOW,
      null,
    );
    expect(down).toMatchObject({ outcome: "unreachable", unreachableSince: NOW });
    expect(down.expiresAt.getTime() - NOW.getTime()).toBe(3_600_000);
    expect(evaluateRobots(down, "https://a.rs/x", UA, "page").allowed).toBe(false);
    expect(evaluateRobots(down, "https://a.rs/feed", UA, "feed").allowed).toBe(true);
    const later = new Date(NOW.getTime() + 31 * 86_400_000);
    const still = robotsRecordFromFetch("https://a.rs", { error: new Error("ECONNREFUSED") }, later, down);
    expect(still.outcome).toBe("unavailable");
    // a copy parsed before keeps applying while the file is unreachable
    const kept = robotsRecordFromFetch(
      "https://vreme.com",
      { error: new Error("timeout") },
      NOW,
      ok("User-agent: *\nDisallow: /feed/\n"),
    );
    expect(kept.outcome).toBe("ok");
    expect(evaluateRobots(kept, "https://vreme.com/feed/", UA, "feed").allowed).toBe(false);
    const limited = robotsRecordFromFetch(
      "https://a.rs",
      { error: new FeedFetchError("rate_limited", "HTTP 429", { url: "x", status: 429 }) },
      NOW,
      null,
    );
    expect(limited.outcome).toBe("unreachable");
  });
  it("keys the cache by origin", () => {
    expect(robotsOrigin("https://WWW.B92.net:443/rss/latest?x=1")).toBe("https://www.b92.net");
    expect(robotsOrigin("http://127.0.0.1:8080/a")).toBe("http://127.0.0.1:8080");
  });
});

describe("detectBotProtection", () => {
  it("recognises challenge pages and headers, not plain refusals", () => {
    expect(detectBotProtection(403, { "cf-mitigated": "challenge" }, "")?.vendor).toBe("cloudflare");
    expect(
      detectBotProtection(503, { server: "cloudflare" }, "<title>Just a moment...</title>")?.vendor,
    ).toBe("cloudflare");
    expect(detectBotProtection(403, { server: "ddos-guard" }, "")?.vendor).toBe("ddos-guard");
    expect(
      detectBotProtection(403, { server: "AkamaiGHost" }, "<H1>Access Denied</H1> Reference #18.abc")?.vendor,
    ).toBe("akamai");
    expect(detectBotProtection(403, {}, "<html>Incapsula incident ID: 123</html>")?.vendor).toBe("imperva");
    expect(detectBotProtection(403, { server: "nginx" }, "<html><body>Forbidden</body></html>")).toBeNull();
    expect(detectBotProtection(404, { "cf-mitigated": "challenge" }, "")).toBeNull();
    expect(detectBotProtection(403, { server: "cloudflare" }, "Forbidden")).toBeNull();
  });
});
