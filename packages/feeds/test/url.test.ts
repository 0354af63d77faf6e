import { describe, expect, it } from "vitest";
import { canonicalizeUrl, resolveUrl, sha256Hex } from "../src/url";

describe("canonicalizeUrl", () => {
  it.each([
    ["HTTPS://WWW.Example.RS:443/Vesti/1?b=2&a=1#top", "https://www.example.rs/Vesti/1?a=1&b=2"],
    ["http://example.rs:80/x", "http://example.rs/x"],
    ["http://example.rs:8080/x", "http://example.rs:8080/x"],
    [
      "https://example.rs/a?utm_source=rss&utm_medium=feed&fbclid=1&gclid=2&yclid=3&mc_cid=4&mc_eid=5&_openstat=6&id=7",
      "https://example.rs/a?id=7",
    ],
    ["https://example.rs/a?utm_campaign=x", "https://example.rs/a"],
    ["https://example.rs/a?x=2&x=1", "https://example.rs/a?x=1&x=2"],
    ["https://user:pw@example.rs./a", "https://example.rs/a"],
    ["https://пример.рф/новости", "https://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"],
  ])("%s", (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });
  it("refuses non-http URLs", () => {
    expect(canonicalizeUrl("mailto:a@b.rs")).toBeNull();
    expect(canonicalizeUrl("javascript:alert(1)")).toBeNull();
    expect(canonicalizeUrl("nonsense")).toBeNull();
  });
  it("hashes the canonical form", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("resolveUrl", () => {
  it("resolves relative links and drops non-http ones", () => {
    expect(resolveUrl("../b", "https://e.rs/x/y/")).toBe("https://e.rs/x/b");
    expect(resolveUrl("  //cdn.e.rs/a ", "https://e.rs/")).toBe("https://cdn.e.rs/a");
    expect(resolveUrl("javascript:void(0)", "https://e.rs/")).toBeNull();
    expect(resolveUrl("", "https://e.rs/")).toBeNull();
    expect(resolveUrl("relative/only")).toBeNull();
  });
});
