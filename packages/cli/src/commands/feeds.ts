import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import {
  DEFAULT_FETCH_OPTIONS,
  FeedFetchError,
  FeedParseError,
  fetchFeed,
  isValidTimeZone,
  type ReadFeedResult,
  readFeed,
  SITEMAP_DEFAULTS,
  selectSitemapChildren,
} from "@vesti/feeds";
import type { Command } from "commander";

interface InspectOptions {
  allowPrivate?: boolean;
  timeZone: string;
  userAgent?: string;
  maxBytes?: string;
  timeout?: string;
  feedUrl?: string;
  follow?: boolean;
  children: string;
  allDates?: boolean;
}

class UsageError extends Error {}

/**
 * `vesti feed inspect <file-or-url>`: the worker's code path (fetchFeed → readFeed) on one feed.
 * stdout: one JSON object per normalised item (JSON lines).
 * stderr: `encoding: <name> (<source>)`, `format: …`, `items: N`, then one `warning: …` line each; for a
 * sitemap index, `children: N` and one `child: <url> <lastmod>` line each (--follow reads the recent ones).
 * Exit 2 with a one-line `vesti feed inspect: …` error when the input is not a usable feed.
 */
async function inspect(target: string, opts: InspectOptions): Promise<void> {
  if (!isValidTimeZone(opts.timeZone)) throw new UsageError(`unknown time zone "${opts.timeZone}"`);
  const fetchedAt = new Date();
  const fetchOpts = {
    allowPrivateNetworks: opts.allowPrivate === true,
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
    // big enough for a sitemap (50 MiB), the largest thing inspect reads
    maxBytes: opts.maxBytes ? Number(opts.maxBytes) : SITEMAP_DEFAULTS.maxBytes,
    ...(opts.timeout ? { totalTimeoutMs: Number(opts.timeout) } : {}),
  };
  let bytes: Uint8Array;
  let contentType: string | null = null;
  let feedUrl: string;
  const isUrl = /^https?:\/\//i.test(target);
  if (isUrl) {
    const res = await fetchFeed(target, fetchOpts);
    if (res.kind === "not-modified")
      throw new UsageError("server answered 304 Not Modified to an unconditional GET");
    bytes = res.body;
    contentType = res.contentType;
    feedUrl = res.finalUrl;
    process.stderr.write(
      `fetched: ${res.status} ${res.finalUrl} (${res.body.length} bytes, sha256 ${res.contentHash})\n`,
    );
  } else {
    // `pnpm vesti` may run with another cwd; resolve relative paths against where the user typed it.
    const base = process.env["INIT_CWD"] ?? process.cwd();
    const path = isAbsolute(target) ? target : resolve(base, target);
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    feedUrl = opts.feedUrl ?? new URL(`file://${path}`).href;
  }
  const sitemap = opts.allDates ? { maxItemAgeDays: Number.POSITIVE_INFINITY } : {};
  const result = await readFeed(bytes, { contentType, feedUrl, timeZone: opts.timeZone, fetchedAt, sitemap });
  report(result);
  if (result.sitemapChildren && opts.follow) {
    if (!isUrl) throw new UsageError("--follow needs a URL (the children are fetched)");
    // The worker's selection: recent children, newest first, never the index itself.
    const { selected, warnings } = selectSitemapChildren(result.sitemapChildren, {
      now: fetchedAt,
      maxChildren: Number(opts.children),
      maxAgeDays: 3,
      exclude: new Set([target, feedUrl]),
    });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    for (const child of selected) {
      process.stderr.write(`--- ${child.url}\n`);
      const res = await fetchFeed(child.url, fetchOpts);
      if (res.kind === "not-modified") continue;
      report(
        await readFeed(res.body, {
          contentType: res.contentType,
          feedUrl: res.finalUrl,
          timeZone: opts.timeZone,
          fetchedAt,
        }),
      );
    }
  }
}

function report(result: ReadFeedResult): void {
  process.stderr.write(`encoding: ${result.encoding} (${result.encodingSource})\n`);
  process.stderr.write(
    `format: ${result.meta.format}; title: ${result.meta.title ?? "-"}; language: ${result.meta.language ?? "-"}\n`,
  );
  process.stderr.write(`items: ${result.items.length}\n`);
  if (result.sitemapChildren) {
    process.stderr.write(`children: ${result.sitemapChildren.length}\n`);
    for (const c of result.sitemapChildren)
      process.stderr.write(`child: ${c.url} ${c.lastmod?.toISOString() ?? "-"}\n`);
  }
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const item of result.items) process.stdout.write(`${JSON.stringify(item)}\n`);
}

export function registerFeedCommands(program: Command): void {
  const feed = program.command("feed").description("Feed tools (fetch, decode, parse, normalise)");
  feed
    .command("inspect")
    .argument("<file-or-url>", "a feed or sitemap (file or http(s) URL); content decides how it is read")
    .description(
      "Print normalised items as JSON lines on stdout; encoding, counts and warnings on stderr. Exit 2 on unusable input.",
    )
    .option("--allow-private", "allow fetching from private/loopback addresses", false)
    .option("--time-zone <iana>", "outlet time zone for dates without a zone", "Europe/Belgrade")
    .option("--feed-url <url>", "base URL for relative links when reading a file")
    .option("--user-agent <ua>", "User-Agent header")
    .option(
      "--max-bytes <n>",
      `maximum body size after decompression (default ${SITEMAP_DEFAULTS.maxBytes}, a sitemap's limit)`,
    )
    .option("--timeout <ms>", `total timeout in ms (default ${DEFAULT_FETCH_OPTIONS.totalTimeoutMs})`)
    .option("--follow", "a sitemap index (URL): also read its recent children, as the worker would")
    .option("--children <n>", "children --follow reads at most", "5")
    .option("--all-dates", "sitemaps: also entries older than 7 days (the worker skips them)")
    .action(async (target: string, opts: InspectOptions) => {
      try {
        await inspect(target, opts);
      } catch (e) {
        if (e instanceof FeedParseError || e instanceof FeedFetchError || e instanceof UsageError) {
          const kind = e instanceof FeedFetchError ? ` [${e.kind}${e.status ? ` ${e.status}` : ""}]` : "";
          process.stderr.write(`vesti feed inspect: ${e.message}${kind}\n`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
    });
}
