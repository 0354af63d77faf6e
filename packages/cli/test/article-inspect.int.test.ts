import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { FIXTURE_PAGES_DIR } from "@vesti/fulltext";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArticleInspectOptions, inspectArticles } from "../src/commands/article";

// `vesti article inspect` on saved pages (plain and gzipped) and on live URLs from a loopback server.
const dir = fileURLToPath(FIXTURE_PAGES_DIR);
const fixture = (name: string) => join(dir, name);
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/page")
      return void res
        .writeHead(200, { "content-type": "text/html" })
        .end(readFileSync(fixture("sr-latn-wordpress-comments.html")));
    if (req.url === "/pdf")
      return void res.writeHead(200, { "content-type": "application/pdf" }).end("%PDF-1.4");
    return void res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function run(inputs: string[], opts: ArticleInspectOptions = {}) {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString()));
  const errors = await inspectArticles(inputs, opts, out);
  out.end();
  const lines = chunks
    .join("")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { errors, lines };
}

describe("vesti article inspect", () => {
  it("prints one JSON line per input, a bad input as an error line, and goes on", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "vesti-inspect-"));
    const gz = join(tmp, "page.html.gz");
    writeFileSync(gz, gzipSync(readFileSync(fixture("ru-agency-dateline.html"))));
    const { errors, lines } = await run(
      [
        fixture("sr-cyrl-table-layout.html"),
        join(tmp, "missing.html"),
        gz,
        `${base}/page`,
        `${base}/pdf`,
        `${base}/404`,
        fixture("sr-cyrl-gzipped.html.gz"),
      ],
      { allowPrivate: true },
    );
    expect(errors).toBe(3);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatchObject({
      input: fixture("sr-cyrl-table-layout.html"),
      method: "readability",
      lang: "sr",
      status: "ok",
    });
    expect(lines[0]!.title).toMatch(/Русија блокирала/);
    expect(String(lines[0]!.text)).toMatch(/^Русија је у четвртак/);
    expect(lines[1]).toEqual({
      input: join(tmp, "missing.html"),
      error: expect.stringMatching(/cannot read .*ENOENT/),
    });
    expect(lines[2]).toMatchObject({ method: "readability", lang: "ru", status: "ok" });
    expect(String(lines[2]!.text)).toContain("Российские военные специалисты");
    expect(lines[3]).toMatchObject({ input: `${base}/page`, lang: "sr", script: "Latn", status: "ok" });
    expect(lines[4]!.error).toMatch(/^unsupported_type/);
    expect(lines[5]!.error).toMatch(/^gone 404/);
    expect(lines[6]).toMatchObject({ lang: "sr", script: "Cyrl", status: "ok" });
    for (const l of lines) expect(Object.keys(l).slice(0, 1)).toEqual(["input"]);
  });

  it("applies the outlet's options and refuses loopback URLs unless allowed", async () => {
    const sel = await run([fixture("sr-cyrl-outlet-selectors.html")], {
      selector: [".tekst-clanka"],
      exclude: [".izvor"],
    });
    expect(sel.lines[0]).toMatchObject({ method: "selector", status: "ok" });
    const short = await run([fixture("sr-latn-short-brief.html")], { minLength: "5000" });
    expect(short.lines[0]).toMatchObject({ status: "fallback_summary", method: "none" });
    const blocked = await run([`${base}/page`]);
    expect(blocked.errors).toBe(1);
    expect(blocked.lines[0]!.error).toMatch(/^blocked_address/);
  });

  it("refuses a gzip bomb", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "vesti-inspect-"));
    const bomb = join(tmp, "bomb.html.gz");
    writeFileSync(bomb, gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)));
    const { errors, lines } = await run([bomb], { maxBytes: String(1024 * 1024) });
    expect(errors).toBe(1);
    expect(lines[0]!.error).toMatch(/more than 1048576 bytes after decompression/);
  });
});
