// Hostile-feed suite: a real HTTP server on 127.0.0.1 serving broken, huge, slow, looping and
// mis-encoded feeds. Every case goes through fetchFeed + readFeed, the worker's code path.
// Loopback only: private-address redirects must be refused before any connection is made.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FeedFetchError,
  type FeedFetchOk,
  FeedParseError,
  type FetchFeedOptions,
  fetchFeed,
  type ReadFeedResult,
  readFeed,
} from "../src/index";
import {
  encode,
  PT_SUMMARY,
  PT_TITLE,
  RU_SUMMARY,
  RU_TITLE,
  rss,
  SR_CYR_TITLE,
  SR_LAT_SUMMARY,
  SR_LAT_TITLE,
} from "./helpers";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base = "";
const openResponses = new Set<ServerResponse>();

const FETCHED_AT = new Date("2026-11-27T12:00:00Z");
const LOOPBACK: FetchFeedOptions = {
  allowedCidrs: ["127.0.0.0/8"],
  totalTimeoutMs: 5000,
  maxBytes: 5 * 1024 * 1024,
};

function send(body: string | Buffer, headers: Record<string, string> = {}, status = 200): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/rss+xml", ...headers });
    res.end(body);
  };
}

type Outcome = { ok: ReadFeedResult; fetch: FeedFetchOk } | { notModified: true } | { error: Error };

async function run(path: string, opts: FetchFeedOptions = {}): Promise<Outcome> {
  try {
    const f = await fetchFeed(base + path, { ...LOOPBACK, ...opts });
    if (f.kind === "not-modified") return { notModified: true };
    const r = await readFeed(f.body, {
      contentType: f.contentType,
      feedUrl: f.finalUrl,
      timeZone: "Europe/Belgrade",
      fetchedAt: FETCHED_AT,
    });
    return { ok: r, fetch: f };
  } catch (e) {
    return { error: e as Error };
  }
}

function ok(o: Outcome): ReadFeedResult {
  if ("error" in o) throw new Error(`expected a feed, got ${o.error.name}: ${o.error.message}`);
  if ("notModified" in o) throw new Error("expected a feed, got 304");
  return o.ok;
}

function fetchError(o: Outcome): FeedFetchError {
  if (!("error" in o)) throw new Error("expected an error");
  expect(o.error).toBeInstanceOf(FeedFetchError);
  return o.error as FeedFetchError;
}

function parseError(o: Outcome): FeedParseError {
  if (!("error" in o)) throw new Error("expected an error");
  expect(o.error, o.error.message).toBeInstanceOf(FeedParseError);
  expect(o.error.message).not.toContain("\n");
  return o.error as FeedParseError;
}

const GOOD = rss([
  {
    title: RU_TITLE,
    link: "https://example.org/a",
    guid: "a",
    description: RU_SUMMARY,
    pubDate: "Thu, 26 Nov 2026 10:00:00 +0300",
  },
  { title: SR_LAT_TITLE, link: "https://example.org/b", guid: "b", pubDate: "Thu, 26 Nov 2026 11:00:00 GMT" },
]);

beforeAll(async () => {
  // --- plain and malformed bodies
  routes.set("/good", send(GOOD, { "content-type": "application/rss+xml; charset=utf-8" }));
  routes.set("/truncated", send(GOOD.slice(0, Math.floor(GOOD.length * 0.6))));
  routes.set(
    "/html",
    send("<!DOCTYPE html><html><head><title>Početna</title></head><body>vesti</body></html>", {
      "content-type": "text/html",
    }),
  );
  routes.set(
    "/json",
    send(JSON.stringify({ items: [{ title: "x" }] }), { "content-type": "application/json" }),
  );
  routes.set("/empty", send(""));
  routes.set("/whitespace", send("   \n  "));
  // --- size limits
  routes.set("/huge-stream", (_req, res) => {
    // 50 MB generated on the fly, chunked (no Content-Length), so only the streaming limit can stop it.
    res.writeHead(200, { "content-type": "application/rss+xml" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 50 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("close", () => {
      sent = Number.POSITIVE_INFINITY;
    });
    pump();
  });
  routes.set("/huge-declared", (_req, res) => {
    res.writeHead(200, { "content-type": "application/rss+xml", "content-length": String(50 * 1024 * 1024) });
    res.write(Buffer.alloc(1024, 0x20));
    openResponses.add(res);
  });
  const bomb = zlib.gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20), { level: 9 });
  routes.set("/gzip-bomb", send(bomb, { "content-encoding": "gzip" }));
  // --- slow
  routes.set("/drip", (_req, res) => {
    res.writeHead(200, { "content-type": "application/rss+xml" });
    openResponses.add(res);
    const t = setInterval(() => res.write("<"), 1000);
    res.on("close", () => clearInterval(t));
  });
  routes.set("/slow-headers", (_req, res) => {
    openResponses.add(res);
    setTimeout(() => send(GOOD)(_req, res), 10_000).unref();
  });
  // --- redirects
  routes.set("/loop-a", send("", { location: "/loop-b" }, 302));
  routes.set("/loop-b", send("", { location: "/loop-a" }, 302));
  for (let i = 0; i < 8; i++) routes.set(`/chain-${i}`, send("", { location: `/chain-${i + 1}` }, 302));
  routes.set("/chain-8", send(GOOD));
  routes.set("/to-private", send("", { location: "http://10.0.0.1/feed" }, 302));
  routes.set("/to-metadata", send("", { location: "http://169.254.169.254/latest/meta-data/" }, 301));
  routes.set("/to-ipv6-ula", send("", { location: "http://[fd00::1]/feed" }, 302));
  routes.set("/to-file", send("", { location: "file:///etc/passwd" }, 302));
  routes.set("/moved", send("", { location: "/good" }, 301));
  routes.set("/temp", send("", { location: "/good" }, 302));
  // --- status codes
  routes.set("/404", send("not here", {}, 404));
  routes.set("/410", send("gone", {}, 410));
  routes.set("/403", send("forbidden", {}, 403));
  let flaky = 0;
  routes.set("/flaky", (req, res) => (flaky++ === 0 ? send("oops", {}, 500) : send(GOOD))(req, res));
  routes.set("/429", send("slow down", { "retry-after": "120" }, 429));
  routes.set(
    "/503-date",
    send("maintenance", { "retry-after": new Date(Date.now() + 600_000).toUTCString() }, 503),
  );
  // --- XML attacks
  routes.set(
    "/billion-laughs",
    send(`<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title><link>https://example.org/x</link></item></channel></rss>`),
  );
  routes.set(
    "/xxe",
    send(`<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><link>https://example.org/x</link></item></channel></rss>`),
  );
  routes.set(
    "/netscape-091",
    send(`<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old&nbsp;feed</title><link>https://example.org/</link>
<item><title>Caf&eacute; &amp; bar</title><link>https://example.org/cafe</link></item></channel></rss>`),
  );
  // --- item-level oddities
  routes.set(
    "/dupes",
    send(
      rss([
        { title: "Prva vest", link: "https://example.org/1", guid: "g1" },
        { title: "Prva vest", link: "https://example.org/1", guid: "g1" },
        { title: "Druga vest", link: "https://example.org/2?utm_source=rss", guid: "g2" },
        { title: "Druga vest (ponovo)", link: "https://example.org/2", guid: "g2" },
      ]),
    ),
  );
  routes.set(
    "/no-links",
    send(
      rss([
        { title: "Samo naslov", guid: "urn:vesti:1" },
        { description: "Bez naslova i linka" },
        { link: "https://example.org/only-link" },
        { title: "Guid as permalink", guid: "https://example.org/permalink" },
      ]),
    ),
  );
  routes.set(
    "/dates",
    send(
      rss([
        { title: "invalid", link: "https://example.org/d1", pubDate: "not a date at all" },
        { title: "future", link: "https://example.org/d2", pubDate: "Sat, 01 Jan 2033 10:00:00 GMT" },
        { title: "missing", link: "https://example.org/d3" },
        { title: "serbian", link: "https://example.org/d4", pubDate: "26. novembar 2026. 14:30" },
        { title: "russian", link: "https://example.org/d5", pubDate: "26 ноября 2026 10:15 MSK" },
        {
          title: "gmt-trailing",
          link: "https://example.org/d6",
          pubDate: "Thu, 26 Nov 2026 09:00:00 GMT\r\n      ",
        },
        { title: "epoch", link: "https://example.org/d7", pubDate: "Thu, 01 Jan 1970 00:00:00 GMT" },
      ]),
    ),
  );
  routes.set(
    "/relative",
    send(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xml:base="https://news.example.rs/sr/"><channel><title>Rel</title><link>/</link>
<item><title>A</title><link>vesti/1.html</link></item>
<item><title>B</title><link>/apsolutno/2.html#komentari</link></item>
<item><title>C</title><link>?id=3&amp;utm_medium=rss&amp;b=2&amp;a=1</link></item>
</channel></rss>`),
  );
  routes.set(
    "/atom-base",
    send(
      `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example.ru/lenta/">
<title>Атом</title><link href="https://atom.example.ru/"/><updated>2026-11-26T10:00:00Z</updated>
<entry><title type="html">&lt;b&gt;${RU_TITLE}&lt;/b&gt;</title><link href="news/1"/><id>tag:atom.example.ru,2026:1</id>
<published>2026-11-26T10:00:00+03:00</published><summary type="html">&lt;p&gt;${RU_SUMMARY}&lt;/p&gt;</summary></entry>
<entry xml:base="https://other.example.ru/"><title>Второй</title><link href="x/2"/><id>tag:2</id><updated>garbage</updated></entry>
</feed>`,
      { "content-type": "application/atom+xml" },
    ),
  );
  routes.set(
    "/rdf",
    send(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel rdf:about="https://rdf.example.rs/"><title>RDF</title><link>https://rdf.example.rs/</link><description>d</description>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel>
<item rdf:about="https://rdf.example.rs/1"><title>${SR_CYR_TITLE}</title><link>https://rdf.example.rs/1</link><dc:date>2026-11-26T10:00:00+01:00</dc:date></item>
</rdf:RDF>`),
  );
  routes.set(
    "/entities",
    send(
      `<rss version="2.0"><channel><title>AT&T &laquo;vesti&raquo;</title><ttl>15</ttl><item><title>Tom &amp; Jerry&nbsp;&mdash; nastavak</title><link>https://example.org/e?a=1&b=2</link><description><![CDATA[&lt;p&gt;Dvostruko &amp;quot;escapovano&amp;quot;&lt;/p&gt;]]></description></item></channel></rss>`,
    ),
  );

  // --- encodings: declared only in the header, only in the XML declaration, or not at all
  const encodingCases: [string, string, string][] = [
    ["windows-1251", RU_TITLE, RU_SUMMARY],
    ["koi8-r", RU_TITLE, RU_SUMMARY],
    ["windows-1250", SR_LAT_TITLE, SR_LAT_SUMMARY],
    ["iso-8859-2", SR_LAT_TITLE, SR_LAT_SUMMARY],
    ["iso-8859-1", PT_TITLE, PT_SUMMARY],
  ];
  for (const [enc, title, summary] of encodingCases) {
    const items = [{ title, description: summary, link: "https://example.org/enc" }];
    routes.set(
      `/enc/${enc}/header`,
      send(encode(rss(items), enc), { "content-type": `text/xml; charset=${enc}` }),
    );
    routes.set(
      `/enc/${enc}/decl`,
      send(encode(rss(items, { encoding: enc }), enc), { "content-type": "text/xml" }),
    );
    routes.set(`/enc/${enc}/none`, send(encode(rss(items), enc), { "content-type": "text/xml" }));
  }
  routes.set(
    "/enc/cp1251-serbian/none",
    send(encode(rss([{ title: SR_CYR_TITLE, link: "https://e.org/c" }]), "windows-1251")),
  );
  const u16 = rss([{ title: RU_TITLE, link: "https://example.org/u16" }], { encoding: "UTF-16" });
  routes.set("/enc/utf16le-bom", send(Buffer.concat([Buffer.from([0xff, 0xfe]), encode(u16, "utf-16le")])));
  routes.set("/enc/utf16be-bom", send(Buffer.concat([Buffer.from([0xfe, 0xff]), encode(u16, "utf-16be")])));
  routes.set("/enc/utf16le-nobom", send(encode(u16, "utf-16le")));
  routes.set("/enc/utf8-bom", send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD)])));
  routes.set(
    "/enc/header-lies",
    // Header says UTF-8 (a blanket server setting), bytes and declaration are windows-1251.
    send(
      encode(
        rss([{ title: RU_TITLE, link: "https://e.org/l" }], { encoding: "windows-1251" }),
        "windows-1251",
      ),
      {
        "content-type": "text/xml; charset=utf-8",
      },
    ),
  );

  // --- conditional GET
  routes.set("/etag", (req, res) => {
    if (req.headers["if-none-match"] === '"v1"') {
      res.writeHead(304, { etag: '"v1"' });
      return void res.end();
    }
    send(GOOD, { etag: '"v1"', "cache-control": "public, max-age=300" })(req, res);
  });
  const lm = "Thu, 26 Nov 2026 10:00:00 GMT";
  routes.set("/last-modified", (req, res) => {
    if (req.headers["if-modified-since"] === lm) {
      res.writeHead(304);
      return void res.end();
    }
    send(GOOD, { "last-modified": lm })(req, res);
  });
  routes.set("/ignores-etag", send(GOOD, { etag: '"always-new"' }));
  routes.set("/ua", (req, res) =>
    send(rss([{ title: String(req.headers["user-agent"]), link: "https://e.org/ua" }]))(req, res),
  );

  // --- compression
  routes.set("/gzip", send(zlib.gzipSync(GOOD), { "content-encoding": "gzip" }));
  routes.set("/deflate", send(zlib.deflateSync(GOOD), { "content-encoding": "deflate" }));
  routes.set("/deflate-raw", send(zlib.deflateRawSync(GOOD), { "content-encoding": "deflate" }));
  routes.set("/br", send(zlib.brotliCompressSync(GOOD), { "content-encoding": "br" }));
  routes.set("/bad-gzip", send(Buffer.from("definitely not gzip"), { "content-encoding": "gzip" }));

  server = createServer((req, res) => {
    const h = routes.get((req.url ?? "/").split("?")[0]!);
    if (!h) {
      res.writeHead(404);
      return void res.end();
    }
    h(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of openResponses) r.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("fetchFeed + readFeed against hostile feeds", () => {
  it("parses a good feed", async () => {
    const r = ok(await run("/good"));
    expect(r.items.map((i) => i.title)).toEqual([RU_TITLE, SR_LAT_TITLE]);
    expect(r.items[0]!.publishedAt.toISOString()).toBe("2026-11-26T07:00:00.000Z");
    expect(r.encoding).toBe("utf-8");
  });

  it("sends the honest User-Agent by default and a configured one when given", async () => {
    expect(ok(await run("/ua")).items[0]!.title).toBe("Vesti/0.1 (+https://github.com/vesti-news/vesti)");
    expect(ok(await run("/ua", { userAgent: "VestiTest/9" })).items[0]!.title).toBe("VestiTest/9");
  });

  it("refuses truncated XML", async () => {
    expect(parseError(await run("/truncated")).message).toMatch(/(truncated|malformed) XML/);
  });
  it("refuses an HTML page", async () => {
    expect(parseError(await run("/html")).message).toMatch(/HTML page/);
  });
  it("refuses JSON", async () => {
    expect(parseError(await run("/json")).message).toMatch(/JSON/);
  });
  it("refuses an empty body and a whitespace body", async () => {
    expect(parseError(await run("/empty")).message).toMatch(/empty/);
    expect(parseError(await run("/whitespace")).message).toMatch(/empty/);
  });

  it("stops a 50 MB streamed body at maxBytes", async () => {
    const t0 = Date.now();
    const e = fetchError(await run("/huge-stream", { maxBytes: 1024 * 1024 }));
    expect(e.kind).toBe("too_large");
    expect(Date.now() - t0).toBeLessThan(4000);
  });
  it("refuses a declared Content-Length above maxBytes without reading it", async () => {
    expect(fetchError(await run("/huge-declared", { maxBytes: 1024 * 1024 })).kind).toBe("too_large");
  });
  it("stops a gzip bomb after decompression", async () => {
    const e = fetchError(await run("/gzip-bomb", { maxBytes: 2 * 1024 * 1024 }));
    expect(e.kind).toBe("too_large");
    expect(e.message).toMatch(/after decompression/);
  });

  it("times out a server that drips one byte a second", async () => {
    const t0 = Date.now();
    const e = fetchError(await run("/drip", { totalTimeoutMs: 1500 }));
    expect(e.kind).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(3000);
  });
  it("times out a server that never sends headers", async () => {
    expect(fetchError(await run("/slow-headers", { totalTimeoutMs: 800 })).kind).toBe("timeout");
  });

  it("detects a redirect loop", async () => {
    expect(fetchError(await run("/loop-a")).kind).toBe("redirect_loop");
  });
  it("stops after 5 redirects", async () => {
    expect(fetchError(await run("/chain-0")).kind).toBe("too_many_redirects");
    expect(ok(await run("/chain-3")).items).toHaveLength(2); // exactly 5 hops is fine
  });
  it("refuses a redirect to a private address before connecting", async () => {
    const e = fetchError(await run("/to-private"));
    expect(e.kind).toBe("blocked_address");
    expect(e.permanent).toBe(true);
    expect(e.message).toContain("10.0.0.1");
  });
  it("refuses a redirect to the cloud metadata address", async () => {
    expect(fetchError(await run("/to-metadata")).kind).toBe("blocked_address");
  });
  it("refuses a redirect to a unique-local IPv6 address", async () => {
    expect(fetchError(await run("/to-ipv6-ula")).kind).toBe("blocked_address");
  });
  it("refuses a redirect to a non-http scheme", async () => {
    expect(fetchError(await run("/to-file")).kind).toBe("bad_url");
  });
  it("refuses loopback unless allowed", async () => {
    const e = fetchError(await run("/good", { allowedCidrs: [] }));
    expect(e.kind).toBe("blocked_address");
    const port = new URL(base).port;
    const viaName = await fetchFeed(`http://localhost:${port}/good`).catch((x: unknown) => x);
    expect((viaName as FeedFetchError).kind).toBe("blocked_address");
    const allowed = await fetchFeed(`${base}/good`, { allowPrivateNetworks: true });
    expect(allowed.kind).toBe("ok");
  });
  it("refuses non-http URLs and garbage", async () => {
    await expect(fetchFeed("ftp://example.org/feed")).rejects.toMatchObject({
      kind: "bad_url",
      permanent: true,
    });
    await expect(fetchFeed("not a url")).rejects.toMatchObject({ kind: "bad_url" });
  });
  it("reports a permanent 301 so the caller can update the URL", async () => {
    const o = await run("/moved");
    ok(o);
    if ("fetch" in o) {
      expect(o.fetch.permanentRedirectTo).toBe(`${base}/good`);
      expect(o.fetch.redirects).toHaveLength(1);
    }
    const t = await run("/temp");
    if ("fetch" in t) expect(t.fetch.permanentRedirectTo).toBeNull();
  });

  it("maps 404 to gone (not permanent) and 410 to gone (permanent)", async () => {
    const e404 = fetchError(await run("/404"));
    expect([e404.kind, e404.status, e404.permanent]).toEqual(["gone", 404, false]);
    const e410 = fetchError(await run("/410"));
    expect([e410.kind, e410.status, e410.permanent]).toEqual(["gone", 410, true]);
  });
  it("maps 403 to http_4xx", async () => {
    expect(fetchError(await run("/403")).kind).toBe("http_4xx");
  });
  it("reports a 500 and then succeeds", async () => {
    const first = fetchError(await run("/flaky"));
    expect([first.kind, first.status]).toEqual(["http_5xx", 500]);
    expect(ok(await run("/flaky")).items).toHaveLength(2);
  });
  it("honours Retry-After seconds on 429", async () => {
    const e = fetchError(await run("/429"));
    expect([e.kind, e.retryAfterSeconds]).toEqual(["rate_limited", 120]);
  });
  it("parses Retry-After as an HTTP-date on 503", async () => {
    const e = fetchError(await run("/503-date"));
    expect(e.kind).toBe("http_5xx");
    expect(e.retryAfterSeconds).toBeGreaterThan(590);
    expect(e.retryAfterSeconds).toBeLessThanOrEqual(601);
  });

  it("refuses billion laughs", async () => {
    expect(parseError(await run("/billion-laughs")).message).toMatch(/DOCTYPE with entity declarations/);
  });
  it("refuses an external entity", async () => {
    expect(parseError(await run("/xxe")).message).toMatch(/DOCTYPE with entity declarations/);
  });
  it("accepts a plain RSS 0.91 DOCTYPE and HTML entities", async () => {
    const r = ok(await run("/netscape-091"));
    expect(r.meta.format).toBe("rss0.9");
    expect(r.meta.title).toBe("Old feed");
    expect(r.items[0]!.title).toBe("Café & bar");
    expect(r.warnings.join(" ")).toMatch(/DOCTYPE removed/);
  });
  it("keeps the first of duplicate items", async () => {
    const r = ok(await run("/dupes"));
    expect(r.items.map((i) => i.title)).toEqual(["Prva vest", "Druga vest"]);
    expect(r.warnings.join(" ")).toMatch(/2 duplicate/);
  });
  it("drops items with neither title nor link, keeps guid identity otherwise", async () => {
    const r = ok(await run("/no-links"));
    expect(r.items.map((i) => i.title)).toEqual(["Samo naslov", null, "Guid as permalink"]);
    expect(r.items[0]!).toMatchObject({ link: null, canonicalUrl: null, urlHash: null, guid: "urn:vesti:1" });
    expect(r.items[0]!.identityKey).toMatch(/^guid:/);
    expect(r.items[2]!.link).toBe("https://example.org/permalink");
    expect(r.warnings.join(" ")).toMatch(/item 2 dropped/);
  });
  it("handles invalid, future, missing and local dates", async () => {
    const r = ok(await run("/dates"));
    const by = Object.fromEntries(r.items.map((i) => [i.title, i]));
    expect(by["invalid"]).toMatchObject({ publishedAt: FETCHED_AT, publishedEstimated: true });
    expect(by["future"]).toMatchObject({ publishedAt: FETCHED_AT, publishedEstimated: false });
    expect(by["missing"]).toMatchObject({ publishedAt: FETCHED_AT, publishedEstimated: true });
    expect(by["serbian"]!.publishedAt.toISOString()).toBe("2026-11-26T13:30:00.000Z");
    expect(by["russian"]!.publishedAt.toISOString()).toBe("2026-11-26T07:15:00.000Z");
    expect(by["gmt-trailing"]!.publishedAt.toISOString()).toBe("2026-11-26T09:00:00.000Z");
    expect(by["epoch"]!.publishedEstimated).toBe(true);
    expect(r.warnings.join(" ")).toMatch(/future date/);
  });
  it("resolves relative links against xml:base and canonicalises them", async () => {
    const r = ok(await run("/relative"));
    expect(r.items.map((i) => i.link)).toEqual([
      "https://news.example.rs/sr/vesti/1.html",
      "https://news.example.rs/apsolutno/2.html#komentari",
      "https://news.example.rs/sr/?id=3&utm_medium=rss&b=2&a=1",
    ]);
    expect(r.items[1]!.canonicalUrl).toBe("https://news.example.rs/apsolutno/2.html");
    expect(r.items[2]!.canonicalUrl).toBe("https://news.example.rs/sr/?a=1&b=2&id=3");
    expect(r.meta.link).toBe("https://news.example.rs/");
  });
  it("parses Atom with xml:base, HTML titles and a garbage updated date", async () => {
    const r = ok(await run("/atom-base"));
    expect(r.meta.format).toBe("atom");
    expect(r.items[0]).toMatchObject({
      title: RU_TITLE,
      summary: RU_SUMMARY,
      link: "https://atom.example.ru/lenta/news/1",
      guid: "tag:atom.example.ru,2026:1",
    });
    expect(r.items[0]!.publishedAt.toISOString()).toBe("2026-11-26T07:00:00.000Z");
    expect(r.items[1]).toMatchObject({ link: "https://other.example.ru/x/2", publishedEstimated: true });
  });
  it("parses RSS 1.0 (RDF) with sy:updatePeriod", async () => {
    const r = ok(await run("/rdf"));
    expect(r.meta.format).toBe("rss1");
    expect(r.meta.updatePeriodMinutes).toBe(30);
    expect(r.items[0]!.title).toBe(SR_CYR_TITLE);
    expect(r.items[0]!.titleKey).toBe(
      "beogradjani ce sutra duze cekati autobuse saopstilo je gradsko preduzece",
    );
  });
  it("repairs HTML entities and bare ampersands, unescapes double-escaped HTML", async () => {
    const r = ok(await run("/entities"));
    expect(r.meta.title).toBe("AT&T «vesti»");
    expect(r.meta.ttlMinutes).toBe(15);
    expect(r.items[0]!.title).toBe("Tom & Jerry — nastavak");
    expect(r.items[0]!.summary).toBe('Dvostruko "escapovano"');
    expect(r.items[0]!.link).toBe("https://example.org/e?a=1&b=2");
  });

  describe("legacy encodings", () => {
    const cases: [string, string][] = [
      ["windows-1251", RU_TITLE],
      ["koi8-r", RU_TITLE],
      ["windows-1250", SR_LAT_TITLE],
      ["iso-8859-2", SR_LAT_TITLE],
      ["iso-8859-1", PT_TITLE],
    ];
    for (const [enc, title] of cases) {
      for (const where of ["header", "decl", "none"] as const) {
        it(`${enc} declared in ${where === "none" ? "no place" : where}`, async () => {
          const r = ok(await run(`/enc/${enc}/${where}`));
          expect(r.items[0]!.title).toBe(title);
          expect(JSON.stringify(r.items)).not.toContain("\ufffd");
          expect(r.encodingSource).toBe(
            where === "header" ? "header" : where === "decl" ? "xml-declaration" : "detected",
          );
          // Undeclared windows-1250 and ISO-8859-2 are identical for text without š/ž capitals etc.; the text is what matters.
          if (where !== "none" || !enc.match(/1250|8859-2/)) expect(r.encoding).toBe(enc);
        });
      }
    }
    it("undeclared windows-1251 Serbian Cyrillic", async () => {
      expect(ok(await run("/enc/cp1251-serbian/none")).items[0]!.title).toBe(SR_CYR_TITLE);
    });
    it("UTF-16 LE and BE with BOM, LE without BOM, UTF-8 with BOM", async () => {
      for (const p of ["/enc/utf16le-bom", "/enc/utf16be-bom", "/enc/utf16le-nobom"]) {
        const r = ok(await run(p));
        expect(r.items[0]!.title, p).toBe(RU_TITLE);
      }
      expect(ok(await run("/enc/utf16be-bom")).encodingSource).toBe("bom");
      expect(ok(await run("/enc/utf8-bom")).items).toHaveLength(2);
    });
    it("a header claiming UTF-8 over windows-1251 bytes yields to the XML declaration", async () => {
      const r = ok(await run("/enc/header-lies"));
      expect(r.items[0]!.title).toBe(RU_TITLE);
      expect(r.encodingSource).toBe("xml-declaration");
      expect(r.warnings.join(" ")).toMatch(/not valid UTF-8/);
    });
  });

  describe("conditional GET", () => {
    it("uses ETag and returns not-modified", async () => {
      const first = await fetchFeed(`${base}/etag`, LOOPBACK);
      expect(first.kind).toBe("ok");
      if (first.kind !== "ok") return;
      expect(first.etag).toBe('"v1"');
      expect(first.maxAgeSeconds).toBe(300);
      const second = await fetchFeed(`${base}/etag`, { ...LOOPBACK, etag: first.etag });
      expect(second).toMatchObject({ kind: "not-modified", status: 304, etag: '"v1"' });
    });
    it("uses Last-Modified and returns not-modified", async () => {
      const first = await fetchFeed(`${base}/last-modified`, LOOPBACK);
      if (first.kind !== "ok") throw new Error("expected ok");
      const second = await fetchFeed(`${base}/last-modified`, {
        ...LOOPBACK,
        lastModified: first.lastModified,
      });
      expect(second.kind).toBe("not-modified");
    });
    it("detects an unchanged body when the server ignores If-None-Match", async () => {
      const first = await fetchFeed(`${base}/ignores-etag`, LOOPBACK);
      if (first.kind !== "ok") throw new Error("expected ok");
      expect(first.unchanged).toBe(false);
      const second = await fetchFeed(`${base}/ignores-etag`, {
        ...LOOPBACK,
        etag: first.etag,
        previousContentHash: first.contentHash,
      });
      if (second.kind !== "ok") throw new Error("expected ok");
      expect(second.contentHash).toBe(first.contentHash);
      expect(second.unchanged).toBe(true);
    });
  });

  describe("compression", () => {
    for (const p of ["/gzip", "/deflate", "/deflate-raw", "/br"]) {
      it(`decodes ${p.slice(1)}`, async () => {
        const o = await run(p);
        expect(ok(o).items.map((i) => i.title)).toEqual([RU_TITLE, SR_LAT_TITLE]);
        if ("fetch" in o) expect(o.fetch.body.toString("utf8")).toBe(GOOD);
      });
    }
    it("reports a corrupt gzip body", async () => {
      expect(fetchError(await run("/bad-gzip")).kind).toBe("bad_response");
    });
  });

  it("isolates feeds: concurrent bad fetches do not affect good ones", async () => {
    const paths = [
      "/drip",
      "/gzip-bomb",
      "/billion-laughs",
      "/good",
      "/404",
      "/enc/koi8-r/none",
      "/truncated",
      "/br",
    ];
    const results = await Promise.all(
      paths.map((p) => run(p, { totalTimeoutMs: 1500, maxBytes: 1024 * 1024 })),
    );
    const summary = results.map((o) =>
      "error" in o ? ((o.error as FeedFetchError).kind ?? "parse") : "ok" in o ? o.ok.items.length : "304",
    );
    expect(summary).toEqual(["timeout", "too_large", "parse", 2, "gone", 1, "parse", 2]);
  });
});
