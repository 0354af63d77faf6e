import { describe, expect, it } from "vitest";
import { FeedParseError, readFeed } from "../src/index";
import { rss } from "./helpers";

const opts = {
  feedUrl: "https://e.rs/feed",
  timeZone: "Europe/Belgrade",
  fetchedAt: new Date("2026-11-27T12:00:00Z"),
};
const read = (s: string) => readFeed(Buffer.from(s), opts);

describe("readFeed", () => {
  it("normalises an item fully", async () => {
    const r = await read(
      rss([
        {
          title: "  <b>Vučić</b>&nbsp;u   Briselu ",
          link: "/vesti/1?utm_source=rss#x",
          guid: " 1 ",
          description: "<p>Opis</p>",
          pubDate: "2026-11-26 10:00",
        },
      ]),
    );
    const i = r.items[0]!;
    expect(i).toMatchObject({
      guid: "1",
      title: "Vučić u Briselu",
      summary: "Opis",
      link: "https://e.rs/vesti/1?utm_source=rss#x",
      canonicalUrl: "https://e.rs/vesti/1",
      titleKey: "vucic u briselu",
      publishedEstimated: false,
    });
    expect(i.urlHash).toMatch(/^[0-9a-f]{64}$/);
    expect(i.identityKey).toBe(`url:${i.urlHash}`);
    expect(i.publishedAt.toISOString()).toBe("2026-11-26T09:00:00.000Z");
  });
  it("reads feed meta: ttl, sy:updatePeriod, language", async () => {
    const r = await read(
      `<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title><language>sr-RS</language><ttl>20</ttl><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel></rss>`,
    );
    expect(r.meta).toMatchObject({
      language: "sr-rs",
      ttlMinutes: 20,
      updatePeriodMinutes: 360,
      format: "rss2",
    });
    expect(r.items).toEqual([]);
  });
  it.each([
    ["", /empty body/],
    ["<html><body>x</body></html>", /HTML page/],
    ['{"version":"https://jsonfeed.org/version/1"}', /JSON/],
    ["<?xml version='1.0'?><opml version='2.0'></opml>", /root element <opml>/],
    ["<rss version='2.0'><channel><title>x</title><item><title>y</ti", /XML/],
    ["just text", /not XML/],
  ])("refuses %j", async (input, message) => {
    const e = await read(input).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FeedParseError);
    expect((e as Error).message).toMatch(message);
  });
  it("leaves CDATA alone when repairing entities", async () => {
    const r = await read(
      "<rss version='2.0'><channel><title>T &nbsp;</title><item><title><![CDATA[Vesti &amp; more & less]]></title><link><![CDATA[https://e.rs/a?x=1&y=2]]></link></item></channel></rss>",
    );
    expect(r.items[0]).toMatchObject({ title: "Vesti & more & less", link: "https://e.rs/a?x=1&y=2" });
  });
  it("names the feed an HTML page advertises", async () => {
    const page =
      '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="https://e.rs/rss"></head></html>';
    await expect(read(page)).rejects.toThrow(/advertises a feed at https:\/\/e\.rs\/rss/);
  });
  it("does not leak state between documents (fresh parser per document)", async () => {
    await expect(read("<rss version='2.0'><channel><item></channel>")).rejects.toBeInstanceOf(FeedParseError);
    const r = await read(rss([{ title: "ok", link: "https://e.rs/ok" }]));
    expect(r.items).toHaveLength(1);
  });
});
