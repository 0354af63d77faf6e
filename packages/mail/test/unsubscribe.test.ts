import { describe, expect, it } from "vitest";
import { listUnsubscribeHeaders, unsubscribeUrl } from "../src/unsubscribe";

describe("unsubscribe links", () => {
  it("points at the page's /unsubscribe, under a path prefix too, with the token encoded", () => {
    expect(unsubscribeUrl("https://vesti.example.org", "abc_DEF-123")).toBe(
      "https://vesti.example.org/unsubscribe?token=abc_DEF-123",
    );
    expect(unsubscribeUrl("https://example.org/vesti/", "t")).toBe(
      "https://example.org/vesti/unsubscribe?token=t",
    );
    expect(unsubscribeUrl("https://example.org/vesti", "a b&c")).toBe(
      "https://example.org/vesti/unsubscribe?token=a+b%26c",
    );
    expect(unsubscribeUrl(undefined, "t")).toBeUndefined();
  });

  it("offers one-click only with the page's link", () => {
    expect(
      listUnsubscribeHeaders("https://x.org/unsubscribe?token=t", "mailto:d@x.org?subject=unsubscribe%20t"),
    ).toEqual({
      "List-Unsubscribe": "<https://x.org/unsubscribe?token=t>, <mailto:d@x.org?subject=unsubscribe%20t>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(listUnsubscribeHeaders(undefined, "mailto:d@x.org")).toEqual({
      "List-Unsubscribe": "<mailto:d@x.org>",
    });
    expect(listUnsubscribeHeaders(undefined)).toEqual({});
  });
});
